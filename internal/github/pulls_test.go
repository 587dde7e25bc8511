package github

import (
	"errors"
	"testing"

	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment"
	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment/fakegithub"
)

func TestMergedPullRequest(t *testing.T) {
	t.Parallel()
	srv := fakegithub.New(t)
	srv.AddPullRequest("o", "r", fakegithub.PullRequest{Number: 3, State: "open", BaseRef: "main", Commits: []string{"aaaa"}})
	srv.AddPullRequest("o", "r", fakegithub.PullRequest{Number: 4, State: "closed", Merged: true, BaseRef: "staging", Commits: []string{"aaaa"}})
	srv.AddPullRequest("o", "r", fakegithub.PullRequest{Number: 5, State: "closed", Merged: true, BaseRef: "main", Commits: []string{"aaaa"}})
	tests := []struct {
		name, sha, branch string
		want              int
	}{
		{"merged into this branch", "aaaa", "main", 5},
		{"merged elsewhere", "aaaa", "staging", 4},
		{"direct push", "bbbb", "main", 0},
	}
	for _, tt := range tests {
		got, err := MergedPullRequest(t.Context(), nil, srv.URL, "tok", "o", "r", tt.sha, tt.branch)
		if err != nil || got != tt.want {
			t.Errorf("%s: got %d, %v; want %d", tt.name, got, err, tt.want)
		}
	}
	if n := srv.Calls()["GET /repos/{owner}/{repo}/commits/{sha}/pulls"]; n != 3 {
		t.Errorf("calls = %d, want 3", n)
	}
	srv.PullsForbidden = true
	_, err := MergedPullRequest(t.Context(), nil, srv.URL, "tok", "o", "r", "aaaa", "main")
	if !errors.Is(err, ghcomment.ErrPermission) {
		t.Errorf("403: err = %v, want a PermissionError", err)
	}
}
