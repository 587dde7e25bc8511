// Package github is the GitHub adapter: the one package that imports
// go-github. PullRequest implements ghcomment.API (the sticky comment's
// reads and writes) for one pull request, over the REST API and, to hide
// an outdated comment, GraphQL on the same host. Errors come back as
// ghcomment.PermissionError (403/404: a fork's read-only token, a token
// without pull-requests: write) or ghcomment.StatusError, so the flow can
// degrade to the job summary without knowing go-github.
package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	gh "github.com/google/go-github/v60/github"

	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment"
)

// PerPage is the page size asked of GitHub (its maximum), so a pull
// request with N comments costs ceil(N/100) reads at most.
const PerPage = 100

// PullRequest implements ghcomment.API with go-github for one pull request.
type PullRequest struct {
	client     *gh.Client
	owner      string
	repo       string
	number     int
	graphqlURL string
	perPage    int
}

var _ ghcomment.API = (*PullRequest)(nil)

// NewPullRequest returns the API for pull request number of owner/repo.
// apiURL is the REST base (GITHUB_API_URL: https://api.github.com, or
// https://HOST/api/v3 on GitHub Enterprise Server); hc may be nil.
func NewPullRequest(hc *http.Client, apiURL, token, owner, repo string, number int) (*PullRequest, error) {
	if owner == "" || repo == "" || number <= 0 {
		return nil, fmt.Errorf("comment target %s/%s#%d is incomplete", owner, repo, number)
	}
	c, err := newClient(hc, apiURL, token)
	if err != nil {
		return nil, err
	}
	gql, err := GraphQLURL(c.BaseURL.String())
	if err != nil {
		return nil, err
	}
	return &PullRequest{client: c, owner: owner, repo: repo, number: number, graphqlURL: gql, perPage: PerPage}, nil
}

// newClient is go-github on apiURL (api.github.com when empty) with token.
func newClient(hc *http.Client, apiURL, token string) (*gh.Client, error) {
	if apiURL == "" {
		apiURL = "https://api.github.com"
	}
	c := gh.NewClient(hc)
	if token != "" {
		c = c.WithAuthToken(token)
	}
	base, err := c.BaseURL.Parse(strings.TrimSuffix(apiURL, "/") + "/")
	if err != nil {
		return nil, fmt.Errorf("parse GitHub API URL %q: %w", apiURL, err)
	}
	c.BaseURL = base
	return c, nil
}

// WithPerPage sets the page size. Only tests call it, to page at GitHub's
// default (30) through a fake that serves a few dozen comments.
func (g *PullRequest) WithPerPage(n int) *PullRequest {
	g.perPage = n
	return g
}

func toComment(c *gh.IssueComment) ghcomment.Comment {
	if c == nil {
		return ghcomment.Comment{}
	}
	trusted := c.GetUser().GetType() == "Bot"
	switch c.GetAuthorAssociation() {
	case "OWNER", "MEMBER", "COLLABORATOR":
		trusted = true
	}
	return ghcomment.Comment{ID: c.GetID(), NodeID: c.GetNodeID(), Body: c.GetBody(), URL: c.GetHTMLURL(), Trusted: trusted}
}

// ListComments implements ghcomment.API.
func (g *PullRequest) ListComments(ctx context.Context, page int) (ghcomment.Page, error) {
	opts := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{Page: page, PerPage: g.perPage}}
	cs, resp, err := g.client.Issues.ListComments(ctx, g.owner, g.repo, g.number, opts)
	if err != nil {
		return ghcomment.Page{}, classify("list comments", resp, err)
	}
	p := ghcomment.Page{Next: resp.NextPage, Last: resp.LastPage}
	for _, c := range cs {
		p.Comments = append(p.Comments, toComment(c))
	}
	return p, nil
}

// CreateComment implements ghcomment.API.
func (g *PullRequest) CreateComment(ctx context.Context, body string) (ghcomment.Comment, error) {
	c, resp, err := g.client.Issues.CreateComment(ctx, g.owner, g.repo, g.number, &gh.IssueComment{Body: &body})
	if err != nil {
		return ghcomment.Comment{}, classify("create comment", resp, err)
	}
	return toComment(c), nil
}

