// Package report is the pure model of one Pulumi run and its Markdown
// rendering, shared by the pull request comment and the job summary.
//
// The model is plain data: the Action (or the engine adapter in
// report/engine) fills a Report, and Markdown renders it. Nothing here
// imports go-github, twilio-go or the Pulumi SDK.
//
//	rep := collector.Report()           // report/engine builds it from engine events
//	md := report.Markdown(rep, report.Options{
//		Marker:  ghcomment.Marker(path, stack), // optional, for the sticky comment
//		Secrets: rawCredentialValues,           // masked out of every string
//	})
//
// Markdown's guarantees:
//   - The result never exceeds Options.Limit bytes (default 65536, GitHub's
//     comment limit in characters; bytes are never fewer than characters).
//     When it would, the raw log is trimmed first, then stack outputs, then
//     table rows; the header, the counts and the error stay, and a note says
//     what was cut and links to Report.RunURL.
//   - Every value that comes from the program, the engine or the user (names,
//     types, property values, outputs, errors, the log) is rendered inside a
//     code span or a fenced code block sized to its content, so it cannot
//     inject HTML, images, links, @mentions or table cells, nor close the
//     log's <details> or a code fence. Control and bidi characters are shown
//     as escapes.
//   - Values marked Secret render as [secret]; raw strings in
//     Options.Secrets are replaced by *** everywhere before rendering.
//   - Resources are sorted (replace, delete, create, update, others; then by
//     URN) so that the same run renders the same bytes, which lets the
//     sticky comment skip unchanged bodies.
package report

// Report describes one Pulumi operation on one stack.
type Report struct {
	Repo        string // owner/name
	ProgramPath string // folder of Pulumi.yaml, relative to the repository root
	Stack       string
	Branch      string
	Environment string // the Twilio environment: the secret prefix name (PRODUCTION, FEATURE_NEW_IVR)
	Commit      string // full SHA; shortened when rendered

	Operation string // OpPreview, OpUp, OpRefresh, OpDestroy, OpDrift
	Result    string // ResultSucceeded, ResultFailed, ResultCancelled, ResultNoChanges

	// Counts are the resources the run changed (or would change, for a
	// preview), by operation (create, update, replace, delete, same,
	// import, ...): the program's resources only, never the engine's
	// pulumi:pulumi:Stack or its providers, each counted once, when its
	// step ended without failing. Nil for a report built by hand: the
	// rendering then counts Resources.
	Counts map[string]int

	Resources []Resource // resources the operation touches (unchanged ones are only counted)
	Outputs   []Output   // stack outputs
	Error     string     // the engine's error, in full
	Log       string     // the raw engine log; trimmed first when the body is too big
	RunURL    string     // link to the workflow run, shown when something was cut
}

// Changes are the non-zero Counts of every operation but same: the
// `changes` output, the drift a drift check found, and what the comment's
// header counts.
func (r *Report) Changes() map[string]int {
	out := map[string]int{}
	for op, n := range r.Counts {
		if op != "same" && n > 0 {
			out[op] = n
		}
	}
	return out
}

// Resource is one resource's step.
type Resource struct {
	Op             string // create, update, replace, delete, read, import, refresh, same, ...
	Type           string // type token, e.g. twilio:sync/v1:Service
	Name           string // logical name
	URN            string
	Diffs          []PropertyDiff
	ReplaceReasons []string // property paths that forced the replacement
	Failed         bool     // the step failed (the cause is in Report.Error)
}

// PropertyDiff is one changed property. Old and New are display strings
// (JSON for objects and arrays) and are ignored when Secret is set.
type PropertyDiff struct {
	Path     string // e.g. friendlyName, webhooks[0].url
	Old, New string
	Secret   bool   // either side is a Pulumi secret: values are never shown
	Kind     string // KindAdd, KindUpdate, KindDelete
}

// Output is one stack output.
type Output struct {
	Name   string
	Value  string // display string (JSON for objects and arrays)
	Secret bool
}

// Operations.
const (
	OpPreview = "preview"
	OpUp      = "up"
	OpRefresh = "refresh"
	OpDestroy = "destroy"
	OpDrift   = "drift"
)

// Results.
const (
	ResultSucceeded = "succeeded"
	ResultFailed    = "failed"
	ResultCancelled = "cancelled"
	ResultNoChanges = "no-changes"
)

// Property diff kinds.
const (
	KindAdd    = "add"
	KindUpdate = "update"
	KindDelete = "delete"
)

// DefaultLimit is GitHub's maximum comment body, in characters.
const DefaultLimit = 65536

// Options tune Markdown.
type Options struct {
	// Limit is the maximum size of the result in bytes; 0 means DefaultLimit.
	Limit int
	// Marker, when set, is written as the first line (the hidden HTML
	// comment that identifies a sticky comment). It must be a single-line
	// HTML comment; anything else is dropped.
	Marker string
	// Secrets are raw values (credentials) to mask in every string.
	Secrets []string
}
