package action

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/tdeploy/twilio-deploy-action/internal/creds"
	"github.com/tdeploy/twilio-deploy-action/internal/driftissue"
	"github.com/tdeploy/twilio-deploy-action/internal/ghdeploy"
	"github.com/tdeploy/twilio-deploy-action/internal/prenv"
	"github.com/tdeploy/twilio-deploy-action/internal/report"
	"github.com/tdeploy/twilio-deploy-action/internal/stack"
)

// fakeEngine is an Engine that emits the events it is given, as the
// CLI's event stream would, and records the settings it ran with.
type fakeEngine struct {
	events  []apitype.EngineEvent
	result  stack.Result
	err     error
	findErr error

	mu  sync.Mutex
	ran []stack.Settings
}

func (f *fakeEngine) Find() error { return f.findErr }

func (f *fakeEngine) Run(_ context.Context, s stack.Settings, sinks ...stack.Sink) (stack.Result, error) {
	f.mu.Lock()
	f.ran = append(f.ran, s)
	f.mu.Unlock()
	for _, e := range f.events {
		for _, sink := range sinks {
			sink(events.EngineEvent{EngineEvent: e})
		}
	}
	return f.result, f.err
}

func (f *fakeEngine) Remove(context.Context, stack.Settings) (bool, error) {
	return false, errors.New("the fake engine removes nothing")
}

func (f *fakeEngine) runs() []stack.Settings {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ran
}

// fakeDeps are dependencies that touch nothing: credentials pass, no
// comment is expected, no pull request environment either.
func fakeDeps(t *testing.T, out *bytes.Buffer) Deps {
	return Deps{
		Stdout: out, PulumiRoot: "/opt/tda", Engine: &fakeEngine{},
		CheckCredentials: func(context.Context, creds.Credentials, string) error { return nil },
		Comment: func(context.Context, CommentRequest) (string, error) {
			t.Error("unexpected comment")
			return "", nil
		},
		DriftIssue: func(context.Context, DriftIssueRequest) (driftissue.Result, error) {
			t.Error("unexpected drift issue")
			return driftissue.Result{}, nil
		},
		PRParent: func(creds.Credentials, string) (prenv.Parent, error) {
			return nil, errors.New("no parent account in this test")
		},
		Deployments: func(string, string, string, string) (ghdeploy.API, error) {
			return nil, errors.New("no deployments in this test")
		},
		Reviewed: func(context.Context, ReviewRequest) (Review, error) { return Review{}, nil },
	}
}

// flowJob is a runner's job for ev on repository o/r, its program a
// Pulumi.yaml in a folder of its own (yamlProgram) with a file backend.
func flowJob(t *testing.T, ev Event, secrets string) (Job, *Recorder) {
	t.Helper()
	dir := yamlProgram(t)
	rec := &Recorder{}
	return Job{
		Inputs: Inputs{WorkDir: ".", Secrets: secrets, CommentMode: CommentUpdate, GitHubToken: "ghs_token", PRParent: "PARENT"},
		Event:  ev, GitHub: GitHub{Repository: "o/r", Runner: true}, Dir: dir,
		Env:      map[string]string{"PULUMI_BACKEND_URL": "file://" + dir, "PATH": "/usr/bin"},
		Reporter: rec, ReportFailures: true,
	}, rec
}

// created is the event stream of an operation that creates one Sync
// service, named svc.
func created(op apitype.OpType) []apitype.EngineEvent {
	urn := "urn:pulumi:main::ivr::twilio:sync/v1:Service::svc"
	md := apitype.StepEventMetadata{Op: op, URN: urn, Type: "twilio:sync/v1:Service",
		New: &apitype.StepEventStateMetadata{URN: urn, Type: "twilio:sync/v1:Service", Inputs: map[string]any{"friendlyName": "svc"}}}
	return []apitype.EngineEvent{
		{ResourcePreEvent: &apitype.ResourcePreEvent{Metadata: md}},
		{ResOutputsEvent: &apitype.ResOutputsEvent{Metadata: md}},
		{SummaryEvent: &apitype.SummaryEvent{ResourceChanges: map[apitype.OpType]int{op: 1}, DurationSeconds: 1}},
	}
}

