exports.handler = (context, event, callback) => {
  const twiml = new Twilio.twiml.VoiceResponse();
  twiml.say(`You called ${context.CALLER_ID}.`);
  callback(null, twiml);
};
