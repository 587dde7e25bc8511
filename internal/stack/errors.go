package stack

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// runError is what command.Run returns when the CLI fails. The Automation
// API wraps it in an error whose text holds the command's whole stdout and
// stderr behind "code:", "stdout:", "stderr:" (its fields are not
// exported), so the stderr travels with the error for CLIError to read.
type runError struct {
	err    error
	stderr string
	killed bool // SIGKILLed after a cancel: whatever it held, it still holds
}

func (e *runError) Error() string { return e.err.Error() }
func (e *runError) Unwrap() error { return e.err }

// CLIError is a Pulumi CLI command that failed. Its text is what was run
// and the CLI's own error lines, never the Automation API's wrapper; the
// wrapped error is still there for errors.Is/As (auto.IsSelectStack404Error).
type CLIError struct {
	// Command says what was run, e.g. "pulumi up on main".
	Command string
	// Lines are the meaningful lines of the CLI's stderr: its "error:"
	// lines, else every line but warnings; empty when it wrote none.
	Lines []string
	// Stderr is the CLI's whole stderr.
	Stderr string
	err    error
}

func (e *CLIError) Error() string {
	if len(e.Lines) == 0 {
		return e.Command + " failed: " + e.cause()
	}
	return e.Command + " failed: " + strings.Join(e.Lines, "; ")
}

func (e *CLIError) Unwrap() error { return e.err }

// cause is the process's own error (exit status 1, signal: killed).
func (e *CLIError) cause() string {
	var re *runError
	if errors.As(e.err, &re) {
		return re.err.Error()
	}
	return e.err.Error()
}

// cliError wraps err from a CLI command as a *CLIError when the CLI ran
// and failed (command.Run's runError is in its chain), else with the
// plain prefix what.
func cliError(what string, err error) error {
	if err == nil {
		return nil
	}
	var ce *CLIError
	if errors.As(err, &ce) {
		return err
	}
	var re *runError
	if !errors.As(err, &re) {
		return fmt.Errorf("%s: %w", what, err)
	}
	ce = &CLIError{Command: what, Lines: stderrLines(re.stderr), Stderr: re.stderr, err: err}
	if locked(re.stderr) {
		return &LockedError{CLIError: ce}
	}
	return ce
}

// locked reports whether the CLI stopped on another update's lock: a
// file:// or cloud-storage backend's lock file, or Pulumi Cloud's 409 (the
// texts the Automation API's IsConcurrentUpdateError looks for).
func locked(stderr string) bool {
	return strings.Contains(stderr, "the stack is currently locked by") ||
		strings.Contains(stderr, "[409] Conflict: Another update is currently in progress.")
}

// LockedError is an operation refused because another run holds the stack.
// Pulumi's own advice, `pulumi cancel`, breaks that run if it is alive, so
// the message says what to do instead. The CLI's lines stay in CLIError.
type LockedError struct {
	*CLIError
	Why string // what the run found out about the holder, if anything
}

func (e *LockedError) Error() string {
	why := ""
	if e.Why != "" {
		why = " (" + e.Why + ")"
	}
	return e.Command + " failed: another run holds the stack (Pulumi's lock" + why + "); wait for it to end and run this job again. " +
		"Do not run `pulumi cancel` while that run is alive: it breaks that run's update. " +
		"A workflow `concurrency:` group per branch queues the runs instead (see the README, \"Concurrent runs\")"
}

func (e *LockedError) Unwrap() error { return e.CLIError }

// lockAdvice is the rest of the CLI's lock line: "Either wait for the
// other process(es) to end or delete the lock file with `pulumi cancel`."
var lockAdvice = regexp.MustCompile("(the stack is currently locked by \\d+ lock\\(s\\)\\.)[^\n]*")

// LockLines is the CLI's stderr (which lock, taken by whom and when)
// without Pulumi's advice to run `pulumi cancel`, which breaks the other
// run if it is alive: Error says what to do instead.
func (e *LockedError) LockLines() string { return lockAdvice.ReplaceAllString(e.Stderr, "$1") }

// stderrLines picks what the CLI said about its failure: the "error:"
// lines (without the prefix); else, when it wrote no such line, every
// non-blank line that is not a warning. At most maxLines are kept.
func stderrLines(stderr string) []string {
	const maxLines = 10
	var errs, other []string
	for _, l := range strings.Split(strings.ReplaceAll(stderr, "\r\n", "\n"), "\n") {
		l = strings.TrimSpace(l)
		switch {
		case l == "":
		case strings.HasPrefix(l, "error: "):
			errs = append(errs, strings.TrimSpace(strings.TrimPrefix(l, "error: ")))
		case strings.HasPrefix(l, "warning: "):
		default:
			other = append(other, l)
		}
	}
	lines := errs
	if len(lines) == 0 {
		lines = other
	}
	if len(lines) > maxLines {
		lines = append(lines[:maxLines:maxLines], fmt.Sprintf("(%d more lines)", len(lines)-maxLines))
	}
	return lines
}

// fileBackendDir returns the folder of a file:// backend URL as the CLI
// resolves it (pkg/backend/diy: the query dropped, ~ for home, a relative
// path from the folder the CLI runs in), and whether url is one.
func fileBackendDir(backendURL, workDir, home string) (string, bool) {
	rest, ok := strings.CutPrefix(backendURL, "file://")
	if !ok {
		return "", false
	}
	rest, _, _ = strings.Cut(rest, "?")
	if p, err := url.PathUnescape(rest); err == nil {
		rest = p
	}
	switch {
	case rest == "~":
		rest = home
	case strings.HasPrefix(rest, "~/"):
		rest = filepath.Join(home, rest[2:])
	}
	if rest == "" {
		return "", false
	}
	rest = filepath.FromSlash(rest)
	if !filepath.IsAbs(rest) {
		rest = filepath.Join(workDir, rest)
	}
	return filepath.Clean(rest), true
}

// ensureBackendDir creates the folder of a file:// backend when it does
// not exist: the CLI would fail with "unable to read tags" and its
// wrapper text, while a missing folder is what a first run on a fresh
// runner has (pulumi login file://... users expect it made).
func (s Settings) ensureBackendDir() error {
	home := s.Env["HOME"]
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	dir, ok := fileBackendDir(s.Env["PULUMI_BACKEND_URL"], s.WorkDir, home)
	if !ok {
		return nil
	}
	info, err := os.Stat(dir)
	switch {
	case err == nil && info.IsDir():
		return nil
	case err == nil:
		return fmt.Errorf("PULUMI_BACKEND_URL %s: %s is a file, not a folder; point it at a folder for the Pulumi state", s.Env["PULUMI_BACKEND_URL"], dir)
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("PULUMI_BACKEND_URL %s: %w", s.Env["PULUMI_BACKEND_URL"], err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create the state folder %s of PULUMI_BACKEND_URL: %w; create it, or point PULUMI_BACKEND_URL at a folder the action can write", dir, err)
	}
	return nil
}
