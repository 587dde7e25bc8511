package github

import (
	"context"
	"fmt"
	"net/http"

	gh "github.com/google/go-github/v60/github"

	"github.com/tdeploy/twilio-deploy-action/internal/driftissue"
	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment"
)

// Repository implements driftissue.API with go-github for one
// repository's issues. Errors come back as ghcomment.PermissionError for
// 403 and 404 (a read-only token, a token without issues: write) and for
// 410 (issues are turned off in the repository), else as
// ghcomment.StatusError.
type Repository struct {
	client  *gh.Client
	owner   string
	repo    string
	perPage int
}

var _ driftissue.API = (*Repository)(nil)

// NewRepository returns the issues API of owner/repo; apiURL and hc as
// for NewPullRequest.
func NewRepository(hc *http.Client, apiURL, token, owner, repo string) (*Repository, error) {
	if owner == "" || repo == "" {
		return nil, fmt.Errorf("repository %s/%s is incomplete", owner, repo)
	}
	c, err := newClient(hc, apiURL, token)
	if err != nil {
		return nil, err
	}
	return &Repository{client: c, owner: owner, repo: repo, perPage: PerPage}, nil
}

func toIssue(is *gh.Issue) driftissue.Issue {
	return driftissue.Issue{Number: is.GetNumber(), Body: is.GetBody(), URL: is.GetHTMLURL(), Trusted: trusted(is.GetUser(), is.GetAuthorAssociation())}
}

// issueError is classify, but for 410 Gone: GitHub's answer when the
// repository has issues turned off, which the flow treats as a refusal.
func issueError(op string, resp *gh.Response, err error) error {
	if resp != nil && resp.Response != nil && resp.StatusCode == http.StatusGone {
		return &ghcomment.PermissionError{Op: op, Status: http.StatusGone, Err: err}
	}
	return classify(op, resp, err)
}

// ListOpen implements driftissue.API: the repository's open issues with
// label, newest first, pull requests (which the endpoint also lists) left out.
func (g *Repository) ListOpen(ctx context.Context, label string, page int) (driftissue.Page, error) {
	opts := &gh.IssueListByRepoOptions{State: "open", Labels: []string{label}, Sort: "created", Direction: "desc",
		ListOptions: gh.ListOptions{Page: page, PerPage: g.perPage}}
	list, resp, err := g.client.Issues.ListByRepo(ctx, g.owner, g.repo, opts)
	if err != nil {
		return driftissue.Page{}, issueError("list issues", resp, err)
	}
	p := driftissue.Page{Next: resp.NextPage}
	for _, is := range list {
		if is.IsPullRequest() {
			continue
		}
		p.Issues = append(p.Issues, toIssue(is))
	}
	return p, nil
}

// Create implements driftissue.API.
func (g *Repository) Create(ctx context.Context, title, body string, labels []string) (driftissue.Issue, error) {
	is, resp, err := g.client.Issues.Create(ctx, g.owner, g.repo, &gh.IssueRequest{Title: &title, Body: &body, Labels: &labels})
	if err != nil {
		return driftissue.Issue{}, issueError("create issue", resp, err)
	}
	return toIssue(is), nil
}

// Edit implements driftissue.API.
func (g *Repository) Edit(ctx context.Context, number int, body string) (driftissue.Issue, error) {
	is, resp, err := g.client.Issues.Edit(ctx, g.owner, g.repo, number, &gh.IssueRequest{Body: &body})
	if err != nil {
		return driftissue.Issue{}, issueError("edit issue", resp, err)
	}
	return toIssue(is), nil
}

// Comment implements driftissue.API.
func (g *Repository) Comment(ctx context.Context, number int, body string) error {
	_, resp, err := g.client.Issues.CreateComment(ctx, g.owner, g.repo, number, &gh.IssueComment{Body: &body})
	if err != nil {
		return issueError("comment on issue", resp, err)
	}
	return nil
}

// Close implements driftissue.API: closed as completed.
func (g *Repository) Close(ctx context.Context, number int) error {
	state, reason := "closed", "completed"
	_, resp, err := g.client.Issues.Edit(ctx, g.owner, g.repo, number, &gh.IssueRequest{State: &state, StateReason: &reason})
	if err != nil {
		return issueError("close issue", resp, err)
	}
	return nil
}
