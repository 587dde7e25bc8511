package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

// failingProgram creates one Sync service and two resources under
// services that do not exist: Twilio answers 404 for both.
const failingProgram = `name: twilio-ivr
runtime: yaml
resources:
  state:
    type: twilio:sync/v1:Service
    properties:
      friendlyName: ok-${pulumi.stack}
  menus:
    type: twilio:sync/v1:ServiceSyncMap
    properties:
      serviceSid: IS00000000000000000000000000000000
      uniqueName: menus
  lists:
    type: twilio:sync/v1:ServiceSyncList
    properties:
      serviceSid: IS00000000000000000000000000000001
      uniqueName: lists
`

func writeProgram(t *testing.T, dir, prog string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte(prog), 0o644); err != nil {
		t.Fatal(err)
	}
}

// annotations are the workflow-command lines of kind (error, warning).
func annotations(stdout, kind string) []string {
	var out []string
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "::"+kind+"::") || strings.HasPrefix(l, "::"+kind+" ") {
			out = append(out, l)
		}
	}
	return out
}

// TestReadableErrors runs the failure paths of issue #13 point 3 through
// the built binary: a file:// state folder that does not exist yet, an up
// that fails on two resources, and a CLI that fails before the engine
// runs (wrong passphrase).
func TestReadableErrors(t *testing.T) {
	w := newWorld(t)
	push := map[string]any{"ref": "refs/heads/main", "repository": repoJSON()}

	// 1. A file:// backend whose folder does not exist: created, as
	// `pulumi login file://...` users expect, and the up succeeds.
	state := filepath.Join(t.TempDir(), "not", "yet", "state")
	r := w.step("push", "refs/heads/main", "", push, "PULUMI_BACKEND_URL=file://"+filepath.ToSlash(state))
	mustCode(t, "up with a missing state folder", r, 0)
	if info, err := os.Stat(filepath.Join(state, ".pulumi")); err != nil || !info.IsDir() {
		t.Fatalf("no state written to the new folder %s: %v\n%s", state, err, r.stdout)
	}
	if inv := w.inventory(mainSID); len(inv) != 3 || r.outputs["operation"] != "up" {
		t.Fatalf("inventory %v, outputs %v", inv, r.outputs)
	}

	// 2. An up that fails on two resources (the default backend).
	writeProgram(t, w.repo, failingProgram)
	r = w.step("push", "refs/heads/main", "", push)
	mustCode(t, "failing up", r, 1)
	errs := annotations(r.stdout, "error")
	want := []*regexp.Regexp{
		// One per engine diagnostic, titled with the resource (escaped once:
		// go-githubactions writes ':' in a property as %3A).
		regexp.MustCompile(`^::error title=pulumi up main%3A menus \(twilio%3Async/v1%3AServiceSyncMap\)::create twilio:sync/v1:ServiceSyncMap: Twilio error 20404 \(HTTP 404\): The requested resource /v1/Services/IS0+/Maps was not found`),
		regexp.MustCompile(`^::error title=pulumi up main%3A lists \(twilio%3Async/v1%3AServiceSyncList\)::create twilio:sync/v1:ServiceSyncList: Twilio error 20404 \(HTTP 404\): The requested resource /v1/Services/IS0+1/Lists was not found`),
		regexp.MustCompile(`^::error title=pulumi up main::update failed$`),
	}
	if len(errs) != len(want)+1 {
		t.Fatalf("%d ::error lines, want %d:\n%s", len(errs), len(want)+1, strings.Join(errs, "\n"))
	}
	for _, re := range want {
		n := 0
		for _, e := range errs {
			if re.MatchString(e) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d annotations match %s:\n%s", n, re, strings.Join(errs, "\n"))
		}
	}
	// The closing annotation is one short line after them.
	if last := errs[len(errs)-1]; last != "::error::pulumi up on main failed: 3 errors (see above)" {
		t.Errorf("closing annotation %q", last)
	}
	for _, l := range append(errs, annotations(r.stdout, "warning")...) {
		for _, bad := range []string{"%25", "code: ", "stdout:", "stderr:", "exit status", "from $PATH"} {
			if strings.Contains(l, bad) {
				t.Errorf("annotation holds %q: %s", bad, l)
			}
		}
	}
	// The ambient-plugin warning is expected in the image: one plain line,
	// never an annotation (the CLI sends it once per plugin load).
	if n := strings.Count(r.stdout, "using pulumi-resource-twilio from $PATH"); n != 1 {
		t.Errorf("the ambient-plugin warning is shown %d times:\n%s", n, r.stdout)
	}
	// The job summary: the errors, and the whole engine log collapsed.
	for _, s := range []string{"### ❌ Twilio up failed", "<details><summary>Engine log</summary>",
		"error: menus: create twilio:sync/v1:ServiceSyncMap: Twilio error 20404", "failed   twilio:sync/v1:ServiceSyncList lists"} {
		if !strings.Contains(r.summary, s) {
			t.Errorf("summary lacks %q:\n%s", s, r.summary)
		}
	}
	if strings.Contains(r.summary, "code: 1") || strings.Contains(r.summary, "stdout:") {
		t.Errorf("summary holds the Automation API's wrapper:\n%s", r.summary)
	}

	// 3. The CLI fails before the engine runs: the CLI's own error line,
	// and its stderr in the log group and the summary's log.
	r = w.step("push", "refs/heads/main", "", push, "PULUMI_CONFIG_PASSPHRASE=wrong-passphrase")
	mustCode(t, "wrong passphrase", r, 1)
	errs = annotations(r.stdout, "error")
	if len(errs) != 1 || !regexp.MustCompile(`^::error::pulumi up on main failed: .*incorrect passphrase$`).MatchString(errs[0]) {
		t.Fatalf("annotations for a wrong passphrase:\n%s\nstdout:\n%s", strings.Join(errs, "\n"), r.stdout)
	}
	if !strings.Contains(r.summary, "pulumi stderr:") || !strings.Contains(r.summary, "incorrect passphrase") || strings.Contains(r.summary, "code: ") {
		t.Errorf("summary after a wrong passphrase:\n%s", r.summary)
	}
}

