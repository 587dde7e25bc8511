package handback

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const runner = 1001 // the hosted runner's user

func owner(t *testing.T, path string) int {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return int(fi.Sys().(*syscall.Stat_t).Uid)
}

func write(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestGive runs as root (as GitHub runs the image): what the run made
// under the roots goes to the workspace's owner; what was there before,
// what another user owns and what a link points to outside stay as they
// were.
func TestGive(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, as the action runs in GitHub's container")
	}
	t.Parallel()
	ws, home, outside := t.TempDir(), t.TempDir(), t.TempDir()
	for _, dir := range []string{ws, home} { // the checkout and /github/home are the runner's
		if err := os.Chown(dir, runner, runner); err != nil {
			t.Fatal(err)
		}
	}
	write(t, filepath.Join(ws, "before.txt")) // root's, from before the run
	write(t, filepath.Join(outside, "target"))
	since := time.Now().Add(20 * time.Millisecond)
	time.Sleep(100 * time.Millisecond) // past since, on the file system's coarse clock

	write(t, filepath.Join(ws, "Pulumi.main.yaml"))
	write(t, filepath.Join(ws, "state", ".pulumi", "stacks", "ivr", "main.json"))
	write(t, filepath.Join(home, ".pulumi", "workspaces", "w.json"))
	write(t, filepath.Join(ws, "other.txt"))
	if err := os.Chown(filepath.Join(ws, "other.txt"), 1002, 1002); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "target"), filepath.Join(ws, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(home, "dirlink")); err != nil {
		t.Fatal(err)
	}

	// ws/state is inside ws: walked once. A missing root is skipped.
	res, err := Give(ws, since, ws, home, filepath.Join(ws, "state"), filepath.Join(home, "missing"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"ws/Pulumi.main.yaml": runner, "ws/state": runner, "ws/state/.pulumi": runner,
		"ws/state/.pulumi/stacks/ivr/main.json": runner, "ws/link": runner,
		"home/.pulumi": runner, "home/.pulumi/workspaces/w.json": runner, "home/dirlink": runner,
		"ws/before.txt": 0, "ws/other.txt": 1002, "outside/target": 0, "outside": 0,
	}
	got := map[string]int{}
	for name := range want {
		dir, rest := ws, name[3:]
		switch name[:3] {
		case "hom":
			dir, rest = home, name[5:]
		case "out":
			dir, rest = outside, name[7:]
		}
		got[name] = owner(t, filepath.Join(dir, rest))
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("owners (-want +got):\n%s", d)
	}
	// Pulumi.main.yaml, state, .pulumi, stacks, ivr, main.json, link in
	// ws; .pulumi, workspaces, w.json, dirlink in home.
	if res.UID != runner || res.GID != runner || res.Changed != 11 {
		t.Errorf("result = %+v, want uid/gid %d and 11 changed", res, runner)
	}
}

// TestGiveRootWorkspace: a workspace root owns (a self-hosted runner run
// as root, the tests of other packages) is left alone.
func TestGiveRootWorkspace(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	t.Parallel()
	ws := t.TempDir()
	write(t, filepath.Join(ws, "Pulumi.main.yaml"))
	res, err := Give(ws, time.Time{}, ws)
	if err != nil || res.Changed != 0 || owner(t, filepath.Join(ws, "Pulumi.main.yaml")) != 0 {
		t.Fatalf("Give = %+v, %v", res, err)
	}
}

func TestOutermost(t *testing.T) {
	t.Parallel()
	got := outermost([]string{"/w", "", "/w/state", "/github/home", "/w/", "/wx", "/github/home/.pulumi"})
	if d := cmp.Diff([]string{"/w", "/github/home", "/wx"}, got); d != "" {
		t.Errorf("outermost (-want +got):\n%s", d)
	}
}
