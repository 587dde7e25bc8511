package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment"
)

// TestFailuresUpdateTheComment runs a green preview on a pull request,
// then one failing run after another on the same pull request, each
// failing before Pulumi changes anything: every one must turn the same
// sticky comment into a ❌ with its own reason (secrets masked), write the
// job summary and the outputs, annotate the error and exit 1. A last green
// preview turns the comment back to ✅.
func TestFailuresUpdateTheComment(t *testing.T) {
	w := newWorld(t)
	marker := ghcomment.Marker(".", "main")
	pr := func(extra ...string) stepRun {
		t.Helper()
		return w.step("pull_request", "refs/pull/7/merge", "main", prPayload("synchronize", 7, repoJSON()), extra...)
	}
	// comment is the one comment on the pull request; a second one means
	// the run missed the sticky comment.
	comment := func(name string) string {
		t.Helper()
		cs := w.gh.Comments("tdeploy", "ivr", 7)
		if len(cs) != 1 {
			t.Fatalf("%s: %d comments, want the one sticky comment: %+v", name, len(cs), cs)
		}
		if !strings.HasPrefix(cs[0].Body, marker+"\n") {
			t.Fatalf("%s: the comment lost its marker %s:\n%s", name, marker, cs[0].Body)
		}
		w.wrote(cs[0].Body)
		return cs[0].Body
	}

	r := pr()
	mustCode(t, "green preview", r, 0)
	if body := comment("green preview"); !strings.Contains(body, "✅ Twilio preview succeeded") {
		t.Fatalf("green preview comment:\n%s", body)
	}

	const wrongToken = "cccccccccccccccccccccccccccccccc"
	const numberToken = "98765432109876543210987654321098"
	pulumiYAML := filepath.Join(w.repo, "Pulumi.yaml")
	program, err := os.ReadFile(pulumiYAML)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		setup   func() (undo func())
		extra   []string
		reason  string // in the comment, the summary and the ::error line
		noStack bool   // the stack is not known to the run (no stack output)
	}{
		{name: "credentials rejected", setup: w.secretSetup("TWILIO_MAIN_AUTH_TOKEN", wrongToken),
			reason: "Twilio rejected the credentials in TWILIO_MAIN_ACCOUNT_SID and TWILIO_MAIN_AUTH_TOKEN"},
		{name: "a secret missing", setup: w.secretSetup("TWILIO_MAIN_AUTH_TOKEN", ""),
			reason: "secret TWILIO_MAIN_AUTH_TOKEN is not set: this environment needs"},
		{name: "both secrets missing", setup: w.secretsSetup(map[string]string{"TWILIO_MAIN_ACCOUNT_SID": "", "TWILIO_MAIN_AUTH_TOKEN": ""}),
			reason: "secrets TWILIO_MAIN_ACCOUNT_SID and TWILIO_MAIN_AUTH_TOKEN are not set"},
		{name: "a secret of the wrong JSON type",
			extra:  []string{`INPUT_SECRETS={"TWILIO_MAIN_ACCOUNT_SID":"` + mainSID + `","TWILIO_MAIN_AUTH_TOKEN":` + numberToken + `}`},
			reason: "TWILIO_MAIN_AUTH_TOKEN is a JSON number, not a string"},
		{name: "a bad config input", extra: []string{"INPUT_CONFIG=greeting: hello\npin: {secret: " + mainToken},
			reason: "config input is not a YAML map (KEY: VALUE per line)"},
		{name: "a bad parallel input", extra: []string{"INPUT_PARALLEL=many"}, noStack: true,
			reason: `parallel input: "many": want a whole number of at least 1`},
		{name: "no Pulumi.yaml", setup: func() func() {
			if err := os.Rename(pulumiYAML, pulumiYAML+".moved"); err != nil {
				t.Fatal(err)
			}
			return func() { os.Rename(pulumiYAML+".moved", pulumiYAML) }
		}, reason: "work-dir . has no Pulumi.yaml"},
		{name: "no backend", extra: []string{"PULUMI_BACKEND_URL="},
			reason: "no Pulumi backend: set PULUMI_BACKEND_URL"},
		{name: "a branch-map collision", extra: []string{"INPUT_BRANCH-MAP=release=MAIN"}, noStack: true,
			reason: `branches "release" and "main" collide on the secret prefix TWILIO_MAIN_`},
		{name: "a program that does not parse", setup: func() func() {
			bad := strings.Replace(string(program), "friendlyName: ivr-state-${pulumi.stack}", "friendlyName: ivr-state-${pulumi.stack", 1)
			if bad == string(program) {
				t.Fatal("the example program changed: nothing to break")
			}
			if err := os.WriteFile(pulumiYAML, []byte(bad), 0o644); err != nil {
				t.Fatal(err)
			}
			return func() { os.WriteFile(pulumiYAML, program, 0o644) }
		}, reason: "Pulumi.yaml:11,21-45: unterminated interpolation"}, // the YAML host's message
	}
	for _, tt := range tests {
		undo := func() {}
		if tt.setup != nil {
			undo = tt.setup()
		}
		r := pr(tt.extra...)
		undo()
		mustCode(t, tt.name, r, 1)
		body := comment(tt.name)
		if !strings.Contains(body, "### ❌ Twilio preview failed") || !strings.Contains(body, tt.reason) || strings.Contains(body, "✅") {
			t.Errorf("%s: the comment does not show the failure %q:\n%s", tt.name, tt.reason, body)
		}
		if !strings.Contains(r.summary, "❌ Twilio preview failed") || !strings.Contains(r.summary, tt.reason) || r.summary != r.outputs["summary"]+"\n" {
			t.Errorf("%s: summary:\n%s\noutput:\n%s", tt.name, r.summary, r.outputs["summary"])
		}
		wantStack := "main"
		if tt.noStack {
			wantStack = ""
		}
		if r.outputs["operation"] != "preview" || r.outputs["branch"] != "main" || r.outputs["stack"] != wantStack || r.outputs["comment-url"] == "" {
			t.Errorf("%s: outputs %v", tt.name, r.outputs)
		}
		if !commandLineWith(r.stdout, "::error::", tt.reason) {
			t.Errorf("%s: no ::error:: line with %q:\n%s", tt.name, tt.reason, r.stdout)
		}
	}
	if inv := w.inventory(mainSID); len(inv) != 0 {
		t.Fatalf("a failed preview deployed %v", inv)
	}

	r = pr()
	mustCode(t, "green again", r, 0)
	if body := comment("green again"); !strings.Contains(body, "✅ Twilio preview succeeded") {
		t.Fatalf("the comment after a green preview:\n%s", body)
	}
	assertNoSecrets(t, w.outputs, mainToken, featToken, decoyToken, githubToken, wrongToken, numberToken)
}

