package stack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optremove"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"

	"github.com/tdeploy/twilio-deploy-action/internal/event"
	"github.com/tdeploy/twilio-deploy-action/internal/grace"
)

// Output is one stack output. Value is the output's text: strings as they
// are, anything else as JSON.
type Output struct {
	Name   string
	Value  string
	Secret bool
}

// Result is what a run produced.
// The changes a run made are counted from its engine events, in one place
// (package report/engine), not from the engine's summary here: that counts
// the engine's own resources too.
type Result struct {
	// Outputs are the stack outputs after up and refresh (sorted by name);
	// preview, drift and destroy leave them empty.
	Outputs []Output
	// Missing is true when refresh, drift or destroy found no stack.
	Missing bool
	// Created is true when the run created the stack.
	Created bool
	// Removed is true when the stack was removed after destroy.
	Removed bool
	// Cancelled is true when ctx was cancelled during the operation.
	Cancelled bool
}

// OwnerError is a stack owned by another branch.
type OwnerError struct{ Stack, Owner, Branch string }

func (e *OwnerError) Error() string {
	return fmt.Sprintf("stack %s belongs to branch %q, not %q (both give the stack name %s); rename one of the branches, or give %q a stack of its own with the stack-name input",
		e.Stack, e.Owner, e.Branch, e.Stack, e.Branch)
}

// Sink receives every engine event of the operation, in order.
type Sink func(events.EngineEvent)

