exports.handler = (context, event, callback) => {
  const twiml = new Twilio.twiml.MessagingResponse();
  twiml.message('Hello from the toolkit test');
  callback(null, twiml);
};
