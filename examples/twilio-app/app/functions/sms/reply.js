// Public: the phone number's SMS webhook (Twilio signs the request).
const { lastDigits, hoursLine } = require(Runtime.getFunctions()['lib/format'].path);

exports.handler = async function (context, event, callback) {
  const client = context.getTwilioClient();
  const items = client.sync.v1.services(context.SYNC_SERVICE_SID).syncMaps(context.SYNC_MAP_SID).syncMapItems;
  const key = event.From;
  try {
    const item = await items(key).fetch();
    await items(key).update({ data: { ...item.data, texts: (item.data.texts || 0) + 1 } });
  } catch (err) {
    if (err.status !== 404) return callback(err);
    await items.create({ key, data: { texts: 1 } });
  }

  const twiml = new Twilio.twiml.MessagingResponse();
  twiml.message(`${context.GREETING} We got your text from ...${lastDigits(event.From)}. ${hoursLine()}`);
  return callback(null, twiml);
};
