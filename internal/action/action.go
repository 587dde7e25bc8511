// Package action is the Action's decision flow: from the inputs and the
// event, decide the operation (package event), name the stack and the
// secrets (package naming), read and mask the credentials (package creds)
// and have them checked (Deps.CheckCredentials), run Pulumi (Deps.Engine,
// with settings package stack builds the environment of), and report:
// step outputs and the job summary (Job.Reporter), the pull request
// comment (Deps.Comment), the drift check's issue (Deps.DriftIssue,
// driftissue.go), the live log (package report/engine). With
// pr-environments, a pull request runs in its own sub-account of the
// parent account (package prenv, Deps.PRParent; prenv.go here). With
// deployments, an up is recorded as a GitHub deployment of the stack's
// environment and a destroyed environment's deployments are marked
// inactive (package ghdeploy, Deps.Deployments; deployment.go here).
//
// A run is Run(ctx, job, deps). The Job is plain data: the inputs, the
// event, the GitHub context, the working dir, the variables for Pulumi,
// where the outputs and the summary go. FromEnv reads it from the
// runner's environment, the one place INPUT_* and GITHUB_* are read;
// cmd/action's local mode and demo build it directly. Deps are the world:
// the log, the Pulumi root and engine (stack.CLI), the credential check,
// the comment poster, the drift issue's keeper, the parent account of
// pull request environments and the repository's deployments, all
// required (a missing one is ErrMissing, never a default) and passed in
// by main; tests pass fakes. The package knows nothing of Pulumi's
// files or variables (package stack) and calls neither Twilio nor GitHub
// itself but through Deps (StickyComment, over the GitHub adapter, is the poster main passes).
package action

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/sethvargo/go-githubactions"

	"github.com/tdeploy/twilio-deploy-action/internal/creds"
	"github.com/tdeploy/twilio-deploy-action/internal/event"
	"github.com/tdeploy/twilio-deploy-action/internal/ghdeploy"
	"github.com/tdeploy/twilio-deploy-action/internal/grace"
	"github.com/tdeploy/twilio-deploy-action/internal/guard"
	"github.com/tdeploy/twilio-deploy-action/internal/handback"
	"github.com/tdeploy/twilio-deploy-action/internal/mask"
	"github.com/tdeploy/twilio-deploy-action/internal/naming"
	"github.com/tdeploy/twilio-deploy-action/internal/prenv"
	"github.com/tdeploy/twilio-deploy-action/internal/report"
	"github.com/tdeploy/twilio-deploy-action/internal/report/engine"
	"github.com/tdeploy/twilio-deploy-action/internal/stack"
)

// CommentRequest is one sticky pull request comment to write.
type CommentRequest struct {
	APIURL, Token string
	Owner, Repo   string
	PR            int
	ProgramPath   string
	Stack         string
	Mode          string // update or recreate
	Report        *report.Report
	Secrets       []string
}

// CommentFunc writes the comment and returns its URL.
type CommentFunc func(ctx context.Context, req CommentRequest) (string, error)

// ErrForbidden is what a CommentFunc wraps when GitHub refuses the write
// (403: a fork's read-only token, or missing permissions).
var ErrForbidden = errors.New("GitHub refused the comment")

// Outputs written for every run; stack outputs with these names are
// skipped (with a warning) so they cannot overwrite them.
var fixedOutputs = []string{"stack", "branch", "operation", "changes", "drift", "summary", "comment-url", "subaccount-sid"}

// Run runs the Action once. A nil error means exit 0 (also for events
// that deploy nothing); the error, when not nil, has been written as an
// ::error annotation already, but for a missing dependency (ErrMissing).
func Run(ctx context.Context, job Job, deps Deps) error {
	if err := deps.check(job); err != nil {
		return err
	}
	secrets := mask.New()
	masked := newMaskWriter(deps.Stdout, secrets)
	defer masked.Flush()
	// The log's commands only: nothing of the process is read (the step
	// outputs and summary go through job.Reporter).
	gha := githubactions.New(githubactions.WithGetenv(func(string) string { return "" }), githubactions.WithWriter(masked))
	r := &runner{job: job, deps: deps, gha: gha, out: masked, secrets: secrets, start: time.Now()}
	err := r.run(ctx)
	r.handBack()
	if err != nil {
		// go-githubactions escapes the message: pass it as it is.
		gha.Errorf("%s", r.failure(err))
	}
	return err
}

