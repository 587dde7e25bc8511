package action

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/tdeploy/twilio-deploy-action/internal/driftissue"
)

// TestDriftIssueFlow: a drift check that ran hands its drift to
// Deps.DriftIssue; a refusal is a notice and a note in the summary, not a
// failure; other errors fail the run; a failed check or drift-issue:
// false touch no issue.
func TestDriftIssueFlow(t *testing.T) {
	t.Parallel()
	const secrets = `{"TWILIO_MAIN_ACCOUNT_SID":"AC11111111111111111111111111111111","TWILIO_MAIN_AUTH_TOKEN":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"}`
	schedule := Event{Name: "schedule", Ref: "refs/heads/main", SHA: "abc", Payload: []byte(`{"schedule":"17 3 * * *"}`)}
	dispatch := Event{Name: "workflow_dispatch", Ref: "refs/heads/main", SHA: "abc", Payload: []byte(`{"inputs":{"command":"drift"}}`)}
	nodrift := []apitype.EngineEvent{{SummaryEvent: &apitype.SummaryEvent{ResourceChanges: map[apitype.OpType]int{"same": 1}}}}
	tests := []struct {
		name    string
		event   Event
		command string
		events  []apitype.EngineEvent
		runErr  error
		off     bool
		token   string
		ret     error

		wantCalls   int
		wantDrifted bool
		wantErr     string
		wantLog     string
		wantSummary string
	}{
		{name: "drift: the issue is synced", event: schedule, events: created(apitype.OpUpdate), ret: nil,
			wantCalls: 1, wantDrifted: true, wantLog: "drift issue #7 opened"},
		{name: "no drift: synced too, to close an open issue", event: schedule, events: nodrift, wantCalls: 1, wantLog: "matches Twilio"},
		{name: "workflow_dispatch drift", event: dispatch, command: "drift", events: created(apitype.OpUpdate), wantCalls: 1, wantDrifted: true},
		{name: "refused: a notice, the run passes", event: schedule, events: created(apitype.OpUpdate),
			ret: errors.Join(ErrIssueForbidden, errors.New("create issue: GitHub answered 403")), wantCalls: 1, wantDrifted: true,
			wantLog: "::notice::Could not open, update or close the drift issue", wantSummary: "> [!NOTE]"},
		{name: "no token: a notice, no call", event: schedule, events: created(apitype.OpUpdate), token: "-",
			wantLog: "no github-token input", wantSummary: "> [!NOTE]"},
		{name: "GitHub fails: the run fails", event: schedule, events: created(apitype.OpUpdate),
			ret: errors.New("create issue: GitHub answered 502"), wantCalls: 1, wantDrifted: true, wantErr: "drift issue: create issue"},
		{name: "the check failed: the issue is left alone", event: schedule, events: nodrift, runErr: errors.New("refresh failed"), wantErr: "refresh failed"},
		{name: "drift-issue: false", event: schedule, events: created(apitype.OpUpdate), off: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := yamlProgram(t)
			token := "ghs_token"
			if tt.token == "-" {
				token = ""
			}
			var out bytes.Buffer
			rec := &Recorder{}
			job := Job{
				Inputs: Inputs{Command: tt.command, WorkDir: ".", Secrets: secrets, CommentMode: CommentUpdate, GitHubToken: token, PRParent: "PARENT", NoDriftIssue: tt.off},
				Event:  tt.event, GitHub: GitHub{Repository: "o/r", Runner: true, ServerURL: "https://github.com", RunID: "9"}, Dir: dir,
				Env:      map[string]string{"PULUMI_BACKEND_URL": "file://" + dir, "PATH": "/usr/bin"},
				Reporter: rec, ReportFailures: true,
			}
			deps := fakeDeps(t, &out)
			deps.Engine = &fakeEngine{events: tt.events, err: tt.runErr}
			var reqs []DriftIssueRequest
			deps.DriftIssue = func(_ context.Context, req DriftIssueRequest) (driftissue.Result, error) {
				reqs = append(reqs, req)
				if tt.ret != nil {
					return driftissue.Result{}, tt.ret
				}
				if req.Drifted {
					return driftissue.Result{Action: driftissue.Opened, Number: 7, URL: "https://github.com/o/r/issues/7"}, nil
				}
				return driftissue.Result{Action: driftissue.None}, nil
			}
			err := Run(t.Context(), job, deps)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q\n%s", err, tt.wantErr, out.String())
			}
			if len(reqs) != tt.wantCalls {
				t.Fatalf("%d drift issue calls, want %d", len(reqs), tt.wantCalls)
			}
			if len(reqs) == 1 {
				r := reqs[0]
				if r.Drifted != tt.wantDrifted || r.Owner != "o" || r.Repo != "r" || r.Token != "ghs_token" || r.APIURL != "https://api.github.com" ||
					r.Report.Stack != "main" || r.RunURL != "https://github.com/o/r/actions/runs/9" || !slices.Contains(r.Secrets, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1") {
					t.Errorf("request %+v", r)
				}
			}
			if !strings.Contains(out.String(), tt.wantLog) {
				t.Errorf("log lacks %q:\n%s", tt.wantLog, out.String())
			}
			if len(rec.Summaries) != 1 || !strings.Contains(rec.Summaries[0], tt.wantSummary) {
				t.Errorf("summaries %q lack %q", rec.Summaries, tt.wantSummary)
			}
			// The drift check's own result stays: its output and warning.
			if want := tt.wantDrifted || tt.off || tt.token == "-"; tt.runErr == nil && (rec.Outputs["drift"] == "true") != want {
				t.Errorf("drift output %q", rec.Outputs["drift"])
			}
		})
	}
}

// yamlProgram is a folder holding an empty YAML program.
func yamlProgram(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: p\nruntime: yaml\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}
