package stack

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"

	"github.com/tdeploy/twilio-deploy-action/examples"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
	"github.com/tdeploy/twilio-deploy-action/internal/event"
	"github.com/tdeploy/twilio-deploy-action/internal/report"
	"github.com/tdeploy/twilio-deploy-action/internal/report/engine"
	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

// copyExample writes the embedded example program into a temp folder.
func copyExample(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if err := examples.Copy(dir, examples.Demo); err != nil {
		t.Fatal(err)
	}
	return dir
}

func envMap(kv []string) map[string]string {
	m := map[string]string{}
	for _, s := range kv {
		k, v, _ := strings.Cut(s, "=")
		m[k] = v
	}
	return m
}

// changes counts a run's events as the Action does (package report/engine).
func changes(op event.Operation, evs []events.EngineEvent) map[string]int {
	c := engine.NewCollector(report.Report{Operation: string(op)})
	for _, e := range evs {
		c.Add(e)
	}
	return c.Finish(nil).Changes()
}

func inventoryTokens(e *emulatortest.Env) []string {
	var out []string
	for _, o := range e.Server.Inventory(e.AccountSID) {
		if !o.Builtin { // Twilio's own (a workspace's activities): no deploy's
			out = append(out, o.Token)
		}
	}
	sort.Strings(out)
	return out
}

// TestRunLifecycle drives the real CLI, YAML host and provider against the
// emulator: preview creates the stack, up deploys, drift finds none, a
// change made behind Pulumi's back is drift, destroy removes everything.
func TestRunLifecycle(t *testing.T) {
	t.Parallel()
	emu := emulatortest.New(t)
	root := filepath.Dir(testenv.BinDir(t, testenv.PulumiTools...))
	real, err := NewCommand(root)
	if err != nil {
		t.Fatal(err)
	}
	cmd := &countingCommand{PulumiCommand: real}
	env := envMap(testenv.PulumiEnv(t, "TWILIO_ACCOUNT_SID="+emu.AccountSID, "TWILIO_AUTH_TOKEN="+emu.AuthToken, "TWILIO_API_URL="+emu.URL))
	dir := copyExample(t)
	// A secret output: its value must come back, marked secret.
	appendFile(t, filepath.Join(dir, "Pulumi.yaml"), "  apiPin:\n    fn::secret: pin-0042\n")
	s := Settings{WorkDir: dir, Stack: "feature-x", Branch: "feature/x", CheckOwner: true, Env: env,
		Config: []ConfigValue{{Key: "greeting", Value: "hello"}, {Key: "pin", Value: "s3cr3t-pin", Secret: true}}}
	ctx := t.Context()

	run := func(op event.Operation) (Result, []events.EngineEvent) {
		t.Helper()
		s := s
		s.Operation = op
		var evs []events.EngineEvent
		res, err := Run(ctx, cmd, s, func(e events.EngineEvent) { evs = append(evs, e) })
		if err != nil {
			t.Fatalf("%s: %v", op, err)
		}
		return res, evs
	}

	// The example's three Twilio resources: the engine's stack resource
	// and provider are not counted.
	res, evs := run(event.Preview)
	if n := changes(event.Preview, evs); !res.Created || n["create"] != 3 || len(inventoryTokens(emu)) != 0 {
		t.Fatalf("preview: %+v, changes %v, inventory %v", res, n, inventoryTokens(emu))
	}
	before := cmd.count("stack", "output")
	res, evs = run(event.Up)
	if n := changes(event.Up, evs); res.Created || n["create"] != 3 {
		t.Fatalf("up: %+v, changes %v", res, n)
	}
	// The SDK's Up reads the outputs (`stack output` masked, then with
	// --show-secrets); Run uses those, secrets included, and starts no more.
	if n := cmd.count("stack", "output") - before; n != 2 {
		t.Errorf("up ran `pulumi stack output` %d times, want 2 (the SDK's own): %q", n, cmd.runs)
	}
	if i := slices.IndexFunc(res.Outputs, func(o Output) bool { return o.Name == "apiPin" }); i < 0 ||
		res.Outputs[i] != (Output{Name: "apiPin", Value: "pin-0042", Secret: true}) {
		t.Errorf("secret output after up: %+v", res.Outputs)
	}
	want := []string{"sync/v1:Service", "sync/v1:ServiceSyncMap", "taskrouter/v1:Workspace"}
	if got := inventoryTokens(emu); !containsAll(got, want) {
		t.Fatalf("inventory after up = %v, want %v", got, want)
	}
	names := map[string]string{}
	for _, o := range res.Outputs {
		names[o.Name] = o.Value
	}
	if !strings.HasPrefix(names["syncServiceSid"], "IS") || !strings.HasPrefix(names["workspaceSid"], "WS") {
		t.Fatalf("outputs = %+v", res.Outputs)
	}
	cfg, err := os.ReadFile(filepath.Join(s.WorkDir, "Pulumi.feature-x.yaml"))
	if err != nil || strings.Contains(string(cfg), "s3cr3t-pin") || !strings.Contains(string(cfg), "secure:") {
		t.Fatalf("stack config: %v\n%s", err, cfg)
	}

	_, evs = run(event.Drift)
	if n := changes(event.Drift, evs); len(n) != 0 {
		t.Fatalf("drift right after up: %v", n)
	}
	// Change the Sync service behind Pulumi's back.
	client := emu.RestClient()
	sid := names["syncServiceSid"]
	if _, err := client.SyncV1.UpdateService(sid, syncRename()); err != nil {
		t.Fatal(err)
	}
	_, evs = run(event.Drift)
	if n := changes(event.Drift, evs); len(n) != 1 || n["update"] != 1 {
		t.Fatalf("drift after an outside change: %v", n)
	}

	// Another branch deriving the same stack name may not touch it, not
	// even to preview it.
	other := s
	other.Branch = "feature-x"
	for _, op := range []event.Operation{event.Up, event.Preview, event.Drift, event.Refresh, event.Destroy} {
		other.Operation = op
		// A preview's owner check runs beside it: none of the stack's
		// events may reach the sinks all the same.
		seen := 0
		_, err = Run(ctx, cmd, other, func(events.EngineEvent) { seen++ })
		var oe *OwnerError
		if !errors.As(err, &oe) || oe.Owner != "feature/x" {
			t.Fatalf("%s from another branch: %v", op, err)
		}
		if seen != 0 {
			t.Fatalf("%s from another branch: %d engine events reached the sinks", op, seen)
		}
	}
	other.CheckOwner = false // stack-name given: shared on purpose
	other.Operation = event.Preview
	if _, err := Run(ctx, cmd, other); err != nil {
		t.Fatalf("preview of an explicitly named stack: %v", err)
	}

	s.RemoveStack = true
	res, evs = run(event.Destroy)
	if n := changes(event.Destroy, evs); !res.Removed || n["delete"] != 3 {
		t.Fatalf("destroy: %+v, changes %v", res, n)
	}
	if got := inventoryTokens(emu); len(got) != 0 {
		t.Fatalf("inventory after destroy = %v", got)
	}
	res, _ = run(event.Destroy)
	if !res.Missing {
		t.Fatalf("destroy of a removed stack: %+v", res)
	}
}

