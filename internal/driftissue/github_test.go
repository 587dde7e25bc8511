package driftissue_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/tdeploy/twilio-deploy-action/internal/driftissue"
	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment"
	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment/fakegithub"
	"github.com/tdeploy/twilio-deploy-action/internal/github"
)

const owner, repo = "o", "r"

func open(t *testing.T, s *fakegithub.Server, token string) *github.Repository {
	t.Helper()
	g, err := github.NewRepository(nil, s.URL, token, owner, repo)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestLifecycleOverGitHub runs Sync through the GitHub adapter against the
// fake: drift opens the issue, the same drift writes nothing, a changed
// drift edits it, no drift closes it with a comment, and then nothing.
func TestLifecycleOverGitHub(t *testing.T) {
	t.Parallel()
	s := fakegithub.New(t)
	api := open(t, s, "tok")
	s.AddIssue(owner, repo, "octocat", "unrelated", "hello", "bug")
	check := func(drifted bool, body string) driftissue.Check {
		return driftissue.Check{ProgramPath: ".", Stack: "main", Drifted: drifted, Body: body, RunURL: "https://x/runs/1"}
	}
	const list = "GET /repos/{owner}/{repo}/issues"
	steps := []struct {
		name   string
		check  driftissue.Check
		action driftissue.Action
		calls  map[string]int
	}{
		{"drift", check(true, "drift A"), driftissue.Opened, map[string]int{list: 1, "POST /repos/{owner}/{repo}/issues": 1}},
		{"the same drift", check(true, "drift A"), driftissue.Unchanged, map[string]int{list: 1}},
		{"another drift", check(true, "drift B"), driftissue.Updated, map[string]int{list: 1, "PATCH /repos/{owner}/{repo}/issues/{number}": 1}},
		{"fixed", check(false, ""), driftissue.Closed, map[string]int{list: 1,
			"POST /repos/{owner}/{repo}/issues/{number}/comments": 1, "PATCH /repos/{owner}/{repo}/issues/{number}": 1}},
		{"still fixed", check(false, ""), driftissue.None, map[string]int{list: 1}},
	}
	for _, st := range steps {
		s.ResetCalls()
		res, err := driftissue.Sync(t.Context(), api, st.check)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if res.Action != st.action {
			t.Errorf("%s: %s, want %s", st.name, res.Action, st.action)
		}
		if got := s.Calls(); fmt.Sprint(got) != fmt.Sprint(st.calls) {
			t.Errorf("%s: calls\n%s\nwant %v", st.name, s.CallSummary(), st.calls)
		}
	}
	issues := s.Issues(owner, repo)
	if len(issues) != 2 {
		t.Fatalf("issues = %+v", issues)
	}
	is := issues[1]
	if is.Title != "Drift: stack main differs from Twilio" || is.State != "closed" || is.StateReason != "completed" ||
		fmt.Sprint(is.Labels) != "[twilio-drift]" || is.Body != driftissue.Marker(".", "main")+"\ndrift B" {
		t.Errorf("drift issue = %+v", is)
	}
	cs := s.Comments(owner, repo, is.Number)
	if len(cs) != 1 || !strings.Contains(cs[0].Body, "matches Twilio again") {
		t.Errorf("closing comments = %+v", cs)
	}
	if issues[0].State != "open" {
		t.Errorf("the unrelated issue was touched: %+v", issues[0])
	}
}

// TestFindsPastTheFirstPage: our issue, older than a hundred labelled
// issues an outsider opened with our marker, is found on the second page.
func TestFindsPastTheFirstPage(t *testing.T) {
	t.Parallel()
	s := fakegithub.New(t)
	m := driftissue.Marker(".", "main")
	s.AddIssue(owner, repo, "github-actions[bot]", "Drift", m+"\nold", driftissue.Label)
	for i := range 120 {
		s.AddIssue(owner, repo, "outsider", fmt.Sprint("planted ", i), m+"\nplanted", driftissue.Label)
	}
	s.ResetCalls()
	res, err := driftissue.Sync(t.Context(), open(t, s, "tok"), driftissue.Check{Stack: "main", Drifted: true, Body: m + "\nold"})
	if err != nil || res.Action != driftissue.Unchanged || res.Number != 101 {
		t.Fatalf("Sync = %+v, %v", res, err)
	}
	if s.Reads() != 2 || s.Writes() != 0 {
		t.Errorf("calls:\n%s", s.CallSummary())
	}
}

// TestRefusals: a read-only token (403) and a repository with issues
// turned off (410) come back as ghcomment.PermissionError, which the flow
// turns into a notice.
func TestRefusals(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		setup  func(*fakegithub.Server)
		status int
	}{
		{"read-only token", func(s *fakegithub.Server) { s.ForkToken = "tok" }, 403},
		{"issues turned off", func(s *fakegithub.Server) { s.DisableIssues() }, 410},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := fakegithub.New(t)
			tt.setup(s)
			_, err := driftissue.Sync(t.Context(), open(t, s, "tok"), driftissue.Check{Stack: "main", Drifted: true, Body: "x"})
			var perm *ghcomment.PermissionError
			if !errors.As(err, &perm) || perm.Status != tt.status {
				t.Fatalf("err = %v, want a PermissionError %d", err, tt.status)
			}
			if len(s.Issues(owner, repo)) != 0 {
				t.Error("an issue was opened")
			}
		})
	}
}