// TestFlow runs the flow with fakes (no CLI, no network) and checks what
// the user sees: the log, the outputs, the summary and the comment.
func TestFlow(t *testing.T) {
	t.Parallel()
	const sid, token = "AC0123456789abcdef0123456789abcdef", "tok0123456789abcdef0123456789abcd"
	const mainSID, mainToken = "AC11111111111111111111111111111111", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"
	secrets := `{"TWILIO_FEATURE_X_ACCOUNT_SID":"` + sid + `","TWILIO_FEATURE_X_AUTH_TOKEN":"` + token + `",` +
		`"TWILIO_MAIN_ACCOUNT_SID":"` + mainSID + `","TWILIO_MAIN_AUTH_TOKEN":"` + mainToken + `"}`
	push := Event{Name: "push", Ref: "refs/heads/feature/x", SHA: "abc", Payload: []byte(`{"ref":"refs/heads/feature/x"}`)}
	pr := func(fork bool) Event {
		head := `"o/r"`
		if fork {
			head = `"f/r"`
		}
		return Event{Name: "pull_request", Ref: "refs/pull/3/merge", BaseRef: "main", SHA: "abc", Payload: []byte(
			`{"action":"opened","number":3,"pull_request":{"number":3,"base":{"ref":"main","repo":{"full_name":"o/r"}},"head":{"ref":"x","repo":{"full_name":` + head + `}}}}`)}
	}
	tests := []struct {
		name     string
		event    Event
		secrets  string
		engine   *fakeEngine
		checkErr error
		// comment, when set, is the comment URL the poster returns.
		comment string

		wantErr     string
		wantLog     []string
		wantOutputs map[string]string // the outputs but summary
		wantSummary []string
		wantStack   string // the stack the engine ran on, "" for none
		wantCreds   map[string]string
		wantComment []string // in the comment's report
	}{
		{
			name: "push runs up with the branch's credentials", event: push, secrets: secrets,
			engine: &fakeEngine{events: created(apitype.OpCreate), result: stack.Result{Outputs: []stack.Output{{Name: "url", Value: "https://x"}, {Name: "stack", Value: "shadowed"}}}},
			wantLog: []string{"push to feature/x: deploy it\n", "::group::pulumi up feature-x\ncreate   twilio:sync/v1:Service svc\nsummary: 1 create in 1s\n::endgroup::\n",
				`::warning::stack output "stack" has the name of one of the action's outputs`},
			wantOutputs: map[string]string{"stack": "feature-x", "branch": "feature/x", "operation": "up", "changes": `{"create":1}`, "drift": "false", "url": "https://x"},
			wantSummary: []string{"✅ Twilio up succeeded", "svc"},
			wantStack:   "feature-x",
			wantCreds:   map[string]string{"TWILIO_ACCOUNT_SID": sid, "TWILIO_AUTH_TOKEN": token},
		},
		{
			name: "fork pull request without secrets skips", event: pr(true), engine: &fakeEngine{},
			wantLog:     []string{"::notice::Pull request #3 comes from a fork, so this workflow has no secrets (secrets TWILIO_MAIN_ACCOUNT_SID and TWILIO_MAIN_AUTH_TOKEN are not set): the preview of main was skipped."},
			wantOutputs: map[string]string{"stack": "main", "branch": "main", "operation": "none", "changes": "{}", "drift": "false"},
			wantSummary: []string{"> [!NOTE]\n> Pull request #3 comes from a fork"},
		},
		{
			name: "rejected credentials fail with the report", event: pr(false), secrets: secrets, engine: &fakeEngine{},
			checkErr: errors.New("Twilio rejected the credentials"), comment: "https://github.com/o/r/pull/3#c1",
			wantErr:     "Twilio rejected the credentials",
			wantLog:     []string{"::add-mask::" + mainToken, "::error::Twilio rejected the credentials"},
			wantOutputs: map[string]string{"stack": "main", "branch": "main", "operation": "preview", "changes": "{}", "comment-url": "https://github.com/o/r/pull/3#c1"},
			wantSummary: []string{"❌ Twilio", "Twilio rejected the credentials"},
			wantComment: []string{"❌ Twilio", "Twilio rejected the credentials"},
		},
		{
			name: "a preview posts the comment", event: pr(false), secrets: secrets,
			engine: &fakeEngine{events: created(apitype.OpCreate)}, comment: "https://github.com/o/r/pull/3#c2",
			wantLog:     []string{"::group::pulumi preview main\ncreate   twilio:sync/v1:Service svc\n"},
			wantOutputs: map[string]string{"stack": "main", "branch": "main", "operation": "preview", "changes": `{"create":1}`, "drift": "false", "comment-url": "https://github.com/o/r/pull/3#c2"},
			wantSummary: []string{"Twilio preview", "svc"},
			wantStack:   "main",
			wantCreds:   map[string]string{"TWILIO_ACCOUNT_SID": mainSID, "TWILIO_AUTH_TOKEN": mainToken},
			wantComment: []string{"Twilio preview", "svc"},
		},
		{
			name: "the CLI not found fails the run", event: push, secrets: secrets,
			engine:      &fakeEngine{findErr: errors.New("find the Pulumi CLI: no bin/pulumi")},
			wantErr:     "find the Pulumi CLI",
			wantOutputs: map[string]string{"stack": "feature-x", "branch": "feature/x", "operation": "up", "changes": "{}"},
			wantSummary: []string{"❌ Twilio", "find the Pulumi CLI"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			job, rec := flowJob(t, tt.event, tt.secrets)
			deps := fakeDeps(t, &out)
			deps.Engine = tt.engine
			deps.CheckCredentials = func(context.Context, creds.Credentials, string) error { return tt.checkErr }
			var comments []CommentRequest
			deps.Comment = func(_ context.Context, req CommentRequest) (string, error) {
				comments = append(comments, req)
				return tt.comment, nil
			}

			err := Run(t.Context(), job, deps)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("err = %v\n%s", err, out.String())
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			for _, w := range tt.wantLog {
				if !strings.Contains(out.String(), w) {
					t.Errorf("log lacks %q:\n%s", w, out.String())
				}
			}
			if strings.Contains(strings.ReplaceAll(out.String(), "::add-mask::"+token, ""), token) {
				t.Errorf("token in the log:\n%s", out.String())
			}
			outs := rec.Outputs
			summary, reported := outs["summary"]
			if reported && summary != rec.Summaries[0] {
				t.Errorf("summary output %q is not the summary", summary)
			}
			delete(outs, "summary")
			if d := cmp.Diff(tt.wantOutputs, outs); d != "" {
				t.Errorf("outputs (-want +got):\n%s", d)
			}
			if len(rec.Summaries) != 1 {
				t.Fatalf("%d summaries, want 1", len(rec.Summaries))
			}
			for _, w := range tt.wantSummary {
				if !strings.Contains(rec.Summaries[0], w) {
					t.Errorf("summary lacks %q:\n%s", w, rec.Summaries[0])
				}
			}

			runs := tt.engine.runs()
			if tt.wantStack == "" && len(runs) > 0 || tt.wantStack != "" && (len(runs) != 1 || runs[0].Stack != tt.wantStack) {
				t.Fatalf("engine runs %+v, want one on %q", runs, tt.wantStack)
			}
			if len(runs) == 1 {
				if v, ok := runs[0].Env[prenv.EnvVar]; ok {
					t.Errorf("%s = %q outside a pull request environment", prenv.EnvVar, v)
				}
			}
			for k, v := range tt.wantCreds {
				if got := runs[0].Env[k]; got != v {
					t.Errorf("Pulumi's %s = %q, want %q", k, got, v)
				}
			}
			if len(tt.wantComment) == 0 {
				if len(comments) > 0 {
					t.Errorf("comments %+v, want none", comments)
				}
				return
			}
			if len(comments) != 1 {
				t.Fatalf("%d comments, want 1", len(comments))
			}
			c := comments[0]
			if c.Owner != "o" || c.Repo != "r" || c.PR != 3 || c.Stack != "main" || c.Mode != CommentUpdate || c.Token != "ghs_token" || c.APIURL != "https://api.github.com" {
				t.Errorf("comment request %+v", c)
			}
			body := report.Markdown(c.Report, report.Options{Secrets: c.Secrets})
			for _, w := range tt.wantComment {
				if !strings.Contains(body, w) {
					t.Errorf("comment lacks %q", w)
				}
			}
		})
	}
}

