package engine

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/sethvargo/go-githubactions"
)

func TestEngineLog(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := NewLiveLog(&buf, Workflow(githubactions.New(githubactions.WithWriter(&buf))), "pulumi up main")
	urn := "urn:pulumi:main::ivr::twilio:sync/v1:Service::state"
	for _, e := range []apitype.EngineEvent{
		{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "warning", Message: "using pulumi-resource-twilio from $PATH at /bin/x"}},
		{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "warning", Message: "using pulumi-resource-twilio from $PATH at /bin/x"}},
		{ResourcePreEvent: &apitype.ResourcePreEvent{Metadata: apitype.StepEventMetadata{Op: "update", URN: urn, Type: "twilio:sync/v1:Service", Diffs: []string{"friendlyName"}}}},
		{ResourcePreEvent: &apitype.ResourcePreEvent{Metadata: apitype.StepEventMetadata{Op: "same", URN: urn, Type: "twilio:sync/v1:Service"}}},
		{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "info", Message: "hello from the program\n"}},
		{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "error", URN: urn, Message: "\x1b[31mTwilio error 20001\x1b[0m\nsecond line"}},
		{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "warning", Message: "deprecated 50%"}},
		{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "info", Message: "::set-output name=x::y"}},
		{SummaryEvent: &apitype.SummaryEvent{ResourceChanges: map[apitype.OpType]int{"update": 1, "same": 2}, DurationSeconds: 3}},
	} {
		l.Event(events.EngineEvent{EngineEvent: e})
	}
	l.Close()
	want := `::group::pulumi up main
using pulumi-resource-twilio from $PATH at /bin/x
update   twilio:sync/v1:Service state [friendlyName]
hello from the program
error: state: Twilio error 20001
second line
warning: deprecated 50%
 ::set-output name=x::y
summary: 1 update, 2 same in 3s
::endgroup::
::warning title=pulumi up main::deprecated 50%25
::error title=pulumi up main%3A state (twilio%3Async/v1%3AService)::Twilio error 20001%0Asecond line
`
	if d := cmp.Diff(want, buf.String()); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if !strings.Contains(l.Log(), "update   twilio:sync/v1:Service state") || strings.Contains(l.Log(), "::group::") {
		t.Errorf("raw log = %q", l.Log())
	}
}

// TestEngineLogSummaryCounts: with the report's counts wired in, the log's
// summary line counts the program's resources, not the engine's Stack.
func TestEngineLogSummaryCounts(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		counts func() map[string]int
		want   string
	}{
		{"the engine's counts", nil, "summary: 4 create in 2s\n"},
		{"the report's counts", func() map[string]int { return map[string]int{"create": 3} }, "summary: 3 create in 2s\n"},
		{"nothing counted", func() map[string]int { return map[string]int{} }, "summary: no resources in 2s\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			l := NewLiveLog(&buf, Workflow(githubactions.New(githubactions.WithWriter(&buf))), "pulumi up main")
			l.counts = tt.counts
			l.Event(events.EngineEvent{EngineEvent: apitype.EngineEvent{SummaryEvent: &apitype.SummaryEvent{
				ResourceChanges: map[apitype.OpType]int{"create": 4}, DurationSeconds: 2}}})
			l.Close()
			if !strings.Contains(buf.String(), "\n"+tt.want) {
				t.Errorf("log = %q, want the line %q", buf.String(), tt.want)
			}
		})
	}
}

// fakeCommands records the workflow commands a LiveLog writes.
type fakeCommands struct{ got []string }

func (f *fakeCommands) Group(title string) { f.got = append(f.got, "group "+title) }
func (f *fakeCommands) EndGroup()          { f.got = append(f.got, "endgroup") }
func (f *fakeCommands) Annotate(kind, title, msg string) {
	f.got = append(f.got, kind+" ["+title+"] "+msg)
}

// TestLiveLogCommands: the log's commands through the Commands seam: one
// group around the lines, the annotations after it, warnings first, the
// ambient-plugin notice once between two logs that share it.
func TestLiveLogCommands(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	cmds := &fakeCommands{}
	pre := NewLiveLog(&buf, cmds, "pulumi preview main (before up)")
	up := NewLiveLog(&buf, cmds, "pulumi up main")
	pre.ShareAmbientNotice(up)
	ambient := apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "warning", Message: "using pulumi-resource-twilio from $PATH at /bin/x"}}
	pre.Event(events.EngineEvent{EngineEvent: ambient})
	pre.Close()
	up.Event(events.EngineEvent{EngineEvent: ambient})
	up.Event(events.EngineEvent{EngineEvent: apitype.EngineEvent{ErrorEvent: &apitype.ErrorEvent{Error: "\x1b[31mboom\x1b[0m"}}})
	up.Event(events.EngineEvent{EngineEvent: apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "warning", Message: "<{%fg 3%}>careful<{%reset%}>"}}})
	up.Stderr("\nno stderr lines\n")
	up.Close()
	want := []string{"group pulumi preview main (before up)", "endgroup", "group pulumi up main", "endgroup",
		"warning [pulumi up main] careful", "error [pulumi up main] boom"}
	if d := cmp.Diff(want, cmds.got); d != "" {
		t.Errorf("commands (-want +got):\n%s", d)
	}
	if up.Errors() != 1 || pre.Errors() != 0 {
		t.Errorf("errors: up %d, preview %d", up.Errors(), pre.Errors())
	}
	if n := strings.Count(buf.String(), "using pulumi-resource-twilio"); n != 1 {
		t.Errorf("ambient notice shown %d times:\n%s", n, buf.String())
	}
}
