// Package toolkittest holds no code: its test runs Twilio's own Serverless
// Toolkit (npm twilio-run, on @twilio-labs/serverless-api, pinned in
// testdata/npm) against the emulator in its default mode. The toolkit is a
// client nobody here wrote, so what it sends and expects checks the
// emulator against Twilio's behaviour rather than against our provider.
//
// The toolkit hard-codes https://serverless.twilio.com and
// serverless-upload.twilio.com. The test reaches the emulator without
// touching the machine's hosts file: a Node preload (testdata/preload.cjs,
// `node -r`) resolves *.twilio.com to 127.0.0.1 and sends port 443 to a
// TLS proxy on loopback, which holds a certificate for *.twilio.com from a
// CA made for the test (given to Node through NODE_EXTRA_CA_CERTS) and
// forwards to the emulator with the Host header kept.
//
// npm ci installs the pinned packages once into the repository's .cache/
// (keyed by the lock file's digest); later runs reuse them. Without node
// or npm on PATH the test is skipped and says so.
package toolkittest