// Run runs s.Operation. Engine events go to every sink as they arrive.
// When ctx is cancelled the CLI gets SIGINT, finishes what is in flight,
// saves the state and releases the stack; Run then makes sure no update is
// left holding the stack (pulumi cancel) and returns ctx's error.
func Run(ctx context.Context, cmd auto.PulumiCommand, s Settings, sinks ...Sink) (Result, error) {
	var res Result
	trace := s.Trace
	if trace == nil {
		trace = func(string) {}
	}
	if err := s.ensureBackendDir(); err != nil {
		return res, err
	}
	ws, err := auto.NewLocalWorkspace(ctx, s.workspaceOptions(cmd)...)
	if err != nil {
		return res, cliError("open the Pulumi project in "+s.WorkDir, err)
	}
	// Every command names the stack (--stack), so `pulumi stack select`
	// would only cost a CLI start: the stack is selected lazily, and a
	// missing one shows up as the first command's "no stack named" error.
	st, err := auto.SelectStack(ctx, s.Stack, lazyWorkspace{ws})
	if err != nil {
		return res, fmt.Errorf("select stack %s: %w", s.Stack, err)
	}
	canCreate := s.Operation == event.Preview || s.Operation == event.Up
	raced := false // the create found the stack made by another run
	// missing handles a "no stack named" error: preview and up create the
	// stack (and record its owner); the others report Missing.
	missing := func(err error) (handled bool, _ error) {
		if !auto.IsSelectStack404Error(err) || res.Created || raced {
			return false, nil
		}
		if !canCreate {
			res.Missing = true
			return true, nil
		}
		if st, err = auto.NewStack(ctx, s.Stack, ws); err != nil {
			if !auto.IsCreateStack409Error(err) {
				return true, cliError("create stack "+s.Stack, err)
			}
			// Another run (a second push of the branch) created it between
			// our look and our create: it is the stack this run would have
			// found a moment later, so it is selected, checked and
			// configured as an existing one; its lock, not this create,
			// decides which update goes first.
			raced = true
			trace("stack created by another run")
			if st, err = auto.SelectStack(ctx, s.Stack, lazyWorkspace{ws}); err != nil {
				return true, fmt.Errorf("select stack %s: %w", s.Stack, err)
			}
			if err := s.checkOwner(ctx, &st); err != nil {
				return true, err
			}
			return true, s.applyConfig(ctx, &st, ws)
		}
		res.Created = true
		trace("stack created")
		if err := st.SetTag(ctx, OwnerTag, s.Branch); err != nil {
			return true, cliError("set stack tag "+OwnerTag, err)
		}
		return true, s.applyConfig(ctx, &st, ws)
	}

	// A preview changes nothing, so its owner check (a CLI start, about
	// half a second) runs beside it instead of before it; the preview's
	// events wait for the check (see ownerGate). Every other operation
	// writes state, and is checked first.
	opCtx, stopOp := context.WithCancel(ctx)
	defer stopOp()
	var gate *ownerGate
	switch {
	case s.Operation == event.Preview && !s.CheckOwner:
		// Named by stack-name: there is nothing to check or claim.
	case s.Operation == event.Preview:
		gate = s.startOwnerCheck(ctx, st, stopOp)
		sinks = gate.wrap(sinks)
	default:
		if err := s.checkOwner(ctx, &st); err != nil {
			if handled, herr := missing(err); !handled {
				return res, err
			} else if herr != nil || res.Missing {
				return res, herr
			}
		}
		trace("owner checked")
	}
	if !res.Created && !raced { // both applied it already
		if err := s.applyConfig(ctx, &st, ws); err != nil {
			if handled, herr := missing(err); !handled {
				return res, err
			} else if herr != nil || res.Missing {
				return res, herr
			}
		}
	}
	trace("config set")

	backedOff, recovered := false, false // once each
	for attempt := 0; ; attempt++ {
		if attempt > 0 && s.Restart != nil {
			s.Restart()
		}
		r, err := s.checkedOperate(opCtx, &st, sinks, trace)
		if oerr := gate.wait(); oerr != nil {
			return res, oerr // another branch's stack: its preview was stopped
		}
		var le *LockedError
		locked := ctx.Err() == nil && errors.As(cliError("pulumi "+string(s.Operation)+" on "+s.Stack, err), &le)
		if locked && !backedOff {
			// Two runs that lock at the same moment both see two locks and
			// both let go (the file backend's Lock): try once more, after
			// a pause of our own, before judging the lock.
			backedOff = true
			pause := lockBackoff()
			s.notice(fmt.Sprintf("Stack %s is locked by another run: this run tries again in %s%s.", s.Stack, pause.Round(100*time.Millisecond), again(s)))
			select {
			case <-ctx.Done():
			case <-time.After(pause):
				trace("lock backed off")
				continue
			}
		}
		if locked && !recovered {
			recovered = true
			released, rerr := s.recoverLock(ctx, ws, &st, le)
			if rerr != nil {
				return res, rerr
			}
			if released {
				trace("stale lock released")
				continue
			}
			return res, le
		}
		if attempt == 0 && err != nil && ctx.Err() == nil {
			if handled, herr := missing(err); handled {
				if herr != nil || res.Missing {
					return res, herr
				}
				continue // created: run it again
			}
		}
		r.Created, r.Missing = res.Created, res.Missing
		res = r.Result
		if ctx.Err() != nil {
			res.Cancelled = true
			if killed(err) {
				unlock(ctx, ws, s.Stack)
			}
			return res, fmt.Errorf("%s cancelled: %w", s.Operation, ctx.Err())
		}
		if err != nil {
			return res, cliError(fmt.Sprintf("pulumi %s on %s", s.Operation, s.Stack), err)
		}
		if s.Operation == event.Up || s.Operation == event.Refresh {
			res.Outputs, err = outputs(ctx, &st, r.stackOutputs, r.upOutputs)
			if err != nil {
				return res, err
			}
		}
		return res, nil
	}
}

// lazyWorkspace skips `pulumi stack select` (see Run).
type lazyWorkspace struct{ auto.Workspace }

func (lazyWorkspace) SelectStack(context.Context, string) error { return nil }

