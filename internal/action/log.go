package action

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// engineLog writes the engine's events to the job log as they arrive: one
// line per resource step inside a ::group:: (collapsed by the runner), the
// program's messages, and each error as an ::error annotation after the
// group so it shows on the run's summary page. It keeps a copy of the
// lines (without workflow commands) for the report's raw log.
type engineLog struct {
	mu     sync.Mutex
	w      io.Writer
	title  string
	open   bool
	errs   []string
	warns  []string
	copy   strings.Builder
	maxLog int
	// ambientSeen: the "using pulumi-resource-x from $PATH" notice was shown.
	ambientSeen bool
}

var ambientPlugin = regexp.MustCompile(`^using pulumi-(resource|language|analyzer|converter)-\S+ from \$PATH at `)

func newEngineLog(w io.Writer, title string) *engineLog {
	return &engineLog{w: w, title: title, maxLog: 256 << 10}
}

func (l *engineLog) line(s string) {
	if !l.open {
		fmt.Fprintf(l.w, "::group::%s\n", escapeCommand(l.title))
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
		where := ""
		if d.URN != "" {
			where = urnName(d.URN) + ": "
		}
		switch d.Severity {
		case "error":
			l.errs = append(l.errs, where+msg)
			l.line("error: " + where + msg)
		case "warning":
			if ambientPlugin.MatchString(msg) {
				// The Action ships its plugins next to the CLI on purpose.
				if !l.ambientSeen {
					l.ambientSeen = true
					l.line(msg)
				}
				return
			}
			l.warns = append(l.warns, where+msg)
			l.line("warning: " + where + msg)
		default:
			l.line(where + msg)
		}
	case ev.ErrorEvent != nil:
		msg := strings.TrimRight(stripANSI(ev.ErrorEvent.Error), "\n")
		l.errs = append(l.errs, msg)
		l.line("error: " + msg)
	case ev.SummaryEvent != nil:
		s := ev.SummaryEvent
		var parts []string
		for _, op := range []apitype.OpType{apitype.OpCreate, apitype.OpUpdate, apitype.OpReplace, apitype.OpDelete, apitype.OpSame} {
			if n := s.ResourceChanges[op]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, op))
			}
		}
		if len(parts) == 0 {
			parts = []string{"no resources"}
		}
		l.line(fmt.Sprintf("summary: %s in %ds", strings.Join(parts, ", "), s.DurationSeconds))
	}
}

// Close ends the group and writes the annotations.
func (l *engineLog) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open {
		fmt.Fprintln(l.w, "::endgroup::")
		l.open = false
	}
	for _, w := range l.warns {
		fmt.Fprintf(l.w, "::warning title=%s::%s\n", escapeProperty(l.title), escapeCommand(w))
	}
	for _, e := range l.errs {
		fmt.Fprintf(l.w, "::error title=%s::%s\n", escapeProperty(l.title), escapeCommand(e))
	}
	l.warns, l.errs = nil, nil
}

func (l *engineLog) Log() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.copy.String()
}

func (l *engineLog) Errors() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.errs)
}

func urnName(urn string) string {
	u := resource.URN(urn)
	if u.IsValid() {
		return u.Name()
	}
	return urn
}

// escapeCommand escapes a workflow command's message (as @actions/core).
func escapeCommand(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a workflow command's property value.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
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
