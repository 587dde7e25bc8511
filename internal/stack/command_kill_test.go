package stack

import (
	"os/exec"
	"syscall"
	"testing"
)

// killedBySignal tells a CLI SIGKILLed (it still holds the stack, so the
// run cancels its update) from one that ended by itself.
func TestKilledBySignal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		sig  syscall.Signal // 0: exits by itself
		want bool
	}{
		{"killed", syscall.SIGKILL, true},
		{"interrupted", syscall.SIGINT, false},
		{"exited", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command("sleep", "30")
			if tc.sig == 0 {
				cmd = exec.Command("true")
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			if tc.sig != 0 {
				_ = cmd.Process.Signal(tc.sig)
			}
			_ = cmd.Wait()
			if got := killedBySignal(cmd.ProcessState); got != tc.want {
				t.Errorf("killedBySignal = %v, want %v", got, tc.want)
			}
		})
	}
	if killedBySignal(nil) {
		t.Error("a CLI that never started was killed")
	}
}
