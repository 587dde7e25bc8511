// Package ghdeploy records a run's deployments on GitHub, so a pull
// request shows "View deployment" and the repository its environments:
// Start creates a deployment of a commit to an environment (the stack
// name; pr-<n> for a pull request environment, transient) with the status
// in_progress, Finish adds success or failure with the run's log URL and
// the environment's URL, and Deactivate marks an environment's
// deployments inactive when it is destroyed.
//
// The logic lives here over a narrow API bound to one repository; package
// github (the adapter) implements it with go-github, fakegithub serves the
// same endpoints for tests. Errors a fork's read-only token or a workflow
// without `deployments: write` gets (403, 404) match ErrPermission: the
// flow degrades to a notice, never a failed job.
//
// Calls per run: an up makes 3 writes (create, in_progress, then success
// or failure) and no read. Deactivate reads ceil(D/100) pages of the
// environment's D deployments plus one status read each, and writes one
// inactive status for each deployment not inactive already: on the first
// close of a pull request with P pushes, P writes; on a re-run, none.
// GitHub adds inactive statuses by itself only to prior non-transient,
// non-production deployments (auto_inactive, on every success), which
// leaves a pull request environment's older deployments active; they are
// why Deactivate walks them all.
package ghdeploy

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"unicode/utf8"
)

// State is a deployment status's state, as GitHub spells it.
type State string

// The states the action writes.
const (
	InProgress State = "in_progress"
	Success    State = "success"
	Failure    State = "failure"
	Inactive   State = "inactive"
)

// MaxDescription is GitHub's limit on a status description, in characters.
const MaxDescription = 140

// Request is a deployment to create. The adapter always sends auto_merge
// false (the ref is a commit, never merged into) and no required contexts
// (the workflow running the action is the check that passed).
type Request struct {
	Ref         string // the commit SHA
	Environment string
	// Transient marks an environment that goes away (a pull request's):
	// GitHub shows it as destroyed once inactive.
	Transient   bool
	Description string
}

// Deployment is one of GitHub's deployments.
type Deployment struct {
	ID          int64
	Environment string
	Ref         string
}

// Status is a deployment status to add.
type Status struct {
	State          State
	Description    string
	LogURL         string // the workflow run
	EnvironmentURL string // "View deployment"; empty for none
}

// Page is one page of an environment's deployments, newest first; Next
// is the next page's number, 0 after the last.
type Page struct {
	Deployments []Deployment
	Next        int
}

// API is what ghdeploy needs of GitHub's deployments endpoints, bound to
// one repository.
type API interface {
	CreateDeployment(ctx context.Context, req Request) (Deployment, error)
	CreateStatus(ctx context.Context, deploymentID int64, st Status) error
	// ListDeployments lists the environment's deployments (page 1 first).
	ListDeployments(ctx context.Context, environment string, page int) (Page, error)
	// LatestState is the state of the deployment's newest status, "" when
	// it has none.
	LatestState(ctx context.Context, deploymentID int64) (State, error)
}

// ErrPermission is matched (errors.Is) by every PermissionError.
var ErrPermission = errors.New("no permission to write deployments")

// PermissionError is a 403 or 404 from GitHub: a fork's read-only token,
// a workflow whose permissions lack deployments: write, or a repository
// the token cannot see.
type PermissionError struct {
	Op     string // create deployment, create deployment status, ...
	Status int
	Err    error
}

func (e *PermissionError) Error() string {
	return fmt.Sprintf("%s: GitHub answered %d (a fork's read-only token, or a workflow without `permissions: deployments: write`?): %v", e.Op, e.Status, e.Err)
}

func (e *PermissionError) Unwrap() error        { return e.Err }
func (e *PermissionError) Is(target error) bool { return target == ErrPermission }

// Target is what Start deploys: the commit, the environment, whether it
// is transient, and the run's log URL.
type Target struct {
	SHA, Environment string
	Transient        bool
	LogURL           string
	// Operation names the work in the descriptions ("pulumi up of stack
	// main").
	Operation string
}

// Run is a started deployment, finished once with Finish.
type Run struct {
	api    API
	target Target
	ID     int64
}

// Start creates the deployment and marks it in_progress.
func Start(ctx context.Context, api API, t Target) (*Run, error) {
	if t.SHA == "" || t.Environment == "" {
		return nil, fmt.Errorf("deployment: no commit (%q) or environment (%q)", t.SHA, t.Environment)
	}
	d, err := api.CreateDeployment(ctx, Request{Ref: t.SHA, Environment: t.Environment, Transient: t.Transient, Description: describe(t.Operation)})
	if err != nil {
		return nil, fmt.Errorf("create the deployment to %s: %w", t.Environment, err)
	}
	r := &Run{api: api, target: t, ID: d.ID}
	if err := r.status(ctx, Status{State: InProgress, Description: describe(t.Operation + ": running")}); err != nil {
		return r, err
	}
	return r, nil
}

// Finish adds the final status: success with envURL (may be empty), or
// failure.
func (r *Run) Finish(ctx context.Context, ok bool, envURL string) error {
	st := Status{State: Success, Description: describe(r.target.Operation + ": succeeded"), EnvironmentURL: envURL}
	if !ok {
		st = Status{State: Failure, Description: describe(r.target.Operation + ": failed")}
	}
	return r.status(ctx, st)
}

func (r *Run) status(ctx context.Context, st Status) error {
	st.LogURL = r.target.LogURL
	if err := r.api.CreateStatus(ctx, r.ID, st); err != nil {
		return fmt.Errorf("mark the deployment to %s %s: %w", r.target.Environment, st.State, err)
	}
	return nil
}

// Deactivate marks every deployment of environment inactive that is not
// already, with logURL, and returns how many it marked.
func Deactivate(ctx context.Context, api API, environment, logURL string) (int, error) {
	n := 0
	for page := 1; page > 0; {
		p, err := api.ListDeployments(ctx, environment, page)
		if err != nil {
			return n, fmt.Errorf("list the deployments to %s: %w", environment, err)
		}
		for _, d := range p.Deployments {
			st, err := api.LatestState(ctx, d.ID)
			if err != nil {
				return n, fmt.Errorf("read the status of deployment %d: %w", d.ID, err)
			}
			if st == Inactive {
				continue
			}
			if err := api.CreateStatus(ctx, d.ID, Status{State: Inactive, Description: describe(environment + " was destroyed"), LogURL: logURL}); err != nil {
				return n, fmt.Errorf("mark deployment %d to %s inactive: %w", d.ID, environment, err)
			}
			n++
		}
		page = p.Next
	}
	return n, nil
}

// EnvironmentURL checks the value of the stack output named by the
// environment-url-output input: an absolute http or https URL.
func EnvironmentURL(output, value string) (string, error) {
	u, err := url.Parse(value)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("stack output %s is not an http(s) URL, so the deployment has no environment URL", output)
	}
	return value, nil
}

// describe cuts s to GitHub's description limit.
func describe(s string) string {
	if utf8.RuneCountInString(s) <= MaxDescription {
		return s
	}
	r := []rune(s)
	return string(r[:MaxDescription-1]) + "…"
}
