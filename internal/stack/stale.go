package stack

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"

	"github.com/tdeploy/twilio-deploy-action/internal/event"
)

// HolderTag is the stack tag naming the run that took the stack's lock,
// written as soon as an update holds it. Pulumi's lock says only
// user@host (pid) and when; this says which GitHub run, so that the next
// run can ask GitHub whether it still runs.
const HolderTag = "twilio-deploy:lock-holder"

// InterruptedCreatesEnv tells the provider which resources a killed run
// left being created, and since when: it looks for each in Twilio before
// creating it again (see provider's Create).
const InterruptedCreatesEnv = "TWILIO_DEPLOY_INTERRUPTED_CREATES"

// DefaultStaleLockAge is how old a lock of unknown holder must be to be
// taken as stale: GitHub ends every job within 6 hours.
const DefaultStaleLockAge = 6 * time.Hour

// Holder is a GitHub run that held a stack's lock.
type Holder struct {
	Repository string    `json:"repository"`
	RunID      int64     `json:"run_id"`
	Attempt    int       `json:"attempt"`
	At         time.Time `json:"at"` // when it held the lock
	// Host is the machine it ran on, as its lock names it (each job's
	// container has its own): a tag written late is never taken for the
	// holder of another machine's lock.
	Host string `json:"host,omitempty"`
}

func (h Holder) String() string {
	return fmt.Sprintf("run %d (attempt %d) of %s", h.RunID, h.Attempt, h.Repository)
}

func (h Holder) tag() string {
	b, _ := json.Marshal(h)
	return string(b)
}

func parseHolder(tag string) (Holder, bool) {
	var h Holder
	if json.Unmarshal([]byte(tag), &h) != nil || h.RunID == 0 || h.At.IsZero() {
		return Holder{}, false
	}
	return h, true
}

// RunState says whether a GitHub run attempt still runs: the action's
// GitHub adapter asks (GET .../actions/runs/{id}/attempts/{n}).
type RunState func(ctx context.Context, h Holder) (running bool, status string, err error)

// lockTaken reads who took each lock, and when, from the CLI's message:
// "  file:///.../x.json: created by runner@host (pid 12) at 2026-12-03T07:00:00Z".
var lockTaken = regexp.MustCompile(`: created by [^@\s]*@(\S+) \(pid \d+\) at (\S+)`)

// lock is one lock file as the CLI describes it.
type lock struct {
	Taken time.Time
	Host  string
}

func locksOf(stderr string) []lock {
	var out []lock
	for _, m := range lockTaken.FindAllStringSubmatch(stderr, -1) {
		if t, err := time.Parse(time.RFC3339, m[2]); err == nil {
			out = append(out, lock{Taken: t, Host: m[1]})
		}
	}
	return out
}

// holderSkew is how long after its lock a run records itself (the tag is
// written once the update's first event arrives).
const holderSkew = 2 * time.Minute

// WorkflowRun is a workflow run of the repository as GitHub lists it (GET
// /repos/{owner}/{repo}/actions/runs: each run by its latest attempt).
type WorkflowRun struct {
	ID      int64
	Attempt int
	Status  string    // queued, in_progress, waiting, completed, ...
	Created time.Time // when the run was made (its first attempt queued)
	Started time.Time // when its latest attempt started
	Updated time.Time // its last change: about when it ended, once completed
}

// Runs lists the repository's latest workflow runs, newest first.
type Runs func(ctx context.Context) ([]WorkflowRun, error)

// runSkew is how far a runner's clock (the lock's time) and GitHub's may
// disagree.
const runSkew = time.Minute

// judge is what a run knows to tell whether a lock is stale.
type judge struct {
	tag    string  // HolderTag's value
	self   *Holder // this run; nil outside GitHub
	ask    RunState
	runs   Runs
	maxAge time.Duration
	now    time.Time
}

