package action

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sethvargo/go-githubactions"

	"github.com/tdeploy/twilio-deploy-action/internal/creds"
	"github.com/tdeploy/twilio-deploy-action/internal/prenv"
	"github.com/tdeploy/twilio-deploy-action/internal/stack"
)

// Job is one run of the action, as plain data: FromEnv reads it from the
// runner's environment; local mode and the demo build it directly.
type Job struct {
	Inputs Inputs
	// ReadErr is what the constructor could not read: inputs ReadInputs
	// rejected, an unreadable event payload. The run fails with it, once
	// its plan is known when the plan does not depend on it (KeepsPlan),
	// so the failure is reported where the run would have reported.
	ReadErr error
	Event   Event
	GitHub  GitHub
	// Dir is the folder a relative work-dir input is in.
	Dir string
	// Env is the step's environment: the credentials are looked up in it,
	// and it is passed on to Pulumi without the Scrubbed variables.
	Env map[string]string
	// Reporter takes the step outputs and the job summary.
	Reporter Reporter
	// ReportFailures makes a run that fails before Pulumi reports write
	// the ❌ report (summary, outputs, comment) too; in a terminal the
	// error line says it all.
	ReportFailures bool
	// HandBack gives what the run wrote under GitHub.Workspace and $HOME
	// to the workspace's owner afterwards (package handback): the runner
	// runs the image as root, the job's later steps as its own user.
	HandBack bool
}

// Event is the event that started the run (the plan adds the command and
// pr-environments inputs to it; see event.Input).
type Event struct {
	Name              string // push, pull_request, ...
	Payload           []byte // the webhook payload, JSON
	Ref, BaseRef, SHA string
}

// GitHub is the run's GitHub context.
type GitHub struct {
	Repository string // owner/name
	ServerURL  string // https://github.com; with Repository and RunID, the run's link
	APIURL     string // the REST API, for the comment; empty: api.github.com
	RunID      string
	RunAttempt string // GITHUB_RUN_ATTEMPT: 1, then 2 for a re-run
	Workspace  string // the checkout (GITHUB_WORKSPACE)
	// Runner: the log goes to the Actions runner, which consumes
	// workflow commands; ::add-mask:: is written only then, since a
	// terminal would print the value it hides.
	Runner bool
	// Debug writes the run's timings as ::debug:: lines (RUNNER_DEBUG=1).
	Debug bool
}

// Reporter takes what a run publishes besides its log. The values are
// masked already.
type Reporter interface {
	// SetOutputs sets the step outputs.
	SetOutputs(outs map[string]string) error
	// AddSummary appends Markdown to the job summary.
	AddSummary(md string) error
}

// Files is the runner's Reporter: the GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files, written by go-githubactions. A path left
// empty is not written.
type Files struct{ Output, Summary string }

// SetOutputs implements Reporter, one output per name, in name order.
func (f Files) SetOutputs(outs map[string]string) error {
	if f.Output == "" {
		return nil
	}
	return f.write("write step outputs", func(gha *githubactions.Action) {
		for _, k := range slices.Sorted(maps.Keys(outs)) {
			gha.SetOutput(k, outs[k])
		}
	})
}

// AddSummary implements Reporter.
func (f Files) AddSummary(md string) error {
	if f.Summary == "" {
		return nil
	}
	return f.write("write the job summary", func(gha *githubactions.Action) { gha.AddStepSummary(md) })
}

// write runs do with an Action whose file commands go to f's files;
// go-githubactions panics when it cannot write one.
func (f Files) write(what string, do func(*githubactions.Action)) (err error) {
	files := map[string]string{"GITHUB_OUTPUT": f.Output, "GITHUB_STEP_SUMMARY": f.Summary}
	gha := githubactions.New(githubactions.WithGetenv(func(k string) string { return files[k] }), githubactions.WithWriter(io.Discard))
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: %v", what, p)
		}
	}()
	do(gha)
	return nil
}

// Terminal is local mode's Reporter: the summary is printed to W (the
// run's stdout), the outputs are dropped (the log and summary say it all).
type Terminal struct{ W io.Writer }

// SetOutputs implements Reporter.
func (Terminal) SetOutputs(map[string]string) error { return nil }

// AddSummary implements Reporter.
func (t Terminal) AddSummary(md string) error {
	_, err := fmt.Fprintf(t.W, "\n%s\n", md)
	return err
}

// Recorder is a Reporter that keeps what it is given (the demo shows it).
type Recorder struct {
	Outputs   map[string]string
	Summaries []string
}

// SetOutputs implements Reporter.
func (r *Recorder) SetOutputs(outs map[string]string) error {
	if r.Outputs == nil {
		r.Outputs = map[string]string{}
	}
	for k, v := range outs {
		r.Outputs[k] = v
	}
	return nil
}

// AddSummary implements Reporter.
func (r *Recorder) AddSummary(md string) error {
	r.Summaries = append(r.Summaries, md)
	return nil
}

var (
	_ Reporter = Files{}
	_ Reporter = Terminal{}
	_ Reporter = (*Recorder)(nil)
)

