package stack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
	"github.com/tdeploy/twilio-deploy-action/internal/event"
	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

// beforeInit runs hook once, just before the first `pulumi stack init` it
// is asked for: the moment between a run's "no such stack" and its create,
// where another run creating the same stack makes the create fail.
type beforeInit struct {
	auto.PulumiCommand
	once sync.Once
	hook func()
}

func (c *beforeInit) Run(ctx context.Context, workdir string, stdin io.Reader, out, errOut []io.Writer,
	env []string, args ...string,
) (string, string, int, error) {
	var words []string
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			words = append(words, a)
		}
	}
	if len(words) >= 2 && words[0] == "stack" && words[1] == "init" {
		c.once.Do(c.hook)
	}
	return c.PulumiCommand.Run(ctx, workdir, stdin, out, errOut, env, args...)
}

// concurrentRuns is two checkouts of one program deploying one stack to
// one account through one file:// backend: two workflow runs of a branch.
func concurrentRuns(t testing.TB, emu *emulatortest.Env) (cmd auto.PulumiCommand, a, b Settings) {
	t.Helper()
	root := filepath.Dir(testenv.BinDir(t, testenv.PulumiTools...))
	cmd, err := NewCommand(root)
	if err != nil {
		t.Fatal(err)
	}
	env := envMap(testenv.PulumiEnv(t, "TWILIO_ACCOUNT_SID="+emu.AccountSID, "TWILIO_AUTH_TOKEN="+emu.AuthToken, "TWILIO_API_URL="+emu.URL))
	a = Settings{WorkDir: copyExample(t), Stack: "main", Branch: "main", CheckOwner: true, Env: env, Operation: event.Up,
		Config: []ConfigValue{{Key: "greeting", Value: "hello"}, {Key: "pin", Value: "s3cr3t-pin", Secret: true}}}
	b = a
	b.WorkDir = copyExample(t)
	return cmd, a, b
}

// TestRunCreateRace: a run that finds no stack and then loses the create
// to another run selects the stack the other made, as if it had found it,
// instead of failing with "stack ... already exists". The other run is
// started in the gap (through the command seam), so the race is certain.
func TestRunCreateRace(t *testing.T) {
	t.Parallel()
	emu := emulatortest.New(t)
	cmd, a, b := concurrentRuns(t, emu)
	ctx := t.Context()
	var (
		resB Result
		errB error
	)
	raced := &beforeInit{PulumiCommand: cmd, hook: func() { resB, errB = Run(ctx, cmd, b) }}
	var evs []events.EngineEvent
	resA, errA := Run(ctx, raced, a, func(e events.EngineEvent) { evs = append(evs, e) })
	if errB != nil || !resB.Created {
		t.Fatalf("the winner: %+v, %v", resB, errB)
	}
	if errA != nil {
		t.Fatalf("the run that lost the create: %v", errA)
	}
	if resA.Created {
		t.Errorf("the loser says it created the stack: %+v", resA)
	}
	if n := changes(event.Up, evs); len(n) != 0 {
		t.Errorf("the loser's up on the winner's stack changed %v, want nothing", n)
	}
	if got := inventoryTokens(emu); len(got) != 3 {
		t.Errorf("inventory = %v, want the program's 3 resources once", got)
	}
	tags := testenv.Pulumi(t, a.WorkDir, envList(a.Env), "stack", "tag", "get", OwnerTag, "--stack", "main")
	if strings.TrimSpace(tags) != "main" {
		t.Errorf("owner tag = %q", tags)
	}
}

// TestRunLocked: an up while another run's up holds the stack fails with a
// LockedError that says another run holds it, that `pulumi cancel` would
// break that run, and points to the concurrency advice; the other run is
// not disturbed. The other run is held inside its first create (a proxy
// in front of the emulator), so its lock is certain.
func TestRunLocked(t *testing.T) {
	t.Parallel()
	emu := emulatortest.New(t)
	target, err := url.Parse(emu.URL)
	if err != nil {
		t.Fatal(err)
	}
	held, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			once.Do(func() { close(held); <-release })
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	cmd, a, b := concurrentRuns(t, emu)
	b.Env = maps.Clone(b.Env)
	b.Env["TWILIO_API_URL"] = srv.URL
	ctx := t.Context()
	errB := make(chan error, 1)
	bDone := make(chan struct{})
	go func() { defer close(bDone); _, err := Run(ctx, cmd, b); errB <- err }()
	// On a failure, b is let go and waited for before its folders go.
	t.Cleanup(func() { closeOnce(release); <-bDone })
	select {
	case <-held:
	case err := <-errB:
		t.Fatalf("the first run ended before its first create: %v", err)
	}
	var evs []events.EngineEvent
	_, err = Run(ctx, cmd, a, func(e events.EngineEvent) { evs = append(evs, e) })
	closeOnce(release)
	for _, e := range evs {
		if d := e.DiagnosticEvent; d != nil {
			t.Logf("diagnostic %s: %s", d.Severity, d.Message)
		}
	}
	var ce0 *CLIError
	if errors.As(err, &ce0) {
		t.Logf("stderr: %s", ce0.Stderr)
	}
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("up of a locked stack: %v, want a *LockedError", err)
	}
	t.Logf("the message: %v", err)
	for _, want := range []string{"another run", "main", "pulumi cancel", "concurrency"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	var ce *CLIError
	if !errors.As(err, &ce) || !strings.Contains(ce.Stderr, "currently locked") {
		t.Errorf("the CLI's own output is gone: %v", err)
	}
	if err := <-errB; err != nil {
		t.Fatalf("the run holding the stack: %v", err)
	}
	if got := inventoryTokens(emu); !slices.Contains(got, "sync/v1:Service") || len(got) != 3 {
		t.Errorf("inventory = %v", got)
	}
}

