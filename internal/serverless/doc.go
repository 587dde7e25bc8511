// Package serverless deploys Twilio Functions and Assets from a folder, as
// one Pulumi resource (twilio:serverless:Deployment), uploading only what
// changed.
//
// It is pure apart from reading the project folder: it imports neither
// twilio-go nor Pulumi. Twilio is reached through the narrow API interface
// (adapter: package deployment on the provider's configured API, which
// also adapts the lifecycle to Pulumi).
//
// # Folder conventions
//
// Scan follows the Serverless Toolkit: Functions are functions/**/*.js,
// Assets assets/**; "x.protected.ext" is protected, "x.private.ext"
// private, anything else public; the URL path drops the suffix (and ".js"
// for Functions). .env holds variables (ACCOUNT_SID and AUTH_TOKEN are not
// uploaded), package.json "dependencies" the build's dependencies. Scan
// fails, naming the file, on a file over 10 MB, a visibility-like name
// segment that is not exactly the suffix (a.Private.js, a.private.min.js,
// a.public.js), two files with one URL path, and a symbolic link leaving
// the folder; and on more Functions or Assets than a build may hold.
//
// # Planning
//
// The manifest maps URL path -> (kind, visibility, sha256). MakePlan
// compares it with the previous State (manifest plus the Function/Asset and
// Version SIDs per path): unchanged files reuse their Version SID, added
// and changed ones (content or visibility) are uploaded, removed ones are
// left out of the next build. No file, runtime or dependency change means
// no build; no build and no variable change means no deployment and no
// request at all.
//
// # Deploying and destroying
//
// Deployer.Deploy: service (found by unique name or created) -> environment
// (found by domain suffix or created with the Toolkit's unique name,
// "<suffix>-environment" or "production") -> one Function or Asset per path
// (found by friendly name = path, as the Toolkit does, or created) ->
// version uploads (multipart, on serverless-upload.twilio.com, bounded
// parallelism) -> build (polled with backoff until completed; failed is a
// *BuildError naming the files of this build) -> variables -> deployment.
// Variables are set before the deployment so that new code starts with the
// variables it expects; values are never logged.
//
// Functions and Assets belong to the service and are shared by its
// environments (one per branch), so a removed file is only dropped from
// the build. Destroy deletes the environment, then the service when no
// environment is left in it: destroying one branch leaves the others, and
// the last one takes the service (with its Functions and Assets) along.
// Versions no build uses are removed by Twilio's retention policy.
package serverless