// failure is the run's closing annotation. When the engine reported
// errors of its own (annotated already, one per diagnostic, the whole
// log in the job summary), a short line points at them; otherwise the
// error itself, whose CLI part is the CLI's own error lines
// (stack.CLIError), not the Automation API's wrapper with its output.
func (r *runner) failure(err error) string {
	var ce *stack.CLIError
	if n := r.engineErrors; n > 0 && errors.As(err, &ce) {
		s := "s"
		if n == 1 {
			s = ""
		}
		// An up whose preview failed says so: it changed nothing.
		if pe := (*stack.PreviewError)(nil); errors.As(err, &pe) {
			return fmt.Sprintf("%s failed: %s (%d error%s, see above)", ce.Command, pe.Error(), n, s)
		}
		return fmt.Sprintf("%s failed: %d error%s (see above)", ce.Command, n, s)
	}
	return err.Error()
}

type runner struct {
	job    Job
	deps   Deps
	gha    *githubactions.Action
	out    *mask.Writer
	in     Inputs
	plan   event.Plan
	target naming.Target
	masked map[string]bool
	start  time.Time
	// subaccount is the pull request environment's sub-account SID, set
	// as an output of the operation (not a secret: the action made it).
	subaccount string
	// secretsInput is the parsed secrets input, once read: its values are
	// scrubbed from every report.
	secretsInput map[string]string
	// reported is set once the run has written its summary and outputs
	// (and comment), so a failure after that is not reported twice.
	reported bool

	// secrets are the values masked in everything the run writes: the
	// log (out), the job summary, the comment and the step outputs.
	secrets *mask.Set
	// guardSummary is the guard's side-by-side table, shown in the job
	// summary above the report when the change was not the reviewed one.
	guardSummary string
	// engineErrors counts the engine's error diagnostics, each already
	// written as an annotation.
	engineErrors int
	// deployment is the GitHub deployment of this run's up, once created
	// (deployment.go).
	deployment *ghdeploy.Run
}

// phase writes how long the run has taken so far, as a ::debug:: line
// (shown when the workflow runs with debug logging, RUNNER_DEBUG=1).
func (r *runner) phase(name string) {
	if r.job.GitHub.Debug {
		r.gha.Debugf("%s at %dms", name, time.Since(r.start).Milliseconds())
	}
}

// nothingRan are the outputs of a run that changed nothing; stack is left
// out when none was resolved.
func nothingRan(op, branch, stack string) map[string]string {
	out := map[string]string{"operation": op, "branch": branch, "drift": "false", "changes": "{}"}
	if stack != "" {
		out["stack"] = stack
	}
	return out
}

// skip ends a run that has nothing to do: the reason as a notice and in
// the job summary (where readers of the outputs look), and no changes.
func (r *runner) skip(msg string) error {
	r.reported = true
	r.gha.Noticef("%s", msg)
	if err := r.summary("> [!NOTE]\n> " + msg + "\n"); err != nil {
		return err
	}
	return r.setOutputs(nothingRan(string(event.None), r.plan.Branch, r.target.Stack))
}

func (r *runner) mask(v string) {
	if v == "" || r.masked[v] {
		return
	}
	if r.masked == nil {
		r.masked = map[string]bool{}
	}
	r.masked[v] = true
	// Only the runner consumes ::add-mask::; in a terminal (local mode)
	// the command would print the value it hides.
	if r.job.GitHub.Runner {
		r.gha.AddMask(v)
	}
	r.secrets.Add(v)
	// An annotation carries its message escaped (% as %25, newlines as
	// %0A), so the escaped form is masked too.
	if e := commandEscaped(v); e != v {
		r.secrets.Add(e)
	}
}

