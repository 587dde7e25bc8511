package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment/fakegithub"
)

const (
	deploymentsOn = "INPUT_DEPLOYMENTS=true"
	// noGuard leaves out the reviewed-change guard's read of a push's pull
	// request (TestGuardEndToEnd counts it), so the counts here are the
	// deployment's own.
	noGuard   = "INPUT_ON-UNREVIEWED-CHANGE=ignore"
	urlOutput = "INPUT_ENVIRONMENT-URL-OUTPUT=url"
	runURL    = "https://github.com/tdeploy/ivr/actions/runs/42"
)

// withURLOutput gives the checkout's program a stack output url, the link
// a deployment shows.
func withURLOutput(t *testing.T, w *world) {
	t.Helper()
	prog := filepath.Join(w.repo, "Pulumi.yaml")
	b, err := os.ReadFile(prog)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(prog, []byte(string(b)+"  url: https://ivr-${pulumi.stack}.twil.io/menu\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// states is each deployment as "environment ref: state, state, ...".
func states(ds []fakegithub.Deployment) []string {
	var out []string
	for _, d := range ds {
		var sts []string
		for _, s := range d.Statuses {
			sts = append(sts, s.State)
		}
		out = append(out, d.Environment+" "+d.Ref[:7]+": "+strings.Join(sts, ", "))
	}
	return out
}

// lastStatus is a deployment's newest status.
func lastStatus(d fakegithub.Deployment) fakegithub.DeploymentStatus {
	return d.Statuses[len(d.Statuses)-1]
}

// callsOf logs and returns the GitHub calls of the step just run, then
// zeroes the counters.
func callsOf(t *testing.T, w *world, step string) map[string]int {
	t.Helper()
	c := w.gh.Calls()
	t.Logf("GitHub calls of %s:\n%s", step, w.gh.CallSummary())
	w.gh.ResetCalls()
	return c
}

// TestDeploymentsPush: a push's up is a deployment of main, in_progress
// then success with the URL; a failing up is a failure; a read-only token
// degrades to a notice in the job summary and the job passes.
func TestDeploymentsPush(t *testing.T) {
	w := newWorld(t)
	withURLOutput(t, w)
	push := map[string]any{"ref": "refs/heads/main", "after": "9d8c7b6a5f4e3d2c1b0a99887766554433221100", "repository": repoJSON()}

	// 1. The up succeeds: 3 writes, no read.
	r := w.step("push", "refs/heads/main", "", push, deploymentsOn, urlOutput, noGuard)
	mustCode(t, "push main", r, 0)
	if d := cmp.Diff(map[string]int{"POST /repos/{owner}/{repo}/deployments": 1, "POST /repos/{owner}/{repo}/deployments/{id}/statuses": 2},
		callsOf(t, w, "a push's up")); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	ds := w.gh.Deployments("tdeploy", "ivr")
	if d := cmp.Diff([]string{"main 9d8c7b6: in_progress, success"}, states(ds)); d != "" {
		t.Fatalf("deployments (-want +got):\n%s\n%s", d, r.stdout)
	}
	dep, st := ds[0], lastStatus(ds[0])
	if dep.Ref != "9d8c7b6a5f4e3d2c1b0a99887766554433221100" || dep.Transient || dep.AutoMerge || dep.Contexts == nil || len(dep.Contexts) != 0 {
		t.Errorf("deployment = %+v", dep)
	}
	if st.EnvironmentURL != "https://ivr-main.twil.io/menu" || st.LogURL != runURL || ds[0].Statuses[0].LogURL != runURL {
		t.Errorf("success status = %+v", st)
	}

	// 2. An up that fails (the program refers to a resource it lacks):
	// failure, no URL; the earlier success stays.
	prog := filepath.Join(w.repo, "Pulumi.yaml")
	good, err := os.ReadFile(prog)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(prog, []byte(strings.Replace(string(good), "${state.sid}", "${nosuch.sid}", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	r = w.step("push", "refs/heads/main", "", push, deploymentsOn, urlOutput, noGuard)
	mustCode(t, "push main with a broken program", r, 1)
	callsOf(t, w, "a failing up")
	ds = w.gh.Deployments("tdeploy", "ivr")
	if d := cmp.Diff([]string{"main 9d8c7b6: in_progress, success", "main 9d8c7b6: in_progress, failure"}, states(ds)); d != "" {
		t.Fatalf("deployments (-want +got):\n%s\n%s", d, r.stdout)
	}
	if st := lastStatus(ds[1]); st.EnvironmentURL != "" || st.LogURL != runURL {
		t.Errorf("failure status = %+v", st)
	}
	if err := os.WriteFile(prog, good, 0o644); err != nil {
		t.Fatal(err)
	}

	// 3. A read-only token: the up runs, the job passes, the summary says
	// why there is no deployment; one refused call.
	w.token = w.gh.ForkToken
	r = w.step("push", "refs/heads/main", "", push, deploymentsOn, urlOutput, noGuard)
	w.token = githubToken
	mustCode(t, "push main with a read-only token", r, 0)
	if c := callsOf(t, w, "a read-only token's up"); c["POST /repos/{owner}/{repo}/deployments"] != 1 || len(c) != 1 {
		t.Errorf("read-only token calls = %v", c)
	}
	if !strings.Contains(r.stdout, "::notice::Could not record the deployment on GitHub") || !strings.Contains(r.summary, "deployments: write") ||
		r.outputs["operation"] != "up" {
		t.Errorf("403 not degraded: outputs %v\nsummary:\n%s\nlog:\n%s", r.outputs, r.summary, r.stdout)
	}
	if n := len(w.gh.Deployments("tdeploy", "ivr")); n != 2 {
		t.Errorf("%d deployments after the refused one, want 2", n)
	}

	// 4. Off (the default): no call.
	r = w.step("push", "refs/heads/main", "", push, noGuard)
	mustCode(t, "push main without deployments", r, 0)
	if c := callsOf(t, w, "an up without deployments"); len(c) != 0 {
		t.Errorf("calls with deployments off: %v", c)
	}
	assertNoSecrets(t, w.outputs, mainToken, featToken, decoyToken, githubToken)
}

// TestDeploymentsPREnvironment: a pull request environment's ups are
// transient deployments of pr-7 with the URL; closing the pull request
// marks them all inactive (GitHub would not: they are transient).
func TestDeploymentsPREnvironment(t *testing.T) {
	w := newWorld(t)
	withURLOutput(t, w)
	w.secrets["TWILIO_PARENT_ACCOUNT_SID"] = mainSID
	w.secrets["TWILIO_PARENT_AUTH_TOKEN"] = mainToken
	const prEnv = "INPUT_PR-ENVIRONMENTS=true"

	// 1. Opened, then pushed again: two deployments of the head commit.
	r := w.step("pull_request", "refs/pull/7/merge", "main", prPayload("opened", 7, repoJSON()), prEnv, deploymentsOn, urlOutput)
	mustCode(t, "pr opened", r, 0)
	callsOf(t, w, "a pull request environment's up (comment included)")
	r = w.step("pull_request", "refs/pull/7/merge", "main", prPayload("synchronize", 7, repoJSON()), prEnv, deploymentsOn, urlOutput)
	mustCode(t, "pr synchronize", r, 0)
	callsOf(t, w, "a pull request environment's second up")
	ds := w.gh.Deployments("tdeploy", "ivr")
	if d := cmp.Diff([]string{"pr-7 5f3c1a9: in_progress, success", "pr-7 5f3c1a9: in_progress, success"}, states(ds)); d != "" {
		t.Fatalf("deployments (-want +got):\n%s\n%s", d, r.stdout)
	}
	for _, d := range ds {
		if !d.Transient || d.Ref != "5f3c1a9e0d2b4c6e8f7a9b1c3d5e7f9a1b3c5d7e" || lastStatus(d).EnvironmentURL != "https://ivr-pr-7.twil.io/menu" {
			t.Errorf("deployment %+v, last status %+v", d, lastStatus(d))
		}
	}

	// 2. Closed: destroyed, and both deployments inactive: one list, a
	// status read and an inactive write per deployment.
	r = w.step("pull_request", "refs/pull/7/merge", "main", prPayload("closed", 7, repoJSON()), prEnv, deploymentsOn, urlOutput)
	mustCode(t, "pr closed", r, 0)
	c := callsOf(t, w, "closing the pull request")
	if c["GET /repos/{owner}/{repo}/deployments"] != 1 || c["GET /repos/{owner}/{repo}/deployments/{id}/statuses"] != 2 ||
		c["POST /repos/{owner}/{repo}/deployments/{id}/statuses"] != 2 || c["POST /repos/{owner}/{repo}/deployments"] != 0 {
		t.Errorf("close calls = %v", c)
	}
	if d := cmp.Diff([]string{"pr-7 5f3c1a9: in_progress, success, inactive", "pr-7 5f3c1a9: in_progress, success, inactive"},
		states(w.gh.Deployments("tdeploy", "ivr"))); d != "" {
		t.Errorf("deployments after close (-want +got):\n%s\n%s", d, r.stdout)
	}
	if r.outputs["operation"] != "destroy" || !strings.Contains(r.stdout, "marked 2 deployments to pr-7 inactive") {
		t.Errorf("pr closed: outputs %v\n%s", r.outputs, r.stdout)
	}
	assertNoSecrets(t, w.outputs, mainToken, featToken, decoyToken, githubToken)
}