// applyConfig stores the config input. Plain values are written straight
// into Pulumi.<stack>.yaml (no CLI start); secrets need the stack's
// secrets provider, so they go through `pulumi config set-all`.
func (s Settings) applyConfig(ctx context.Context, st *auto.Stack, ws auto.Workspace) error {
	if len(s.Config) == 0 {
		return nil
	}
	secret := false
	for _, c := range s.Config {
		secret = secret || c.Secret
	}
	if secret {
		cm := auto.ConfigMap{}
		for _, c := range s.Config {
			cm[c.Key] = auto.ConfigValue{Value: c.Value, Secret: c.Secret}
		}
		if err := st.SetAllConfig(ctx, cm); err != nil {
			return cliError("set stack config", err)
		}
		return nil
	}
	proj, err := projectName(s.WorkDir)
	if err != nil {
		return fmt.Errorf("set stack config: %w", err)
	}
	ps, err := stackSettings(s.WorkDir, s.Stack, proj)
	if err != nil {
		return fmt.Errorf("set stack config: %w", err)
	}
	if ps.Config == nil {
		ps.Config = config.Map{}
	}
	for _, c := range s.Config {
		name := c.Key
		if !strings.Contains(name, ":") {
			name = string(proj) + ":" + name
		}
		k, err := config.ParseKey(name)
		if err != nil {
			return fmt.Errorf("config input %s: %w", c.Key, err)
		}
		ps.Config[k] = config.NewValue(c.Value)
	}
	if err := ws.SaveStackSettings(ctx, s.Stack, ps); err != nil {
		return fmt.Errorf("set stack config: %w", err)
	}
	return nil
}

// PreviewError is the failed preview that an up with PreviewFirst runs
// before it: the update did not start, so nothing changed.
type PreviewError struct{ Err error }

// Error is short: the engine reports the preview's errors on their own,
// and Err holds the CLI's whole output.
func (e *PreviewError) Error() string {
	return "its preview failed, so the update did not start and nothing was changed; fix the errors the preview reported"
}

func (e *PreviewError) Unwrap() error { return e.Err }

// checkedOperate runs the operation, after its preview for an up with
// PreviewFirst. The preview leaves out refresh: it is there to check every
// resource's inputs, which a refresh does not change, and the up still
// refreshes.
func (s Settings) checkedOperate(ctx context.Context, st *auto.Stack, sinks []Sink, trace func(string)) (opResult, error) {
	if s.Operation != event.Up || !s.PreviewFirst {
		return s.operate(ctx, st, sinks, trace, "")
	}
	plan := ""
	if !s.NoPlan && !s.Refresh {
		dir, err := os.MkdirTemp("", "tda-plan-")
		if err != nil {
			return opResult{}, fmt.Errorf("update plan: %w", err)
		}
		defer os.RemoveAll(dir)
		plan = filepath.Join(dir, "plan.json")
	}
	pre := s
	pre.Operation, pre.Refresh = event.Preview, false
	r, err := pre.operate(ctx, st, s.PreviewSinks, trace, plan)
	if err != nil {
		if auto.IsSelectStack404Error(err) || ctx.Err() != nil {
			return r, err // Run creates the stack, or reports the cancel
		}
		return r, &PreviewError{Err: err}
	}
	if s.BeforeUp != nil {
		if err := s.BeforeUp(); err != nil {
			return r, err
		}
	}
	return s.operate(ctx, st, sinks, trace, plan)
}

type opResult struct {
	Result
	stackOutputs map[string]any
	upOutputs    auto.OutputMap // up only: the outputs the SDK read after the update
}

