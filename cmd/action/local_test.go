package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

// TestLocalMode runs the binary as a developer would: `action up --branch
// dev` with credentials and the emulator's URL in .dev.env, `watch`
// redeploying a saved change, then `destroy`.
func TestLocalMode(t *testing.T) {
	w := newWorld(t)
	envFile := "TWILIO_ACCOUNT_SID=" + mainSID + "\nTWILIO_AUTH_TOKEN=" + mainToken + "\nTWILIO_API_URL=" + w.emu.URL + "\n"
	if err := os.WriteFile(filepath.Join(w.repo, ".dev.env"), []byte(envFile), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(append([]string{}, w.base...), "PULUMI_ROOT="+filepath.Dir(testenv.BinDir(t)))
	local := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), w.bin, args...)
		cmd.Dir, cmd.Env = w.repo, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("action %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	out := local("up", "--branch", "dev")
	if inv := w.inventory(mainSID); len(inv) != 3 || !strings.Contains(out, "Twilio up succeeded") {
		t.Fatalf("inventory after local up = %v\n%s", inv, out)
	}
	if strings.Contains(strings.ReplaceAll(out, "::add-mask::"+mainToken, ""), mainToken) {
		t.Fatalf("token in the output:\n%s", out)
	}

	// watch: the first up is a no-op; a saved change is deployed.
	var buf syncBuffer
	cmd := exec.Command(w.bin, "watch", "--branch", "dev")
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = w.repo, env, &buf, &buf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitFor(t, &buf, "watching", 60*time.Second)
	prog, err := os.ReadFile(filepath.Join(w.repo, "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	extra := strings.Replace(string(prog), "outputs:", "  more:\n    type: twilio:sync/v1:Service\n    properties:\n      friendlyName: added-while-watching\noutputs:", 1)
	if err := os.WriteFile(filepath.Join(w.repo, "Pulumi.yaml"), []byte(extra), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, &buf, "change detected", 30*time.Second)
	deadline := time.Now().Add(60 * time.Second)
	for len(w.inventory(mainSID)) != 4 {
		if time.Now().After(deadline) {
			t.Fatalf("watch did not deploy the change: %v\n%s", w.inventory(mainSID), buf.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	waitFor(t, &buf, "watching", 60*time.Second) // the second "watching" after the deploy
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("watch after Ctrl-C: %v\n%s", err, buf.String())
	}

	local("destroy", "--branch", "dev")
	if inv := w.inventory(mainSID); len(inv) != 0 {
		t.Fatalf("inventory after local destroy = %v", inv)
	}
}

// waitFor waits until buf has n+1 occurrences of s, n being those seen
// by earlier calls for the same s.
func waitFor(t *testing.T, buf *syncBuffer, s string, limit time.Duration) {
	t.Helper()
	seen := strings.Count(buf.String(), s)
	if seenBefore[s] < seen {
		seenBefore[s]++
		return
	}
	deadline := time.Now().Add(limit)
	for strings.Count(buf.String(), s) <= seenBefore[s] {
		if time.Now().After(deadline) {
			t.Fatalf("no %q after %s:\n%s", s, limit, buf.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	seenBefore[s]++
}

var seenBefore = map[string]int{}

func TestVersion(t *testing.T) {
	bin := actionBinary(t)
	cmd := exec.CommandContext(t.Context(), bin, "--version")
	cmd.Env = append(os.Environ(), "PULUMI_ROOT="+filepath.Dir(testenv.BinDir(t, "pulumi", "pulumi-resource-twilio")))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("--version: %v\n%s", err, out)
	}
	want := strings.TrimSpace(testenv.Pulumi(t, t.TempDir(), os.Environ(), "version"))
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "twilio-deploy-action ") || lines[1] != "pulumi "+want || !strings.HasPrefix(lines[2], "pulumi-resource-twilio ") {
		t.Fatalf("--version printed:\n%s", out)
	}
}
