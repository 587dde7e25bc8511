package stack

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
	"github.com/tdeploy/twilio-deploy-action/internal/event"
	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

// TestUpPreviewFirst runs up on a new stack whose program has a valid
// resource and, depending on it, one with an input of the wrong type. With
// PreviewFirst the preview fails, the up never starts and nothing is
// created; the preview's events go to PreviewSinks only. Without it the
// engine creates the valid resource before it even registers the other:
// the reason for PreviewFirst.
func TestUpPreviewFirst(t *testing.T) {
	t.Parallel()
	emu := emulatortest.New(t)
	cmd, err := NewCommand(filepath.Dir(testenv.BinDir(t, testenv.PulumiTools...)))
	if err != nil {
		t.Fatal(err)
	}
	env := envMap(testenv.PulumiEnv(t, "TWILIO_ACCOUNT_SID="+emu.AccountSID, "TWILIO_AUTH_TOKEN="+emu.AuthToken, "TWILIO_API_URL="+emu.URL))
	dir := t.TempDir()
	prog := "name: check\nruntime: yaml\nresources:\n" +
		"  state:\n    type: twilio:sync/v1:Service\n    properties:\n      friendlyName: state\n" +
		"  menus:\n    type: twilio:sync/v1:ServiceSyncMap\n    properties:\n      serviceSid: ${state.sid}\n      uniqueName: 2024\n"
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte(prog), 0o644); err != nil {
		t.Fatal(err)
	}
	type counter struct {
		mu sync.Mutex
		n  int
	}
	count := func(c *counter) Sink {
		return func(events.EngineEvent) { c.mu.Lock(); c.n++; c.mu.Unlock() }
	}

	var pre, up counter
	s := Settings{WorkDir: dir, Stack: "first", Branch: "main", Env: env, Operation: event.Up,
		PreviewFirst: true, PreviewSinks: []Sink{count(&pre)}}
	res, err := Run(t.Context(), cmd, s, count(&up))
	var pe *PreviewError
	if !errors.As(err, &pe) || !strings.Contains(pe.Err.Error(), "uniqueName: expected a string, got the number 2024") {
		t.Fatalf("up with PreviewFirst: %v, want a PreviewError naming uniqueName", err)
	}
	if !res.Created {
		t.Error("the preview did not create the missing stack")
	}
	if pre.n == 0 || up.n != 0 {
		t.Errorf("events: %d to the preview's sinks, %d to the up's; want some, none", pre.n, up.n)
	}
	if inv := inventoryTokens(emu); len(inv) != 0 {
		t.Fatalf("up with PreviewFirst created %v", inv)
	}

	s.PreviewFirst = false
	if _, err := Run(t.Context(), cmd, s); err == nil {
		t.Fatal("up without PreviewFirst succeeded")
	}
	if inv := inventoryTokens(emu); len(inv) != 1 || inv[0] != "sync/v1:Service" {
		t.Fatalf("up without PreviewFirst created %v; want the Sync service the check came too late for", inv)
	}
}
