package action

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/event"
	"github.com/tdeploy/twilio-deploy-action/internal/ghdeploy"
	"github.com/tdeploy/twilio-deploy-action/internal/stack"
)

// OpenDeployments opens the deployments API of one repository: main
// passes the GitHub adapter's (package github), tests a fake.
type OpenDeployments func(apiURL, token, owner, repo string) (ghdeploy.API, error)

// finalStatusTimeout bounds the last deployment call: it never holds the
// job up (a cancelled run's is bounded by its grace, package grace).
const finalStatusTimeout = 30 * time.Second

// deploys reports whether this run records a GitHub deployment (with the
// deployments input): an up creates one, a destroy (a closed pull
// request's environment, a deleted branch's, or by hand) deactivates the
// environment's.
func (r *runner) deploys(op event.Operation) bool {
	return r.in.Deployments && (op == event.Up || op == event.Destroy)
}

// deploymentsAPI opens the repository's deployments, or says why not.
func (r *runner) deploymentsAPI() (ghdeploy.API, error) {
	if r.in.GitHubToken == "" {
		return nil, fmt.Errorf("%w: no github-token input", ghdeploy.ErrPermission)
	}
	owner, repo, _ := strings.Cut(r.job.GitHub.Repository, "/")
	return r.deps.Deployments(orDefaultAPI(r.job.GitHub.APIURL), r.in.GitHubToken, owner, repo)
}

// startDeployment creates the deployment of an up to the stack's
// environment, in_progress, before Pulumi starts. It never fails the run.
func (r *runner) startDeployment(ctx context.Context, s stack.Settings) {
	if s.Operation != event.Up || !r.deploys(s.Operation) {
		return
	}
	api, err := r.deploymentsAPI()
	if err == nil {
		r.deployment, err = ghdeploy.Start(ctx, api, ghdeploy.Target{
			SHA: r.plan.SHA, Environment: s.Stack, Transient: r.plan.PREnvironment, LogURL: r.runURL(),
			Operation: "pulumi up of stack " + s.Stack,
		})
	}
	if errors.Is(err, ghdeploy.ErrPermission) {
		r.deployment = nil // the final status would be refused too
	}
	r.deploymentProblem(err)
}

// endDeployment finishes the up's deployment (success with the
// environment URL, or failure), or deactivates a destroyed environment's
// deployments. It never fails the run: the change to Twilio is made (or
// not) whatever GitHub records.
func (r *runner) endDeployment(ctx context.Context, s stack.Settings, ok bool, outputs []stack.Output) {
	if !r.deploys(s.Operation) {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, finalStatusTimeout)
	defer cancel()
	if s.Operation == event.Up {
		if r.deployment == nil {
			return // not started: said so already
		}
		url := ""
		if ok {
			url = r.environmentURL(outputs)
		}
		r.deploymentProblem(r.deployment.Finish(ctx, ok, url))
		return
	}
	if !ok {
		return // the environment may still be up
	}
	api, err := r.deploymentsAPI()
	if err == nil {
		var n int
		n, err = ghdeploy.Deactivate(ctx, api, s.Stack, r.runURL())
		switch {
		case n == 1:
			fmt.Fprintf(r.out, "marked the deployment to %s inactive\n", s.Stack)
		case n > 1:
			fmt.Fprintf(r.out, "marked %d deployments to %s inactive\n", n, s.Stack)
		}
	}
	r.deploymentProblem(err)
}

// environmentURL is the value of the stack output the
// environment-url-output input names, when it is a URL fit to show on
// GitHub; otherwise a warning says why there is none.
func (r *runner) environmentURL(outputs []stack.Output) string {
	name := r.in.EnvironmentURLOutput
	if name == "" {
		return ""
	}
	for _, o := range outputs {
		if o.Name != name {
			continue
		}
		// GitHub shows the URL to everyone who can read the repository.
		if o.Secret || r.secrets.String(o.Value) != o.Value {
			r.gha.Warningf("stack output %s is secret or holds a credential: the deployment has no environment URL", name)
			return ""
		}
		url, err := ghdeploy.EnvironmentURL(name, o.Value)
		if err != nil {
			r.gha.Warningf("%v", err)
		}
		return url
	}
	r.gha.Warningf("environment-url-output: stack %s has no output %s, so the deployment has no environment URL", r.target.Stack, name)
	return ""
}

// deploymentProblem reports a deployment call that failed: GitHub
// refusing the write (a fork's read-only token, no deployments: write) as
// a notice also in the job summary, like the comment; anything else as a
// warning.
func (r *runner) deploymentProblem(err error) {
	if err == nil {
		return
	}
	if errors.Is(err, ghdeploy.ErrPermission) {
		msg := fmt.Sprintf("Could not record the deployment on GitHub (%v); give the job `permissions: deployments: write`, or set `deployments: false`.", err)
		r.gha.Noticef("%s", msg)
		if serr := r.summary("> [!NOTE]\n> " + msg + "\n\n"); serr != nil {
			r.gha.Warningf("%v", serr)
		}
		return
	}
	r.gha.Warningf("GitHub deployment: %v", err)
}