// Two credentials that overlap: the auth token ends with what the API
// secret starts with ("Fd0Ze"). Masking one first would cut the other and
// leave its rest readable.
const (
	overlapSID    = "AC44444444444444444444444444444444"
	overlapToken  = "Qx7Wv3Rt9Ys2Ub5Nm8Kp4Lj6Hg1Fd0Ze"
	overlapKey    = "SK44444444444444444444444444444444"
	overlapSecret = "Fd0ZeAc4Bw7Cq2Dr5Es8Ft1Gu3Hv6Iw9"
	// overlapText is both at once, as a program might print them.
	overlapText = overlapToken + "Ac4Bw7Cq2Dr5Es8Ft1Gu3Hv6Iw9"
)

// overlapProgram puts the two secrets, run together, in a property, an
// output and a second output's interpolation.
const overlapProgram = `name: twilio-ivr
runtime: yaml
resources:
  state:
    type: twilio:sync/v1:Service
    properties:
      friendlyName: token=` + overlapText + `
outputs:
  note: token=` + overlapText + `
  sid: ${state.sid}
`

// assertNoFragment fails when any 4-character piece of a secret is in a
// text. ::add-mask:: lines are exempt only under the runner, which
// consumes them (exempt true).
func assertNoFragment(t *testing.T, texts []string, exempt bool, secrets ...string) {
	t.Helper()
	for i, text := range texts {
		for _, line := range strings.Split(text, "\n") {
			if exempt && strings.HasPrefix(line, "::add-mask::") {
				continue
			}
			for _, s := range secrets {
				for j := 0; j+4 <= len(s); j++ {
					if strings.Contains(line, s[j:j+4]) {
						t.Errorf("text %d shows %q of a secret: %q", i, s[j:j+4], line)
					}
				}
			}
		}
	}
}