// TestRunMissingDependency: a dependency left out is an error at Run,
// never a silent default, and the run writes nothing.
func TestRunMissingDependency(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	full := fakeDeps(t, &out)
	for _, tc := range []struct {
		name string
		drop func(*Deps, *Job)
		want string
	}{
		{"engine", func(d *Deps, _ *Job) { d.Engine = nil }, "Engine"},
		{"credential check", func(d *Deps, _ *Job) { d.CheckCredentials = nil }, "CheckCredentials"},
		{"comment poster", func(d *Deps, _ *Job) { d.Comment = nil }, "Comment"},
		{"parent account", func(d *Deps, _ *Job) { d.PRParent = nil }, "PRParent"},
		{"deployments", func(d *Deps, _ *Job) { d.Deployments = nil }, "Deployments"},
		{"stdout and root", func(d *Deps, _ *Job) { d.Stdout, d.PulumiRoot = nil, "" }, "Stdout, PulumiRoot"},
		{"reporter", func(_ *Deps, j *Job) { j.Reporter = nil }, "Job.Reporter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			deps, job := full, Job{Event: Event{Name: "push", Ref: "refs/heads/main"}, Reporter: &Recorder{}}
			tc.drop(&deps, &job)
			err := Run(t.Context(), job, deps)
			if !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want ErrMissing naming %s", err, tc.want)
			}
		})
	}
	if out.Len() > 0 {
		t.Errorf("wrote %q", out.String())
	}
}