// operate runs the operation once, fanning the engine events out to sinks;
// a preview writes the update plan to plan, an up follows it ("" for none).
func (s Settings) operate(ctx context.Context, st *auto.Stack, sinks []Sink, trace func(string), plan string) (opResult, error) {
	var res opResult
	var err error
	ch := make(chan events.EngineEvent)
	// The SDK's events server blocks the CLI until each event is taken
	// from ch, so the sinks run from a queue: a slow sink costs CPU, not
	// engine progress (measured: 0.3 s per preview of 200 resources).
	queue := make(chan events.EngineEvent, 8192)
	done := make(chan struct{})
	var stackOutputs map[string]any // owned by the worker until done
	go func() {
		defer close(queue)
		for e := range ch {
			queue <- e
		}
	}()
	go func() {
		defer close(done)
		for e := range queue {
			if o := stackOutputsOf(e.EngineEvent); o != nil {
				stackOutputs = o
			}
			for _, sink := range sinks {
				sink(e)
			}
		}
	}()

	first, recorded := s.recordHolder(ctx, st)
	defer recorded()
	sinks = append([]Sink{first}, sinks...)

	switch s.Operation {
	case event.Preview:
		opts := s.previewOptions(ch)
		if plan != "" {
			opts = append(opts, optpreview.Plan(plan))
		}
		_, err = st.Preview(ctx, opts...)
	case event.Up:
		var r auto.UpResult
		opts := s.upOptions(ch)
		if plan != "" {
			opts = append(opts, optup.Plan(plan))
		}
		r, err = st.Up(ctx, opts...)
		res.upOutputs = r.Outputs
	case event.Refresh:
		_, err = st.Refresh(ctx, s.refreshOptions(ch)...)
	case event.Drift:
		_, err = st.PreviewRefresh(ctx, s.refreshOptions(ch)...)
	case event.Destroy:
		_, err = st.Destroy(ctx, s.destroyOptions(ch)...)
		res.Removed = err == nil && s.RemoveStack
	default:
		close(ch)
		<-done
		return res, fmt.Errorf("run %q: not an operation", s.Operation)
	}
	// The SDK closes ch once the CLI ran; if it never started, the reader
	// is left waiting rather than this run.
	select {
	case <-done:
		res.stackOutputs = stackOutputs
	case <-time.After(5 * time.Second):
	}
	trace("operation done")
	return res, err
}

// killed reports an operation whose CLI was SIGKILLed after the cancel.
func killed(err error) bool {
	var re *runError
	return errors.As(err, &re) && re.killed
}

// unlock runs `pulumi cancel` after a cancelled operation whose CLI had
// to be killed: the stack it held is this run's, so releasing it breaks
// nothing. A CLI that ended by itself released the stack, and by then
// another run (the next push) may hold it: cancelling that would break
// it, so it is left alone. Bounded by what is left of the grace.
func unlock(ctx context.Context, ws auto.Workspace, name string) {
	ctx, cancel := grace.Cleanup(ctx)
	defer cancel()
	if st, err := auto.SelectStack(ctx, name, ws); err == nil {
		_ = st.Cancel(ctx)
	}
}

// ownerGate is the owner check of a preview, run beside it: the events
// reach the sinks only once the check passed, so nothing of another
// branch's stack is shown, and a failed check stops the preview.
type ownerGate struct {
	done chan struct{}
	err  error // set before done is closed
}

// startOwnerCheck checks st's owner in the background; on a failure it
// calls stop, which cancels the preview.
func (s Settings) startOwnerCheck(ctx context.Context, st auto.Stack, stop func()) *ownerGate {
	g := &ownerGate{done: make(chan struct{})}
	go func() {
		defer close(g.done)
		err := s.checkOwner(ctx, &st)
		if auto.IsSelectStack404Error(err) {
			err = nil // a new stack: the preview's own "no stack" creates it
		}
		if err != nil {
			g.err = err
			stop()
		}
	}()
	return g
}

// wrap returns sinks that hold each event until the check is done and
// drop it when the check failed.
func (g *ownerGate) wrap(sinks []Sink) []Sink {
	out := make([]Sink, len(sinks))
	for i, sink := range sinks {
		out[i] = func(e events.EngineEvent) {
			<-g.done
			if g.err == nil {
				sink(e)
			}
		}
	}
	return out
}

// wait returns the check's error; a nil gate has none.
func (g *ownerGate) wait() error {
	if g == nil {
		return nil
	}
	<-g.done
	return g.err
}

