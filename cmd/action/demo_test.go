package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

// TestDemo runs `make demo`'s command through the built binary: five
// steps, the comment kept in memory and read back by the merge's guard,
// and no call that would leave the machine (a proxy that refuses every
// connection would make such a call fail loudly, so none may be tried).
func TestDemo(t *testing.T) {
	t.Parallel()
	cmd := exec.CommandContext(t.Context(), actionBinary(t), "--demo")
	// Any attempt to reach the internet goes to a dead proxy and fails.
	cmd.Env = append(os.Environ(), "PULUMI_ROOT="+filepath.Dir(testenv.BinDir(t, testenv.PulumiTools...)),
		"HTTPS_PROXY=http://127.0.0.1:9", "HTTP_PROXY=http://127.0.0.1:9", "NO_PROXY=127.0.0.1,localhost")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("--demo: %v\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{
		"operation=preview stack=main", "operation=up stack=main", "operation=up stack=feature-new-ivr",
		"operation=drift stack=main", "operation=destroy stack=feature-new-ivr",
		"<!-- twilio-deploy-action: . main -->",
		"the change matches the one reviewed in pull request #1",
		"Emulator inventory of TWILIO_FEATURE_NEW_IVR_* account: 0 resources",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the demo's output lacks %q", want)
		}
	}
	for _, bad := range []string{"github.com/repos", "127.0.0.1:9", "could not be read"} {
		if strings.Contains(text, bad) {
			t.Errorf("the demo tried to leave the machine (%q):\n%s", bad, text)
		}
	}
}
