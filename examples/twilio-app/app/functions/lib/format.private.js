// Private: only other Functions can load it, through Runtime.getFunctions().
exports.lastDigits = (phoneNumber) => String(phoneNumber || '').slice(-4);

exports.hoursLine = () => {
  // A private Asset: not served on the domain, read from the Function.
  const hours = JSON.parse(Runtime.getAssets()['/hours.json'].open());
  return `We are open ${hours.open}.`;
};
