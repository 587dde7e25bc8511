// Package emulator is a local Twilio REST API, driven by the catalog that
// is generated from Twilio's OpenAPI description (internal/catalog).
//
// A Server is an http.Handler. It routes on the first label of the Host
// header ("sync" for sync.twilio.com, "serverless-upload", ...) and the
// path, matched against every list and instance template of the catalog
// (a trie built once in New). twilio-go works unchanged with the rewriting
// transport of internal/twilio; tests use package emulatortest, other
// processes the twilio-emulator command.
//
// # Requests
//
// Basic auth: an account SID with its auth token; an API key SID (SK...)
// with its secret; a sub-account SID with its own token or with its
// parent's token (the parent acting on the sub-account). Anything else,
// and any credential of a closed account, is 401 with error 20003.
//
// Every catalog resource is stateful: POST to a list creates (form-encoded,
// or JSON where the catalog says Body "json"), GET/POST/DELETE on an
// instance fetch, update (merge) and delete; deleting a parent deletes
// everything below it. Parents named in a path must exist (404, 20404).
// Sync, Serverless and Conversations instances may be addressed by
// unique_name; a taken unique_name is 409 with 54301.
//
// Parameters are checked against the operation: missing required ones,
// values of the wrong type and values outside an enum are 400 with 20001
// and a message naming the parameter, always. A parameter the operation
// does not define is accepted and dropped, as Twilio does, and named in
// the request log (Request.Ignored, and a line on Options.IgnoredLog);
// with Options.Strict (our own tests) it is 400, naming the parameter and
// the operation ID.
//
// Responses carry every property of the catalog schema, null when unknown.
// Parameters map onto properties by name (FriendlyName -> friendly_name),
// typed like the property (booleans, integers, arrays, JSON objects).
// SIDs are the catalog prefix + 32 hex digits (seeded by Options.Seed);
// account_sid and parent SIDs come from the path; date_created and
// date_updated use each property's format (ISO 8601 or RFC 2822); url (or
// the 2010 API's uri), links and subresource_uris point at real paths.
//
// Lists page with Twilio's envelopes: {"<key>": [...], "meta": {page,
// page_size, first_page_url, previous_page_url, url, next_page_url, key}}
// for the newer APIs; uri, first_page_uri, next_page_uri,
// previous_page_uri, page, page_size, start and end for 2010-04-01.
// PageSize (default 50, at most the list's documented maximum: 1000 for
// most, 100 for Sync's; strict mode refuses more, the default gives the
// largest page), Page and PageToken are honoured; list
// parameters that name a property (FriendlyName, PhoneNumber, Status...)
// filter by equality, ignoring case; PhoneNumber matches a part of the
// number, with * for any digit, as Twilio documents. Items are listed
// oldest first.
//
// # Settings objects
//
// Objects Twilio keeps once per account or parent and only lets you fetch
// and update (Conversations' account configuration, a Conversations
// service's configuration, video recording settings, a number's inbound
// processing region...) exist before anyone writes them: a fetch answers
// Twilio's documented defaults (settingsDefaults in settings.go), an update
// merges into them, and they go with their parent.
//
// # TaskRouter
//
// A new Workspace holds the Activities Twilio creates in every one:
// Offline and Unavailable (available false) and Available (true); Offline
// is its default_activity and timeout_activity.
//
// # Accounts
//
// The 2010 Accounts API creates sub-accounts (SID and auth_token in the
// response), at most Options.MaxSubaccounts (1000 by default) open ones
// per main account (then 400, 21480); sub-accounts cannot create any (400,
// 21101). Status=closed (by the parent) closes one for good: its
// credentials and API keys stop working and its resources are gone. A
// main account's credentials act on its sub-accounts' 2010 paths
// (/2010-04-01/Accounts/{SubSid}/...). Keys created through
// /2010-04-01/Accounts/{Sid}/Keys.json authenticate until deleted; their
// secret is in the create response only. Status=suspended (by the
// parent) suspends one: its own credentials get 401 with error 20005
// (Account not active) until Status=active; the parent still acts on it.
//
// # Phone numbers
//
// AvailablePhoneNumbers/{Country}/{Local|Mobile|TollFree}.json search a
// fixed inventory, the same every run, in ranges set aside for fiction (US
// local +1 415/510/212 555-01xx, US toll-free +1 800 555-01xx, CA +1 604,
// GB local and mobile, AU mobile); a type not sold in a country is 404
// (US Mobile). AreaCode, Contains (at least two of digits, * for any one
// digit, letters as keypad digits; a leading + anchors it at the start)
// and SmsEnabled, MmsEnabled, VoiceEnabled filter it. A number any open
// account holds is not offered, and buying it (or Twilio's test number
// +15005550000) is 400, 21422; AreaCode without PhoneNumber buys the first
// local number of that area code (none: 400, 21452). A number outside the
// inventory that nobody holds is sold, as Twilio's test credentials sell
// their magic numbers. The accounts SafeList (/v1/SafeList/Numbers) adds
// by POST and reads and removes by the PhoneNumber query (404 when the
// number is not on it).
//
// # Serverless
//
// serverless-upload.twilio.com takes multipart uploads of Function and
// Asset Versions (POST .../Functions/{Sid}/Versions or
// .../Assets/{Sid}/Versions with fields Path and Visibility and the file
// part Content); a Function Version's content is served by its Content
// endpoint. A Build (FunctionVersions, AssetVersions, Dependencies as a
// JSON array string, Runtime) reads "building" until Options.BuildDelay has
// passed on the Options.Now clock, then "completed" — or "failed" when a
// function's content contains FailBuildMarker or Options.FailBuild returns
// true. Only completed builds can be deployed; a Deployment sets its
// Environment's build_sid. Environments get
// domain_name "<service unique name>-<4 digits>[-<domain suffix>].twil.io".
//
// # Faults and inspection
//
// Options.Faults (or SetFaults, or PUT /__emulator/faults) inject, per API
// request and drawn from the seeded generator: a rate of 429s (20429, with
// Retry-After), a rate of 503s, a rate of dropped connections, and a fixed
// added latency. Requests, ResetRequests, Inventory, Get and Reset inspect
// the state. The same is served over HTTP for other processes, never
// faulted and without authentication (bind to loopback):
//
//	GET    /__emulator/requests              the request log (JSON []Request)
//	DELETE /__emulator/requests              empty it
//	GET    /__emulator/inventory?account=AC  an account's resources ([]Object)
//	GET    /__emulator/faults                the injected faults
//	PUT    /__emulator/faults                replace them: {"rate_limit":0.1,
//	                                         "retry_after":1e9,"server_error":0,
//	                                         "drop":0,"lose_answer":0,
//	                                         "latency":5e7} (ns)
//	POST   /__emulator/reset                 empty the log and every store
//	GET    /__emulator/stats                 resources and paths served
package emulator
