package github

import (
	"context"
	"net/http"
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
