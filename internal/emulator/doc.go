// Package emulator is a local Twilio REST API, driven by the catalog that
// is generated from Twilio's OpenAPI description (internal/catalog).
//
// A Server is an http.Handler. It routes on the first label of the Host
// header ("sync" for sync.twilio.com, "serverless-upload", ...) and the
// path, matched against every list and instance template of the catalog
// (a trie built once). twilio-go works unchanged with the rewriting
// transport of internal/twiliohttp; tests use package emulatortest.
//
// What it does:
//   - Basic auth with an account SID and auth token, an API key SID and
//     secret, or a sub-account SID with its own or its parent's token.
//     Anything else is 401 with Twilio error 20003.
//   - Stateful CRUD for every catalog resource: POST to a list creates
//     (form-encoded, or JSON where the catalog says so), GET/POST/DELETE on
//     an instance fetch, update (merge) and delete (children go too). Lists
//     page with Twilio's envelopes: {"<key>": [...], "meta": {...}} for the
//     newer APIs, uri/first_page_uri/next_page_uri/start/end for the
//     2010-04-01 API. PageSize (max 1000), Page and PageToken are honoured;
//     list filters that name a property (FriendlyName, PhoneNumber...)
//     filter by equality.
//   - Responses carry every property of the catalog schema, null when
//     unknown; request parameters map onto properties by name; SIDs are the
//     catalog prefix + 32 hex digits; dates use each property's format;
//     url/uri and links/subresource_uris point at real paths. Sync,
//     Serverless and Conversations instances may be addressed by
//     unique_name. Parents in a path must exist (404 otherwise).
//   - Errors are Twilio's {"code","message","more_info","status"}: 20003
//     (401), 20404 (404), 20001 for missing, mistyped or invalid enum
//     parameters (400, always), 20001 for parameters the operation does not
//     define (400, strict mode: the default; Options.Lenient turns it off),
//     54301 for a taken unique_name (409), 20429 (429, injected).
//   - Inspection: Requests, ResetRequests, Inventory, Get, Reset, and the
//     same over HTTP under /__emulator/ (see serveAdmin).
package emulator
