package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	syncv1 "github.com/twilio/twilio-go/rest/sync/v1"

	"github.com/tdeploy/twilio-deploy-action/examples"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment/fakegithub"
	"github.com/tdeploy/twilio-deploy-action/internal/grace"
	"github.com/tdeploy/twilio-deploy-action/internal/naming"
	"github.com/tdeploy/twilio-deploy-action/internal/stack"
	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

var (
	buildMu    sync.Mutex
	buildDir   string // removed by TestMain
	buildPaths = map[string]string{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// actionBinary builds the image's multi-call binary (cmd/twilio-deploy)
// once per test run and returns its action link: the program the image's
// entrypoint starts (cmd/action is the same code, built on its own).
func actionBinary(t testing.TB) string {
	t.Helper()
	bin := shippedBinary(t, "../twilio-deploy")
	buildMu.Lock()
	defer buildMu.Unlock()
	link := filepath.Join(filepath.Dir(bin), "action")
	if _, err := os.Lstat(link); err != nil {
		if err := os.Symlink(filepath.Base(bin), link); err != nil {
			t.Fatal(err)
		}
	}
	return link
}

// shippedBinary builds the command in pkg (relative to cmd/action) once per
// test run, as the image builds its binaries (scripts/tools.sh): static and
// stripped, so the tests and the benchmark run what users run.
func shippedBinary(t testing.TB, pkg string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	if p, ok := buildPaths[pkg]; ok {
		return p
	}
	if buildDir == "" {
		dir, err := os.MkdirTemp("", "action-e2e-")
		if err != nil {
			t.Fatal(err)
		}
		buildDir = dir
	}
	path := filepath.Join(buildDir, filepath.Base(filepath.Clean(pkg)))
	cmd := exec.Command("go", "build", "-ldflags", "-s -w", "-o", path, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", pkg, err, out)
	}
	buildPaths[pkg] = path
	return path
}

// world is one repository's CI: the emulator with an account per
// environment, the fake GitHub API, a file backend, the program checkout.
type world struct {
	t        testing.TB
	bin      string
	emu      *emulatortest.Env
	gh       *fakegithub.Server
	repo     string
	base     []string // Pulumi env: PATH with bin/, PULUMI_HOME, backend, passphrase
	accounts map[string]emulator.Account
	secrets  map[string]string
	token    string
	mu       sync.Mutex // guards outputs: steps may run at once
	outputs  []string   // every file and stream the action wrote, for the leak check
	syncSID  string     // main's Sync service, once deployed
}

func renameParams() *syncv1.UpdateServiceParams {
	return (&syncv1.UpdateServiceParams{}).SetFriendlyName("renamed-outside-pulumi")
}

const (
	mainSID     = "AC11111111111111111111111111111111"
	mainToken   = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"
	featSID     = "AC22222222222222222222222222222222"
	featToken   = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2"
	decoyToken  = "decoy-staging-token-never-used-9"
	githubToken = "ghs_e2eTokenValue0123456789abcdef"
)

// newWorld makes a world with accounts for main and feature/new-ivr, and
// for each of branches (keyed by the branch; its secrets TWILIO_<BRANCH>_*).
func newWorld(t testing.TB, branches ...string) *world {
	t.Helper()
	w := &world{t: t, bin: actionBinary(t), token: githubToken}
	w.accounts = map[string]emulator.Account{
		"MAIN":            {SID: mainSID, AuthToken: mainToken},
		"FEATURE_NEW_IVR": {SID: featSID, AuthToken: featToken},
	}
	order := []emulator.Account{w.accounts["MAIN"], w.accounts["FEATURE_NEW_IVR"]} // RestClient's is the first
	for i, b := range branches {
		w.accounts[b] = branchAccount(i)
		order = append(order, w.accounts[b])
	}
	w.emu = emulatortest.New(t, func(o *emulator.Options) { o.Accounts = order })
	w.gh = fakegithub.New(t)
	w.gh.ForkToken = "ghs_forkReadOnlyToken"
	w.repo = t.TempDir()
	if err := examples.Copy(w.repo, examples.Demo); err != nil {
		t.Fatal(err)
	}
	w.base = testenv.PulumiEnv(t)
	w.secrets = map[string]string{
		"TWILIO_MAIN_ACCOUNT_SID": mainSID, "TWILIO_MAIN_AUTH_TOKEN": mainToken,
		"TWILIO_FEATURE_NEW_IVR_ACCOUNT_SID": featSID, "TWILIO_FEATURE_NEW_IVR_AUTH_TOKEN": featToken,
		"TWILIO_STAGING_ACCOUNT_SID": "AC33333333333333333333333333333333", "TWILIO_STAGING_AUTH_TOKEN": decoyToken,
		"github_token": githubToken,
	}
	for _, b := range branches {
		w.secrets[naming.SecretPrefix(b)+"ACCOUNT_SID"] = w.accounts[b].SID
		w.secrets[naming.SecretPrefix(b)+"AUTH_TOKEN"] = w.accounts[b].AuthToken
	}
	return w
}

// branchAccount is the i-th extra branch's account in newWorld.
func branchAccount(i int) emulator.Account {
	return emulator.Account{SID: fmt.Sprintf("AC%032x", 0x100+i), AuthToken: fmt.Sprintf("%032x", 0xfeed00+i)}
}

type stepRun struct {
	code    int
	stdout  string
	stderr  string
	outputs map[string]string
	summary string
}

// step runs the binary as the Docker runner would for one event.
func (w *world) step(event, ref, baseRef string, payload any, extra ...string) stepRun {
	w.t.Helper()
	dir := w.t.TempDir()
	b, _ := json.Marshal(payload)
	evPath, outPath, sumPath := filepath.Join(dir, "event.json"), filepath.Join(dir, "output"), filepath.Join(dir, "summary.md")
	if err := os.WriteFile(evPath, b, 0o644); err != nil {
		w.t.Fatal(err)
	}
	secretsJSON, _ := json.Marshal(w.secrets)
	env := append([]string{}, w.base...)
	env = append(env,
		"PULUMI_ROOT="+filepath.Dir(testenv.BinDir(w.t)),
		"GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME="+event, "GITHUB_EVENT_PATH="+evPath,
		"GITHUB_REF="+ref, "GITHUB_BASE_REF="+baseRef, "GITHUB_SHA=9d8c7b6a5f4e3d2c1b0a99887766554433221100",
		"GITHUB_REPOSITORY=tdeploy/ivr", "GITHUB_WORKSPACE="+w.repo, "GITHUB_OUTPUT="+outPath, "GITHUB_STEP_SUMMARY="+sumPath,
		"GITHUB_API_URL="+w.gh.URL, "GITHUB_SERVER_URL=https://github.com", "GITHUB_RUN_ID=42",
		// As the runner passes inputs: upper case, hyphens kept.
		"INPUT_COMMAND=", "INPUT_WORK-DIR=.", "INPUT_STACK-NAME=", "INPUT_BRANCH-MAP=", "INPUT_CONFIG=greeting: hello",
		"INPUT_SECRETS="+string(secretsJSON), "INPUT_TWILIO-API-URL="+w.emu.URL, "INPUT_GITHUB-TOKEN="+w.token,
		"INPUT_COMMENT-MODE=update", "INPUT_REFRESH=false", "INPUT_EXPECT-NO-CHANGES=false", "INPUT_PR-ENVIRONMENTS=false",
		// A credential in the environment that belongs to no branch here.
		"TWILIO_AUTH_TOKEN="+decoyToken,
	)
	env = append(env, extra...)
	cmd := exec.CommandContext(w.t.Context(), w.bin)
	cmd.Dir = w.repo
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := stepRun{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		w.t.Fatal(err)
	}
	var out []byte
	if b, err := os.ReadFile(outPath); err == nil {
		out = b
		if r.outputs, err = testenv.ParseOutputFile(b); err != nil {
			w.t.Fatal(err)
		}
	}
	if b, err := os.ReadFile(sumPath); err == nil {
		r.summary = string(b)
	}
	w.wrote(string(out), r.stdout, r.stderr, r.summary)
	return r
}

// wrote keeps what the action wrote, for the leak check.
func (w *world) wrote(texts ...string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.outputs = append(w.outputs, texts...)
}

func (w *world) inventory(sid string) []string {
	var out []string
	for _, o := range w.emu.Server.Inventory(sid) {
		if o.Token != "api/v2010:Account" && !o.Builtin {
			out = append(out, o.Token)
		}
	}
	return out
}

func repoJSON() map[string]any {
	return map[string]any{"full_name": "tdeploy/ivr", "name": "ivr", "owner": map[string]any{"login": "tdeploy"}}
}

func prPayload(action string, number int, headRepo map[string]any) map[string]any {
	return map[string]any{"action": action, "number": number, "repository": repoJSON(), "pull_request": map[string]any{
		"number": number, "html_url": "https://github.com/tdeploy/ivr/pull/7",
		"head": map[string]any{"ref": "feature/new-ivr", "sha": "5f3c1a9e0d2b4c6e8f7a9b1c3d5e7f9a1b3c5d7e", "repo": headRepo},
		"base": map[string]any{"ref": "main", "repo": repoJSON()}}}
}

func mustCode(t *testing.T, name string, r stepRun, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", name, r.code, code, r.stdout, r.stderr)
	}
}

// TestEndToEnd runs the built binary through a feature's life against the
// emulator and the fake GitHub API: a PR preview (comment, nothing
// deployed), a second push to the PR (same comment), the merge's push to
// main (up), a push to the feature branch (its own account), the feature
// branch's deletion (destroyed, stack removed), plus the events that must
// not deploy anything. Then it checks that no secret value appears in
// anything the action wrote.
func TestEndToEnd(t *testing.T) {
	w := newWorld(t)

	// 1. Pull request opened: preview of main with main's credentials.
	r := w.step("pull_request", "refs/pull/7/merge", "main", prPayload("opened", 7, repoJSON()))
	mustCode(t, "pr preview", r, 0)
	if r.outputs["operation"] != "preview" || r.outputs["stack"] != "main" || r.outputs["branch"] != "main" || r.outputs["changes"] != `{"create":3}` ||
		r.outputs["subaccount-sid"] != "" {
		t.Fatalf("pr preview outputs = %v", r.outputs)
	}
	if !strings.Contains(r.summary, "preview") || !strings.Contains(r.summary, "twilio:sync/v1:Service") || r.summary != r.outputs["summary"]+"\n" {
		t.Fatalf("pr preview summary:\n%s\noutput:\n%s", r.summary, r.outputs["summary"])
	}
	if !strings.Contains(r.stdout, "::group::pulumi preview main") || !strings.Contains(r.stdout, "::endgroup::") {
		t.Fatalf("no engine log group:\n%s", r.stdout)
	}
	comments := w.gh.Comments("tdeploy", "ivr", 7)
	if len(comments) != 1 || !strings.Contains(comments[0].Body, "twilio-deploy-action") || r.outputs["comment-url"] == "" {
		t.Fatalf("comments after preview = %+v, comment-url %q", comments, r.outputs["comment-url"])
	}
	if inv := w.inventory(mainSID); len(inv) != 0 {
		t.Fatalf("a preview deployed %v", inv)
	}

	// 2. Another push to the PR: the same comment, not a second one.
	r = w.step("pull_request", "refs/pull/7/merge", "main", prPayload("synchronize", 7, repoJSON()))
	mustCode(t, "pr preview again", r, 0)
	if n := len(w.gh.Comments("tdeploy", "ivr", 7)); n != 1 {
		t.Fatalf("%d comments after the second preview, want 1", n)
	}

	// 3. The merge's push to main: up with main's account.
	r = w.step("push", "refs/heads/main", "", map[string]any{"ref": "refs/heads/main", "after": "9d8c7b6a5f4e3d2c1b0a99887766554433221100", "repository": repoJSON()})
	mustCode(t, "push main", r, 0)
	if r.outputs["operation"] != "up" || r.outputs["changes"] != `{"create":3}` || !strings.HasPrefix(r.outputs["syncServiceSid"], "IS") || !strings.HasPrefix(r.outputs["workspaceSid"], "WS") {
		t.Fatalf("push main outputs = %v", r.outputs)
	}
	if inv := w.inventory(mainSID); len(inv) != 3 {
		t.Fatalf("main inventory after up = %v", inv)
	}
	w.syncSID = r.outputs["syncServiceSid"]
	if inv := w.inventory(featSID); len(inv) != 0 {
		t.Fatalf("up on main touched the feature account: %v", inv)
	}

	// 3b. The nightly drift check: none, then a change made outside Pulumi.
	r = w.step("schedule", "refs/heads/main", "", map[string]any{"schedule": "17 3 * * *"})
	mustCode(t, "drift check", r, 0)
	if r.outputs["operation"] != "drift" || r.outputs["drift"] != "false" {
		t.Fatalf("drift check right after up: %v", r.outputs)
	}
	if _, err := w.emu.RestClientFor(mainSID, mainToken).SyncV1.UpdateService(w.syncSID, renameParams()); err != nil {
		t.Fatal(err)
	}
	r = w.step("schedule", "refs/heads/main", "", map[string]any{"schedule": "17 3 * * *"})
	mustCode(t, "drift check after an outside change", r, 0)
	if r.outputs["drift"] != "true" || r.outputs["changes"] != `{"update":1}` || !strings.Contains(r.summary, "friendlyName") || !strings.Contains(r.stdout, "::warning::stack main has drifted") {
		t.Fatalf("drift not reported: outputs %v\nsummary:\n%s", r.outputs, r.summary)
	}

	// 4. Push to the feature branch: its own stack and account.
	r = w.step("push", "refs/heads/feature/new-ivr", "", map[string]any{"ref": "refs/heads/feature/new-ivr", "repository": repoJSON()})
	mustCode(t, "push feature", r, 0)
	if r.outputs["stack"] != "feature-new-ivr" || r.outputs["branch"] != "feature/new-ivr" {
		t.Fatalf("push feature outputs = %v", r.outputs)
	}
	if inv := w.inventory(featSID); len(inv) != 3 {
		t.Fatalf("feature inventory after up = %v", inv)
	}

	// 5. The feature branch is deleted: destroy, stack removed.
	r = w.step("delete", "refs/heads/main", "", map[string]any{"ref": "feature/new-ivr", "ref_type": "branch", "repository": repoJSON()})
	mustCode(t, "delete feature", r, 0)
	if r.outputs["operation"] != "destroy" || r.outputs["changes"] != `{"delete":3}` {
		t.Fatalf("delete outputs = %v", r.outputs)
	}
	if inv := w.inventory(featSID); len(inv) != 0 {
		t.Fatalf("feature inventory after delete = %v", inv)
	}
	if inv := w.inventory(mainSID); len(inv) != 3 {
		t.Fatalf("main inventory after the feature's delete = %v", inv)
	}
	stacks := testenv.Pulumi(t, w.repo, w.base, "stack", "ls", "--json")
	if strings.Contains(stacks, "feature-new-ivr") || !strings.Contains(stacks, `"main"`) {
		t.Fatalf("stacks after delete: %s", stacks)
	}

	// 6. Events that deploy nothing.
	r = w.step("issues", "refs/heads/main", "", map[string]any{"action": "opened", "repository": repoJSON()})
	mustCode(t, "issues event", r, 0)
	if r.outputs["operation"] != "none" || !strings.Contains(r.stdout, "::notice::") {
		t.Fatalf("issues event: outputs %v\n%s", r.outputs, r.stdout)
	}
	r = w.step("push", "refs/tags/v1.0.0", "", map[string]any{"ref": "refs/tags/v1.0.0", "repository": repoJSON()})
	mustCode(t, "tag push", r, 0)

	// 7. A branch without secrets fails fast, naming them; nothing runs.
	r = w.step("push", "refs/heads/hotfix/x", "", map[string]any{"ref": "refs/heads/hotfix/x", "repository": repoJSON()})
	mustCode(t, "push without secrets", r, 1)
	if !strings.Contains(r.stdout, "::error::") || !strings.Contains(r.stdout, "TWILIO_HOTFIX_X_ACCOUNT_SID") || !strings.Contains(r.stdout, "TWILIO_HOTFIX_X_AUTH_TOKEN") {
		t.Fatalf("missing secrets not named:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "::group::") {
		t.Fatalf("Pulumi ran without credentials:\n%s", r.stdout)
	}

	// 7b. Deleting a branch that never had secrets is a notice, not a
	// failure: most deleted branches had no environment.
	r = w.step("delete", "refs/heads/main", "", map[string]any{"ref": "hotfix/x", "ref_type": "branch", "repository": repoJSON()})
	mustCode(t, "delete without secrets", r, 0)
	if r.outputs["operation"] != "none" || !strings.Contains(r.stdout, "::notice::") || !strings.Contains(r.stdout, "TWILIO_HOTFIX_X_ACCOUNT_SID") {
		t.Fatalf("delete without secrets: outputs %v\n%s", r.outputs, r.stdout)
	}
	if strings.Contains(r.stdout, "::group::") {
		t.Fatalf("Pulumi ran without credentials:\n%s", r.stdout)
	}

	// 8. Rejected credentials fail fast too.
	saved := w.secrets["TWILIO_MAIN_AUTH_TOKEN"]
	w.secrets["TWILIO_MAIN_AUTH_TOKEN"] = "cccccccccccccccccccccccccccccccc"
	r = w.step("push", "refs/heads/main", "", map[string]any{"ref": "refs/heads/main", "repository": repoJSON()})
	w.secrets["TWILIO_MAIN_AUTH_TOKEN"] = saved
	mustCode(t, "push with a wrong token", r, 1)
	if !strings.Contains(r.stdout, "Twilio rejected the credentials in TWILIO_MAIN_ACCOUNT_SID and TWILIO_MAIN_AUTH_TOKEN") {
		t.Fatalf("rejection not explained:\n%s", r.stdout)
	}

	// 9. A fork's pull request: no secrets, read-only token. Exit 0 with a notice.
	fork := map[string]any{"full_name": "octocat/ivr", "fork": true}
	savedSecrets := w.secrets
	w.secrets, w.token = map[string]string{}, w.gh.ForkToken
	r = w.step("pull_request", "refs/pull/8/merge", "main", prPayload("opened", 8, fork))
	w.secrets, w.token = savedSecrets, githubToken
	mustCode(t, "fork pr", r, 0)
	if !strings.Contains(r.summary, "fork") || !strings.Contains(r.stdout, "::notice::") {
		t.Fatalf("fork pr: summary %q\n%s", r.summary, r.stdout)
	}

	// 10. pull_request_target from a fork: secrets present, the token may
	// not write; the preview lands in the job summary with a notice.
	w.token = w.gh.ForkToken
	r = w.step("pull_request_target", "refs/heads/main", "main", prPayload("opened", 9, fork))
	w.token = githubToken
	mustCode(t, "fork pr with a read-only token", r, 0)
	if !strings.Contains(r.summary, "Could not comment") || !strings.Contains(r.summary, "preview") || r.outputs["comment-url"] != "" {
		t.Fatalf("403 not degraded: summary\n%s\noutputs %v", r.summary, r.outputs)
	}

	for _, c := range w.gh.Comments("tdeploy", "ivr", 7) {
		w.wrote(c.Body)
	}
	assertNoSecrets(t, w.outputs, mainToken, featToken, decoyToken, githubToken, "cccccccccccccccccccccccccccccccc")
}

// assertNoSecrets fails when a secret value is in any text the action
// wrote. ::add-mask:: command lines are exempt: the runner consumes them
// (they are how a value gets masked) and never shows them.
func assertNoSecrets(t *testing.T, texts []string, secrets ...string) {
	t.Helper()
	for i, text := range texts {
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, "::add-mask::") {
				continue
			}
			for _, s := range secrets {
				if strings.Contains(line, s) {
					t.Errorf("text %d shows secret %s…: %q", i, s[:6], line)
				}
			}
		}
	}
}

