package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

// prInto is a pull request payload from feature/new-ivr into base.
func prInto(action string, number int, base string, headRepo map[string]any) map[string]any {
	p := prPayload(action, number, headRepo)
	p["pull_request"].(map[string]any)["base"] = map[string]any{"ref": base, "repo": repoJSON()}
	return p
}

func pushTo(branch string) map[string]any {
	return map[string]any{"ref": "refs/heads/" + branch, "repository": repoJSON()}
}

// onlyCredentialCheck fails unless every Twilio call since the last reset
// was a read of an account (the credential check): nothing was deployed,
// previewed or refreshed.
func (w *world) onlyCredentialCheck(t *testing.T, name string) {
	t.Helper()
	for _, r := range w.emu.Server.Requests() {
		if r.Method != "GET" || !strings.HasPrefix(r.Path, "/2010-04-01/Accounts/") {
			t.Errorf("%s: Twilio was called beyond the credential check: %s %s%s", name, r.Method, r.Host, r.Path)
		}
	}
	w.emu.Server.ResetRequests()
}

// TestEdgesBranchCollision: a/b and a-b derive one stack, a-b. Once a/b
// owns it, every operation from a-b is refused with the owner's name, the
// pull request preview included (its comment says ❌ and why, not "no
// changes"), and Twilio is not touched. stack-name bypasses the check on
// purpose (README: "Branches, stacks and secrets").
func TestEdgesBranchCollision(t *testing.T) {
	w := newWorld(t)
	// Both branches read TWILIO_A_B_*: names alone cannot tell them apart.
	w.secrets["TWILIO_A_B_ACCOUNT_SID"], w.secrets["TWILIO_A_B_AUTH_TOKEN"] = featSID, featToken

	r := w.step("push", "refs/heads/a/b", "", pushTo("a/b"))
	mustCode(t, "push a/b", r, 0)
	if r.outputs["stack"] != "a-b" || len(w.inventory(featSID)) != 3 {
		t.Fatalf("push a/b: outputs %v, inventory %v", r.outputs, w.inventory(featSID))
	}
	w.emu.Server.ResetRequests()

	const refused = `stack a-b belongs to branch "a/b", not "a-b" (both give the stack name a-b)`
	for _, tc := range []struct {
		name, event, ref, baseRef string
		payload                   any
		extra                     []string
	}{
		{"push a-b", "push", "refs/heads/a-b", "", pushTo("a-b"), nil},
		{"pull request into a-b", "pull_request", "refs/pull/11/merge", "a-b", prInto("opened", 11, "a-b", repoJSON()), nil},
		{"drift check of a-b", "schedule", "refs/heads/a-b", "", map[string]any{"schedule": "17 3 * * *"}, nil},
		{"refresh of a-b", "workflow_dispatch", "refs/heads/a-b", "", map[string]any{"ref": "a-b"}, []string{"INPUT_COMMAND=refresh"}},
		{"a-b deleted", "delete", "refs/heads/main", "", map[string]any{"ref": "a-b", "ref_type": "branch", "repository": repoJSON()}, nil},
	} {
		r := w.step(tc.event, tc.ref, tc.baseRef, tc.payload, tc.extra...)
		mustCode(t, tc.name, r, 1)
		if !strings.Contains(r.stdout, "::error::"+refused) {
			t.Errorf("%s: no error naming the owner:\n%s", tc.name, r.stdout)
		}
		if strings.Contains(r.stdout, "::group::pulumi") {
			t.Errorf("%s: the engine ran on a/b's stack:\n%s", tc.name, r.stdout)
		}
		if r.outputs["stack"] != "a-b" || r.outputs["changes"] != "{}" {
			t.Errorf("%s: outputs %v", tc.name, r.outputs)
		}
		w.onlyCredentialCheck(t, tc.name)
	}
	comments := w.gh.Comments("tdeploy", "ivr", 11)
	if len(comments) != 1 {
		t.Fatalf("%d comments on the pull request into a-b, want 1", len(comments))
	}
	body := comments[0].Body
	if !strings.Contains(body, "### ❌ Twilio preview failed") || !strings.Contains(body, refused) || strings.Contains(body, "No changes") {
		t.Errorf("pull request comment does not show the refusal:\n%s", body)
	}
	if inv := w.inventory(featSID); len(inv) != 3 {
		t.Errorf("a/b's resources after a-b's refused runs: %v", inv)
	}
	if stacks := testenv.Pulumi(t, w.repo, w.base, "stack", "ls", "--json"); !strings.Contains(stacks, `"a-b"`) {
		t.Errorf("a-b's delete removed a/b's stack: %s", stacks)
	}

	// stack-name names the stack on purpose: shared, not refused, and it
	// stays a/b's.
	r = w.step("push", "refs/heads/a-b", "", pushTo("a-b"), "INPUT_STACK-NAME=a-b")
	mustCode(t, "push a-b with stack-name", r, 0)
	if r.outputs["stack"] != "a-b" || r.outputs["changes"] != "{}" {
		t.Errorf("push a-b with stack-name: outputs %v", r.outputs)
	}
	if owner := strings.TrimSpace(testenv.Pulumi(t, w.repo, w.base, "stack", "tag", "get", "twilio-deploy:branch", "--stack", "a-b")); owner != "a/b" {
		t.Errorf("owner tag after the explicit run = %q, want a/b", owner)
	}
	assertNoSecrets(t, append(w.outputs, body), featToken, mainToken, decoyToken, githubToken)
}