// EditComment implements ghcomment.API.
func (g *PullRequest) EditComment(ctx context.Context, id int64, body string) (ghcomment.Comment, error) {
	c, resp, err := g.client.Issues.EditComment(ctx, g.owner, g.repo, id, &gh.IssueComment{Body: &body})
	if err != nil {
		return ghcomment.Comment{}, classify("edit comment", resp, err)
	}
	return toComment(c), nil
}

// DeleteComment implements ghcomment.API.
func (g *PullRequest) DeleteComment(ctx context.Context, id int64) error {
	resp, err := g.client.Issues.DeleteComment(ctx, g.owner, g.repo, id)
	if err != nil {
		return classify("delete comment", resp, err)
	}
	return nil
}

const minimizeMutation = `mutation($id: ID!) { minimizeComment(input: {subjectId: $id, classifier: OUTDATED}) { minimizedComment { isMinimized } } }`

// MinimizeComment implements ghcomment.API with GraphQL's minimizeComment, sent
// through the same client (same token, same transport).
func (g *PullRequest) MinimizeComment(ctx context.Context, nodeID string) error {
	if nodeID == "" {
		return errors.New("minimize comment: the comment has no node id")
	}
	req, err := g.client.NewRequest(http.MethodPost, g.graphqlURL, map[string]any{
		"query":     minimizeMutation,
		"variables": map[string]string{"id": nodeID},
	})
	if err != nil {
		return fmt.Errorf("minimize comment: %w", err)
	}
	var out struct {
		Data struct {
			MinimizeComment *struct {
				MinimizedComment struct {
					IsMinimized bool `json:"isMinimized"`
				} `json:"minimizedComment"`
			} `json:"minimizeComment"`
		} `json:"data"`
		Errors []struct {
			Type    string `json:"type"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	resp, err := g.client.Do(ctx, req, &out)
	if err != nil {
		return classify("minimize comment", resp, err)
	}
	// GraphQL reports failures with 200 and an errors list.
	if len(out.Errors) > 0 {
		e := out.Errors[0]
		if e.Type == "FORBIDDEN" {
			return &ghcomment.PermissionError{Op: "minimize comment", Status: http.StatusForbidden, Err: errors.New(e.Message)}
		}
		return fmt.Errorf("minimize comment: %s: %s", e.Type, e.Message)
	}
	if out.Data.MinimizeComment == nil || !out.Data.MinimizeComment.MinimizedComment.IsMinimized {
		return errors.New("minimize comment: GitHub did not minimize it")
	}
	return nil
}

// classify turns a go-github error into PermissionError (403/404, but
// not rate limits) or StatusError.
func classify(op string, resp *gh.Response, err error) error {
	var rl *gh.RateLimitError
	var abuse *gh.AbuseRateLimitError
	if errors.As(err, &rl) || errors.As(err, &abuse) {
		return &ghcomment.StatusError{Op: op, Status: http.StatusForbidden, Err: err}
	}
	status := 0
	if resp != nil && resp.Response != nil {
		status = resp.StatusCode
	}
	switch status {
	case 0:
		return fmt.Errorf("%s: %w", op, err)
	case http.StatusForbidden, http.StatusNotFound:
		return &ghcomment.PermissionError{Op: op, Status: status, Err: err}
	}
	return &ghcomment.StatusError{Op: op, Status: status, Err: err}
}

// GraphQLURL derives the GraphQL endpoint from a REST base URL:
// https://api.github.com/ -> https://api.github.com/graphql, and
// https://HOST/api/v3/ -> https://HOST/api/graphql (GitHub Enterprise
// Server, and fakegithub).
func GraphQLURL(restBase string) (string, error) {
	u, err := url.Parse(restBase)
	if err != nil {
		return "", fmt.Errorf("parse GitHub API URL: %w", err)
	}
	p := strings.TrimSuffix(u.Path, "/")
	if strings.HasSuffix(p, "/api/v3") {
		u.Path = strings.TrimSuffix(p, "/v3") + "/graphql"
	} else {
		u.Path = p + "/graphql"
	}
	return u.String(), nil
}
