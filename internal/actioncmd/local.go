package actioncmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/action"
	"github.com/tdeploy/twilio-deploy-action/internal/creds"
	"github.com/tdeploy/twilio-deploy-action/internal/naming"
	"github.com/tdeploy/twilio-deploy-action/internal/stack"
)

// localCommands are the local mode's subcommands.
var localCommands = map[string]bool{"preview": true, "up": true, "refresh": true, "destroy": true, "drift": true, "watch": true}

// runLocal is the local mode: the same flow as in a workflow, run as if
// dispatched with the command input on a branch, reading the branch's env
// file (.dev.env for dev) for variables and credentials. Credentials in
// the file may be named as the repository secrets (TWILIO_DEV_ACCOUNT_SID)
// or plainly (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_API_KEY,
// TWILIO_API_SECRET), as the npm scripts this replaces used them; the
// process environment (vars) wins over the file. The job is built here:
// in a terminal, the summary is printed, there are no outputs, and a
// failure is its error line. `watch` runs up, then again every time a
// file of the program changes, until interrupted.
func runLocal(ctx context.Context, sub string, args []string, vars map[string]string, dir string, deps action.Deps, stderr io.Writer) error {
	fl := flag.NewFlagSet("action "+sub, flag.ContinueOnError)
	fl.SetOutput(stderr)
	branch := fl.String("branch", "", "branch whose environment to use (default: the checked-out git branch)")
	workDir := fl.String("work-dir", ".", "folder of the Pulumi program")
	stackName := fl.String("stack", "", "stack name (default: derived from the branch)")
	apiURL := fl.String("twilio-api-url", "", "send Twilio API calls here (the local emulator)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *branch == "" {
		out, err := exec.CommandContext(ctx, "git", "-C", *workDir, "rev-parse", "--abbrev-ref", "HEAD").Output()
		if err != nil || strings.TrimSpace(string(out)) == "HEAD" {
			return errors.New("no --branch given and no checked-out git branch; pass --branch dev")
		}
		*branch = strings.TrimSpace(string(out))
	}
	wd, err := filepath.Abs(filepath.Join(dir, *workDir))
	if filepath.IsAbs(*workDir) {
		wd = *workDir
	}
	if err != nil {
		return err
	}
	op := sub
	if sub == "watch" {
		op = "up"
	}
	job, err := localJob(op, *branch, wd, *stackName, *apiURL, vars, deps.Stdout)
	if err != nil {
		return err
	}
	if sub != "watch" {
		return action.Run(ctx, job, deps)
	}
	for {
		if err := action.Run(ctx, job, deps); err != nil && ctx.Err() != nil {
			return nil
		}
		fmt.Fprintf(deps.Stdout, "watching %s for changes (Ctrl-C to stop)\n", wd)
		before := snapshot(wd)
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(500 * time.Millisecond):
			}
			if now := snapshot(wd); now != before {
				fmt.Fprintln(deps.Stdout, "change detected: deploying")
				break
			}
		}
	}
}

// localJob is the job of a local run: op dispatched on branch, for the
// program in wd, with the process environment vars and the branch's env
// file, the summary printed to stdout.
func localJob(op, branch, wd, stackName, apiURL string, vars map[string]string, stdout io.Writer) (action.Job, error) {
	target, err := naming.Resolve(branch, nil, stackName)
	if err != nil {
		return action.Job{}, err
	}
	env := maps.Clone(vars)
	fileVars, _, err := stack.ReadEnvFile(wd, naming.StackName(branch))
	if err != nil {
		return action.Job{}, err
	}
	for k, v := range fileVars {
		if suffix, ok := creds.PlainSuffix(k); ok {
			k = target.SecretPrefix + suffix // plain names act for this branch
		}
		if k == "TWILIO_API_URL" && apiURL == "" {
			apiURL = v
			continue
		}
		if _, set := env[k]; !set {
			env[k] = v
		}
	}
	if apiURL == "" {
		apiURL = env["TWILIO_API_URL"]
	}
	return action.Job{
		Inputs: action.Inputs{Command: op, WorkDir: wd, StackName: stackName, TwilioAPIURL: apiURL,
			CommentMode: action.CommentUpdate, PRParent: "PARENT", NoDriftIssue: true}, // no repository here
		Event:  action.Event{Name: "workflow_dispatch", Ref: "refs/heads/" + branch},
		GitHub: action.GitHub{Runner: env["GITHUB_ACTIONS"] == "true", Debug: env["RUNNER_DEBUG"] == "1"},
		Dir:    wd, Env: env,
		Reporter: action.Terminal{W: stdout},
	}, nil
}

// snapshot sums up the program's files (paths, sizes, times), skipping the
// stack settings Pulumi writes itself and hidden folders.
func snapshot(dir string) string {
	var b strings.Builder
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		if d.IsDir() && p != dir && (strings.HasPrefix(name, ".") || name == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || (strings.HasPrefix(name, "Pulumi.") && name != "Pulumi.yaml" && name != "Pulumi.yml") {
			return nil
		}
		if info, err := d.Info(); err == nil {
			fmt.Fprintf(&b, "%s %d %d\n", p, info.Size(), info.ModTime().UnixNano())
		}
		return nil
	})
	return b.String()
}
