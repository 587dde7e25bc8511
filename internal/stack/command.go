package stack

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/tdeploy/twilio-deploy-action/internal/grace"
)

// versionSymbol is where the Pulumi build stamps the CLI's version.
const versionSymbol = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version="

// NewCommand returns the Pulumi CLI at root/bin/pulumi for the Automation
// API. The CLI's version is read from the binary's build information (the
// -X ...version.Version our tool script and Pulumi's releases stamp), which
// saves starting the 100 MB CLI once per run just to print it; a binary
// without it goes through auto.NewPulumiCommand (`pulumi version`).
func NewCommand(root string) (auto.PulumiCommand, error) {
	path := filepath.Join(root, "bin", "pulumi")
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("find the Pulumi CLI: %w; set PULUMI_ROOT to the folder that holds bin/pulumi", err)
	}
	if v, ok := stampedVersion(path); ok {
		return command{path: path, version: v}, nil
	}
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: root, SkipVersionCheck: true})
	if err != nil {
		return nil, fmt.Errorf("find the Pulumi CLI in %s: %w", root, err)
	}
	return cmd, nil
}

// stampedVersion reads the CLI's version from its build information: the
// -X flag when the build recorded its flags, else the version of the
// github.com/pulumi/pulumi/pkg/v3 module it was built from (what
// scripts/tools.sh stamps, and what `pulumi version` then prints).
func stampedVersion(path string) (semver.Version, bool) {
	info, err := buildinfo.ReadFile(path)
	if err != nil || info.Path != "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi" {
		return semver.Version{}, false
	}
	mods := append([]*debug.Module{&info.Main}, info.Deps...)
	for _, m := range mods {
		if m.Path == "github.com/pulumi/pulumi/pkg/v3" && m.Replace == nil {
			if v, err := semver.ParseTolerant(m.Version); err == nil {
				return v, true
			}
		}
	}
	for _, s := range info.Settings {
		if s.Key != "-ldflags" {
			continue
		}
		i := strings.Index(s.Value, versionSymbol)
		if i < 0 {
			continue
		}
		rest := strings.Trim(s.Value[i+len(versionSymbol):], `'"`)
		if j := strings.IndexAny(rest, ` '"`); j >= 0 {
			rest = rest[:j]
		}
		v, err := semver.ParseTolerant(rest)
		return v, err == nil
	}
	return semver.Version{}, false
}

// command runs the CLI the way auto's own PulumiCommand does: always
// non-interactive, the CLI's folder first on PATH (so the YAML host and
// providers next to it are found), SIGINT on cancellation and SIGKILL
// CLIGrace later: the engine tells the providers to stop (our provider
// ends its retry waits at once and gives requests in flight 2 s), saves
// the state and releases the stack well within it.
type command struct {
	path    string
	version semver.Version
}

var _ auto.PulumiCommand = command{}

func (c command) Version() semver.Version { return c.version }

func (c command) Run(ctx context.Context, workdir string, stdin io.Reader, additionalOutput, additionalErrorOutput []io.Writer,
	additionalEnv []string, args ...string,
) (string, string, int, error) {
	flags := args
	if i := slices.Index(args, "--"); i >= 0 {
		flags = args[:i]
	}
	if !slices.Contains(flags, "--non-interactive") {
		args = append([]string{"--non-interactive"}, args...)
	}
	cmd := exec.CommandContext(ctx, c.path, args...)
	cmd.Dir = workdir
	env := append(os.Environ(), additionalEnv...)
	env = append(env, "PULUMI_AUTOMATION_API=true")
	cmd.Env = prependPath(env, filepath.Dir(c.path))
	var stdout, stderr bytes.Buffer
	cmd.Stdout = io.MultiWriter(append(additionalOutput, &stdout)...)
	cmd.Stderr = io.MultiWriter(append(additionalErrorOutput, &stderr)...)
	cmd.Stdin = stdin
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			_ = cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = CLIGrace
	err := cmd.Run()
	code := -2 // auto's unknownErrorCode
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err == nil {
		code = 0
	}
	if err != nil {
		err = &runError{err: err, stderr: stderr.String(), killed: ctx.Err() != nil && killedBySignal(cmd.ProcessState)}
	}
	return stdout.String(), stderr.String(), code, err
}

// CLIGrace is how long the CLI has after its SIGINT: of the run's grace
// (package grace, 6 s from the cancel), what is left is for `pulumi
// cancel` after a kill and the last comment and deployment status.
const CLIGrace = grace.Budget - 2*time.Second

// killedBySignal reports a CLI ended by SIGKILL (CLIGrace ran out): it
// could not release the stack it held.
func killedBySignal(ps *os.ProcessState) bool {
	if ps == nil {
		return false
	}
	ws, ok := ps.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// prependPath puts dir first in the last PATH entry of env (the one exec
// uses).
func prependPath(env []string, dir string) []string {
	out := slices.Clone(env)
	for i := len(out) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(out[i], "PATH="); ok {
			if v != "" {
				v = string(os.PathListSeparator) + v
			}
			out[i] = "PATH=" + dir + v
			return out
		}
	}
	return append(out, "PATH="+dir)
}