// staleVerdict decides whether the locks are left by runs that no longer
// run: a lock whose holder the tag names (written within holderSkew of it)
// is stale when GitHub says that run attempt ended, or when it is an
// earlier attempt of this very run; one of unknown holder when GitHub
// tells it was taken by a run that ended (see unrecorded), or when older
// than maxAge. Any lock that may be alive keeps them all.
func (j judge) staleVerdict(ctx context.Context, locks []lock) (stale bool, why string, err error) {
	if len(locks) == 0 {
		return false, "the lock's time could not be read", nil
	}
	h, tagged := parseHolder(j.tag)
	var listed []WorkflowRun // the repository's runs, asked for once
	asked := false
	var reasons []string
	for _, l := range locks {
		taken := l.Taken
		known := tagged && !h.At.Before(taken.Add(-5*time.Second)) && h.At.Sub(taken) <= holderSkew && (h.Host == "" || h.Host == l.Host)
		self := j.self
		switch {
		case known && self != nil && h.Repository == self.Repository && h.RunID == self.RunID && h.Attempt < self.Attempt:
			reasons = append(reasons, fmt.Sprintf("taken by %s, an earlier attempt of this run", h))
		case known && j.ask != nil:
			running, status, err := j.ask(ctx, h)
			if err != nil {
				return false, "", fmt.Errorf("ask GitHub whether %s, which holds the stack, still runs: %w", h, err)
			}
			if running {
				return false, fmt.Sprintf("%s holds it and is %s", h, status), nil
			}
			reasons = append(reasons, fmt.Sprintf("taken by %s, which is %s", h, status))
		case j.now.Sub(taken) > j.maxAge:
			reasons = append(reasons, fmt.Sprintf("taken at %s, more than %s ago", taken.Format(time.RFC3339), j.maxAge))
		case !known && self != nil && j.runs != nil:
			if !asked {
				asked = true
				if listed, err = j.runs(ctx); err != nil {
					return false, "", fmt.Errorf("ask GitHub which runs of %s are in progress, to tell whether the stack's lock is alive: %w", self.Repository, err)
				}
			}
			ok, why := unrecorded(taken, *self, listed)
			if !ok {
				return false, why, nil
			}
			reasons = append(reasons, why)
		default:
			return false, fmt.Sprintf("taken at %s by a run this one cannot ask about", taken.Format(time.RFC3339)), nil
		}
	}
	return true, strings.Join(reasons, "; "), nil
}

// unrecorded judges a lock whose holder never recorded itself: a run
// killed between taking the lock and its first engine event. It is stale
// when no run of the repository but this one is in progress (a run not
// yet started holds nothing), and a run that has ended was in progress
// when the lock was taken: an earlier attempt of this run, or another run.
// A lock taken when no run was in progress (a pulumi command outside
// GitHub, say) is never released this way.
func unrecorded(taken time.Time, self Holder, runs []WorkflowRun) (bool, string) {
	at := taken.Format(time.RFC3339)
	var witness *WorkflowRun
	for i, r := range runs {
		if r.ID == self.RunID {
			// This run's earlier attempts all ended before this one started.
			if r.Attempt > 1 && !r.Created.After(taken.Add(runSkew)) && taken.Before(r.Started) && witness == nil {
				witness = &runs[i]
			}
			continue
		}
		switch r.Status {
		case "completed":
			if !r.Created.After(taken.Add(runSkew)) && !taken.After(r.Updated.Add(runSkew)) && witness == nil {
				witness = &runs[i]
			}
		case "queued", "requested", "pending":
		default:
			return false, fmt.Sprintf("taken at %s by a run that did not record itself, and run %d of %s is %s: it may hold it", at, r.ID, self.Repository, r.Status)
		}
	}
	if witness == nil {
		return false, fmt.Sprintf("taken at %s, when no GitHub run of %s that has ended was in progress: a run outside GitHub may hold it", at, self.Repository)
	}
	which := fmt.Sprintf("run %d of %s", witness.ID, self.Repository)
	if witness.ID == self.RunID {
		which = "an earlier attempt of this run"
	}
	return true, fmt.Sprintf("taken at %s by a run killed before it recorded itself, during %s, which has ended; no other run of %s is in progress", at, which, self.Repository)
}

// pendingCreates are the URNs of the resources the state says were being
// created when the CLI died.
func pendingCreates(d json.RawMessage) ([]string, error) {
	var dep struct {
		Pending []struct {
			Type     string `json:"type"`
			Resource struct {
				URN string `json:"urn"`
			} `json:"resource"`
		} `json:"pending_operations"`
	}
	if err := json.Unmarshal(d, &dep); err != nil {
		return nil, fmt.Errorf("read the stack's state: %w", err)
	}
	var urns []string
	for _, op := range dep.Pending {
		if op.Type == "creating" && !slices.Contains(urns, op.Resource.URN) {
			urns = append(urns, op.Resource.URN)
		}
	}
	return urns, nil
}

