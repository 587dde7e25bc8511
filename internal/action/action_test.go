package action

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sethvargo/go-githubactions"

	"github.com/tdeploy/twilio-deploy-action/internal/creds"
	"github.com/tdeploy/twilio-deploy-action/internal/event"
	"github.com/tdeploy/twilio-deploy-action/internal/mask"
	"github.com/tdeploy/twilio-deploy-action/internal/naming"
	"github.com/tdeploy/twilio-deploy-action/internal/stack"
	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

func getenv(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestReadInputs(t *testing.T) {
	t.Parallel()
	got, err := ReadInputs(getenv(map[string]string{
		"INPUT_COMMAND": " up ", "INPUT_WORK-DIR": "infra", "INPUT_STACK-NAME": "prod", "INPUT_BRANCH-MAP": "main=PRODUCTION",
		"INPUT_REFRESH": "true", "INPUT_PARALLEL": "8", "INPUT_TARGET": "urn:a\nurn:b", "INPUT_EXPECT-NO-CHANGES": "TRUE",
		"INPUT_COMMENT-MODE": "Recreate", "INPUT_TWILIO-API-URL": "http://127.0.0.1:1", "INPUT_CONFIG": "a: 1\n",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := Inputs{Command: "up", WorkDir: "infra", StackName: "prod", BranchMap: "main=PRODUCTION", Config: "a: 1\n",
		Refresh: true, Parallel: 8, Targets: []string{"urn:a", "urn:b"}, ExpectNoChanges: true, CommentMode: CommentRecreate,
		PRParent: "PARENT", TwilioAPIURL: "http://127.0.0.1:1"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	def, err := ReadInputs(getenv(nil))
	if err != nil || def.WorkDir != "." || def.CommentMode != CommentUpdate || def.Refresh {
		t.Errorf("defaults: %+v, %v", def, err)
	}
	for name, tt := range map[string]struct {
		env       map[string]string
		keepsPlan bool
	}{
		"parallel":        {map[string]string{"INPUT_PARALLEL": "many"}, true},
		"parallel 0":      {map[string]string{"INPUT_PARALLEL": "0"}, true},
		"refresh":         {map[string]string{"INPUT_REFRESH": "maybe"}, true},
		"comment-mode":    {map[string]string{"INPUT_COMMENT-MODE": "loud"}, true},
		"pr-environments": {map[string]string{"INPUT_PR-ENVIRONMENTS": "sure"}, false},
	} {
		if _, err := ReadInputs(getenv(tt.env)); err == nil || !strings.Contains(err.Error(), strings.Fields(name)[0]) || KeepsPlan(err) != tt.keepsPlan {
			t.Errorf("%s: err = %v, KeepsPlan %v", name, err, KeepsPlan(err))
		}
	}
	// A bad input does not stop the others being read: the plan needs them.
	in, err := ReadInputs(getenv(map[string]string{"INPUT_COMMENT-MODE": "loud", "INPUT_REFRESH": "maybe", "INPUT_PR-ENVIRONMENTS": "true", "INPUT_PARALLEL": "2"}))
	if !in.PREnvironments || in.Parallel != 2 || !strings.Contains(err.Error(), "comment-mode") || !strings.Contains(err.Error(), "refresh") || !KeepsPlan(err) {
		t.Errorf("after bad inputs: %+v, %v", in, err)
	}
}

func TestMaskWriter(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	set := mask.New()
	m := newMaskWriter(&buf, set)
	set.Add("secret")
	set.Add("secret-longer")
	m.Write([]byte("a secret-longer and a secret\n"))
	m.Write([]byte("::add-mask::secret\n"))
	m.Write([]byte("a sec"))
	m.Write([]byte("ret split\n"))
	if got, want := buf.String(), "a *** and a ***\n::add-mask::secret\na *** split\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestScrubbed(t *testing.T) {
	t.Parallel()
	for k, want := range map[string]bool{
		"INPUT_SECRETS": true, "INPUT_GITHUB-TOKEN": true, "TWILIO_ACCOUNT_SID": true, "TWILIO_MAIN_AUTH_TOKEN": true,
		"TWILIO_X_API_KEY": true, "TWILIO_X_API_SECRET": true, "TWILIO_REGION": false, "TWILIO_API_URL": false,
		"PULUMI_ACCESS_TOKEN": false, "INPUT_CONFIG": false,
	} {
		if Scrubbed(k) != want {
			t.Errorf("Scrubbed(%s) = %v", k, !want)
		}
	}
}

func TestChangesJSON(t *testing.T) {
	t.Parallel()
	if got := changesJSON(map[string]int{"same": 3, "update": 1, "create": 2, "delete": 0}); got != `{"create":2,"update":1}` {
		t.Error(got)
	}
	if got := changesJSON(nil); got != "{}" {
		t.Error(got)
	}
}

// TestRunWithoutPulumi covers the paths that end before Pulumi starts,
// in process: events that deploy nothing, missing and rejected
// credentials, a fork without secrets, a bad work-dir, a missing backend.
func TestRunWithoutPulumi(t *testing.T) {
	t.Parallel()
	const sid, token = "AC0123456789abcdef0123456789abcdef", "tok0123456789abcdef0123456789abcd"
	write := func(t *testing.T, body string) string {
		p := filepath.Join(t.TempDir(), "event.json")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	push := `{"ref":"refs/heads/feature/x"}`
	forkPR := `{"action":"opened","pull_request":{"number":3,"base":{"ref":"main","repo":{"full_name":"o/r"}},"head":{"ref":"x","repo":{"full_name":"f/r"}}}}`
	tests := []struct {
		name      string
		event     string
		payload   string
		env       map[string]string
		checkErr  error
		wantErr   string
		wantOut   []string
		wantCheck bool
	}{
		{"issues event", "issues", `{}`, nil, nil, "", []string{"::notice::event issues does not deploy anything"}, false},
		{"missing credentials", "push", push, nil, nil, "TWILIO_FEATURE_X_ACCOUNT_SID and TWILIO_FEATURE_X_AUTH_TOKEN", nil, false},
		{"rejected credentials", "push", push, map[string]string{"TWILIO_FEATURE_X_ACCOUNT_SID": sid, "TWILIO_FEATURE_X_AUTH_TOKEN": token},
			errors.New("Twilio rejected the credentials"), "Twilio rejected", []string{"::add-mask::" + token}, true},
		{"fork without secrets", "pull_request", forkPR, nil, nil, "", []string{"::notice::Pull request #3 comes from a fork"}, false},
		{"no program", "push", push, map[string]string{"TWILIO_FEATURE_X_ACCOUNT_SID": sid, "TWILIO_FEATURE_X_AUTH_TOKEN": token, "INPUT_WORK-DIR": "nowhere"},
			nil, "work-dir nowhere has no Pulumi.yaml", nil, false},
		{"branch-map collision", "push", `{"ref":"refs/heads/production"}`, map[string]string{"INPUT_BRANCH-MAP": "main=PRODUCTION"}, nil, `collide on the secret prefix TWILIO_PRODUCTION_`, nil, false},
		{"dispatch without command deploys", "workflow_dispatch", `{}`, map[string]string{"GITHUB_REF": "refs/heads/main"}, nil, "TWILIO_MAIN_ACCOUNT_SID and TWILIO_MAIN_AUTH_TOKEN are not set",
			[]string{"workflow_dispatch on main without a command input: deploy it"}, false},
		{"number secret", "push", push, map[string]string{"INPUT_SECRETS": `{"TWILIO_FEATURE_X_ACCOUNT_SID":"` + sid + `","TWILIO_FEATURE_X_AUTH_TOKEN":123456789012}`},
			nil, "TWILIO_FEATURE_X_AUTH_TOKEN is a JSON number, not a string", []string{"::add-mask::123456789012"}, false},
		{"long branch", "push", `{"ref":"refs/heads/` + strings.Repeat("a", 110) + `"}`, nil, nil, "are not set",
			[]string{"::notice::Branch \"" + strings.Repeat("a", 110) + "\" gives a stack name longer than Pulumi's 100 characters, so its stack is " + strings.Repeat("a", 91) + "-"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sumPath, outPath := filepath.Join(t.TempDir(), "summary"), filepath.Join(t.TempDir(), "out")
			env := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": tt.event, "GITHUB_EVENT_PATH": write(t, tt.payload), "GITHUB_REF": "refs/heads/main",
				"GITHUB_STEP_SUMMARY": sumPath, "GITHUB_OUTPUT": outPath}
			for k, v := range tt.env {
				env[k] = v
			}
			var environ []string
			for k, v := range env {
				environ = append(environ, k+"="+v)
			}
			var out bytes.Buffer
			checked := false
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: p\nruntime: yaml\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			deps := fakeDeps(t, &out)
			deps.CheckCredentials = func(ctx context.Context, c creds.Credentials, apiURL string) error {
				checked = true
				return tt.checkErr
			}
			err := Run(t.Context(), FromEnv(environ, dir), deps)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("err = %v\n%s", err, out.String())
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(out.String(), "::error::") {
				t.Errorf("no ::error annotation:\n%s", out.String())
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			if tt.wantErr != "" {
				// Every failure here comes once the plan is known: it is
				// reported as a failed operation, not only annotated.
				sum, _ := os.ReadFile(sumPath)
				b, _ := os.ReadFile(outPath)
				outs, perr := testenv.ParseOutputFile(b)
				if perr != nil || !strings.Contains(string(sum), "❌ Twilio") || !strings.Contains(string(sum), tt.wantErr) ||
					outs["operation"] == "" || outs["operation"] == "none" || outs["summary"]+"\n" != string(sum) {
					t.Errorf("failure not reported: outputs %v (%v)\nsummary:\n%s", outs, perr, sum)
				}
			}
			if checked != tt.wantCheck {
				t.Errorf("credentials checked: %v, want %v", checked, tt.wantCheck)
			}
			if strings.Contains(strings.ReplaceAll(out.String(), "::add-mask::"+token, ""), token) {
				t.Errorf("token in output:\n%s", out.String())
			}
		})
	}
}

// TestSettings checks the stack settings built from inputs and the
// environment: scrubbed variables, the env file, the credentials last.
func TestSettings(t *testing.T) {
	t.Parallel()
	wd := t.TempDir()
	if err := os.WriteFile(filepath.Join(wd, "Pulumi.yaml"), []byte("name: p\nruntime: yaml\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(wd, ".feature-x.env"), []byte("GREETING=hi\nTWILIO_AUTH_TOKEN=from-file\nPULUMI_CONFIG_PASSPHRASE=file-pass\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	set := mask.New()
	environ := []string{"GITHUB_ACTIONS=true", "PATH=/usr/bin", "PULUMI_BACKEND_URL=file:///tmp/x", "INPUT_SECRETS={}", "TWILIO_MAIN_AUTH_TOKEN=other", "TWILIO_REGION=ie1", "GREETING=env"}
	r := &runner{job: Job{Env: EnvMap(environ), GitHub: GitHub{Runner: true}}, deps: Deps{PulumiRoot: "/opt/tda"},
		gha: githubactions.New(githubactions.WithWriter(&out)), out: newMaskWriter(&out, set), secrets: set,
		in:     Inputs{WorkDir: wd, Config: "a: 1\npin: {secret: 123456}", Parallel: 3, Targets: []string{"urn:x"}},
		plan:   event.Plan{Operation: event.Up, Branch: "feature/x"},
		target: naming.Target{Branch: "feature/x", Stack: "feature-x", SecretPrefix: "TWILIO_FEATURE_X_"}}
	cr := creds.Credentials{Prefix: "TWILIO_FEATURE_X_", AccountSID: "AC1", AuthToken: "tok"}
	s, err := r.settings(cr, "http://emu")
	if err != nil {
		t.Fatal(err)
	}
	wantEnv := map[string]string{"GITHUB_ACTIONS": "true", "PATH": "/opt/tda/bin:/usr/bin", "PULUMI_BACKEND_URL": "file:///tmp/x", "TWILIO_REGION": "ie1",
		"GREETING": "hi", "PULUMI_CONFIG_PASSPHRASE": "file-pass", "PULUMI_SKIP_UPDATE_CHECK": "true",
		"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "tok", "TWILIO_API_URL": "http://emu"}
	if d := cmp.Diff(wantEnv, s.Env); d != "" {
		t.Errorf("env (-want +got):\n%s", d)
	}
	if s.Notice == nil {
		t.Error("no Notice: what the run does about a stale lock would not be logged")
	}
	s.Env, s.Trace, s.Notice = nil, nil, nil
	want := stackSettingsForTest(wd)
	if d := cmp.Diff(want, s); d != "" {
		t.Errorf("settings (-want +got):\n%s", d)
	}
	if !strings.Contains(out.String(), "::warning::.feature-x.env sets TWILIO_AUTH_TOKEN; ignored") || !strings.Contains(out.String(), "::add-mask::123456") {
		t.Errorf("log:\n%s", out.String())
	}

	r.job.Env = EnvMap([]string{"PATH=/usr/bin", "HOME=" + t.TempDir()})
	if _, err := r.settings(cr, ""); err == nil || !strings.Contains(err.Error(), "PULUMI_BACKEND_URL") {
		t.Errorf("no backend: err = %v", err)
	}
}

// TestAnnotationsEscapedOnce: go-githubactions escapes a workflow
// command's message; the action must not escape it again, or GitHub shows
// %0A (and %25) literally.
func TestAnnotationsEscapedOnce(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "event.json")
	if err := os.WriteFile(p, []byte(`{"ref":"refs/heads/main"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	environ := []string{"GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=push", "GITHUB_EVENT_PATH=" + p, "GITHUB_REF=refs/heads/main",
		"INPUT_WORK-DIR=odd 100%\ndir"}
	var out bytes.Buffer
	if err := Run(t.Context(), FromEnv(environ, t.TempDir()), fakeDeps(t, &out)); err == nil {
		t.Fatal("a missing work-dir passed")
	}
	want := "push to main: deploy it\n::error::work-dir odd 100%25%0Adir has no Pulumi.yaml; set the work-dir input to the folder of your Pulumi program\n"
	if got := out.String(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestFailure: after the engine's own error annotations the closing one
// is a short line; without them it is the error, whose CLI part
// (stack.CLIError) holds no Automation API wrapper.
func TestFailure(t *testing.T) {
	t.Parallel()
	cli := &stack.CLIError{Command: "pulumi up on main", Lines: []string{"could not open the state"}}
	for _, tc := range []struct {
		name   string
		errors int
		err    error
		want   string
	}{
		{"engine errors", 2, fmt.Errorf("pull request #3 environment: %w", cli), "pulumi up on main failed: 2 errors (see above)"},
		{"one engine error", 1, cli, "pulumi up on main failed: 1 error (see above)"},
		{"no engine errors", 0, cli, "pulumi up on main failed: could not open the state"},
		{"not the CLI", 3, errors.New("comment on pull request #3: 500"), "comment on pull request #3: 500"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := &runner{engineErrors: tc.errors}
			if got := r.failure(tc.err); got != tc.want {
				t.Errorf("failure() = %q, want %q", got, tc.want)
			}
		})
	}
}
