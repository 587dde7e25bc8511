package github_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment"
	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment/fakegithub"
	"github.com/tdeploy/twilio-deploy-action/internal/ghdeploy"
	"github.com/tdeploy/twilio-deploy-action/internal/github"
)

func deployments(t *testing.T, s *fakegithub.Server, token string) *github.Deployments {
	t.Helper()
	g, err := github.NewDeployments(nil, s.URL, token, "tdeploy", "ivr")
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestDeploymentsLifecycle runs ghdeploy over the adapter and the fake:
// what GitHub stores, the calls it costs, the auto-inactive rule, paging.
func TestDeploymentsLifecycle(t *testing.T) {
	t.Parallel()
	s := fakegithub.New(t)
	api := deployments(t, s, "ghs_token").WithPerPage(2)
	ctx := t.Context()
	up := func(env, sha string, transient, ok bool) {
		t.Helper()
		run, err := ghdeploy.Start(ctx, api, ghdeploy.Target{SHA: sha, Environment: env, Transient: transient, LogURL: "https://github.com/tdeploy/ivr/actions/runs/1", Operation: "pulumi up"})
		if err != nil {
			t.Fatal(err)
		}
		if err := run.Finish(ctx, ok, "https://ivr.twil.io/"); err != nil {
			t.Fatal(err)
		}
	}
	up("main", "a1", false, true)
	if c := s.Calls(); c["POST /repos/{owner}/{repo}/deployments"] != 1 || c["POST /repos/{owner}/{repo}/deployments/{id}/statuses"] != 2 || s.Reads() != 0 {
		t.Errorf("calls of one up:\n%s", s.CallSummary())
	}
	up("main", "a2", false, true) // GitHub marks a1's deployment inactive
	up("pr-7", "b1", true, true)
	up("pr-7", "b2", true, false)
	up("pr-7", "b3", true, true) // transient: b1 stays active

	var got []string
	for _, d := range s.Deployments("tdeploy", "ivr") {
		got = append(got, d.Environment+" "+d.Ref+" "+d.State())
		if d.AutoMerge || d.Contexts == nil || len(d.Contexts) != 0 || d.Transient != (d.Environment == "pr-7") {
			t.Errorf("deployment %+v: want auto_merge false, required_contexts [], transient for pr-7", d)
		}
	}
	want := []string{"main a1 inactive", "main a2 success", "pr-7 b1 success", "pr-7 b2 failure", "pr-7 b3 success"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("after the ups (-want +got):\n%s", d)
	}
	last := s.Deployments("tdeploy", "ivr")[4].Statuses
	if st := last[len(last)-1]; st.EnvironmentURL != "https://ivr.twil.io/" || st.LogURL == "" {
		t.Errorf("success status = %+v", st)
	}

	s.ResetCalls()
	n, err := ghdeploy.Deactivate(ctx, api, "pr-7", "https://log")
	if err != nil || n != 3 {
		t.Fatalf("Deactivate = %d, %v", n, err)
	}
	// 3 deployments at 2 a page: 2 list reads, 3 status reads, 3 writes.
	wantCalls := map[string]int{
		"GET /repos/{owner}/{repo}/deployments": 2, "GET /repos/{owner}/{repo}/deployments/{id}/statuses": 3,
		"POST /repos/{owner}/{repo}/deployments/{id}/statuses": 3,
	}
	if d := cmp.Diff(wantCalls, s.Calls()); d != "" {
		t.Errorf("Deactivate calls (-want +got):\n%s", d)
	}
	for _, d := range s.Deployments("tdeploy", "ivr") {
		if d.Environment == "pr-7" && d.State() != "inactive" || d.Ref == "a2" && d.State() != "success" {
			t.Errorf("after Deactivate: %s %s is %s", d.Environment, d.Ref, d.State())
		}
	}
	s.ResetCalls()
	if n, err := ghdeploy.Deactivate(ctx, api, "pr-7", ""); err != nil || n != 0 || s.Writes() != 0 {
		t.Errorf("Deactivate again = %d, %v, %d writes", n, err, s.Writes())
	}
}

func TestDeploymentsErrors(t *testing.T) {
	t.Parallel()
	s := fakegithub.New(t)
	s.ForkToken = "ghs_fork"
	ctx := t.Context()

	// A fork's read-only token: 403 on the first write, as ErrPermission.
	_, err := ghdeploy.Start(ctx, deployments(t, s, s.ForkToken), ghdeploy.Target{SHA: "a", Environment: "main"})
	var pe *ghdeploy.PermissionError
	if !errors.Is(err, ghdeploy.ErrPermission) || !errors.As(err, &pe) || pe.Status != 403 {
		t.Fatalf("fork token: %v", err)
	}
	// It may read.
	if _, err := deployments(t, s, s.ForkToken).ListDeployments(ctx, "main", 1); err != nil {
		t.Errorf("fork token list: %v", err)
	}

	api := deployments(t, s, "ghs_token")
	d, err := api.CreateDeployment(ctx, ghdeploy.Request{Ref: "a", Environment: "main"})
	if err != nil {
		t.Fatal(err)
	}
	// A state GitHub does not know: 422, not a permission error.
	err = api.CreateStatus(ctx, d.ID, ghdeploy.Status{State: "done"})
	var se *ghcomment.StatusError
	if !errors.As(err, &se) || se.Status != 422 || errors.Is(err, ghdeploy.ErrPermission) {
		t.Errorf("bad state: %v", err)
	}
	// No ref: 422.
	if _, err := api.CreateDeployment(ctx, ghdeploy.Request{Environment: "main"}); !errors.As(err, &se) || se.Status != 422 {
		t.Errorf("no ref: %v", err)
	}
	// An unknown deployment: 404, which GitHub also answers a token that
	// cannot see the repository.
	if err := api.CreateStatus(ctx, 999999, ghdeploy.Status{State: ghdeploy.Success}); !errors.Is(err, ghdeploy.ErrPermission) {
		t.Errorf("unknown deployment: %v", err)
	}
	if st, err := api.LatestState(ctx, d.ID); err != nil || st != "" {
		t.Errorf("LatestState without statuses = %q, %v", st, err)
	}
}