// checkOwner enforces OwnerTag before every operation on an existing
// stack, preview and drift included: a stack another branch owns is that
// branch's environment, and even a read-only preview of it would report its
// state as this branch's (a pull request into feature-a previewing
// feature/a's stack, "no changes"). A stack without the tag is adopted by
// its first up; the other operations leave it as it is. A missing stack
// comes back as the CLI's "no stack named" error.
func (s Settings) checkOwner(ctx context.Context, st *auto.Stack) error {
	tags, err := st.ListTags(ctx)
	if err != nil {
		// Unwrapped by Run's missing-stack check through CLIError.
		return cliError("read the tags of stack "+s.Stack, err)
	}
	owner := strings.TrimSpace(tags[OwnerTag])
	switch {
	case owner == s.Branch:
		return nil
	case owner != "" && s.CheckOwner:
		return &OwnerError{Stack: s.Stack, Owner: owner, Branch: s.Branch}
	case owner != "" || s.Operation != event.Up:
		return nil // named explicitly (shared on purpose), or not up: nothing to adopt
	}
	if err := st.SetTag(ctx, OwnerTag, s.Branch); err != nil {
		return cliError("set stack tag "+OwnerTag, err)
	}
	return nil
}

// stackOutputsOf returns the outputs of the pulumi:pulumi:Stack resource
// when e carries them.
func stackOutputsOf(e apitype.EngineEvent) map[string]any {
	if e.ResOutputsEvent == nil {
		return nil
	}
	md := e.ResOutputsEvent.Metadata
	if md.Type != "pulumi:pulumi:Stack" || md.New == nil {
		return nil
	}
	if md.New.Outputs == nil {
		return map[string]any{}
	}
	return md.New.Outputs
}

// secretSig is the key the engine writes in place of a secret value.
const secretSig = "4dabf18193072939515e22adb298388d"

func isSecret(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	_, ok = m[secretSig]
	return ok
}

// outputs turns the stack outputs into Outputs. After up they are known:
// the SDK's Up reads them from state (secrets included) before it returns.
// After refresh the engine reported them in its events, secrets as
// [secret]; their values come from one `pulumi stack output --show-secrets`
// call (a CLI start), made only when a secret output exists or no event
// carried the outputs.
func outputs(ctx context.Context, st *auto.Stack, fromEvents map[string]any, known auto.OutputMap) ([]Output, error) {
	if known != nil {
		return stateOutputs(known)
	}
	needState := fromEvents == nil
	for _, v := range fromEvents {
		if isSecret(v) {
			needState = true
		}
	}
	var state auto.OutputMap
	if needState {
		var err error
		state, err = st.Outputs(ctx)
		if err != nil {
			return nil, cliError("read stack outputs", err)
		}
	}
	if fromEvents == nil {
		return stateOutputs(state)
	}
	var out []Output
	for k, v := range fromEvents {
		o := Output{Name: k}
		if isSecret(v) {
			sv, ok := state[k]
			if !ok {
				return nil, fmt.Errorf("read stack outputs: secret output %s is not in the state", k)
			}
			v, o.Secret = sv.Value, true
		}
		text, err := outputText(v)
		if err != nil {
			return nil, err
		}
		o.Value = text
		out = append(out, o)
	}
	sortOutputs(out)
	return out, nil
}

func stateOutputs(state auto.OutputMap) ([]Output, error) {
	out := make([]Output, 0, len(state))
	for k, v := range state {
		text, err := outputText(v.Value)
		if err != nil {
			return nil, err
		}
		out = append(out, Output{Name: k, Value: text, Secret: v.Secret})
	}
	sortOutputs(out)
	return out, nil
}

func sortOutputs(out []Output) {
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Name < out[j-1].Name; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
}

func outputText(v any) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode stack output: %w", err)
	}
	return string(b), nil
}

func (s Settings) workspaceOptions(cmd auto.PulumiCommand) []auto.LocalWorkspaceOption {
	opts := []auto.LocalWorkspaceOption{auto.WorkDir(s.WorkDir), auto.Pulumi(cmd), auto.EnvVars(s.Env)}
	if s.SecretsProvider != "" {
		opts = append(opts, auto.SecretsProvider(s.SecretsProvider))
	}
	return opts
}