func containsAll(got, want []string) bool {
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			return false
		}
	}
	return true
}

func TestRunCancelled(t *testing.T) {
	t.Parallel()
	root := filepath.Dir(testenv.BinDir(t, testenv.PulumiTools...))
	cmd, err := NewCommand(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	s := Settings{WorkDir: copyExample(t), Stack: "dev", Branch: "dev", Env: envMap(testenv.PulumiEnv(t)), Operation: event.Up}
	if _, err := Run(ctx, cmd, s); err == nil {
		t.Fatal("Run with a cancelled context succeeded")
	}
}

// TestNewCommandVersion checks the version read from the CLI's build
// information is the one `pulumi version` prints.
func TestNewCommandVersion(t *testing.T) {
	t.Parallel()
	root := filepath.Dir(testenv.BinDir(t, "pulumi"))
	cmd, err := NewCommand(root)
	if err != nil {
		t.Fatal(err)
	}
	out := strings.TrimSpace(testenv.Pulumi(t, root, os.Environ(), "version"))
	if got := "v" + cmd.Version().String(); got != out {
		t.Fatalf("NewCommand version %s, pulumi version prints %s", got, out)
	}
	if _, ok := cmd.(command); !ok {
		t.Errorf("bin/pulumi's build information gave no version: every run pays a `pulumi version`")
	}
}

func appendFile(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// countingCommand records the CLI commands a run starts.
type countingCommand struct {
	auto.PulumiCommand
	mu   sync.Mutex
	runs [][]string
}

func (c *countingCommand) Run(ctx context.Context, workdir string, stdin io.Reader, out, errOut []io.Writer,
	env []string, args ...string,
) (string, string, int, error) {
	c.mu.Lock()
	c.runs = append(c.runs, args)
	c.mu.Unlock()
	return c.PulumiCommand.Run(ctx, workdir, stdin, out, errOut, env, args...)
}

// count reports how many recorded commands start with words (flags skipped).
func (c *countingCommand) count(words ...string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, args := range c.runs {
		var cmd []string
		for _, a := range args {
			if !strings.HasPrefix(a, "-") {
				cmd = append(cmd, a)
			}
		}
		if len(cmd) >= len(words) && slices.Equal(cmd[:len(words)], words) {
			n++
		}
	}
	return n
}