// run is the whole flow. Any error once the plan is known (bad inputs,
// credentials missing or rejected, no program, no backend, Pulumi
// failing) ends in one place, fail, unless the step that failed had
// reported already: a failed run must never leave the previous run's
// summary, outputs or pull request comment standing for it.
func (r *runner) run(ctx context.Context) error {
	err := r.steps(ctx)
	if err != nil && r.plan.Operation != "" && r.plan.Operation != event.None && !r.reported {
		r.fail(ctx, err)
	}
	return err
}

func (r *runner) steps(ctx context.Context) error {
	in, inErr := r.job.Inputs, r.job.ReadErr
	r.in = in
	if in.GitHubToken != "" {
		r.mask(in.GitHubToken)
	}
	if inErr != nil && !KeepsPlan(inErr) {
		return inErr // the plan itself depends on the input
	}
	ev := r.job.Event
	plan, err := event.Decide(event.Input{
		Name: ev.Name, Payload: ev.Payload, Ref: ev.Ref, BaseRef: ev.BaseRef, SHA: ev.SHA,
		Command: in.Command, PREnvironments: in.PREnvironments,
	})
	if err != nil {
		return err
	}
	r.plan = plan
	if plan.Operation == event.None {
		r.gha.Noticef("%s", plan.Reason)
		return r.setOutputs(nothingRan(string(event.None), plan.Branch, ""))
	}
	fmt.Fprintf(r.out, "%s\n", plan.Reason)
	if inErr != nil {
		return inErr
	}

	if plan.PREnvironment {
		// The parent's secrets are read below; the stack is the PR's own.
		r.target = naming.Target{Branch: plan.Branch, Stack: prenv.StackName(plan.PullRequest.Number),
			SecretPrefix: naming.SecretPrefix(in.PRParent), ExplicitStack: true}
	} else {
		bm, err := naming.ParseBranchMap(in.BranchMap)
		if err != nil {
			return fmt.Errorf("branch-map input: %w", err)
		}
		if r.target, err = naming.Resolve(plan.Branch, bm, in.StackName); err != nil {
			return err
		}
		if note := r.target.HashNote(); note != "" {
			r.gha.Noticef("%s", note)
		}
	}

	if !stack.HasProject(workDir(r.job.Dir, r.in.WorkDir)) {
		return fmt.Errorf("work-dir %s has no Pulumi.yaml; set the work-dir input to the folder of your Pulumi program", r.in.WorkDir)
	}
	// Find the CLI while the credentials are read and checked.
	cli := make(chan error, 1)
	go func() { cli <- r.deps.Engine.Find() }()

	secrets, notStrings, err := creds.ParseSecrets(in.Secrets)
	if err != nil {
		return err
	}
	r.secretsInput = secrets
	cr, err := creds.Lookup(r.target.SecretPrefix, creds.Source{Env: r.job.Env, Secrets: secrets, NotStrings: notStrings}, r.mask)
	if err != nil {
		var me *creds.MissingError
		if errors.As(err, &me) && plan.PullRequest != nil && plan.PullRequest.Fork {
			// Workflows for fork pull requests get no secrets: say so, do not fail.
			return r.skip(fmt.Sprintf("Pull request #%d comes from a fork, so this workflow has no secrets (%s): the preview of %s was skipped.",
				plan.PullRequest.Number, creds.NotSet(me.Missing), r.target.Stack))
		}
		if errors.As(err, &me) && plan.RemoveStack {
			// Most deleted branches never had an environment (no secrets of
			// their own): a teardown with nothing to tear down is a notice,
			// not a failed workflow. It still names the secrets, in case the
			// secrets went before the branch did.
			return r.skip(fmt.Sprintf("Branch %s was deleted, but %s, so there is no environment to tear down; if stack %s exists, restore the secrets and run the workflow with command: destroy.",
				plan.Branch, creds.NotSet(me.Missing), r.target.Stack))
		}
		if errors.As(err, &me) && plan.PREnvironment {
			return fmt.Errorf("pull request environments need the parent account (pr-parent %s): %w", in.PRParent, err)
		}
		return err
	}
	apiURL := in.TwilioAPIURL
	if plan.PREnvironment {
		return r.prEnvironment(ctx, cr, apiURL, cli, secrets)
	}
	if err := r.deps.CheckCredentials(ctx, cr, apiURL); err != nil {
		return err
	}
	r.phase("credentials checked")
	err = <-cli
	r.phase("pulumi CLI found")
	if err != nil {
		return err
	}

	s, err := r.settings(cr, apiURL)
	if err != nil {
		return err
	}
	return r.operate(ctx, s, cr, secrets)
}

