// Package provider is the Twilio Pulumi provider (pulumi-resource-twilio):
// a generic, catalog-driven implementation of the Pulumi provider protocol
// on pulumi-go-provider's lower layer (p.Provider with property.Map), over
// package twilio (the one Twilio adapter, on twilio-go).
//
// # Resources
//
// Every createable resource of the catalog (internal/catalog, generated
// from twilio-oai) is a resource type, except the actions and runtime data
// listed with reasons in spec.Excluded. Tokens are "twilio:<Module>:<Type>"
// straight from the catalog: twilio:sync/v1:Service,
// twilio:sync/v1:ServiceSyncMap, twilio:api/v2010:IncomingPhoneNumber.
// Hand-written types live in the "index" module: twilio:index:Subaccount,
// twilio:index:AdoptedResource and twilio:index:PhoneNumber (see Resource
// to add more); twilio:accounts/v1:Safelist stands in for an excluded
// catalog type under its token.
//
// A provider serves exactly the resources of Options.Resources, each under
// its Token, and refuses a token given twice: CatalogResources gives the
// catalog's; Subaccount, Adopt, PhoneNumber and Safelist are this
// package's hand-written ones. The
// plugin's list lives in cmd/pulumi-resource-twilio, which also registers
// the Serverless deployment (internal/serverless/deployment, built on this
// package).
//
// Inputs are the create parameters plus the update-only ones, camelCased
// (FriendlyName and friendly_name both give friendlyName), and the parent
// SIDs of the URL (serviceSid); outputs are the response fields, camelCased.
// A Twilio field named id or urn is renamed twilioId or twilioUrn.
//
// # Semantics
//
//   - Create is one POST to the list path; the response fills the outputs.
//     Update-only inputs cost one more POST right after.
//   - Update sends only the changed parameters (plus those Twilio requires
//     on every update). A removed input is sent empty, which clears it.
//   - A change to a parent SID, or to a parameter Twilio's update does not
//     take, replaces the resource; the diff marks it update&replace and the
//     log says why. Replacement deletes first when the new resource would
//     keep a name that must be unique (uniqueName, a map item's key).
//   - Read is a GET of the instance; a 404 means the resource is gone.
//     Refresh copies the response fields back into the inputs they reflect,
//     so drift shows as a diff on the next up. Resources Twilio cannot read
//     keep their recorded state.
//   - Delete is a DELETE; a 404 counts as deleted. Resources Twilio cannot
//     delete are only removed from the stack (and say so in a warning).
//   - Preview makes no requests: Create and Update return unknown outputs
//     when req.DryRun is set; Check and Diff never call Twilio.
//
// # IDs
//
// A resource's ID is its parents' SIDs and its own ID joined by "/", each
// path-escaped, without the 2010 API's account: "IS.../MP..." for a Sync
// map, "IS.../MP.../key" for a map item, "PN..." for a phone number
// ("AC.../PN..." imports from another account). `pulumi import` takes the
// same form.
//
// # Secrets
//
// A field or parameter is a secret when a word of its name is token,
// secret, password or credentials, or it ends in private_key, api_key,
// secret_key or customer_key; SIDs (credential_sid), types (token_type) and
// flags (include_credentials) are not (spec.Sensitive).
//
// # Faults
//
// Requests are retried (at most 6 attempts, exponential backoff with jitter,
// Retry-After honoured up to 30s) on 429, 502, 503 and 504, and on other
// 5xx and dropped connections unless they are creates. A create whose
// connection drops is not repeated blindly: the provider looks for the
// resource by the ID the program chose or by uniqueName, and only creates
// again when it is not there; without either it fails and says what to
// check. Twilio errors surface with their code, message and more_info link.
//
// # Configuration
//
// See ConfigKeys: accountSid, authToken, apiKey, apiSecret, subaccountSid,
// region, edge, apiUrl, each with a TWILIO_* environment variable.
package provider
