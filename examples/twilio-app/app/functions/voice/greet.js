// Public: the phone number's voice webhook.
exports.handler = function (context, event, callback) {
  const twiml = new Twilio.twiml.VoiceResponse();
  twiml.say({ voice: 'Polly.Joanna' }, context.GREETING);
  const gather = twiml.gather({ numDigits: 1, action: '/voice/greet', method: 'POST' });
  gather.say('Press 1 to hear our opening hours.');
  if (event.Digits === '1') {
    twiml.say(`We are open ${context.OFFICE_HOURS}.`);
  }
  return callback(null, twiml);
};
