package github

import (
	"net/http"
	"testing"

	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment/fakegithub"
)

func TestRunAttemptStatus(t *testing.T) {
	t.Parallel()
	gh := fakegithub.New(t)
	gh.SetRunAttempt("tdeploy", "ivr", 41, 1, fakegithub.RunAttempt{Status: "completed", Conclusion: "cancelled"})
	gh.SetRunAttempt("tdeploy", "ivr", 41, 2, fakegithub.RunAttempt{Status: "in_progress"})
	for _, tc := range []struct {
		attempt            int
		status, conclusion string
	}{{1, "completed", "cancelled"}, {2, "in_progress", ""}} {
		status, conclusion, err := RunAttemptStatus(t.Context(), http.DefaultClient, gh.URL, "ghs_x", "tdeploy", "ivr", 41, tc.attempt)
		if err != nil || status != tc.status || conclusion != tc.conclusion {
			t.Errorf("attempt %d: %q, %q, %v; want %q, %q", tc.attempt, status, conclusion, err, tc.status, tc.conclusion)
		}
	}
	if _, _, err := RunAttemptStatus(t.Context(), http.DefaultClient, gh.URL, "ghs_x", "tdeploy", "ivr", 99, 1); err == nil {
		t.Error("a run GitHub does not know was read")
	}
	if n := gh.Calls()["GET /repos/{owner}/{repo}/actions/runs/{id}/attempts/{n}"]; n != 3 {
		t.Errorf("%d reads, want 3 (one per call)", n)
	}
}
