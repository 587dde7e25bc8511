package main

import (
	"maps"
	"strings"
	"testing"

	syncv1 "github.com/twilio/twilio-go/rest/sync/v1"

	"github.com/tdeploy/twilio-deploy-action/internal/driftissue"
)

// TestDriftIssue runs the nightly drift check through the built binary
// against the emulator and the fake GitHub: Twilio changed behind the
// stack's back opens one issue; the same drift the next night writes
// nothing; a read-only token degrades to a notice; Twilio put back closes
// the issue with a comment; and then the check writes nothing again.
// The GitHub calls of every run are logged (go test -v).
func TestDriftIssue(t *testing.T) {
	w := newWorld(t)
	push := map[string]any{"ref": "refs/heads/main", "after": "9d8c7b6a5f4e3d2c1b0a99887766554433221100", "repository": repoJSON()}
	r := w.step("push", "refs/heads/main", "", push)
	mustCode(t, "push main", r, 0)
	svc := r.outputs["syncServiceSid"]
	client := w.emu.RestClientFor(mainSID, mainToken).SyncV1
	orig, err := client.FetchService(svc)
	if err != nil || orig.FriendlyName == nil {
		t.Fatalf("fetch the Sync service: %v", err)
	}
	if _, err := client.UpdateService(svc, renameParams()); err != nil {
		t.Fatal(err)
	}

	const (
		list    = "GET /repos/{owner}/{repo}/issues"
		create  = "POST /repos/{owner}/{repo}/issues"
		edit    = "PATCH /repos/{owner}/{repo}/issues/{number}"
		comment = "POST /repos/{owner}/{repo}/issues/{number}/comments"
	)
	nightly := func(name string, calls map[string]int) stepRun {
		t.Helper()
		w.gh.ResetCalls()
		r := w.step("schedule", "refs/heads/main", "", map[string]any{"schedule": "17 3 * * *"})
		mustCode(t, name, r, 0)
		t.Logf("%s: GitHub calls:\n%s", name, w.gh.CallSummary())
		if got := w.gh.Calls(); !maps.Equal(got, calls) {
			t.Errorf("%s: GitHub calls\n%swant %v", name, w.gh.CallSummary(), calls)
		}
		return r
	}
	issues := func() []string {
		var out []string
		for _, is := range w.gh.Issues("tdeploy", "ivr") {
			out = append(out, is.State)
		}
		return out
	}

	// Night 1: drift, one issue opened, with the report as its body.
	r = nightly("drift", map[string]int{list: 1, create: 1})
	if r.outputs["drift"] != "true" || !strings.Contains(r.stdout, "::warning::stack main has drifted") || !strings.Contains(r.stdout, "drift issue #") {
		t.Fatalf("drift run: outputs %v\n%s", r.outputs, r.stdout)
	}
	all := w.gh.Issues("tdeploy", "ivr")
	if len(all) != 1 {
		t.Fatalf("issues after the drift: %+v", all)
	}
	is := all[0]
	if is.Title != "Drift: stack main differs from Twilio" || strings.Join(is.Labels, ",") != driftissue.Label ||
		!strings.HasPrefix(is.Body, driftissue.Marker(".", "main")) || !strings.Contains(is.Body, "friendlyName") || !strings.Contains(is.Body, "renamed-outside-pulumi") {
		t.Fatalf("drift issue = %+v", is)
	}
	for _, secret := range []string{mainToken, githubToken} {
		if strings.Contains(is.Body, secret) {
			t.Fatalf("a secret in the issue body:\n%s", is.Body)
		}
	}

	// Night 2: the same drift: one read, no write.
	nightly("the same drift", map[string]int{list: 1})

	// A read-only token: the list is read, the write refused; the run
	// passes with a notice and the report in the summary.
	w.token = w.gh.ForkToken
	w.gh.ResetCalls()
	if _, err := client.UpdateService(svc, (&syncv1.UpdateServiceParams{}).SetFriendlyName("renamed-again")); err != nil {
		t.Fatal(err)
	}
	r = nightly("a changed drift, read-only token", map[string]int{list: 1, edit: 1})
	w.token = githubToken
	if !strings.Contains(r.stdout, "::notice::Could not open, update or close the drift issue") || !strings.Contains(r.summary, "[!NOTE]") ||
		!strings.Contains(r.summary, "friendlyName") || r.outputs["drift"] != "true" {
		t.Fatalf("read-only token: summary\n%s\nstdout\n%s", r.summary, r.stdout)
	}

	// Night 3: the changed drift, with the right token: one edit.
	nightly("a changed drift", map[string]int{list: 1, edit: 1})
	if b := w.gh.Issues("tdeploy", "ivr")[0].Body; !strings.Contains(b, "renamed-again") {
		t.Fatalf("the issue body was not updated:\n%s", b)
	}

	// Twilio put back: the issue is closed, with a comment saying so.
	if _, err := client.UpdateService(svc, (&syncv1.UpdateServiceParams{}).SetFriendlyName(*orig.FriendlyName)); err != nil {
		t.Fatal(err)
	}
	r = nightly("drift fixed", map[string]int{list: 1, comment: 1, edit: 1})
	if r.outputs["drift"] != "false" || strings.Join(issues(), ",") != "closed" {
		t.Fatalf("after the fix: outputs %v, issues %v", r.outputs, issues())
	}
	cs := w.gh.Comments("tdeploy", "ivr", is.Number)
	if len(cs) != 1 || !strings.Contains(cs[0].Body, "matches Twilio again") {
		t.Fatalf("closing comments = %+v", cs)
	}

	// No drift, no open issue: one read, no write.
	nightly("no drift", map[string]int{list: 1})
	if len(w.gh.Issues("tdeploy", "ivr")) != 1 {
		t.Fatalf("issues = %v", issues())
	}
}