// TestEdgesPullRequestTarget: pull_request_target previews the base
// branch's environment with the code the workflow checked out (by default
// the base branch's commit, GITHUB_SHA, which the comment names) and
// comments with the base repository's token, for a fork's pull request too;
// nothing is deployed (README: "What each event does").
func TestEdgesPullRequestTarget(t *testing.T) {
	w := newWorld(t)
	fork := map[string]any{"full_name": "octocat/ivr", "fork": true}
	for _, tc := range []struct {
		name     string
		number   int
		headRepo map[string]any
	}{
		{"same repository", 21, repoJSON()},
		{"fork", 22, fork},
	} {
		r := w.step("pull_request_target", "refs/heads/main", "main", prInto("opened", tc.number, "main", tc.headRepo))
		mustCode(t, tc.name, r, 0)
		if r.outputs["operation"] != "preview" || r.outputs["stack"] != "main" || r.outputs["changes"] != `{"create":3}` || r.outputs["comment-url"] == "" {
			t.Errorf("%s: outputs %v", tc.name, r.outputs)
		}
		comments := w.gh.Comments("tdeploy", "ivr", tc.number)
		if len(comments) != 1 {
			t.Fatalf("%s: %d comments, want 1", tc.name, len(comments))
		}
		body := comments[0].Body
		// GITHUB_SHA (the step's 9d8c7b6…), not the pull request's head (5f3c1a9…).
		if !strings.Contains(body, "**Commit** `9d8c7b6`") || strings.Contains(body, "5f3c1a9") || !strings.Contains(body, "**Branch** `main`") {
			t.Errorf("%s: comment does not name the base branch's commit:\n%s", tc.name, body)
		}
		if inv := w.inventory(mainSID); len(inv) != 0 {
			t.Errorf("%s: a preview deployed %v", tc.name, inv)
		}
		w.wrote(body)
	}
	assertNoSecrets(t, w.outputs, mainToken, featToken, decoyToken, githubToken)
}

var tableRow = regexp.MustCompile(`(?m)^\| (➕ create|➖ delete|✏️ update|🔁 replace)[^|]*\| ` + "`twilio:")

// rows counts the per-resource table's rows by op.
func rows(md string) map[string]int {
	out := map[string]int{}
	for _, m := range tableRow.FindAllStringSubmatch(md, -1) {
		out[strings.Fields(m[1])[1]]++
	}
	return out
}

// TestEdgesCounts: the example has 3 Twilio resources. The header, the
// table, the changes output and the job summary all say 3, through a
// preview, the up and the destroy: the engine's pulumi:pulumi:Stack and
// its provider are not counted.
func TestEdgesCounts(t *testing.T) {
	w := newWorld(t)
	check := func(name string, r stepRun, op, header string) {
		t.Helper()
		if want := `{"` + op + `":3}`; r.outputs["changes"] != want {
			t.Errorf("%s: changes %s, want %s", name, r.outputs["changes"], want)
		}
		if !strings.Contains(r.summary, "**Changes:** "+header+"\n") {
			t.Errorf("%s: summary header is not %q:\n%s", name, header, r.summary)
		}
		if got := rows(r.summary); len(got) != 1 || got[op] != 3 {
			t.Errorf("%s: table rows %v, want 3 %s", name, got, op)
		}
		// The log's closing line counts the same resources.
		if want := "summary: 3 " + op + " in "; !strings.Contains(r.stdout, want) {
			t.Errorf("%s: the engine log has no %q:\n%s", name, want, r.stdout)
		}
	}

	r := w.step("pull_request", "refs/pull/7/merge", "main", prPayload("opened", 7, repoJSON()))
	mustCode(t, "pr preview", r, 0)
	check("pr preview", r, "create", "➕ 3 create")
	comments := w.gh.Comments("tdeploy", "ivr", 7)
	if len(comments) != 1 || !strings.Contains(comments[0].Body, "**Changes:** ➕ 3 create\n") || rows(comments[0].Body)["create"] != 3 {
		t.Errorf("comment header or table is not 3 creates:\n%+v", comments)
	}

	r = w.step("push", "refs/heads/main", "", pushTo("main"))
	mustCode(t, "push main", r, 0)
	check("up", r, "create", "➕ 3 create")

	r = w.step("workflow_dispatch", "refs/heads/main", "", map[string]any{"ref": "main"}, "INPUT_COMMAND=preview")
	mustCode(t, "preview after up", r, 0)
	if r.outputs["changes"] != "{}" || !strings.Contains(r.summary, "**No changes** (3 unchanged)") {
		t.Errorf("preview after up: changes %s\n%s", r.outputs["changes"], r.summary)
	}

	r = w.step("workflow_dispatch", "refs/heads/main", "", map[string]any{"ref": "main"}, "INPUT_COMMAND=destroy")
	mustCode(t, "destroy", r, 0)
	check("destroy", r, "delete", "➖ 3 delete")
}

