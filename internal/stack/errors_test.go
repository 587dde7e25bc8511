package stack

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStderrLines(t *testing.T) {
	t.Parallel()
	many := strings.Repeat("error: x\n", 12)
	for _, tc := range []struct {
		name, stderr string
		want         []string
	}{
		{"none", "", nil},
		{"error lines win", "warning: using pulumi-resource-twilio from $PATH at /x\nerror: incorrect passphrase\n  \nsome detail\n", []string{"incorrect passphrase"}},
		{"other lines without errors", "warning: w\nsomething broke\r\nand why\n", []string{"something broke", "and why"}},
		{"only warnings", "warning: w\n", nil},
		{"capped", many, append(slices10("x"), "(2 more lines)")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if d := cmp.Diff(tc.want, stderrLines(tc.stderr)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func slices10(s string) []string {
	out := make([]string, 10)
	for i := range out {
		out[i] = s
	}
	return out
}

// autoErrorLike stands in for the Automation API's error: its text holds
// the whole output, and it wraps what command.Run returned.
type autoErrorLike struct{ err error }

func (e autoErrorLike) Error() string {
	return e.err.Error() + "\ncode: 1\nstdout: Updating (main): …\nstderr: error: incorrect passphrase\n"
}
func (e autoErrorLike) Unwrap() error { return e.err }

func TestCLIError(t *testing.T) {
	t.Parallel()
	run := &runError{err: errors.New("exit status 1"), stderr: "warning: w\nerror: incorrect passphrase\n"}
	err := cliError("pulumi up on main", autoErrorLike{fmt.Errorf("failed to run update: %w", run)})
	if got, want := err.Error(), "pulumi up on main failed: incorrect passphrase"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var ce *CLIError
	if !errors.As(err, &ce) || ce.Stderr != run.stderr || !errors.As(err, new(autoErrorLike)) {
		t.Errorf("the CLI's stderr or the wrapped error is lost: %#v", err)
	}
	if again := cliError("outer", err); again != err {
		t.Errorf("wrapped twice: %v", again)
	}

	silent := cliError("read the tags of stack main", &runError{err: errors.New("signal: killed")})
	if got, want := silent.Error(), "read the tags of stack main failed: signal: killed"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	plain := cliError("open the Pulumi project in /w", errors.New("no Pulumi.yaml"))
	if got, want := plain.Error(), "open the Pulumi project in /w: no Pulumi.yaml"; got != want || errors.As(plain, &ce) {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if cliError("x", nil) != nil {
		t.Error("nil error wrapped")
	}
}

func TestFileBackendDir(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		url  string
		want string
		ok   bool
	}{
		{"file:///var/state", "/var/state", true},
		{"file:///var/state/?no_tmp_dir=false", "/var/state", true},
		{"file://~", "/home/u", true},
		{"file://~/.pulumi-state", "/home/u/.pulumi-state", true},
		{"file://state", "/work/state", true},
		{"file://./a/../state", "/work/state", true},
		{"file:///var/my%20state", "/var/my state", true},
		{"file://", "", false},
		{"s3://bucket/state", "", false},
		{"", "", false},
	} {
		got, ok := fileBackendDir(tc.url, "/work", "/home/u")
		if got != filepath.FromSlash(tc.want) || ok != tc.ok {
			t.Errorf("fileBackendDir(%q) = %q, %v; want %q, %v", tc.url, got, ok, tc.want, tc.ok)
		}
	}
}

func TestEnsureBackendDir(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	dir := filepath.Join(root, "new", "state")
	s := Settings{WorkDir: root, Env: map[string]string{"PULUMI_BACKEND_URL": "file://" + filepath.ToSlash(dir)}}
	if err := s.ensureBackendDir(); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		t.Fatalf("state folder not created: %v", err)
	}
	if err := s.ensureBackendDir(); err != nil {
		t.Fatalf("existing folder: %v", err)
	}
	file := filepath.Join(root, "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s.Env["PULUMI_BACKEND_URL"] = "file://" + filepath.ToSlash(file)
	if err := s.ensureBackendDir(); err == nil || !strings.Contains(err.Error(), file+" is a file, not a folder") {
		t.Errorf("a file as the state folder: %v", err)
	}
	s.Env["PULUMI_BACKEND_URL"] = "s3://bucket"
	if err := s.ensureBackendDir(); err != nil {
		t.Errorf("s3: %v", err)
	}
}

func TestLockLines(t *testing.T) {
	t.Parallel()
	le := &LockedError{CLIError: &CLIError{Command: "pulumi up on main", Stderr: "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
		"  file:///state/.pulumi/locks/organization/demo/main/5a1c.json: created by runner@3f2e1d (pid 4242) at 2026-12-03T07:00:00Z\n"}}
	want := "error: the stack is currently locked by 1 lock(s).\n" +
		"  file:///state/.pulumi/locks/organization/demo/main/5a1c.json: created by runner@3f2e1d (pid 4242) at 2026-12-03T07:00:00Z\n"
	if got := le.LockLines(); got != want {
		t.Errorf("LockLines:\n%s\nwant (which lock, without the advice to break it):\n%s", got, want)
	}
}