// afterUp runs hook once, when the first `pulumi up` it runs has ended.
type afterUp struct {
	auto.PulumiCommand
	mu   sync.Mutex
	ups  int
	hook func()
}

func (c *afterUp) Run(ctx context.Context, workdir string, stdin io.Reader, out, errOut []io.Writer,
	env []string, args ...string,
) (string, string, int, error) {
	so, se, code, err := c.PulumiCommand.Run(ctx, workdir, stdin, out, errOut, env, args...)
	if len(args) > 0 && args[0] == "up" {
		c.mu.Lock()
		c.ups++
		if c.ups == 1 {
			c.hook()
		}
		c.mu.Unlock()
	}
	return so, se, code, err
}

// TestRunLockCollision: two runs that lock a stack at the same moment
// each find two locks, and the file backend makes both let go: neither
// deployed (seen in cmd/action's TestTwoRunsOneStack). The other run's
// lock is played by a lock file that is gone once this run's first up was
// refused, as the other run's is once it has let go; the run tries again
// after a pause and deploys.
func TestRunLockCollision(t *testing.T) {
	t.Parallel()
	emu := emulatortest.New(t)
	cmd, a, _ := concurrentRuns(t, emu)
	if _, err := Run(t.Context(), cmd, a); err != nil { // the lock is an update's: the stack exists
		t.Fatal(err)
	}
	dir := filepath.Join(strings.TrimPrefix(a.Env["PULUMI_BACKEND_URL"], "file://"), ".pulumi", "locks", "organization", "twilio-ivr", "main")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6.json")
	lock := fmt.Sprintf(`{"pid":4242,"username":"runner","hostname":"other","timestamp":%q}`, time.Now().UTC().Format(time.RFC3339Nano))
	if err := os.WriteFile(other, []byte(lock), 0o644); err != nil {
		t.Fatal(err)
	}
	seam := &afterUp{PulumiCommand: cmd, hook: func() {
		if err := os.Remove(other); err != nil {
			t.Error(err)
		}
	}}
	var steps, notices []string
	a.Trace = func(step string) { steps = append(steps, step) }
	a.Notice = func(msg string) { notices = append(notices, msg) }
	// The up is previewed first; the retry previews again, and what
	// gathers the preview's events starts over.
	var previews, restarts atomic.Int32
	a.PreviewFirst = true
	a.PreviewSinks = []Sink{func(e events.EngineEvent) {
		if e.SummaryEvent != nil {
			previews.Add(1)
		}
	}}
	a.Restart = func() { restarts.Add(1) }
	if _, err := Run(t.Context(), seam, a); err != nil {
		t.Fatalf("the run after the collision: %v", err)
	}
	if seam.ups != 2 || !slices.Contains(steps, "lock backed off") {
		t.Errorf("%d ups, steps %v; want the refused one, a pause and the one that deployed", seam.ups, steps)
	}
	if previews.Load() != 2 || restarts.Load() != 1 {
		t.Errorf("%d previews and %d restarts; want a preview per try and one restart between them", previews.Load(), restarts.Load())
	}
	if len(notices) != 1 || !strings.HasPrefix(notices[0], "Stack main is locked by another run: this run tries again in ") || !strings.HasSuffix(notices[0], "s, with a new preview (that run may change the stack).") {
		t.Errorf("notices %q; want one saying the run waits for the lock and previews again", notices)
	}
	if got := inventoryTokens(emu); len(got) != 3 {
		t.Errorf("inventory = %v, want the program's 3 resources", got)
	}
}

var closeMu sync.Mutex

func closeOnce(c chan struct{}) {
	closeMu.Lock()
	defer closeMu.Unlock()
	select {
	case <-c:
	default:
		close(c)
	}
}

func envList(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	return out
}