// handBack gives what the run created under the workspace and the home
// folder to the workspace's owner: GitHub runs the image as root, the job's
// later steps as the runner's user (package handback), when the job asks
// (Job.HandBack).
func (r *runner) handBack() {
	if !r.job.HandBack {
		return
	}
	ws, home := r.job.GitHub.Workspace, r.job.Env["HOME"]
	// The file system's clock is coarser than time.Now: a second of slack.
	res, err := handback.Give(ws, r.start.Add(-time.Second), ws, home)
	if err != nil {
		r.gha.Warningf("could not give the files this step wrote under %s and %s to uid %d: %v; later steps may not be able to change them",
			ws, home, res.UID, err)
	}
	if res.Changed > 0 {
		r.gha.Debugf("gave %d files and folders to uid %d", res.Changed, res.UID)
	}
}

// Scrubbed reports the process variables that must not reach Pulumi, the
// program or the provider: the secrets and token inputs and every Twilio
// credential variable (the Action sets the checked ones itself).
func Scrubbed(k string) bool {
	return k == "INPUT_SECRETS" || k == "INPUT_GITHUB-TOKEN" || k == "INPUT_GITHUB_TOKEN" || creds.IsName(k)
}

func (r *runner) settings(cr creds.Credentials, apiURL string) (stack.Settings, error) {
	wd := workDir(r.job.Dir, r.in.WorkDir)
	cfg, err := stack.ParseConfig(r.in.Config)
	if err != nil {
		return stack.Settings{}, err
	}
	for _, c := range cfg {
		if c.Secret {
			r.mask(c.Value)
		}
	}
	env := map[string]string{}
	for k, v := range r.job.Env {
		if !Scrubbed(k) {
			env[k] = v
		}
	}
	if err := stack.PrepareEnv(env, r.deps.PulumiRoot); err != nil {
		return stack.Settings{}, err
	}

	envName := naming.StackName(r.target.Branch)
	if r.plan.PREnvironment {
		envName = r.target.Stack // never the base branch's file
	}
	vars, envFile, err := stack.ReadEnvFile(wd, envName)
	if err != nil {
		return stack.Settings{}, err
	}
	if vars != nil {
		names := slices.Sorted(maps.Keys(vars))
		for _, k := range names {
			if creds.IsName(k) || k == "TWILIO_API_URL" {
				// Local mode reads credentials from this file, so equal values are expected.
				want, ok := cr.Env()[k]
				if k == "TWILIO_API_URL" {
					want, ok = apiURL, true
				}
				if !ok || want != vars[k] {
					r.gha.Warningf("%s sets %s; ignored: the action sets it from the checked credentials", envFile, k)
				}
				continue
			}
			env[k] = vars[k]
		}
		fmt.Fprintf(r.out, "read %d variables from %s\n", len(names), envFile)
	}
	for k, v := range cr.Env() {
		env[k] = v
	}
	if apiURL != "" {
		env["TWILIO_API_URL"] = apiURL
	}
	// Only the Action says what a pull request environment is.
	delete(env, prenv.EnvVar)
	if r.plan.PREnvironment {
		env[prenv.EnvVar] = r.target.Stack
	}
	return stack.Settings{
		WorkDir: wd, Stack: r.target.Stack, Branch: r.target.Branch, CheckOwner: !r.target.ExplicitStack,
		Env: env, SecretsProvider: r.in.SecretsProvider, Config: cfg,
		Operation: r.plan.Operation, Refresh: r.in.Refresh, Parallel: r.in.Parallel, Targets: r.in.Targets,
		ExpectNoChanges: r.in.ExpectNoChanges, Message: r.in.Message, RemoveStack: r.plan.RemoveStack,
		// Inputs the provider rejects fail the preview, before anything
		// is created (see stack.Settings.PreviewFirst).
		PreviewFirst: r.plan.Operation == event.Up,
		NoPlan:       r.in.NoPlan,
		Holder:       r.holder(),
		RunState:     r.runState(),
		Runs:         r.runs(),
		Notice:       func(msg string) { r.gha.Noticef("%s", msg) },
		Trace:        r.phase,
	}, nil
}

