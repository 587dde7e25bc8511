package github

import (
	"context"
	"net/http"
	"time"

	gh "github.com/google/go-github/v60/github"
)

// RunAttemptStatus is one attempt of a workflow run as GitHub reports it
// (GET /repos/{owner}/{repo}/actions/runs/{id}/attempts/{n}: one read;
// the token needs actions: read): its status (queued, in_progress,
// completed, ...) and, once completed, its conclusion.
func RunAttemptStatus(ctx context.Context, hc *http.Client, apiURL, token, owner, repo string, runID int64, attempt int) (status, conclusion string, err error) {
	c, err := newClient(hc, apiURL, token)
	if err != nil {
		return "", "", err
	}
	run, resp, err := c.Actions.GetWorkflowRunAttempt(ctx, owner, repo, runID, attempt, nil)
	if err != nil {
		return "", "", classify("read workflow run attempt", resp, err)
	}
	return run.GetStatus(), run.GetConclusion(), nil
}

// WorkflowRun is a run as GitHub lists it, by its latest attempt.
type WorkflowRun struct {
	ID      int64
	Attempt int
	Status  string
	Created time.Time // the run made (its first attempt queued)
	Started time.Time // its latest attempt started
	Updated time.Time // its last change
}

// RecentRuns lists the repository's latest workflow runs, newest first
// (GET /repos/{owner}/{repo}/actions/runs, one page of 100; the token
// needs actions: read).
func RecentRuns(ctx context.Context, hc *http.Client, apiURL, token, owner, repo string) ([]WorkflowRun, error) {
	c, err := newClient(hc, apiURL, token)
	if err != nil {
		return nil, err
	}
	list, resp, err := c.Actions.ListRepositoryWorkflowRuns(ctx, owner, repo, &gh.ListWorkflowRunsOptions{ListOptions: gh.ListOptions{PerPage: 100}})
	if err != nil {
		return nil, classify("list workflow runs", resp, err)
	}
	out := make([]WorkflowRun, 0, len(list.WorkflowRuns))
	for _, r := range list.WorkflowRuns {
		out = append(out, WorkflowRun{
			ID: r.GetID(), Attempt: r.GetRunAttempt(), Status: r.GetStatus(),
			Created: r.GetCreatedAt().Time, Started: r.GetRunStartedAt().Time, Updated: r.GetUpdatedAt().Time,
		})
	}
	return out, nil
}
