package container

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// initVar names the spec file when this program is started as the
// container's first process (see Init).
const initVar = "TDEPLOY_CONTAINER_INIT"

// Available reports why namespaces cannot be used here, or nil: the run
// needs root (mounts, chroot, chown to the runner's user) and a kernel
// that lets it unshare mount and PID namespaces.
func Available() error {
	if os.Geteuid() != 0 {
		return errors.New("the container contract needs root (bind mounts, chroot, files owned by uid 1001); run as root (CI does)")
	}
	if _, err := exec.LookPath("unshare"); err != nil {
		return fmt.Errorf("the container contract needs unshare(1) (util-linux): %w", err)
	}
	if out, err := exec.Command("unshare", "--mount", "--pid", "--fork", "true").CombinedOutput(); err != nil {
		return fmt.Errorf("unshare --mount --pid --fork is not permitted here: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// Result is how the entrypoint ended.
type Result struct {
	Code int // exit code; 127 when the entrypoint could not be started, as Docker
}

// Run starts spec's entrypoint the way `docker run` does, without Docker:
// `unshare --mount --pid --fork` gives it private mounts and its own PID
// namespace (it is PID 1, as in a container without --init), and this
// program, started again inside them (Init), bind-mounts the runner's
// folders, /proc and the /dev nodes into spec.Root, chroots there, changes
// to the working directory, takes the image's user and executes the
// entrypoint. The network namespace is shared, so the emulator and the
// fake GitHub on loopback are reachable (GitHub's container reaches the
// internet the same way, through the job's network).
func Run(ctx context.Context, spec Spec, stdout, stderr io.Writer) (Result, error) {
	self, err := os.Executable()
	if err != nil {
		return Result{}, err
	}
	b, err := json.Marshal(spec)
	if err != nil {
		return Result{}, err
	}
	f, err := os.CreateTemp("", "container-spec-*.json")
	if err != nil {
		return Result{}, err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return Result{}, err
	}
	if err := f.Close(); err != nil {
		return Result{}, err
	}
	cmd := exec.CommandContext(ctx, "unshare", "--mount", "--pid", "--fork", "--kill-child", self)
	cmd.Env = []string{initVar + "=" + f.Name()}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return Result{Code: ee.ExitCode()}, nil
	}
	return Result{}, err
}

// Init is the container's first process when this program was started by
// Run; it returns at once otherwise. Call it first thing in TestMain.
func Init() {
	p := os.Getenv(initVar)
	if p == "" {
		return
	}
	if err := initContainer(p); err != nil {
		fmt.Fprintf(os.Stderr, "container: %v\n", err)
		os.Exit(127)
	}
	os.Exit(127) // not reached: initContainer executes the entrypoint
}

func initContainer(specPath string) error {
	b, err := os.ReadFile(specPath)
	if err != nil {
		return err
	}
	var s Spec
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if len(s.Argv) == 0 {
		return errors.New("no entrypoint")
	}
	// Nothing done here may reach the host's mount table.
	if err := syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make / private: %w", err)
	}
	root := s.Root
	for _, m := range s.Mounts {
		target := filepath.Join(root, m.Dst)
		if err := os.MkdirAll(target, 0o755); err != nil {
			return err
		}
		if err := syscall.Mount(m.Src, target, "", syscall.MS_BIND|syscall.MS_REC, ""); err != nil {
			return fmt.Errorf("bind %s on %s: %w", m.Src, m.Dst, err)
		}
		flags := uintptr(syscall.MS_BIND | syscall.MS_REMOUNT | syscall.MS_NOSUID | syscall.MS_NODEV)
		if s.NoExec {
			flags |= syscall.MS_NOEXEC
		}
		if m.ReadOnly {
			flags |= syscall.MS_RDONLY
		}
		if err := syscall.Mount("", target, "", flags, ""); err != nil {
			return fmt.Errorf("remount %s: %w", m.Dst, err)
		}
	}
	// What Docker gives every container: a fresh /proc for its PID
	// namespace, a /dev with the usual nodes, /etc/hosts, /etc/hostname and
	// /etc/resolv.conf (no name server here: a lookup of any name fails).
	if err := syscall.Mount("proc", filepath.Join(root, "proc"), "proc", syscall.MS_NOSUID|syscall.MS_NOEXEC|syscall.MS_NODEV, ""); err != nil {
		return fmt.Errorf("mount /proc: %w", err)
	}
	dev := filepath.Join(root, "dev")
	if err := syscall.Mount("tmpfs", dev, "tmpfs", syscall.MS_NOSUID|syscall.MS_NOEXEC, "mode=755,size=65536k"); err != nil {
		return fmt.Errorf("mount /dev: %w", err)
	}
	for _, n := range []string{"null", "zero", "full", "random", "urandom", "tty"} {
		t := filepath.Join(dev, n)
		if err := os.WriteFile(t, nil, 0o666); err != nil {
			return err
		}
		if err := syscall.Mount("/dev/"+n, t, "", syscall.MS_BIND, ""); err != nil {
			return fmt.Errorf("bind /dev/%s: %w", n, err)
		}
	}
	for l, t := range map[string]string{"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0", "stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2"} {
		if err := os.Symlink(t, filepath.Join(dev, l)); err != nil {
			return err
		}
	}
	for name, text := range map[string]string{
		"etc/hosts":       "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.0.1\tcontract\n",
		"etc/hostname":    "contract\n",
		"etc/resolv.conf": "# no name server: the contract test's container resolves nothing\n",
	} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(text), 0o644); err != nil {
			return err
		}
	}
	if err := syscall.Chroot(root); err != nil {
		return fmt.Errorf("chroot: %w", err)
	}
	workdir := s.Workdir
	if workdir == "" {
		workdir = "/"
	}
	if err := os.MkdirAll(workdir, 0o755); err != nil { // Docker creates a missing --workdir
		return err
	}
	if err := os.Chdir(workdir); err != nil {
		return fmt.Errorf("chdir %s: %w", workdir, err)
	}
	argv0, err := lookPath(s.Argv[0], s.Env)
	if err != nil {
		return err
	}
	if err := syscall.Setgroups(nil); err != nil {
		return fmt.Errorf("setgroups: %w", err)
	}
	if err := syscall.Setgid(s.User.GID); err != nil {
		return fmt.Errorf("setgid %d: %w", s.User.GID, err)
	}
	if err := syscall.Setuid(s.User.UID); err != nil {
		return fmt.Errorf("setuid %d: %w", s.User.UID, err)
	}
	if err := syscall.Exec(argv0, s.Argv, s.Env); err != nil {
		// Docker's message for an entrypoint that cannot start (a missing
		// file, or a script whose interpreter the image lacks).
		return fmt.Errorf("exec: %q: %w", s.Argv[0], err)
	}
	return nil
}

// lookPath finds a relative entrypoint on the container's PATH, as Docker.
func lookPath(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		return name, nil
	}
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			for _, d := range filepath.SplitList(v) {
				p := filepath.Join(d, name)
				if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
					return p, nil
				}
			}
		}
	}
	return "", fmt.Errorf("exec: %q: executable file not found in $PATH", name)
}
