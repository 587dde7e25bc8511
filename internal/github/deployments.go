package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	gh "github.com/google/go-github/v60/github"

	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment"
	"github.com/tdeploy/twilio-deploy-action/internal/ghdeploy"
)

// Deployments implements ghdeploy.API with go-github for one repository.
type Deployments struct {
	client      *gh.Client
	owner, repo string
	perPage     int
}

var _ ghdeploy.API = (*Deployments)(nil)

// NewDeployments returns the deployments API of owner/repo; apiURL and hc
// as for NewPullRequest.
func NewDeployments(hc *http.Client, apiURL, token, owner, repo string) (*Deployments, error) {
	if owner == "" || repo == "" {
		return nil, fmt.Errorf("deployment target %s/%s is incomplete", owner, repo)
	}
	c, err := newClient(hc, apiURL, token)
	if err != nil {
		return nil, err
	}
	return &Deployments{client: c, owner: owner, repo: repo, perPage: PerPage}, nil
}

// WithPerPage sets the page size. Only tests call it, to page through a
// fake holding a few deployments.
func (g *Deployments) WithPerPage(n int) *Deployments {
	g.perPage = n
	return g
}

// CreateDeployment implements ghdeploy.API.
func (g *Deployments) CreateDeployment(ctx context.Context, req ghdeploy.Request) (ghdeploy.Deployment, error) {
	contexts := []string{}
	r := &gh.DeploymentRequest{
		Ref: &req.Ref, Environment: &req.Environment, Description: &req.Description,
		AutoMerge: gh.Bool(false), RequiredContexts: &contexts, TransientEnvironment: gh.Bool(req.Transient),
	}
	d, resp, err := g.client.Repositories.CreateDeployment(ctx, g.owner, g.repo, r)
	if err != nil {
		return ghdeploy.Deployment{}, deployError("create deployment", resp, err)
	}
	// 202 is GitHub merging the default branch into ref first: never with
	// auto_merge false, and it returns no deployment.
	if resp.StatusCode != http.StatusCreated {
		return ghdeploy.Deployment{}, fmt.Errorf("create deployment: GitHub answered %d, not 201", resp.StatusCode)
	}
	return toDeployment(d), nil
}

func toDeployment(d *gh.Deployment) ghdeploy.Deployment {
	return ghdeploy.Deployment{ID: d.GetID(), Environment: d.GetEnvironment(), Ref: d.GetRef()}
}

// CreateStatus implements ghdeploy.API.
func (g *Deployments) CreateStatus(ctx context.Context, id int64, st ghdeploy.Status) error {
	state := string(st.State)
	r := &gh.DeploymentStatusRequest{State: &state, Description: &st.Description}
	if st.LogURL != "" {
		r.LogURL = &st.LogURL
	}
	if st.EnvironmentURL != "" {
		r.EnvironmentURL = &st.EnvironmentURL
	}
	_, resp, err := g.client.Repositories.CreateDeploymentStatus(ctx, g.owner, g.repo, id, r)
	if err != nil {
		return deployError("create deployment status", resp, err)
	}
	return nil
}

// ListDeployments implements ghdeploy.API.
func (g *Deployments) ListDeployments(ctx context.Context, environment string, page int) (ghdeploy.Page, error) {
	opts := &gh.DeploymentsListOptions{Environment: environment, ListOptions: gh.ListOptions{Page: page, PerPage: g.perPage}}
	ds, resp, err := g.client.Repositories.ListDeployments(ctx, g.owner, g.repo, opts)
	if err != nil {
		return ghdeploy.Page{}, deployError("list deployments", resp, err)
	}
	p := ghdeploy.Page{Next: resp.NextPage}
	for _, d := range ds {
		p.Deployments = append(p.Deployments, toDeployment(d))
	}
	return p, nil
}

// LatestState implements ghdeploy.API: GitHub lists statuses newest
// first, so one status is one read.
func (g *Deployments) LatestState(ctx context.Context, id int64) (ghdeploy.State, error) {
	sts, resp, err := g.client.Repositories.ListDeploymentStatuses(ctx, g.owner, g.repo, id, &gh.ListOptions{PerPage: 1})
	if err != nil {
		return "", deployError("list deployment statuses", resp, err)
	}
	if len(sts) == 0 {
		return "", nil
	}
	return ghdeploy.State(sts[0].GetState()), nil
}

// deployError is classify's answer with ghdeploy's permission error, so
// the flow's notice names the permission deployments need.
func deployError(op string, resp *gh.Response, err error) error {
	err = classify(op, resp, err)
	if pe := (*ghcomment.PermissionError)(nil); errors.As(err, &pe) {
		return &ghdeploy.PermissionError{Op: op, Status: pe.Status, Err: pe.Err}
	}
	return err
}
