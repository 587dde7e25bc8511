// Protected: callable only with a valid X-Twilio-Signature (another Twilio
// webhook, or a Studio flow's Run Function widget). Counts one visit of a
// caller in the Sync map and returns the new count.
exports.handler = async function (context, event, callback) {
  const items = context.getTwilioClient().sync.v1
    .services(context.SYNC_SERVICE_SID)
    .syncMaps(context.SYNC_MAP_SID).syncMapItems;
  const key = event.From || 'anonymous';
  let calls = 1;
  try {
    const item = await items(key).fetch();
    calls = (item.data.calls || 0) + 1;
    await items(key).update({ data: { ...item.data, calls } });
  } catch (err) {
    if (err.status !== 404) return callback(err);
    await items.create({ key, data: { calls } });
  }
  return callback(null, { caller: key, calls });
};