// TestSmallErrors covers the messages and notices a user reads on the
// paths around the failures: a dispatch without command, a branch too
// long for a stack name, the fork skip's grammar.
func TestSmallErrors(t *testing.T) {
	w := newWorld(t)

	// Run workflow without a command: what a push to the branch does.
	r := w.step("workflow_dispatch", "refs/heads/main", "", map[string]any{"ref": "refs/heads/main", "repository": repoJSON()})
	mustCode(t, "dispatch without command", r, 0)
	if r.outputs["operation"] != "up" || r.outputs["stack"] != "main" || r.outputs["changes"] != `{"create":3}` ||
		!strings.Contains(r.stdout, "workflow_dispatch on main without a command input: deploy it, as a push to main does") {
		t.Fatalf("dispatch without command: outputs %v\n%s", r.outputs, r.stdout)
	}
	if inv := w.inventory(mainSID); len(inv) != 3 {
		t.Fatalf("main inventory after the dispatched up = %v", inv)
	}

	// A branch too long for a stack name: a notice names the stack used.
	long := "feature/" + strings.Repeat("x", 120)
	stackName := "feature-" + strings.Repeat("x", 83) // 91 characters, then "-" and 8 of the hash
	r = w.step("push", "refs/heads/"+long, "", map[string]any{"ref": "refs/heads/" + long, "repository": repoJSON()})
	mustCode(t, "push of a long branch without secrets", r, 1)
	if !commandLineWith(r.stdout, "::notice::", "gives a stack name longer than Pulumi's 100 characters, so its stack is "+stackName+"-") ||
		!strings.HasPrefix(r.outputs["stack"], stackName+"-") || len(r.outputs["stack"]) != 100 || r.outputs["operation"] != "up" {
		t.Fatalf("long branch: outputs %v\n%s", r.outputs, r.stdout)
	}
	if !commandLineWith(r.stdout, "::error::", "secrets TWILIO_FEATURE_"+strings.Repeat("X", 120)+"_ACCOUNT_SID and ") ||
		!strings.Contains(r.summary, "❌ Twilio up failed") {
		t.Fatalf("long branch: the missing secrets not reported:\n%s\nsummary:\n%s", r.stdout, r.summary)
	}

	// A fork's pull request: the skip says "are not set", once.
	savedSecrets := w.secrets
	w.secrets, w.token = map[string]string{}, w.gh.ForkToken
	r = w.step("pull_request", "refs/pull/8/merge", "main", prPayload("opened", 8, map[string]any{"full_name": "octocat/ivr", "fork": true}))
	w.secrets, w.token = savedSecrets, githubToken
	mustCode(t, "fork pr", r, 0)
	if !commandLineWith(r.stdout, "::notice::", "(secrets TWILIO_MAIN_ACCOUNT_SID and TWILIO_MAIN_AUTH_TOKEN are not set)") || len(w.gh.Comments("tdeploy", "ivr", 8)) != 0 {
		t.Fatalf("fork pr:\n%s", r.stdout)
	}
	assertNoSecrets(t, w.outputs, mainToken, featToken, decoyToken, githubToken)
}

