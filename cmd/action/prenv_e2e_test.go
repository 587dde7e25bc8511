package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

// TestPREnvironment runs a pull request's own environment through its
// life with the built binary: opened (sub-account created, program
// deployed into it, outputs in the PR comment), pushed again (updated in
// the same sub-account), closed (destroyed, stack removed, sub-account
// closed, nothing left in it). The parent is main's account.
func TestPREnvironment(t *testing.T) {
	w := newWorld(t)
	w.secrets["TWILIO_PARENT_ACCOUNT_SID"] = mainSID
	w.secrets["TWILIO_PARENT_AUTH_TOKEN"] = mainToken
	const prEnv = "INPUT_PR-ENVIRONMENTS=true"
	parent := w.emu.RestClientFor(mainSID, mainToken)
	subaccounts := func(status string) []api.ApiV2010Account {
		t.Helper()
		accts, err := parent.Api.ListAccount((&api.ListAccountParams{}).SetFriendlyName("tdeploy/ivr#7").SetStatus(status))
		if err != nil {
			t.Fatal(err)
		}
		return accts
	}

	// 1. Opened, against an emulator 50 ms away.
	w.emu.Server.SetFaults(emulator.Faults{Latency: 50 * time.Millisecond})
	start := time.Now()
	r := w.step("pull_request", "refs/pull/7/merge", "main", prPayload("opened", 7, repoJSON()), prEnv, "RUNNER_DEBUG=1")
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(l, "::debug::") && strings.Contains(l, "ms") {
			t.Log(l)
		}
	}
	openToDeployed := time.Since(start)
	w.emu.Server.SetFaults(emulator.Faults{})
	mustCode(t, "pr opened", r, 0)
	t.Logf("pull request opened -> deployed (50 ms emulator latency): %v", openToDeployed.Round(time.Millisecond))
	active := subaccounts("active")
	if len(active) != 1 {
		t.Fatalf("active sub-accounts after open = %d, want 1\n%s", len(active), r.stdout)
	}
	subSID, subToken := *active[0].Sid, *active[0].AuthToken
	if r.outputs["operation"] != "up" || r.outputs["stack"] != "pr-7" || r.outputs["changes"] != `{"create":3}` ||
		!strings.HasPrefix(r.outputs["syncServiceSid"], "IS") || r.outputs["subaccount-sid"] != subSID {
		t.Fatalf("pr opened outputs = %v (sub-account %s)", r.outputs, subSID)
	}
	if inv := w.inventory(subSID); len(inv) != 3 {
		t.Fatalf("sub-account inventory after open = %v", inv)
	}
	if inv := w.inventory(mainSID); len(inv) != 0 {
		t.Fatalf("the PR environment deployed into the parent: %v", inv)
	}
	comments := w.gh.Comments("tdeploy", "ivr", 7)
	if len(comments) != 1 || !strings.Contains(comments[0].Body, "pr-7") || !strings.Contains(comments[0].Body, r.outputs["syncServiceSid"]) || r.outputs["comment-url"] == "" {
		t.Fatalf("comment after open = %+v, comment-url %q", comments, r.outputs["comment-url"])
	}
	syncSID := r.outputs["syncServiceSid"]

	// 2. Synchronize with a changed program: the same sub-account, updated in place.
	prog := filepath.Join(w.repo, "Pulumi.yaml")
	b, err := os.ReadFile(prog)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(prog, []byte(strings.Replace(string(b), "ivr-agents-${pulumi.stack}", "ivr-agents-v2-${pulumi.stack}", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	workspaceSID := r.outputs["workspaceSid"]
	r = w.step("pull_request", "refs/pull/7/merge", "main", prPayload("synchronize", 7, repoJSON()), prEnv)
	mustCode(t, "pr synchronize", r, 0)
	if r.outputs["changes"] != `{"update":1}` || r.outputs["workspaceSid"] != workspaceSID {
		t.Fatalf("pr synchronize did not update in place: %v", r.outputs)
	}
	ws, err := w.emu.RestClientFor(subSID, subToken).TaskrouterV1.FetchWorkspace(workspaceSID)
	if err != nil || *ws.FriendlyName != "ivr-agents-v2-pr-7" {
		t.Fatalf("workspace after synchronize = %v, %v", ws, err)
	}
	if active := subaccounts("active"); len(active) != 1 || *active[0].Sid != subSID {
		t.Fatalf("active sub-accounts after synchronize = %+v, want only %s", active, subSID)
	}
	if r.outputs["operation"] != "up" || r.outputs["syncServiceSid"] != syncSID || !strings.Contains(r.stdout, "reusing sub-account "+subSID) {
		t.Fatalf("pr synchronize outputs = %v\n%s", r.outputs, r.stdout)
	}
	if inv := w.inventory(subSID); len(inv) != 3 {
		t.Fatalf("sub-account inventory after synchronize = %v", inv)
	}
	if n := len(w.gh.Comments("tdeploy", "ivr", 7)); n != 1 {
		t.Fatalf("%d comments after synchronize, want 1 (sticky)", n)
	}

	// 3. Closed: destroyed, stack removed, sub-account closed.
	r = w.step("pull_request", "refs/pull/7/merge", "main", prPayload("closed", 7, repoJSON()), prEnv)
	mustCode(t, "pr closed", r, 0)
	if r.outputs["operation"] != "destroy" || r.outputs["stack"] != "pr-7" || r.outputs["changes"] != `{"delete":3}` || r.outputs["subaccount-sid"] != subSID {
		t.Fatalf("pr closed outputs = %v\n%s", r.outputs, r.stdout)
	}
	if active := subaccounts("active"); len(active) != 0 {
		t.Fatalf("active sub-accounts after close = %+v", active)
	}
	if closed := subaccounts("closed"); len(closed) != 1 || *closed[0].Sid != subSID {
		t.Fatalf("closed sub-accounts = %+v, want %s", closed, subSID)
	}
	if inv := w.inventory(subSID); len(inv) != 0 {
		t.Fatalf("sub-account inventory after close = %v", inv)
	}
	if stacks := testenv.Pulumi(t, w.repo, w.base, "stack", "ls", "--json"); strings.Contains(stacks, "pr-7") {
		t.Fatalf("stack pr-7 left after close: %s", stacks)
	}

	// 4. Closed again (a re-run): nothing left, a notice.
	r = w.step("pull_request", "refs/pull/7/merge", "main", prPayload("closed", 7, repoJSON()), prEnv)
	mustCode(t, "pr closed again", r, 0)
	if r.outputs["operation"] != "none" || !strings.Contains(r.stdout, "::notice::") {
		t.Fatalf("pr closed again: outputs %v\n%s", r.outputs, r.stdout)
	}

	// 4b. A sub-account closed by hand (in the Console) while the pull
	// request is open: the next push gets a new sub-account and deploys
	// everything into it, as the old one's resources are gone; closing the
	// pull request then destroys the new one.
	r = w.step("pull_request", "refs/pull/7/merge", "main", prPayload("reopened", 7, repoJSON()), prEnv)
	mustCode(t, "pr reopened", r, 0)
	first := r.outputs["subaccount-sid"]
	if _, err := parent.Api.UpdateAccount(first, (&api.UpdateAccountParams{}).SetStatus("closed")); err != nil {
		t.Fatal(err)
	}
	r = w.step("pull_request", "refs/pull/7/merge", "main", prPayload("synchronize", 7, repoJSON()), prEnv)
	mustCode(t, "push after a sub-account closed by hand", r, 0)
	second := r.outputs["subaccount-sid"]
	if second == "" || second == first || len(w.inventory(second)) != 3 || r.outputs["changes"] != `{"create":3}` {
		t.Fatalf("after a sub-account closed by hand: %s then %s, inventory %v, outputs %v\n%s", first, second, w.inventory(second), r.outputs, r.stdout)
	}
	// 4c. Closed by hand again, then the pull request closes: nothing to
	// destroy, and the stack left behind is removed.
	if _, err := parent.Api.UpdateAccount(second, (&api.UpdateAccountParams{}).SetStatus("closed")); err != nil {
		t.Fatal(err)
	}
	r = w.step("pull_request", "refs/pull/7/merge", "main", prPayload("closed", 7, repoJSON()), prEnv)
	mustCode(t, "pr closed after its sub-account", r, 0)
	if r.outputs["operation"] != "none" || !strings.Contains(r.stdout, "removed the stack pr-7") {
		t.Fatalf("pr closed after its sub-account: outputs %v\n%s", r.outputs, r.stdout)
	}
	if stacks := testenv.Pulumi(t, w.repo, w.base, "stack", "ls", "--json"); strings.Contains(stacks, "pr-7") {
		t.Fatalf("stack pr-7 left after close: %s", stacks)
	}

	// 4d. A stack whose sub-account the parent never had (pr-parent changed
	// since): left alone, as its resources may be alive elsewhere.
	testenv.Pulumi(t, w.repo, w.base, "stack", "init", "pr-11")
	r = w.step("pull_request", "refs/pull/11/merge", "main", prPayload("closed", 11, repoJSON()), prEnv)
	mustCode(t, "pr closed, sub-account unknown to the parent", r, 0)
	if r.outputs["operation"] != "none" || !strings.Contains(r.stdout, "nothing to destroy") {
		t.Fatalf("pr closed, sub-account unknown: outputs %v\n%s", r.outputs, r.stdout)
	}
	if stacks := testenv.Pulumi(t, w.repo, w.base, "stack", "ls", "--json"); !strings.Contains(stacks, "pr-11") {
		t.Fatalf("stack pr-11 removed though its sub-account was never seen closed: %s", stacks)
	}

	// 5. A fork's pull request gets no environment, even with secrets.
	r = w.step("pull_request_target", "refs/heads/main", "main", prPayload("opened", 8, map[string]any{"full_name": "octocat/ivr", "fork": true}), prEnv)
	mustCode(t, "fork pr", r, 0)
	if r.outputs["operation"] != "none" || !strings.Contains(r.stdout, "fork") {
		t.Fatalf("fork pr: outputs %v\n%s", r.outputs, r.stdout)
	}

	// 6. Without the parent's secrets: an error naming them.
	delete(w.secrets, "TWILIO_PARENT_AUTH_TOKEN")
	r = w.step("pull_request", "refs/pull/9/merge", "main", prPayload("opened", 9, repoJSON()), prEnv)
	mustCode(t, "pr without parent secrets", r, 1)
	if !strings.Contains(r.stdout, "TWILIO_PARENT_AUTH_TOKEN") || !strings.Contains(r.stdout, "parent account") {
		t.Fatalf("missing parent secrets not named:\n%s", r.stdout)
	}

	for _, c := range w.gh.Comments("tdeploy", "ivr", 7) {
		w.wrote(c.Body)
	}
	assertNoSecrets(t, w.outputs, mainToken, featToken, subToken, decoyToken, githubToken)
}
