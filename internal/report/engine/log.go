package engine

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/sethvargo/go-githubactions"

	"github.com/tdeploy/twilio-deploy-action/internal/report"
)

// LiveLog writes the engine's events to the job log as they arrive: one
// line per resource step inside a ::group:: (collapsed by the runner), the
// program's messages, and each error diagnostic as an ::error annotation
// after the group, titled with the resource it is about, so it shows on
// the run's summary page. It keeps a copy of the lines (without workflow
// commands) for the report's raw log. It is the second consumer of the
// events beside the Collector; its Event is a stack.Sink. Plain lines go
// to w; workflow commands go through cmds, which escapes them (once).
type LiveLog struct {
	mu     sync.Mutex
	w      io.Writer
	cmds   Commands
	title  string
	open   bool
	errs   []annotation
	warns  []annotation
	nErrs  int
	copy   strings.Builder
	maxLog int
	// ambientSeen: the "using pulumi-resource-x from $PATH" notice was
	// shown. Shared by the logs of one run (an up's preview and the up),
	// so the run shows it once.
	ambientSeen *atomic.Bool
	unreached   []string // planned resources the up stopped before (notReached)
	// counts, when set, are what the summary line counts: the report's
	// (the program's resources only), so the log agrees with the header and
	// the changes output. The engine's own summary counts its Stack too.
	counts func() map[string]int
}

// ambientPlugin matches the warning the CLI writes each time it loads a
// plugin from $PATH (4 to 8 times a run), which is where the image keeps
// our provider on purpose. No setting silences it in Pulumi v3.259:
// workspace.getPluginInfoAndPath (sdk/go/common/workspace/plugins.go)
// warns whenever the $PATH copy is not the one bundled next to the CLI,
// and only Pulumi's own language hosts count as bundled.
// PULUMI_IGNORE_AMBIENT_PLUGINS skips $PATH altogether (the provider
// would have to be in the plugin cache), and a `plugins:` entry would
// need a machine-specific path in the user's Pulumi.yaml. So it is shown
// once, as a plain line in the log group, and never as an annotation.
var ambientPlugin = regexp.MustCompile(`^using pulumi-(resource|language|analyzer|converter)-\S+ from \$PATH at `)

// annotation is one ::error or ::warning: where is the resource it is
// about ("" for the whole run).
type annotation struct{ where, msg string }

// Commands are the workflow commands a LiveLog writes; Workflow gives
// them of go-githubactions.
type Commands interface {
	Group(title string)
	EndGroup()
	// Annotate writes an annotation: kind is "error" or "warning".
	Annotate(kind, title, msg string)
}

// Workflow is Commands through go-githubactions, which escapes each
// command's message and properties.
func Workflow(gha *githubactions.Action) Commands { return workflow{gha} }

type workflow struct{ *githubactions.Action }

func (w workflow) Annotate(kind, title, msg string) {
	w.IssueCommand(&githubactions.Command{Name: kind, Message: msg, Properties: githubactions.CommandProperties{"title": title}})
}

// NewLiveLog returns the log of one operation, its group titled title.
func NewLiveLog(w io.Writer, cmds Commands, title string) *LiveLog {
	return &LiveLog{w: w, cmds: cmds, title: title, maxLog: 256 << 10, ambientSeen: new(atomic.Bool)}
}

// CountWith makes the summary line count what counts returns (the
// report's counts) instead of the engine's summary.
func (l *LiveLog) CountWith(counts func() map[string]int) { l.counts = counts }

// ShareAmbientNotice makes l and other show the ambient-plugin notice
// once between them (an up's preview and the up).
func (l *LiveLog) ShareAmbientNotice(other *LiveLog) { l.ambientSeen = other.ambientSeen }

func (l *LiveLog) line(s string) {
	if !l.open {
		l.cmds.Group(l.title)
		l.open = true
	}
	// A line that starts with :: would be read as a workflow command.
	if strings.HasPrefix(s, "::") {
		s = " " + s
	}
	fmt.Fprintln(l.w, s)
	if l.copy.Len() < l.maxLog {
		l.copy.WriteString(s)
		l.copy.WriteByte('\n')
	}
}