// holder is this run as the stack's lock-holder tag records it: nil
// outside GitHub.
func (r *runner) holder() *stack.Holder {
	gh := r.job.GitHub
	id, err := strconv.ParseInt(gh.RunID, 10, 64)
	if err != nil || gh.Repository == "" {
		return nil
	}
	attempt, err := strconv.Atoi(gh.RunAttempt)
	if err != nil {
		attempt = 1
	}
	return &stack.Holder{Repository: gh.Repository, RunID: id, Attempt: attempt}
}

// runState asks GitHub whether the run holding a lock still runs; nil
// without the adapter or a token (a lock is then judged by its age).
func (r *runner) runState() stack.RunState {
	if r.deps.RunAttempt == nil || r.in.GitHubToken == "" {
		return nil
	}
	return func(ctx context.Context, h stack.Holder) (bool, string, error) {
		owner, repo, _ := strings.Cut(h.Repository, "/")
		status, conclusion, err := r.deps.RunAttempt(ctx, orDefaultAPI(r.job.GitHub.APIURL), r.in.GitHubToken, owner, repo, h.RunID, h.Attempt)
		if err != nil {
			return false, "", fmt.Errorf("%w (the job's token needs actions: read)", err)
		}
		if status == "completed" {
			return false, "completed (" + conclusion + ")", nil
		}
		return true, status, nil
	}
}

// runs lists the repository's workflow runs, for a lock no run recorded;
// nil without the adapter, a token or a repository.
func (r *runner) runs() stack.Runs {
	owner, repo, ok := strings.Cut(r.job.GitHub.Repository, "/")
	if r.deps.Runs == nil || r.in.GitHubToken == "" || !ok {
		return nil
	}
	return func(ctx context.Context) ([]stack.WorkflowRun, error) {
		runs, err := r.deps.Runs(ctx, orDefaultAPI(r.job.GitHub.APIURL), r.in.GitHubToken, owner, repo)
		if err != nil {
			return nil, fmt.Errorf("%w (the job's token needs actions: read)", err)
		}
		return runs, nil
	}
}