// startUp starts the action as a push to main would, and returns once
// the engine is creating resources.
func (w *world) startUp(t *testing.T, extra ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd, stdout := w.launch(t, extra...)
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(stdout.String(), "::group::pulumi up main") {
		if time.Now().After(deadline) {
			t.Fatalf("up never started:\n%s", stdout.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return cmd, stdout
}

// launch starts the action as a push to main would, in its own process
// group.
func (w *world) launch(t *testing.T, extra ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	dir := t.TempDir()
	b, _ := json.Marshal(map[string]any{"ref": "refs/heads/main", "repository": repoJSON()})
	evPath := filepath.Join(dir, "event.json")
	if err := os.WriteFile(evPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	secretsJSON, _ := json.Marshal(w.secrets)
	cmd := exec.Command(w.bin)
	cmd.Dir = w.repo
	cmd.Env = append(append([]string{}, w.base...),
		"PULUMI_ROOT="+filepath.Dir(testenv.BinDir(t)),
		"GITHUB_EVENT_NAME=push", "GITHUB_EVENT_PATH="+evPath, "GITHUB_REF=refs/heads/main",
		"GITHUB_WORKSPACE="+w.repo, "GITHUB_OUTPUT="+filepath.Join(dir, "out"), "GITHUB_STEP_SUMMARY="+filepath.Join(dir, "sum"),
		"INPUT_SECRETS="+string(secretsJSON), "INPUT_TWILIO-API-URL="+w.emu.URL)
	cmd.Env = append(cmd.Env, extra...)
	// Its own process group, so that a lost runner can be played by
	// killing the action with the CLI, the YAML host and the provider.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stdout syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	return cmd, &stdout
}

// killedRunEnv is the GitHub environment of the run the fault tests kill:
// run 41, attempt 1, which the next run (42) asks GitHub about.
func (w *world) killedRunEnv() []string {
	return []string{"GITHUB_REPOSITORY=tdeploy/ivr", "GITHUB_RUN_ID=41", "GITHUB_RUN_ATTEMPT=1",
		"GITHUB_API_URL=" + w.gh.URL, "INPUT_GITHUB-TOKEN=" + w.token, "GITHUB_SHA=9d8c7b6a5f4e3d2c1b0a99887766554433221100"}
}

// terminate sends SIGTERM, as a cancelled workflow does, and returns how
// long the action took to exit; it must exit non-zero, saying so.
func terminate(t *testing.T, cmd *exec.Cmd, log *syncBuffer) time.Duration {
	t.Helper()
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	took := time.Since(sent)
	if err == nil {
		t.Fatalf("a cancelled up exited 0:\n%s", log.String())
	}
	if !strings.Contains(log.String(), "cancelled") {
		t.Errorf("no cancellation reported:\n%s", log.String())
	}
	t.Logf("stopped %s after SIGTERM", took.Round(time.Millisecond))
	return took
}

// converges runs the next push and a preview: both succeed without a
// human, the stack not locked, and Twilio holds the program's resources
// and nothing else.
func (w *world) converges(t *testing.T) {
	t.Helper()
	w.emu.Server.SetFaults(emulator.Faults{})
	r := w.step("push", "refs/heads/main", "", map[string]any{"ref": "refs/heads/main", "repository": repoJSON()})
	mustCode(t, "up after the cancelled one", r, 0)
	if strings.Contains(r.stdout+r.stderr, "locked") {
		t.Errorf("the next run met a lock:\n%s", r.stdout+r.stderr)
	}
	if inv := w.inventory(mainSID); len(inv) != 3 {
		t.Fatalf("inventory after the second up = %v", inv)
	}
	r = w.step("pull_request", "refs/pull/7/merge", "main", prPayload("opened", 7, repoJSON()))
	mustCode(t, "preview after", r, 0)
	if r.outputs["changes"] != "{}" {
		t.Fatalf("the stack did not converge: changes %s", r.outputs["changes"])
	}
}

// TestCancel sends SIGTERM (what a cancelled workflow sends) while up is
// creating resources against a slow emulator: the action exits promptly,
// non-zero, and the stack is left unlocked: the next run succeeds and
// converges.
func TestCancel(t *testing.T) {
	w := newWorld(t)
	w.emu.Server.SetFaults(emulator.Faults{Latency: 1500 * time.Millisecond})
	cmd, log := w.startUp(t)
	time.Sleep(2 * time.Second)
	if took := terminate(t, cmd, log); took > grace.Budget {
		t.Errorf("the action took %s to stop after SIGTERM; GitHub kills it at 7.5 s and its budget is %s", took, grace.Budget)
	}
	w.converges(t)
}

// TestCancelThrottled: SIGTERM while Twilio throttles every request with a
// Retry-After of 10 s. The provider waits out no Retry-After once the
// engine cancels, so the action ends inside GitHub's 7.5 s grace, with the
// stack released (measured before: still alive at 7.5 s, then SIGKILLed,
// locked).
func TestCancelThrottled(t *testing.T) {
	w := newWorld(t)
	w.emu.Server.SetFaults(emulator.Faults{Latency: 300 * time.Millisecond})
	cmd, log := w.startUp(t)
	w.emu.Server.SetFaults(emulator.Faults{RateLimit: 1, RetryAfter: 10 * time.Second})
	time.Sleep(1500 * time.Millisecond) // every create is waiting for its retry
	// Well inside: the CLI ended by itself, its state saved and the stack
	// released, long before the SIGKILL at stack.CLIGrace that is the
	// fallback (without the provider's Cancel it took 4.4 s: killed, then
	// pulumi cancel).
	if took := terminate(t, cmd, log); took >= stack.CLIGrace {
		t.Errorf("the action took %s to stop after SIGTERM with Retry-After 10 s; the CLI should end by itself before it is killed at %s", took, stack.CLIGrace)
	}
	w.converges(t)
}

// TestKilledRunRecovered: the runner is lost (SIGKILL to the action and
// everything it started) while the up's creates are in flight, and Twilio
// applies them. The lock and the pending creates it leaves used to stop
// every later run ("the stack is currently locked"), then, after a pulumi
// cancel, make duplicates. Now the next run asks GitHub about the run that
// holds the lock (completed), releases it, finds what the killed run
// created, and converges: no orphan, no duplicate, no human.
func TestKilledRunRecovered(t *testing.T) {
	w := newWorld(t)
	w.emu.Server.SetFaults(emulator.Faults{Latency: 1500 * time.Millisecond})
	launched := time.Now()
	cmd, log := w.startUp(t, w.killedRunEnv()...)
	time.Sleep(1200 * time.Millisecond) // the first creates are sent
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	time.Sleep(2 * time.Second) // Twilio finishes what it was sent
	if inv := w.inventory(mainSID); len(inv) == 0 {
		t.Fatalf("the killed run created nothing in Twilio; the test needs creates in flight:\n%s", log.String())
	}
	w.endRun(launched)

	w.emu.Server.SetFaults(emulator.Faults{})
	r := w.step("push", "refs/heads/main", "", map[string]any{"ref": "refs/heads/main", "repository": repoJSON()})
	mustCode(t, "the run after the killed one", r, 0)
	if !strings.Contains(r.stdout, "Released the lock on stack main: taken by run 41 (attempt 1) of tdeploy/ivr, which is completed (cancelled)") {
		t.Errorf("the run does not say it released the killed run's lock:\n%s", r.stdout)
	}
	if inv := w.inventory(mainSID); len(inv) != 3 {
		t.Errorf("Twilio after the recovery holds %v; want the program's 3 resources, no orphan or duplicate", inv)
	}
	if n := w.gh.Calls()["GET /repos/{owner}/{repo}/actions/runs/{id}/attempts/{n}"]; n != 1 {
		t.Errorf("GitHub was asked %d times about the holder, want 1", n)
	}
	r = w.step("pull_request", "refs/pull/7/merge", "main", prPayload("opened", 7, repoJSON()))
	mustCode(t, "preview after", r, 0)
	if r.outputs["changes"] != "{}" {
		t.Fatalf("the stack did not converge: changes %s", r.outputs["changes"])
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
