package action

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
)

// engineLog writes the engine's events to the job log as they arrive: one
// line per resource step inside a ::group:: (collapsed by the runner), the
// program's messages, and each error diagnostic as an ::error annotation
// after the group, titled with the resource it is about, so it shows on
// the run's summary page. It keeps a copy of the lines (without workflow
// commands) for the report's raw log. Plain lines go to w; workflow
// commands go through gha, which escapes them (once).
type engineLog struct {
	mu     sync.Mutex
	w      io.Writer
	gha    *githubactions.Action
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

func newEngineLog(w io.Writer, gha *githubactions.Action, title string) *engineLog {
	return &engineLog{w: w, gha: gha, title: title, maxLog: 256 << 10, ambientSeen: new(atomic.Bool)}
}

func (l *engineLog) line(s string) {
	if !l.open {
		l.gha.Group(l.title)
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
func (l *engineLog) Event(e events.EngineEvent) {
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
		msg := strings.TrimRight(stripANSI(d.Message), "\n")
		if msg == "" || d.Severity == "debug" {
			return
		}
		where, prefix := resourceOf(d.URN), ""
		if d.URN != "" {
			prefix = urnName(d.URN) + ": "
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
		msg := strings.TrimRight(stripANSI(ev.ErrorEvent.Error), "\n")
		l.errs = append(l.errs, annotation{"", msg})
		l.line("error: " + msg)
	case ev.SummaryEvent != nil:
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
func (l *engineLog) Stderr(stderr string) {
	stderr = strings.TrimRight(stripANSI(stderr), "\n")
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

// Close ends the group and writes the annotations.
func (l *engineLog) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open {
		l.gha.EndGroup()
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

func (l *engineLog) annotate(kind string, a annotation) {
	title := l.title
	if a.where != "" {
		title += ": " + a.where
	}
	l.gha.IssueCommand(&githubactions.Command{Name: kind, Message: a.msg, Properties: githubactions.CommandProperties{"title": title}})
}

func (l *engineLog) Log() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.copy.String()
}

// Errors is the number of error annotations written.
func (l *engineLog) Errors() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.nErrs
}

func urnName(urn string) string {
	u := resource.URN(urn)
	if u.IsValid() {
		return u.Name()
	}
	return urn
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

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
