// Loaded with `node -r` before Twilio's Serverless Toolkit. The toolkit
// hard-codes https://serverless.twilio.com and serverless-upload.twilio.com;
// this sends those connections to the test's TLS proxy on loopback without
// touching the machine's hosts file:
//   - dns.lookup answers 127.0.0.1 for twilio.com and its subdomains, and
//     fails every other name except localhost, so the toolkit reaches
//     nothing outside the test (no update checks, no telemetry);
//   - tls.connect to a twilio.com host on port 443 goes to
//     TOOLKIT_PROXY_PORT instead (binding 443 would need privileges and
//     collide between concurrent tests).
// The TLS handshake still checks the proxy's certificate for the real
// name (servername stays), against the test CA in NODE_EXTRA_CA_CERTS.
'use strict';
const dns = require('dns');
const tls = require('tls');

const port = Number(process.env.TOOLKIT_PROXY_PORT);
if (!port) {
  throw new Error('preload.cjs: TOOLKIT_PROXY_PORT is not set');
}
const twilio = (host) => typeof host === 'string' && /(^|\.)twilio\.com\.?$/i.test(host);

const lookup = dns.lookup;
dns.lookup = function (hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = {};
  }
  if (typeof options === 'number') {
    options = { family: options };
  }
  if (twilio(hostname)) {
    if (options && options.all) {
      return process.nextTick(callback, null, [{ address: '127.0.0.1', family: 4 }]);
    }
    return process.nextTick(callback, null, '127.0.0.1', 4);
  }
  if (hostname === 'localhost' || hostname === '127.0.0.1') {
    return lookup.call(this, hostname, options, callback);
  }
  const err = new Error(`getaddrinfo ENOTFOUND ${hostname} (blocked by the emulator test's preload)`);
  err.code = 'ENOTFOUND';
  err.hostname = hostname;
  return process.nextTick(callback, err);
};

const connect = tls.connect;
tls.connect = function (...args) {
  const opts = args[0];
  if (opts && typeof opts === 'object' && twilio(opts.servername || opts.host) && Number(opts.port || 443) === 443) {
    args[0] = { ...opts, port, servername: opts.servername || opts.host };
  }
  return connect.apply(this, args);
};