func overlapEmulator(t *testing.T) *emulatortest.Env {
	return emulatortest.New(t, func(o *emulator.Options) {
		o.Accounts = []emulator.Account{{SID: overlapSID, AuthToken: overlapToken,
			APIKeys: []emulator.APIKey{{SID: overlapKey, Secret: overlapSecret}}}}
	})
}

// TestOverlappingSecretsLocalMode: `action up --branch dev` with an auth
// token and an API secret that overlap, both in .dev.env. Nothing of
// either reaches the terminal: not the log, not the summary it prints,
// not an ::add-mask:: command (no runner consumes it there).
func TestOverlappingSecretsLocalMode(t *testing.T) {
	w := newWorld(t)
	emu := overlapEmulator(t)
	writeProgram(t, w.repo, overlapProgram)
	envFile := "TWILIO_ACCOUNT_SID=" + overlapSID + "\nTWILIO_AUTH_TOKEN=" + overlapToken +
		"\nTWILIO_API_KEY=" + overlapKey + "\nTWILIO_API_SECRET=" + overlapSecret + "\nTWILIO_API_URL=" + emu.URL + "\n"
	if err := os.WriteFile(filepath.Join(w.repo, ".dev.env"), []byte(envFile), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), w.bin, "up", "--branch", "dev")
	cmd.Dir = w.repo
	cmd.Env = append(append([]string{}, w.base...), "PULUMI_ROOT="+filepath.Dir(testenv.BinDir(t)))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("action up --branch dev: %v\n%s", err, out)
	}
	// The run did show the text, masked: the summary's output row and
	// the property diff.
	if !strings.Contains(string(out), "Twilio up succeeded") || strings.Count(string(out), "token=***") < 2 {
		t.Fatalf("the masked text is not in the output:\n%s", out)
	}
	if strings.Contains(string(out), "::add-mask::") {
		t.Errorf("local mode printed ::add-mask:: commands:\n%s", out)
	}
	assertNoFragment(t, []string{string(out)}, false, overlapToken, overlapSecret)

	// The resource got the real text: masking is for what is shown.
	found := false
	for _, o := range emu.Server.Inventory(overlapSID) {
		if o.Token == "sync/v1:Service" {
			found = true
		}
	}
	if !found {
		t.Fatalf("no Sync service deployed: %v", emu.Server.Inventory(overlapSID))
	}
}

// TestOverlappingSecretsGitHubMode: the same secrets as repository
// secrets, on a pull request preview (the comment) and a push (the step
// outputs file, the job summary, the log).
func TestOverlappingSecretsGitHubMode(t *testing.T) {
	w := newWorld(t)
	emu := overlapEmulator(t)
	writeProgram(t, w.repo, overlapProgram)
	w.secrets["TWILIO_MAIN_ACCOUNT_SID"] = overlapSID
	w.secrets["TWILIO_MAIN_AUTH_TOKEN"] = overlapToken
	w.secrets["TWILIO_MAIN_API_KEY"] = overlapKey
	w.secrets["TWILIO_MAIN_API_SECRET"] = overlapSecret
	api := "INPUT_TWILIO-API-URL=" + emu.URL

	r := w.step("pull_request", "refs/pull/7/merge", "main", prPayload("opened", 7, repoJSON()), api)
	mustCode(t, "pr preview", r, 0)
	comments := w.gh.Comments("tdeploy", "ivr", 7)
	if len(comments) != 1 || !strings.Contains(comments[0].Body, "token=***") {
		t.Fatalf("comments = %+v", comments)
	}
	r = w.step("push", "refs/heads/main", "", map[string]any{"ref": "refs/heads/main", "repository": repoJSON()}, api)
	mustCode(t, "push main", r, 0)
	if r.outputs["note"] != "token=***" || !strings.HasPrefix(r.outputs["sid"], "IS") {
		t.Fatalf("outputs = %v", r.outputs)
	}
	if !strings.Contains(r.summary, "token=***") {
		t.Fatalf("summary:\n%s", r.summary)
	}
	texts := append([]string{comments[0].Body}, w.outputs...)
	assertNoFragment(t, texts, true, overlapToken, overlapSecret)
}