// secretSetup returns a setup that sets (or, empty, removes) one secret.
func (w *world) secretSetup(name, value string) func() func() {
	return w.secretsSetup(map[string]string{name: value})
}

// secretsSetup returns a setup that sets (or, empty, removes) secrets, and
// its undo.
func (w *world) secretsSetup(vals map[string]string) func() func() {
	return func() func() {
		saved := w.secrets
		w.secrets = map[string]string{}
		for k, v := range saved {
			w.secrets[k] = v
		}
		for k, v := range vals {
			if v == "" {
				delete(w.secrets, k)
			} else {
				w.secrets[k] = v
			}
		}
		return func() { w.secrets = saved }
	}
}

// commandLineWith reports whether a line of out starts with prefix and holds s.
func commandLineWith(out, prefix, s string) bool {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) && strings.Contains(l, s) {
			return true
		}
	}
	return false
}

// TestPREnvironmentFailureComments: a pull request environment that
// fails before Pulumi starts (no parent account) turns its own sticky
// comment (stack pr-<number>) into a ❌; with comment-mode off it writes
// the summary and outputs and leaves the pull request alone.
func TestPREnvironmentFailureComments(t *testing.T) {
	w := newWorld(t)
	reason := "pull request environments need the parent account (pr-parent PARENT): secrets TWILIO_PARENT_ACCOUNT_SID and TWILIO_PARENT_AUTH_TOKEN are not set"

	r := w.step("pull_request", "refs/pull/7/merge", "main", prPayload("opened", 7, repoJSON()), "INPUT_PR-ENVIRONMENTS=true", "INPUT_COMMENT-MODE=off")
	mustCode(t, "pr environment without a parent, comment-mode off", r, 1)
	if n := len(w.gh.Comments("tdeploy", "ivr", 7)); n != 0 {
		t.Fatalf("comment-mode off: %d comments", n)
	}
	if !strings.Contains(r.summary, "❌ Twilio up failed") || !strings.Contains(r.summary, reason) || r.outputs["stack"] != "pr-7" || r.outputs["operation"] != "up" || r.outputs["comment-url"] != "" {
		t.Fatalf("comment-mode off: outputs %v\nsummary:\n%s", r.outputs, r.summary)
	}

	r = w.step("pull_request", "refs/pull/7/merge", "main", prPayload("opened", 7, repoJSON()), "INPUT_PR-ENVIRONMENTS=true")
	mustCode(t, "pr environment without a parent", r, 1)
	cs := w.gh.Comments("tdeploy", "ivr", 7)
	if len(cs) != 1 || !strings.HasPrefix(cs[0].Body, ghcomment.Marker(".", "pr-7")+"\n") || !strings.Contains(cs[0].Body, "### ❌ Twilio up failed") ||
		!strings.Contains(cs[0].Body, reason) || r.outputs["comment-url"] == "" {
		t.Fatalf("pr environment failure: comments %+v\noutputs %v", cs, r.outputs)
	}
	if !commandLineWith(r.stdout, "::error::", reason) {
		t.Fatalf("no ::error:: line:\n%s", r.stdout)
	}
	for _, c := range cs {
		w.wrote(c.Body)
	}
	assertNoSecrets(t, w.outputs, mainToken, featToken, decoyToken, githubToken)
}
