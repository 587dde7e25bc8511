package engine

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/sethvargo/go-githubactions"

	"github.com/tdeploy/twilio-deploy-action/internal/report"
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

// TestNotReached: an up that follows an update plan and fails on one
// resource ends with the engine's "expected resource operations for …
// but none were seen" for every planned resource it had not reached.
// Those are not their resources' failures: one line names them, in the
// log and in the report, and only the resource that failed is marked and
// annotated.
func TestNotReached(t *testing.T) {
	t.Parallel()
	const app = "urn:pulumi:main::faults::twilio:serverless:Deployment::app"
	diag := func(urn, msg string) events.EngineEvent {
		return events.EngineEvent{EngineEvent: apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{URN: urn, Severity: "error", Message: msg}}}
	}
	evs := []events.EngineEvent{
		{EngineEvent: apitype.EngineEvent{ResourcePreEvent: &apitype.ResourcePreEvent{Metadata: apitype.StepEventMetadata{Op: apitype.OpCreate, URN: app, Type: "twilio:serverless:Deployment"}}}},
		diag(app, "create environment \"main\": the request may or may not have been applied: EOF"),
		{EngineEvent: apitype.EngineEvent{ResOpFailedEvent: &apitype.ResOpFailedEvent{Metadata: apitype.StepEventMetadata{Op: apitype.OpCreate, URN: app, Type: "twilio:serverless:Deployment"}}}},
	}
	for _, name := range []string{"twilio:studio/v2:Flow::flow0", "twilio:sync/v1:ServiceSyncMap::map1_0"} {
		urn := "urn:pulumi:main::faults::" + name
		evs = append(evs, diag(urn, "expected resource operations for "+urn+" but none were seen"))
	}
	evs = append(evs, events.EngineEvent{EngineEvent: apitype.EngineEvent{SummaryEvent: &apitype.SummaryEvent{Result: apitype.OperationResultFailed}}})

	var buf bytes.Buffer
	cmds := &fakeCommands{}
	lg := NewLiveLog(&buf, cmds, "pulumi up main")
	c := NewCollector(report.Report{Stack: "main", Operation: report.OpUp})
	for _, e := range evs {
		lg.Event(e)
		c.Add(e)
	}
	lg.Close()
	const line = "not reached (the up stopped first, so nothing was changed there): flow0, map1_0"
	if !strings.Contains(buf.String(), line) || strings.Contains(buf.String(), "none were seen") {
		t.Errorf("log:\n%s\nwant the one line %q instead of the engine's errors", buf.String(), line)
	}
	if lg.Errors() != 1 || len(cmds.got) != 3 || !strings.HasPrefix(cmds.got[2], "error [pulumi up main: app (twilio:serverless:Deployment)] create environment") {
		t.Errorf("%d errors, commands %q; want the group and one annotation, app's", lg.Errors(), cmds.got)
	}
	r := c.Finish(errors.New("exit status 255"))
	if !strings.Contains(r.Error, line) || strings.Contains(r.Error, "none were seen") || !strings.Contains(r.Error, "may or may not have been applied") {
		t.Errorf("report error:\n%s", r.Error)
	}
	var failed []string
	for _, x := range r.Resources {
		if x.Failed {
			failed = append(failed, x.Name)
		}
	}
	if d := cmp.Diff([]string{"app"}, failed); d != "" {
		t.Errorf("failed resources (-want +got):\n%s", d)
	}
}
