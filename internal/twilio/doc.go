// Package twilio is the one adapter between this repository and Twilio's
// REST API, and the only package that imports twilio-go. It owns:
//
//   - the way there: NewTransport sends *.twilio.com requests to another
//     base URL (the emulator), keeping the product host in the Host header;
//     Options.Edge and Region pick Twilio's regional hosts;
//   - authentication: the API key and secret when set, else the account
//     SID and auth token;
//   - retries (Client and Check; not Parent, whose create must not
//     repeat): 429 honouring Retry-After, 502/503/504 for every request;
//     other 5xx and dropped connections only for requests not marked
//     Create, whose dropped connection is ErrUnknownOutcome; no wait that
//     would outlast the request's deadline;
//   - context: the caller's ctx reaches the HTTP request of every call
//     (twilio-go takes none, so a per-call transport carries it);
//   - Twilio's error type: APIError, decoded from twilio-go's two error
//     types and from raw bodies (ResponseError) in this package alone;
//     NotFound tells a 404;
//   - paging: Items walks a list in either paging style with one page size
//     (PageSize) and one bound (MaxPages);
//   - the credential check (Check; RejectedError for refused credentials,
//     UnavailableError when Twilio throttles or fails) and the parent
//     account of pull request environments (Parent, implementing prenv.Parent), both
//     on twilio-go's 2010 API alone, the one twilio-go product the action
//     links.
//
// The provider (internal/provider, and through it the Serverless
// deployment) sends its requests with Client and pages with Items; the
// action checks credentials with Check and opens the parent with
// NewParent; emulatortest (the test support of the emulator) uses
// NewTransport. The emulator itself does not import this package.
//
// The context-aware wait shared with pure packages is in the subpackage
// wait, which imports nothing.
package twilio