// Event is a stack.Sink.
func (l *LiveLog) Event(e events.EngineEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e.Error != nil {
		l.line("event stream: " + e.Error.Error())
		return
	}
	ev := e.EngineEvent
	switch {
	case ev.ResourcePreEvent != nil:
		md := ev.ResourcePreEvent.Metadata
		if md.Op == "same" || md.Type == "pulumi:pulumi:Stack" || strings.HasPrefix(md.Type, "pulumi:providers:") {
			return
		}
		line := fmt.Sprintf("%-8s %s %s", md.Op, md.Type, urnName(md.URN))
		if len(md.Diffs) > 0 {
			line += " [" + strings.Join(md.Diffs, ", ") + "]"
		}
		l.line(line)
	case ev.ResOpFailedEvent != nil:
		md := ev.ResOpFailedEvent.Metadata
		l.line(fmt.Sprintf("failed   %s %s", md.Type, urnName(md.URN)))
	case ev.DiagnosticEvent != nil:
		d := ev.DiagnosticEvent
		msg := strings.TrimRight(report.StripColor(d.Message), "\n")
		if msg == "" || d.Severity == "debug" {
			return
		}
		where, prefix := resourceOf(d.URN), ""
		if d.URN != "" {
			prefix = urnName(d.URN) + ": "
		}
		if _, ok := notReached(msg); ok && d.Severity == "error" {
			l.unreached = append(l.unreached, urnName(d.URN))
			return
		}
		switch d.Severity {
		case "error":
			l.errs = append(l.errs, annotation{where, msg})
			l.line("error: " + prefix + msg)
		case "warning":
			if ambientPlugin.MatchString(msg) {
				if l.ambientSeen.CompareAndSwap(false, true) {
					l.line(msg)
				}
				return
			}
			l.warns = append(l.warns, annotation{where, msg})
			l.line("warning: " + prefix + msg)
		default:
			l.line(prefix + msg)
		}
	case ev.ErrorEvent != nil:
		msg := strings.TrimRight(report.StripColor(ev.ErrorEvent.Error), "\n")
		l.errs = append(l.errs, annotation{"", msg})
		l.line("error: " + msg)
	case ev.SummaryEvent != nil:
		l.flushUnreached()
		s := ev.SummaryEvent
		counts := map[string]int{}
		for op, n := range s.ResourceChanges {
			counts[string(op)] = n
		}
		if l.counts != nil {
			counts = l.counts()
		}
		var parts []string
		for _, op := range []apitype.OpType{apitype.OpCreate, apitype.OpUpdate, apitype.OpReplace, apitype.OpDelete, apitype.OpSame} {
			if n := counts[string(op)]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, op))
			}
		}
		if len(parts) == 0 {
			parts = []string{"no resources"}
		}
		l.line(fmt.Sprintf("summary: %s in %ds", strings.Join(parts, ", "), s.DurationSeconds))
	}
}

// Stderr adds the CLI's stderr to the log (after a failure: what the CLI
// said that the events did not carry, e.g. when it could not start).
func (l *LiveLog) Stderr(stderr string) {
	stderr = strings.TrimRight(report.StripColor(stderr), "\n")
	if strings.TrimSpace(stderr) == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.line("pulumi stderr:")
	for _, s := range strings.Split(stderr, "\n") {
		l.line("  " + s)
	}
}

// flushUnreached writes the one line for the resources the up stopped
// before (mu held).
func (l *LiveLog) flushUnreached() {
	if len(l.unreached) > 0 {
		l.line(unreachedLine(l.unreached))
		l.unreached = nil
	}
}

// Close ends the group and writes the annotations.
func (l *LiveLog) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flushUnreached()
	if l.open {
		l.cmds.EndGroup()
		l.open = false
	}
	for _, a := range l.warns {
		l.annotate("warning", a)
	}
	for _, a := range l.errs {
		l.annotate("error", a)
	}
	l.nErrs += len(l.errs)
	l.warns, l.errs = nil, nil
}

func (l *LiveLog) annotate(kind string, a annotation) {
	title := l.title
	if a.where != "" {
		title += ": " + a.where
	}
	l.cmds.Annotate(kind, title, a.msg)
}

// Log is the copy of the lines written, for the report's raw log.
func (l *LiveLog) Log() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.copy.String()
}

// Errors is the number of error annotations written.
func (l *LiveLog) Errors() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.nErrs
}

// resourceOf names the resource of a diagnostic's URN, "name (type)",
// or "" for none and for the stack itself.
func resourceOf(urn string) string {
	u := resource.URN(urn)
	if urn == "" || !u.IsValid() {
		return urn
	}
	if u.Type() == "pulumi:pulumi:Stack" {
		return ""
	}
	return u.Name() + " (" + string(u.Type()) + ")"
}
