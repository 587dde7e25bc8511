package github

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

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

func TestRecentRuns(t *testing.T) {
	t.Parallel()
	gh := fakegithub.New(t)
	at := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)
	gh.SetRunAttempt("tdeploy", "ivr", 41, 1, fakegithub.RunAttempt{Status: "completed", Conclusion: "cancelled", Created: at, Started: at, Updated: at.Add(time.Minute)})
	// A re-run: the run keeps its first attempt's creation time.
	gh.SetRunAttempt("tdeploy", "ivr", 42, 1, fakegithub.RunAttempt{Status: "completed", Conclusion: "failure", Created: at.Add(2 * time.Minute), Started: at.Add(2 * time.Minute), Updated: at.Add(3 * time.Minute)})
	gh.SetRunAttempt("tdeploy", "ivr", 42, 2, fakegithub.RunAttempt{Status: "in_progress", Started: at.Add(5 * time.Minute), Updated: at.Add(5 * time.Minute)})
	gh.SetRunAttempt("tdeploy", "other", 50, 1, fakegithub.RunAttempt{Status: "in_progress", Created: at})
	got, err := RecentRuns(t.Context(), http.DefaultClient, gh.URL, "ghs_x", "tdeploy", "ivr")
	if err != nil {
		t.Fatal(err)
	}
	want := []WorkflowRun{
		{ID: 42, Attempt: 2, Status: "in_progress", Created: at.Add(2 * time.Minute), Started: at.Add(5 * time.Minute), Updated: at.Add(5 * time.Minute)},
		{ID: 41, Attempt: 1, Status: "completed", Created: at, Started: at, Updated: at.Add(time.Minute)},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("RecentRuns (-want +got):\n%s", d)
	}
	if n := gh.Calls()["GET /repos/{owner}/{repo}/actions/runs"]; n != 1 {
		t.Errorf("%d lists, want 1", n)
	}
	if _, err := RecentRuns(t.Context(), http.DefaultClient, gh.URL, "", "tdeploy", "ivr"); err == nil {
		t.Error("the runs were listed without a token")
	}
}