func (s Settings) previewOptions(ch chan<- events.EngineEvent) []optpreview.Option {
	opts := []optpreview.Option{optpreview.EventStreams(ch), optpreview.Color("never")}
	if s.Refresh {
		opts = append(opts, optpreview.Refresh())
	}
	if s.Parallel > 0 {
		opts = append(opts, optpreview.Parallel(s.Parallel))
	}
	if len(s.Targets) > 0 {
		opts = append(opts, optpreview.Target(s.Targets))
	}
	if s.ExpectNoChanges {
		opts = append(opts, optpreview.ExpectNoChanges())
	}
	// No message: a preview records no history, and the SDK would quote it
	// (--message=%q) into the text.
	return opts
}

func (s Settings) upOptions(ch chan<- events.EngineEvent) []optup.Option {
	opts := []optup.Option{optup.EventStreams(ch), optup.Color("never")}
	if s.Refresh {
		opts = append(opts, optup.Refresh())
	}
	if s.Parallel > 0 {
		opts = append(opts, optup.Parallel(s.Parallel))
	}
	if len(s.Targets) > 0 {
		opts = append(opts, optup.Target(s.Targets))
	}
	if s.ExpectNoChanges {
		opts = append(opts, optup.ExpectNoChanges())
	}
	if s.Message != "" {
		opts = append(opts, optup.Message(s.Message))
	}
	return opts
}

// refreshOptions serve refresh and the drift check (a refresh preview).
func (s Settings) refreshOptions(ch chan<- events.EngineEvent) []optrefresh.Option {
	opts := []optrefresh.Option{optrefresh.EventStreams(ch), optrefresh.Color("never")}
	if s.Parallel > 0 {
		opts = append(opts, optrefresh.Parallel(s.Parallel))
	}
	if len(s.Targets) > 0 {
		opts = append(opts, optrefresh.Target(s.Targets))
	}
	if s.ExpectNoChanges {
		opts = append(opts, optrefresh.ExpectNoChanges())
	}
	if s.Message != "" {
		opts = append(opts, optrefresh.Message(s.Message))
	}
	return opts
}

func (s Settings) destroyOptions(ch chan<- events.EngineEvent) []optdestroy.Option {
	opts := []optdestroy.Option{optdestroy.EventStreams(ch), optdestroy.Color("never")}
	if s.Refresh {
		opts = append(opts, optdestroy.Refresh())
	}
	if s.Parallel > 0 {
		opts = append(opts, optdestroy.Parallel(s.Parallel))
	}
	if len(s.Targets) > 0 {
		opts = append(opts, optdestroy.Target(s.Targets))
	}
	if s.Message != "" {
		opts = append(opts, optdestroy.Message(s.Message))
	}
	if s.RemoveStack {
		opts = append(opts, optdestroy.Remove())
	}
	return opts
}

// Remove deletes the stack, its state and history without touching a
// resource (`pulumi stack rm --force`): for a pull request environment
// whose sub-account was closed by hand, which took every resource of the
// stack with it. A missing stack is no error; removed reports false.
func Remove(ctx context.Context, cmd auto.PulumiCommand, s Settings) (removed bool, err error) {
	if err := s.ensureBackendDir(); err != nil {
		return false, err
	}
	ws, err := auto.NewLocalWorkspace(ctx, s.workspaceOptions(cmd)...)
	if err != nil {
		return false, cliError("open the Pulumi project in "+s.WorkDir, err)
	}
	if err := ws.RemoveStack(ctx, s.Stack, optremove.Force()); err != nil {
		if auto.IsSelectStack404Error(err) {
			return false, nil
		}
		return false, cliError("remove stack "+s.Stack, err)
	}
	return true, nil
}

// again is what a retry of s runs anew, said beside the retry.
func again(s Settings) string {
	if s.Operation == event.Up && s.PreviewFirst {
		return ", with a new preview (that run may change the stack)"
	}
	return ""
}

// lockBackoff is the pause before a run tries a refused lock again: 1 to
// 3 s, drawn apart so two runs that collided do not collide again.
func lockBackoff() time.Duration {
	return time.Second + rand.N(2*time.Second)
}
