exports.handler = (context, event, callback) => {
  const { lookup } = require(Runtime.getFunctions()['helper'].path);
  const twiml = new Twilio.twiml.MessagingResponse();
  twiml.message(lookup(event.Body));
  callback(null, twiml);
};