// TestEdgesFileOwners: GitHub runs the image as root over a checkout and
// a home folder the runner's user (1001) owns, and that user's later steps
// must be able to change and clean up whatever the action left. Through a
// preview, up, drift check and destroy, with the Pulumi login, the stack
// state and the Pulumi home all under HOME (as /github/home is), every
// entry left in the workspace and the home is the runner's. The Pulumi home
// is $HOME/.pulumi for both the action's login check and the CLI:
// PULUMI_HOME and PULUMI_BACKEND_URL are unset, and the run can only find
// the file backend through the login stored there.
func TestEdgesFileOwners(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, as GitHub runs the image")
	}
	const runner = 1001
	w := newWorld(t)
	home := t.TempDir()
	state := filepath.Join(home, "state")
	login, _ := json.Marshal(map[string]any{"current": "file://" + state, "accessTokens": map[string]string{}})
	if err := os.MkdirAll(filepath.Join(home, ".pulumi"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(state, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".pulumi", "credentials.json"), login, 0o600); err != nil {
		t.Fatal(err)
	}
	// As actions/checkout and the runner leave them: all the runner's.
	for _, root := range []string{w.repo, home} {
		if err := filepath.WalkDir(root, func(p string, _ fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			return os.Lchown(p, runner, runner)
		}); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"HOME=" + home, "PULUMI_HOME=", "PULUMI_BACKEND_URL="}

	owners := func(name string) {
		t.Helper()
		seen := map[string]bool{}
		for _, root := range []string{w.repo, home} {
			if err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				info, err := d.Info()
				if err != nil {
					return err
				}
				st := info.Sys().(*syscall.Stat_t)
				rel, _ := filepath.Rel(filepath.Dir(root), p)
				if st.Uid != runner || st.Gid != runner {
					t.Errorf("%s: %s is owned by %d:%d, want the runner's %d", name, rel, st.Uid, st.Gid, runner)
				}
				seen[strings.TrimPrefix(p, root)] = true
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		// What the run wrote is there, so the owners above are its files'.
		for _, p := range []string{"/Pulumi.main.yaml", "/state/.pulumi/stacks", "/.pulumi/workspaces"} {
			if !seen[p] && name != "destroy" {
				t.Errorf("%s: %s was not written; the check above proves nothing", name, p)
			}
		}
	}

	r := w.step("pull_request", "refs/pull/7/merge", "main", prPayload("opened", 7, repoJSON()), env...)
	mustCode(t, "pr preview", r, 0)
	owners("pr preview")
	cfg, err := os.ReadFile(filepath.Join(w.repo, "Pulumi.main.yaml"))
	if err != nil || !strings.Contains(string(cfg), "encryptionsalt") {
		t.Errorf("Pulumi.main.yaml: %v\n%s", err, cfg)
	}

	r = w.step("push", "refs/heads/main", "", pushTo("main"), env...)
	mustCode(t, "push main", r, 0)
	owners("up")
	if inv := w.inventory(mainSID); len(inv) != 3 {
		t.Fatalf("inventory after up = %v", inv)
	}

	r = w.step("schedule", "refs/heads/main", "", map[string]any{"schedule": "17 3 * * *"}, env...)
	mustCode(t, "drift check", r, 0)
	owners("drift")

	r = w.step("workflow_dispatch", "refs/heads/main", "", map[string]any{"ref": "main"}, append(env, "INPUT_COMMAND=destroy")...)
	mustCode(t, "destroy", r, 0)
	owners("destroy")
	if inv := w.inventory(mainSID); len(inv) != 0 {
		t.Fatalf("inventory after destroy = %v", inv)
	}
}
