exports.handler = (context, event, callback) => callback(null, { ok: true });