// scrubList is the raw values removed from everything the Action writes.
func scrubList(cr creds.Credentials, secrets map[string]string, token string, cfg []stack.ConfigValue) []string {
	var out []string
	out = append(out, cr.Secrets()...)
	// Values too short to mask without garbling the text are left to
	// mask.Set (mask.MinLen), the one place that decides.
	for _, v := range secrets {
		out = append(out, v)
	}
	if token != "" {
		out = append(out, token)
	}
	for _, c := range cfg {
		if c.Secret {
			out = append(out, c.Value)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

func (r *runner) operate(ctx context.Context, s stack.Settings, cr creds.Credentials, secrets map[string]string) error {
	// One set of secrets for the log and the report alike.
	for _, v := range scrubList(cr, secrets, r.in.GitHubToken, s.Config) {
		r.secrets.Add(v)
	}
	scrub := r.secrets.Values()
	op := string(s.Operation)
	base := report.Report{
		Repo: r.job.GitHub.Repository, ProgramPath: filepath.ToSlash(filepath.Clean(r.in.WorkDir)),
		Stack: s.Stack, Branch: s.Branch, Environment: strings.TrimSuffix(strings.TrimPrefix(r.target.SecretPrefix, naming.SecretPrefixBase), "_"),
		Commit: r.plan.SHA, Operation: op, RunURL: r.runURL(),
	}
	col := engine.NewCollector(base)
	cmds := engine.Workflow(r.gha)
	lg := engine.NewLiveLog(r.out, cmds, fmt.Sprintf("pulumi %s %s", op, s.Stack))
	// An up's preview has its own log group and report, used when it
	// fails; its group closes when the up's first event arrives.
	preCol := engine.NewCollector(base)
	preLog := engine.NewLiveLog(r.out, cmds, fmt.Sprintf("pulumi preview %s (before up)", s.Stack))
	preDone := sync.OnceFunc(preLog.Close)
	lg.CountWith(func() map[string]int { return col.Report().Counts })
	preLog.CountWith(func() map[string]int { return preCol.Report().Counts })
	preLog.ShareAmbientNotice(lg)
	// An operation run again (after a lock wait) reports its last try.
	s.Restart = func() { preCol.Reset(); col.Reset() }
	if s.PreviewFirst {
		s.PreviewSinks = []stack.Sink{preCol.Add, preLog.Event}
		if r.plan.Event == "push" && r.in.OnUnreviewedChange != guard.Ignore {
			s.BeforeUp = r.gate(r.lookUpReview(ctx, base), preCol.Report)
		}
	}
	r.startDeployment(ctx, s)
	res, runErr := r.deps.Engine.Run(ctx, s,
		func(e events.EngineEvent) { preDone(); col.Add(e) },
		func(e events.EngineEvent) { lg.Event(e) })
	var preErr *stack.PreviewError
	if ce := (*stack.CLIError)(nil); errors.As(runErr, &ce) {
		var le *stack.LockedError
		switch {
		case errors.As(runErr, &preErr):
			preLog.Stderr(ce.Stderr)
		case errors.As(runErr, &le):
			preDone() // the up sent no event to close it: one group at a time
			lg.Stderr(le.LockLines())
		default:
			preDone()
			lg.Stderr(ce.Stderr)
		}
	}
	preDone()
	lg.Close()
	r.engineErrors = preLog.Errors() + lg.Errors()
	r.phase("pulumi " + op + " done")

	if res.Missing {
		r.gha.Noticef("stack %s does not exist: nothing to %s", s.Stack, op)
		return r.setOutputs(nothingRan(op, s.Branch, s.Stack))
	}
	var rep *report.Report
	if preErr != nil {
		// runErr, not preErr.Err: its text is the CLI's own error lines.
		rep = previewFailed(preCol.Finish(runErr))
		rep.Log = preLog.Log()
	} else {
		rep = col.Finish(runErr)
		rep.Log = lg.Log()
	}
	if runErr != nil && strings.TrimSpace(rep.Error) == "" {
		rep.Error = runErr.Error()
	}
	if runErr != nil && rep.Result == "" {
		rep.Result = report.ResultFailed
	}
	// One count for the header, the outputs and the drift: the report's.
	changes := changesJSON(rep.Changes())
	drift := s.Operation == event.Drift && changes != "{}"
	outs := map[string]string{
		"stack": s.Stack, "branch": s.Branch, "operation": op,
		"changes": changes, "drift": fmt.Sprint(drift),
	}
	if r.subaccount != "" {
		outs["subaccount-sid"] = r.subaccount
	}
	for _, o := range res.Outputs {
		if slices.Contains(fixedOutputs, o.Name) {
			r.gha.Warningf("stack output %q has the name of one of the action's outputs; it is not set as a step output", o.Name)
			continue
		}
		// Masked like everything else the action writes (a credential
		// in an output is shown as ***), before a secret output's own
		// value joins the masks: the step passes it on.
		outs[o.Name] = r.secrets.String(o.Value)
		if o.Secret {
			r.mask(o.Value)
		}
	}
	// What follows is said also of a cancelled run (its comment says so),
	// within what is left of the grace before GitHub's SIGKILL.
	ctx, done := grace.Cleanup(ctx)
	defer done()
	r.endDeployment(ctx, s, runErr == nil, res.Outputs)
	runErr = r.publish(ctx, rep, scrub, outs, runErr)
	if s.Operation == event.Drift {
		if drift {
			r.gha.Warningf("stack %s has drifted from Twilio: %s", s.Stack, changes)
		} else if runErr == nil {
			r.gha.Noticef("stack %s matches Twilio: no drift", s.Stack)
		}
	}
	if res.Removed {
		fmt.Fprintf(r.out, "stack %s removed\n", s.Stack)
	}
	return runErr
}

// publish writes what a reader of the run looks at: the pull request
// comment (previews and pull request environments, unless comment-mode is
// off), the job summary and the step outputs, with summary (and
// comment-url) added to outs. It returns runErr, or the error that
// failed the run while publishing when runErr is nil.
func (r *runner) publish(ctx context.Context, rep *report.Report, scrub []string, outs map[string]string, runErr error) error {
	r.reported = true
	md := report.Markdown(rep, report.Options{Secrets: scrub})
	pr := r.plan.PullRequest
	mode := r.in.CommentMode
	commented := pr != nil && (r.plan.Operation == event.Preview || r.plan.PREnvironment) && (mode == CommentUpdate || mode == CommentRecreate)
	// A run refused by another run's lock changed nothing: the comment is
	// the other run's report, which a ❌ from this one would overwrite.
	var locked *stack.LockedError
	if commented && errors.As(runErr, &locked) {
		commented = false
		r.gha.Noticef("Left the comment on pull request #%d as it is: another run holds stack %s, and its report is the one that counts.", pr.Number, rep.Stack)
	}
	if commented {
		url, err := r.comment(ctx, rep, scrub)
		switch {
		case errors.Is(err, ErrForbidden):
			msg := fmt.Sprintf("Could not comment on pull request #%d (%v); the report is in this job's summary.", pr.Number, err)
			r.gha.Noticef("%s", msg)
			md = "> [!NOTE]\n> " + msg + "\n\n" + md
		case err != nil && runErr == nil:
			runErr = fmt.Errorf("comment on pull request #%d: %w", pr.Number, err)
		case err != nil:
			r.gha.Warningf("comment on pull request #%d: %v", pr.Number, err)
		}
		if url != "" {
			// Also after a partial failure: recreate may post the new
			// comment and then fail to hide the old one.
			outs["comment-url"] = url
		}
	}
	r.phase("comment done")
	if r.plan.Operation == event.Drift && !r.in.NoDriftIssue {
		md, runErr = r.syncDriftIssue(ctx, rep, scrub, md, runErr)
	}
	if r.guardSummary != "" {
		md = r.guardSummary + "\n" + md
	}
	outs["summary"] = md
	if err := r.summary(md); err != nil && runErr == nil {
		runErr = err
	}
	if err := r.setOutputs(outs); err != nil && runErr == nil {
		runErr = err
	}
	return runErr
}

// fail reports a run that failed before Pulumi reported anything: the
// same ❌ report a failed operation gets, with the error as its reason,
// as the comment, the job summary and the outputs. A failure to publish
// is a warning: the run has failed already, with err.
func (r *runner) fail(ctx context.Context, err error) {
	if !r.job.ReportFailures && r.plan.PullRequest == nil {
		return // in a terminal (local mode): the error line says it all
	}
	st := r.target.Stack
	if st == "" {
		// The target was not resolved (a branch-map collision, a bad
		// stack-name): the stack this run was for names the comment.
		st = r.in.StackName
		if st == "" {
			st = naming.StackName(r.plan.Branch)
		}
	}
	rep := &report.Report{
		Repo: r.job.GitHub.Repository, ProgramPath: filepath.ToSlash(filepath.Clean(r.in.WorkDir)),
		Stack: st, Branch: r.plan.Branch, Environment: strings.TrimSuffix(strings.TrimPrefix(r.target.SecretPrefix, naming.SecretPrefixBase), "_"),
		Commit: r.plan.SHA, Operation: string(r.plan.Operation), Result: report.ResultFailed, Error: err.Error(), RunURL: r.runURL(),
	}
	outs := map[string]string{"operation": string(r.plan.Operation), "branch": r.plan.Branch, "changes": "{}"}
	if r.target.Stack != "" {
		outs["stack"] = r.target.Stack
	}
	if r.subaccount != "" {
		outs["subaccount-sid"] = r.subaccount
	}
	if perr := r.publish(ctx, rep, r.scrubKnown(), outs, nil); perr != nil {
		r.gha.Warningf("%s", perr.Error())
	}
}

// scrubKnown is every secret value the run has read so far: the ones it
// masked in the log and the secrets input's values.
func (r *runner) scrubKnown() []string {
	// The same values a finished run masks (scrubList); the credentials
	// and the token are in r.secrets already (masked as they were read).
	for _, v := range scrubList(creds.Credentials{}, r.secretsInput, "", nil) {
		r.secrets.Add(v)
	}
	return r.secrets.Values()
}

// previewFailed turns the report of the failed preview an up ran first
// into the up's: it failed and changed nothing, so the resources it
// planned are left out (the failed ones stay, with the errors).
func previewFailed(rep *report.Report) *report.Report {
	rep.Result = report.ResultFailed
	rep.Counts = nil
	var failed []report.Resource
	for _, res := range rep.Resources {
		if res.Failed {
			failed = append(failed, res)
		}
	}
	rep.Resources = failed
	rep.Error = strings.TrimSpace("The update did not start: its preview failed, so nothing was changed. Fix the errors below and push again.\n" + rep.Error)
	return rep
}

// summary appends to the job summary, masked.
func (r *runner) summary(md string) error {
	return r.job.Reporter.AddSummary(r.secrets.String(md))
}

func (r *runner) runURL() string {
	gh := r.job.GitHub
	server, repo, id := gh.ServerURL, gh.Repository, gh.RunID
	if server == "" || repo == "" || id == "" {
		return ""
	}
	return server + "/" + repo + "/actions/runs/" + id
}

func (r *runner) comment(ctx context.Context, rep *report.Report, scrub []string) (string, error) {
	pr := r.plan.PullRequest
	if pr.Fork && r.plan.Event == "pull_request" {
		return "", fmt.Errorf("%w: pull requests from forks get a read-only token", ErrForbidden)
	}
	if r.in.GitHubToken == "" {
		return "", fmt.Errorf("%w: no github-token input", ErrForbidden)
	}
	owner, repo, _ := strings.Cut(r.job.GitHub.Repository, "/")
	return r.deps.Comment(ctx, CommentRequest{
		APIURL: orDefaultAPI(r.job.GitHub.APIURL), Token: r.in.GitHubToken, Owner: owner, Repo: repo, PR: pr.Number,
		ProgramPath: rep.ProgramPath, Stack: rep.Stack, Mode: r.in.CommentMode, Report: rep, Secrets: scrub,
	})
}

func changesJSON(counts map[string]int) string {
	m := map[string]int{}
	for k, v := range counts {
		if k != "same" && v > 0 {
			m[k] = v
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func (r *runner) setOutputs(outs map[string]string) error {
	return r.job.Reporter.SetOutputs(outs)
}

// newMaskWriter is the job log: the run's secrets masked (package mask),
// but for the ::add-mask:: commands, which must carry their value to the
// runner.
func newMaskWriter(w io.Writer, secrets *mask.Set) *mask.Writer {
	return mask.NewWriter(w, secrets, func(line []byte) bool { return bytes.HasPrefix(line, []byte("::add-mask::")) })
}

// commandEscaped is v as a workflow command's message carries it, escaped
// by go-githubactions itself.
func commandEscaped(v string) string {
	return strings.TrimPrefix((&githubactions.Command{Name: "m", Message: v}).String(), "::m::")
}
