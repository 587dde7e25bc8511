// Package actioncmd is the action's command: its flags and wiring, the
// real dependencies (action.Deps) and one of three jobs: the runner's
// (action.FromEnv), local mode's (local.go), the demo's (demo.go). It is a
// package, not a main, so the standalone cmd/action and the multi-call
// cmd/twilio-deploy run the same code:
//
//	action --version   its version and the Pulumi CLI and provider it uses
//	action --demo      the main job on this machine: emulator, no accounts
//	action up --branch dev [--work-dir D] [--stack S] [--twilio-api-url U]
//	                   local mode: preview, up, refresh, destroy, drift, or
//	                   watch (up on every saved change), reading .dev.env
package actioncmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/action"
	"github.com/tdeploy/twilio-deploy-action/internal/creds"
	"github.com/tdeploy/twilio-deploy-action/internal/driftissue"
	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment"
	"github.com/tdeploy/twilio-deploy-action/internal/ghdeploy"
	"github.com/tdeploy/twilio-deploy-action/internal/github"
	"github.com/tdeploy/twilio-deploy-action/internal/grace"
	"github.com/tdeploy/twilio-deploy-action/internal/prenv"
	"github.com/tdeploy/twilio-deploy-action/internal/stack"
	"github.com/tdeploy/twilio-deploy-action/internal/twilio"
)

// Main runs the action with the command-line arguments after the program
// name and returns its exit code. version is the main package's, stamped
// at build time (-ldflags "-X main.version=v1.2.3"); empty means "dev".
func Main(version string, args []string) int {
	if version == "" {
		version = "dev"
	}
	// The action is glue: it waits on the Pulumi CLI, reads its event
	// stream and makes a few HTTP calls. One P keeps Go's scheduler from
	// spinning on the cores the CLI, the YAML host and the provider need
	// (measured on 2 cores: a 200-resource preview 0.1 s faster, 0.1 s
	// less CPU). A GOMAXPROCS set in the environment still wins.
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
	// A cancelled workflow sends SIGTERM (then SIGKILL after a grace
	// period); Ctrl-C sends SIGINT. Both cancel the Pulumi operation.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	ctx = grace.Watch(ctx) // what a cancelled run still does is bounded from here
	environ := os.Environ()
	scrubProcessEnv()
	code := run(ctx, version, args, environ, os.Stdout, os.Stderr)
	stop()
	return code
}

// scrubProcessEnv removes the secrets input and every Twilio credential
// variable from this process's environment: the Automation API starts the
// Pulumi CLI with os.Environ(), and nothing but the checked credentials
// (which the action passes explicitly) may reach the program or provider.
func scrubProcessEnv() {
	for _, kv := range os.Environ() {
		if k, _, ok := strings.Cut(kv, "="); ok && action.Scrubbed(k) {
			os.Unsetenv(k)
		}
	}
}

func run(ctx context.Context, version string, args []string, environ []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("action", flag.ContinueOnError)
	fl.SetOutput(stderr)
	showVersion := fl.Bool("version", false, "print the version of the action, the Pulumi CLI and the provider")
	demo := fl.Bool("demo", false, "run the main job locally against the Twilio emulator (no accounts needed)")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() > 0 && !localCommands[fl.Arg(0)] {
		fmt.Fprintf(stderr, "action: unknown command %q; run with no arguments inside GitHub Actions, or: --version, --demo, preview|up|refresh|destroy|drift|watch --branch NAME\n", fl.Arg(0))
		return 2
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "action: %v\n", err)
		return 1
	}
	wd, _ := os.Getwd()
	vars := action.EnvMap(environ)
	root := stack.Root(vars["PULUMI_ROOT"], exe)
	deps := action.Deps{
		Stdout: stdout, PulumiRoot: root, Engine: stack.NewCLI(root),
		CheckCredentials: twilio.Check,
		Comment:          action.StickyComment(openPullRequest),
		DriftIssue:       action.DriftIssue(openRepository),
		Reviewed:         action.ReviewedComment(mergedPullRequest, openPullRequest),
		PRParent: func(c creds.Credentials, apiURL string) (prenv.Parent, error) {
			return twilio.NewParent(c, apiURL)
		},
		Deployments: openDeployments,
		RunAttempt:  runAttempt,
		Runs:        recentRuns,
	}
	switch {
	case *showVersion:
		if err := printVersion(ctx, stdout, version, root); err != nil {
			fmt.Fprintf(stderr, "action: %v\n", err)
			return 1
		}
		return 0
	case fl.NArg() > 0:
		if err := runLocal(ctx, fl.Arg(0), fl.Args()[1:], vars, wd, deps, stderr); err != nil {
			fmt.Fprintf(stderr, "action %s: %v\n", fl.Arg(0), err)
			return 1
		}
		return 0
	case *demo:
		if err := runDemo(ctx, version, vars, deps); err != nil {
			fmt.Fprintf(stderr, "demo: %v\n", err)
			return 1
		}
		return 0
	}
	if err := action.Run(ctx, action.FromEnv(environ, wd), deps); err != nil {
		if errors.Is(err, action.ErrMissing) {
			fmt.Fprintf(stderr, "%v\n", err)
		}
		// Run wrote any other error as an ::error annotation already.
		return 1
	}
	return 0
}

// openDeployments is the GitHub adapter behind the deployments.
func openDeployments(apiURL, token, owner, repo string) (ghdeploy.API, error) {
	return github.NewDeployments(&http.Client{Timeout: 60 * time.Second}, apiURL, token, owner, repo)
}

// openPullRequest is the GitHub adapter behind the sticky comment.
func openPullRequest(apiURL, token, owner, repo string, number int) (ghcomment.API, error) {
	return github.NewPullRequest(&http.Client{Timeout: 60 * time.Second}, apiURL, token, owner, repo, number)
}

// openRepository is the GitHub adapter behind the drift issue.
func openRepository(apiURL, token, owner, repo string) (driftissue.API, error) {
	return github.NewRepository(&http.Client{Timeout: 60 * time.Second}, apiURL, token, owner, repo)
}

// runAttempt is the GitHub adapter behind the stale-lock check.
func runAttempt(ctx context.Context, apiURL, token, owner, repo string, runID int64, attempt int) (string, string, error) {
	return github.RunAttemptStatus(ctx, &http.Client{Timeout: 30 * time.Second}, apiURL, token, owner, repo, runID, attempt)
}

// recentRuns is the GitHub adapter behind the check of a lock no run
// recorded.
func recentRuns(ctx context.Context, apiURL, token, owner, repo string) ([]stack.WorkflowRun, error) {
	runs, err := github.RecentRuns(ctx, &http.Client{Timeout: 30 * time.Second}, apiURL, token, owner, repo)
	out := make([]stack.WorkflowRun, len(runs))
	for i, r := range runs {
		out[i] = stack.WorkflowRun{ID: r.ID, Attempt: r.Attempt, Status: r.Status, Created: r.Created, Started: r.Started, Updated: r.Updated}
	}
	return out, err
}

// mergedPullRequest is the GitHub adapter behind the reviewed-change guard.
func mergedPullRequest(ctx context.Context, apiURL, token, owner, repo, sha, branch string) (int, error) {
	return github.MergedPullRequest(ctx, &http.Client{Timeout: 60 * time.Second}, apiURL, token, owner, repo, sha, branch)
}
