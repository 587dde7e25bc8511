package github

import (
	"context"
	"net/http"

	gh "github.com/google/go-github/v60/github"
)

// MergedPullRequest returns the number of the pull request that was merged
// into branch with commit sha (GET /repos/{owner}/{repo}/commits/{sha}/pulls,
// one read: a merge commit belongs to a handful of pull requests at most),
// or 0 for a commit pushed directly. Errors are classified like the
// comment's (ghcomment.PermissionError for 403/404).
func MergedPullRequest(ctx context.Context, hc *http.Client, apiURL, token, owner, repo, sha, branch string) (int, error) {
	c, err := newClient(hc, apiURL, token)
	if err != nil {
		return 0, err
	}
	prs, resp, err := c.PullRequests.ListPullRequestsWithCommit(ctx, owner, repo, sha, &gh.ListOptions{PerPage: PerPage})
	if err != nil {
		return 0, classify("list pull requests of commit", resp, err)
	}
	for _, pr := range prs {
		if pr.MergedAt != nil && pr.GetBase().GetRef() == branch {
			return pr.GetNumber(), nil
		}
	}
	return 0, nil
}