// FromEnv reads the job of a run in GitHub's runner from its environment
// (KEY=VALUE, as os.Environ): the INPUT_* and GITHUB_* variables the
// runner sets, read here and nowhere else. dir is the working directory,
// the base of a relative work-dir when GITHUB_WORKSPACE is not set.
func FromEnv(environ []string, dir string) Job {
	env := EnvMap(environ)
	getenv := func(k string) string { return env[k] }
	in, err := ReadInputs(getenv)
	if in.TwilioAPIURL == "" {
		in.TwilioAPIURL = getenv("TWILIO_API_URL")
	}
	job := Job{
		Inputs: in, ReadErr: err,
		Event: Event{Name: getenv("GITHUB_EVENT_NAME"), Ref: getenv("GITHUB_REF"), BaseRef: getenv("GITHUB_BASE_REF"), SHA: getenv("GITHUB_SHA")},
		GitHub: GitHub{
			Repository: getenv("GITHUB_REPOSITORY"), ServerURL: getenv("GITHUB_SERVER_URL"), APIURL: getenv("GITHUB_API_URL"),
			RunID: getenv("GITHUB_RUN_ID"), RunAttempt: getenv("GITHUB_RUN_ATTEMPT"), Workspace: getenv("GITHUB_WORKSPACE"),
			Runner: getenv("GITHUB_ACTIONS") == "true", Debug: getenv("RUNNER_DEBUG") == "1",
		},
		Dir: dir, Env: env,
		Reporter:       Files{Output: getenv("GITHUB_OUTPUT"), Summary: getenv("GITHUB_STEP_SUMMARY")},
		ReportFailures: true,
		HandBack:       getenv("GITHUB_WORKSPACE") != "",
	}
	if ws := job.GitHub.Workspace; ws != "" {
		job.Dir = ws
	}
	if p := getenv("GITHUB_EVENT_PATH"); p != "" {
		if job.Event.Payload, err = os.ReadFile(p); err != nil {
			job.ReadErr = errors.Join(job.ReadErr, fmt.Errorf("read the event payload: %w", err))
		}
	}
	return job
}

// EnvMap turns KEY=VALUE pairs (os.Environ) into a map, as Job.Env
// holds them; a later pair wins, as in exec.
func EnvMap(environ []string) map[string]string {
	m := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// Deps are what a run needs of the world, all required: main passes the
// real ones, tests fakes.
type Deps struct {
	Stdout io.Writer // the job log
	// PulumiRoot is the folder holding bin/pulumi (stack.Root): its bin
	// goes first on Pulumi's PATH, for the YAML host and the provider.
	PulumiRoot string
	Engine     Engine
	// CheckCredentials proves credentials work (twilio.Check).
	CheckCredentials func(ctx context.Context, c creds.Credentials, apiURL string) error
	// Comment posts the pull request comment (StickyComment).
	Comment CommentFunc
	// DriftIssue opens, updates or closes the drift check's issue (DriftIssue).
	DriftIssue DriftIssueFunc
	// Reviewed reads a push's reviewed change (ReviewedComment).
	Reviewed ReviewFunc
	// PRParent opens the parent account of pull request environments
	// (twilio.NewParent).
	PRParent func(c creds.Credentials, apiURL string) (prenv.Parent, error)
	// Deployments opens the repository's GitHub deployments
	// (github.NewDeployments).
	Deployments OpenDeployments
	// RunAttempt reads a workflow run attempt's status and conclusion
	// (github.RunAttemptStatus): whether the run holding a stack's lock
	// still runs. Nil: a lock is judged by its age alone.
	RunAttempt RunAttemptFunc
	// Runs lists the repository's latest workflow runs
	// (github.RecentRuns): whether a lock no run recorded may be alive.
	// Nil: such a lock is judged by its age alone.
	Runs RunsFunc
}

// RunsFunc is the GitHub adapter's github.RecentRuns.
type RunsFunc func(ctx context.Context, apiURL, token, owner, repo string) ([]stack.WorkflowRun, error)

// RunAttemptFunc is the GitHub adapter's github.RunAttemptStatus.
type RunAttemptFunc func(ctx context.Context, apiURL, token, owner, repo string, runID int64, attempt int) (status, conclusion string, err error)

// Engine runs Pulumi: a *stack.CLI, or a fake that emits engine events.
type Engine interface {
	// Find looks up the CLI; the flow runs it while it checks the
	// credentials, and waits for it before the first operation.
	Find() error
	Run(ctx context.Context, s stack.Settings, sinks ...stack.Sink) (stack.Result, error)
	Remove(ctx context.Context, s stack.Settings) (removed bool, err error)
}

var _ Engine = (*stack.CLI)(nil)

// ErrMissing is what Run returns, wrapped, when a dependency or the job's
// Reporter is missing; it writes nothing then.
var ErrMissing = errors.New("missing")

func (d Deps) check(job Job) error {
	var missing []string
	for _, f := range []struct {
		name string
		ok   bool
	}{
		{"Stdout", d.Stdout != nil}, {"PulumiRoot", d.PulumiRoot != ""}, {"Engine", d.Engine != nil},
		{"CheckCredentials", d.CheckCredentials != nil}, {"Comment", d.Comment != nil}, {"DriftIssue", d.DriftIssue != nil}, {"Reviewed", d.Reviewed != nil},
		{"PRParent", d.PRParent != nil}, {"Deployments", d.Deployments != nil},
		{"Job.Reporter", job.Reporter != nil},
	} {
		if !f.ok {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("action: %w: %s", ErrMissing, strings.Join(missing, ", "))
	}
	return nil
}

// workDir is the folder of the Pulumi program: the work-dir input, in
// dir when relative.
func workDir(dir, input string) string {
	if filepath.IsAbs(input) {
		return input
	}
	return filepath.Join(dir, input)
}