// interruptedCreates is InterruptedCreatesEnv's value.
func interruptedCreates(since time.Time, urns []string) string {
	b, _ := json.Marshal(map[string]any{"since": since.UTC().Format(time.RFC3339), "urns": urns})
	return string(b)
}

// recoverLock releases a lock left by a run that no longer runs (never a
// live one), then clears what that run left half-done: the resources it
// was creating are looked for in Twilio by the next up (the provider is
// told which, and since when), and the state's pending operations are
// cleared by a refresh. It reports whether the lock was released.
func (s Settings) recoverLock(ctx context.Context, ws auto.Workspace, st *auto.Stack, le *LockedError) (bool, error) {
	locks := locksOf(le.Stderr)
	tag, _ := st.GetTag(ctx, HolderTag)
	j := judge{tag: tag, self: s.Holder, ask: s.RunState, runs: s.Runs, maxAge: s.StaleLockAge, now: time.Now()}
	if j.maxAge == 0 {
		j.maxAge = DefaultStaleLockAge
	}
	stale, why, err := j.staleVerdict(ctx, locks)
	if err != nil || !stale {
		if why != "" {
			le.Why = why
		}
		return false, err
	}
	// Cancel needs the plain workspace (Run's stack has a lazy one).
	plain, err := auto.SelectStack(ctx, s.Stack, ws)
	if err != nil {
		return false, cliError("select stack "+s.Stack, err)
	}
	st = &plain
	if err := st.Cancel(ctx); err != nil {
		return false, cliError("release the stale lock of "+s.Stack, err)
	}
	s.notice(fmt.Sprintf("Released the lock on stack %s: %s, so no run holds it any more.", s.Stack, why))
	dep, err := st.Export(ctx)
	if err != nil {
		return true, cliError("export the state of "+s.Stack, err)
	}
	urns, err := pendingCreates(dep.Deployment)
	if err != nil {
		return true, err
	}
	if len(urns) == 0 {
		return true, nil
	}
	since := slices.MinFunc(locks, func(a, b lock) int { return a.Taken.Compare(b.Taken) }).Taken
	ws.SetEnvVar(InterruptedCreatesEnv, interruptedCreates(since, urns))
	names := make([]string, len(urns))
	for i, u := range urns {
		names[i] = u[strings.LastIndex(u, "::")+2:]
	}
	s.notice(fmt.Sprintf("The killed run was creating %s: the up looks for %s in Twilio before creating %s again.",
		strings.Join(names, ", "), pronoun(len(urns), "it", "them"), pronoun(len(urns), "it", "them")))
	if _, err := st.Refresh(ctx, optrefresh.ClearPendingCreates(), optrefresh.SuppressProgress()); err != nil {
		return true, cliError("clear the pending operations of "+s.Stack, err)
	}
	return true, nil
}

func pronoun(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func (s Settings) notice(msg string) {
	if s.Notice != nil {
		s.Notice(msg)
	}
}

// recordHolder writes this run into HolderTag once the operation holds
// the lock (its first engine event: the CLI takes the lock before the
// engine starts, and a run refused by the lock sends none), beside the
// operation. wait, called when the operation ended, stops a write still
// running and waits for it to go.
func (s Settings) recordHolder(ctx context.Context, st *auto.Stack) (first Sink, wait func()) {
	if s.Holder == nil || !takesLock(s.Operation, s.RemoveStack) {
		return func(events.EngineEvent) {}, func() {}
	}
	var once sync.Once
	started, ended, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
	wctx, cancel := context.WithCancel(ctx)
	go func() {
		defer close(done)
		select {
		case <-started:
		case <-ended:
			return
		}
		h := *s.Holder
		h.At = time.Now().UTC()
		h.Host, _ = os.Hostname()               // as the CLI's lock names it
		_ = st.SetTag(wctx, HolderTag, h.tag()) // best effort: without it GitHub's list of runs, or the lock's age, decides
	}()
	return func(events.EngineEvent) { once.Do(func() { close(started) }) }, func() {
		// An operation that ended before the write did has let the lock
		// go: the tag has nothing left to explain, so it is not waited for.
		close(ended)
		cancel()
		<-done
	}
}

// takesLock reports the operations that lock the stack (a preview and a
// drift check do not).
func takesLock(op event.Operation, removeStack bool) bool {
	return op == event.Up || op == event.Refresh || op == event.Destroy && !removeStack
}