// TestFromEnv reads the runner's variables into the job.
func TestFromEnv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ev := filepath.Join(dir, "event.json")
	if err := os.WriteFile(ev, []byte(`{"ref":"refs/heads/main"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	environ := []string{"GITHUB_ACTIONS=true", "RUNNER_DEBUG=1", "GITHUB_EVENT_NAME=push", "GITHUB_EVENT_PATH=" + ev, "GITHUB_REF=refs/heads/main",
		"GITHUB_SHA=abc", "GITHUB_REPOSITORY=o/r", "GITHUB_SERVER_URL=https://github.com", "GITHUB_API_URL=https://api", "GITHUB_RUN_ID=7",
		"GITHUB_WORKSPACE=/ws", "GITHUB_OUTPUT=/o", "GITHUB_STEP_SUMMARY=/s", "INPUT_WORK-DIR=infra", "TWILIO_API_URL=http://emu", "HOME=/h"}
	job := FromEnv(environ, "/cwd")
	if job.ReadErr != nil {
		t.Fatal(job.ReadErr)
	}
	want := Job{
		Inputs:   Inputs{WorkDir: "infra", CommentMode: CommentUpdate, PRParent: "PARENT", TwilioAPIURL: "http://emu"},
		Event:    Event{Name: "push", Payload: []byte(`{"ref":"refs/heads/main"}`), Ref: "refs/heads/main", SHA: "abc"},
		GitHub:   GitHub{Repository: "o/r", ServerURL: "https://github.com", APIURL: "https://api", RunID: "7", Workspace: "/ws", Runner: true, Debug: true},
		Dir:      "/ws",
		Env:      EnvMap(environ),
		Reporter: Files{Output: "/o", Summary: "/s"}, ReportFailures: true, HandBack: true,
	}
	if d := cmp.Diff(want, job); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if got := workDir(job.Dir, job.Inputs.WorkDir); got != "/ws/infra" {
		t.Errorf("workDir = %q", got)
	}

	local := FromEnv([]string{"GITHUB_EVENT_PATH=" + filepath.Join(dir, "missing.json"), "INPUT_PARALLEL=x"}, "/cwd")
	if local.Dir != "/cwd" || local.HandBack || local.GitHub.Runner {
		t.Errorf("without a workspace: %+v", local)
	}
	if err := local.ReadErr; err == nil || !strings.Contains(err.Error(), "read the event payload") || !strings.Contains(err.Error(), "parallel input") || KeepsPlan(err) {
		t.Errorf("ReadErr = %v", err)
	}
}

// TestReporters: the runner's files as go-githubactions writes them, the
// terminal's summary, and the recorder.
func TestReporters(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := Files{Output: filepath.Join(dir, "out"), Summary: filepath.Join(dir, "sum")}
	if err := f.SetOutputs(map[string]string{"b": "2", "a": "line\nline"}); err != nil {
		t.Fatal(err)
	}
	if err := f.AddSummary("# hi"); err != nil {
		t.Fatal(err)
	}
	out, _ := os.ReadFile(f.Output)
	if !strings.HasPrefix(string(out), "a<<") || !strings.Contains(string(out), "\nb<<") {
		t.Errorf("outputs file:\n%s", out)
	}
	if sum, _ := os.ReadFile(f.Summary); string(sum) != "# hi\n" {
		t.Errorf("summary file %q", sum)
	}
	if err := (Files{Output: filepath.Join(dir, "no", "such", "dir")}).SetOutputs(map[string]string{"a": "1"}); err == nil || !strings.Contains(err.Error(), "write step outputs") {
		t.Errorf("unwritable: err = %v", err)
	}
	if err := (Files{}).SetOutputs(map[string]string{"a": "1"}); err != nil {
		t.Errorf("no file: %v", err)
	}
	var buf bytes.Buffer
	term := Terminal{W: &buf}
	if err := term.SetOutputs(map[string]string{"a": "1"}); err != nil || term.AddSummary("# hi") != nil || buf.String() != "\n# hi\n" {
		t.Errorf("terminal wrote %q", buf.String())
	}
}

// fakeParent is a parent account with no sub-accounts until one is
// created.
type fakeParent struct {
	mu      sync.Mutex
	created []string
}

func (p *fakeParent) Active(context.Context, string) ([]prenv.Subaccount, error) { return nil, nil }

func (p *fakeParent) Create(_ context.Context, name string) (prenv.Subaccount, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.created = append(p.created, name)
	return prenv.Subaccount{SID: "AC99999999999999999999999999999999", AuthToken: "subtoken0123456789abcdef01234567"}, nil
}

func (p *fakeParent) Close(context.Context, string) error {
	return errors.New("not closed in this test")
}

func (p *fakeParent) Closed(context.Context, string) (bool, error) { return false, nil }

// prEnvJob is the job of an event of pull request #3 of o/r (action:
// opened, synchronize) with pull request environments on; its program a
// bare Pulumi.yaml with a file backend.
func prEnvJob(t *testing.T, action string) (Job, *Recorder) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: p\nruntime: yaml\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := &Recorder{}
	return Job{
		Inputs: Inputs{WorkDir: ".", CommentMode: CommentUpdate, GitHubToken: "ghs_token", PRParent: "PARENT", PREnvironments: true,
			Secrets: `{"TWILIO_PARENT_ACCOUNT_SID":"AC11111111111111111111111111111111","TWILIO_PARENT_AUTH_TOKEN":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"}`},
		Event: Event{Name: "pull_request", Ref: "refs/pull/3/merge", BaseRef: "main", Payload: []byte(
			`{"action":"` + action + `","number":3,"pull_request":{"number":3,"base":{"ref":"main","repo":{"full_name":"o/r"}},"head":{"ref":"x","repo":{"full_name":"o/r"}}}}`)},
		GitHub: GitHub{Repository: "o/r"}, Dir: dir,
		Env:      map[string]string{"PULUMI_BACKEND_URL": "file://" + dir},
		Reporter: rec, ReportFailures: true,
	}, rec
}

// TestFlowPREnvironment: an opened pull request with pr-environments gets
// a new sub-account of the parent, and up runs on its stack with the
// sub-account's credentials, refreshing (the account is new).
func TestFlowPREnvironment(t *testing.T) {
	t.Parallel()
	job, rec := prEnvJob(t, "opened")
	var out bytes.Buffer
	parent, eng := &fakeParent{}, &fakeEngine{events: created(apitype.OpCreate)}
	deps := fakeDeps(t, &out)
	deps.Engine = eng
	var parentSID string
	deps.PRParent = func(c creds.Credentials, apiURL string) (prenv.Parent, error) {
		parentSID = c.AccountSID
		return parent, nil
	}
	var comments int
	deps.Comment = func(context.Context, CommentRequest) (string, error) { comments++; return "https://c", nil }
	if err := Run(t.Context(), job, deps); err != nil {
		t.Fatalf("err = %v\n%s", err, out.String())
	}
	if parentSID != "AC11111111111111111111111111111111" || !cmp.Equal(parent.created, []string{"o/r#3"}) {
		t.Errorf("parent %s, created %v", parentSID, parent.created)
	}
	runs := eng.runs()
	if len(runs) != 1 || runs[0].Stack != "pr-3" || !runs[0].Refresh || runs[0].Env["TWILIO_ACCOUNT_SID"] != "AC99999999999999999999999999999999" ||
		runs[0].Env[prenv.EnvVar] != "pr-3" {
		t.Fatalf("engine runs %+v", runs)
	}
	if !strings.Contains(out.String(), "pull request #3: created sub-account AC99999999999999999999999999999999 (o/r#3)\n") {
		t.Errorf("log:\n%s", out.String())
	}
	if rec.Outputs["subaccount-sid"] != "AC99999999999999999999999999999999" || rec.Outputs["operation"] != "up" || comments != 1 {
		t.Errorf("outputs %v, %d comments", rec.Outputs, comments)
	}
}

// TestFlowLockedKeepsComment: a run refused by another run's lock fails
// with the lock's message, but leaves the pull request comment to the run
// holding the stack (it would overwrite that run's ✅ with its ❌).
func TestFlowLockedKeepsComment(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name         string
		err          error
		wantComments int
	}{
		{"locked", &stack.LockedError{CLIError: &stack.CLIError{Command: "up"}}, 0},
		{"other failure", errors.New("up failed: boom"), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			job, rec := prEnvJob(t, "synchronize")
			var out bytes.Buffer
			deps := fakeDeps(t, &out)
			deps.Engine = &fakeEngine{err: tc.err}
			deps.PRParent = func(creds.Credentials, string) (prenv.Parent, error) { return &fakeParent{}, nil }
			var comments []string
			deps.Comment = func(_ context.Context, req CommentRequest) (string, error) {
				comments = append(comments, req.Report.Result)
				return "https://c", nil
			}
			err := Run(t.Context(), job, deps)
			if err == nil || !strings.Contains(err.Error(), tc.err.Error()) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
			if len(comments) != tc.wantComments {
				t.Errorf("comments %v, want %d", comments, tc.wantComments)
			}
			notice := "::notice::Left the comment on pull request #3 as it is: another run holds stack pr-3, and its report is the one that counts."
			if got := strings.Contains(out.String(), notice); got != (tc.wantComments == 0) {
				t.Errorf("notice in log = %v, want %v:\n%s", got, tc.wantComments == 0, out.String())
			}
			if len(rec.Summaries) != 1 || !strings.Contains(rec.Summaries[0], tc.err.Error()) {
				t.Errorf("summary %q, want the error", rec.Summaries)
			}
		})
	}
}
