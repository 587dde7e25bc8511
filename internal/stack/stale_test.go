package stack

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLocksOf(t *testing.T) {
	t.Parallel()
	stderr := "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
		"  file:///state/.pulumi/locks/organization/demo/main/5a1c.json: created by runner@3f2e1d (pid 4242) at 2026-12-03T07:00:00Z\n"
	want := []lock{{Taken: time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC), Host: "3f2e1d"}}
	if d := cmp.Diff(want, locksOf(stderr)); d != "" {
		t.Errorf("locksOf (-want +got):\n%s", d)
	}
	if got := locksOf("error: [409] Conflict: Another update is currently in progress."); len(got) != 0 {
		t.Errorf("Pulumi Cloud's conflict has no lock file: %v", got)
	}
}

func TestStaleVerdict(t *testing.T) {
	t.Parallel()
	taken := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)
	now := taken.Add(10 * time.Minute)
	holder := Holder{Repository: "tdeploy/ivr", RunID: 41, Attempt: 1, At: taken.Add(3 * time.Second)}
	self := &Holder{Repository: "tdeploy/ivr", RunID: 42, Attempt: 1}
	answer := func(running bool, status string) RunState {
		return func(_ context.Context, h Holder) (bool, string, error) {
			if h.RunID != 41 {
				t.Errorf("asked about %v", h)
			}
			return running, status, nil
		}
	}
	for _, tc := range []struct {
		name      string
		tag       string
		self      *Holder
		ask       RunState
		now       time.Time
		stale     bool
		why       string
		wantError bool
	}{
		{name: "holder ended", tag: holder.tag(), self: self, ask: answer(false, "completed"), now: now, stale: true, why: "run 41 (attempt 1) of tdeploy/ivr, which is completed"},
		{name: "holder runs", tag: holder.tag(), self: self, ask: answer(true, "in_progress"), now: now, why: "holds it and is in_progress"},
		{name: "earlier attempt of this run", tag: holder.tag(), self: &Holder{Repository: "tdeploy/ivr", RunID: 41, Attempt: 2}, now: now, stale: true, why: "an earlier attempt of this run"},
		// A tag written long after the lock was taken names a later
		// run, not the holder: only the age can tell.
		{name: "tag of another run", tag: Holder{Repository: "tdeploy/ivr", RunID: 40, Attempt: 1, At: taken.Add(time.Hour)}.tag(), self: self, ask: answer(false, "completed"), now: now, why: "cannot ask about"},
		// A tag written late, on another machine than the lock's: not
		// the holder's, though its time fits.
		{name: "tag from another host", tag: Holder{Repository: "tdeploy/ivr", RunID: 41, Attempt: 1, At: taken.Add(3 * time.Second), Host: "9a8b7c"}.tag(), self: self, ask: answer(false, "completed"), now: now, why: "cannot ask about"},
		{name: "tag from the lock's host", tag: Holder{Repository: "tdeploy/ivr", RunID: 41, Attempt: 1, At: taken.Add(3 * time.Second), Host: "3f2e1d"}.tag(), self: self, ask: answer(false, "completed"), now: now, stale: true, why: "which is completed"},
		{name: "no tag, young", self: self, now: now, why: "cannot ask about"},
		{name: "no tag, older than the bound", now: taken.Add(7 * time.Hour), stale: true, why: "more than 6h0m0s ago"},
		{name: "GitHub not asked outside GitHub", tag: holder.tag(), now: now, why: "cannot ask about"},
		{name: "GitHub fails", tag: holder.tag(), self: self, now: now, wantError: true,
			ask: func(context.Context, Holder) (bool, string, error) { return false, "", errors.New("HTTP 403") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			j := judge{tag: tc.tag, self: tc.self, ask: tc.ask, maxAge: DefaultStaleLockAge, now: tc.now}
			stale, why, err := j.staleVerdict(t.Context(), []lock{{Taken: taken, Host: "3f2e1d"}})
			if (err != nil) != tc.wantError {
				t.Fatalf("err = %v", err)
			}
			if stale != tc.stale || !strings.Contains(why, tc.why) {
				t.Errorf("staleVerdict = %v, %q; want %v and a reason with %q", stale, why, tc.stale, tc.why)
			}
		})
	}
}

// TestUnrecordedLock: a run killed between taking the lock and recording
// itself leaves a lock no tag explains. GitHub's list of runs tells it
// from a live one: released only when a run that has ended was in
// progress when it was taken and no other run is in progress now.
func TestUnrecordedLock(t *testing.T) {
	t.Parallel()
	taken := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)
	self := &Holder{Repository: "tdeploy/ivr", RunID: 42, Attempt: 1}
	me := WorkflowRun{ID: 42, Attempt: 1, Status: "in_progress", Created: taken.Add(time.Minute), Started: taken.Add(time.Minute), Updated: taken.Add(2 * time.Minute)}
	killed := WorkflowRun{ID: 41, Attempt: 1, Status: "completed", Created: taken.Add(-40 * time.Second), Started: taken.Add(-40 * time.Second), Updated: taken.Add(8 * time.Second)}
	live := func(status string) WorkflowRun {
		r := killed
		r.ID, r.Status = 43, status
		return r
	}
	earlier := WorkflowRun{ID: 42, Attempt: 2, Status: "in_progress", Created: taken.Add(-time.Minute), Started: taken.Add(time.Minute), Updated: taken.Add(2 * time.Minute)}
	for _, tc := range []struct {
		name  string
		self  *Holder
		runs  []WorkflowRun
		stale bool
		why   string
	}{
		{name: "killed run ended, none in progress", self: self, runs: []WorkflowRun{me, killed}, stale: true, why: "during run 41 of tdeploy/ivr, which has ended; no other run of tdeploy/ivr is in progress"},
		{name: "another run in progress", self: self, runs: []WorkflowRun{me, live("in_progress"), killed}, why: "run 43 of tdeploy/ivr is in_progress: it may hold it"},
		{name: "another run waits for approval", self: self, runs: []WorkflowRun{me, live("waiting"), killed}, why: "run 43 of tdeploy/ivr is waiting"},
		{name: "a queued run holds nothing", self: self, runs: []WorkflowRun{me, live("queued"), killed}, stale: true, why: "during run 41"},
		// A pulumi command by hand: no run was in progress at the time.
		{name: "no run in progress at the lock's time", self: self, runs: []WorkflowRun{me}, why: "a run outside GitHub may hold it"},
		{name: "the run that ended had ended before the lock", self: self, why: "a run outside GitHub may hold it",
			runs: []WorkflowRun{me, {ID: 40, Attempt: 1, Status: "completed", Created: taken.Add(-time.Hour), Updated: taken.Add(-50 * time.Minute)}}},
		{name: "an earlier attempt of this run", self: &Holder{Repository: "tdeploy/ivr", RunID: 42, Attempt: 2}, runs: []WorkflowRun{earlier}, stale: true, why: "during an earlier attempt of this run"},
		// Attempt 1 of this run cannot have held a lock taken before it
		// was made.
		{name: "this run's first attempt", self: self, runs: []WorkflowRun{{ID: 42, Attempt: 1, Status: "in_progress", Created: taken.Add(-time.Hour), Started: taken.Add(-time.Hour)}}, why: "a run outside GitHub may hold it"},
		{name: "outside GitHub", runs: []WorkflowRun{killed}, why: "cannot ask about"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			asked := 0
			j := judge{self: tc.self, maxAge: DefaultStaleLockAge, now: taken.Add(3 * time.Minute),
				runs: func(context.Context) ([]WorkflowRun, error) { asked++; return tc.runs, nil }}
			// Two locks of one killed run: GitHub is asked once.
			stale, why, err := j.staleVerdict(t.Context(), []lock{{Taken: taken}, {Taken: taken}})
			if err != nil {
				t.Fatal(err)
			}
			if stale != tc.stale || !strings.Contains(why, tc.why) {
				t.Errorf("staleVerdict = %v, %q; want %v and a reason with %q", stale, why, tc.stale, tc.why)
			}
			if asked > 1 {
				t.Errorf("GitHub asked %d times for the runs, want at most once", asked)
			}
		})
	}
	j := judge{self: self, maxAge: DefaultStaleLockAge, now: taken,
		runs: func(context.Context) ([]WorkflowRun, error) {
			return nil, errors.New("HTTP 403: Resource not accessible by integration")
		}}
	if _, _, err := j.staleVerdict(t.Context(), []lock{{Taken: taken}}); err == nil || !strings.Contains(err.Error(), "which runs of tdeploy/ivr are in progress") || !strings.Contains(err.Error(), "HTTP 403") {
		t.Errorf("GitHub refusing the list: %v; want an error that says what was asked and why it failed", err)
	}
}

func TestPendingCreates(t *testing.T) {
	t.Parallel()
	dep := json.RawMessage(`{"resources":[],"pending_operations":[
		{"type":"creating","resource":{"urn":"urn:pulumi:main::demo::twilio:sync/v1:Service::state"}},
		{"type":"updating","resource":{"urn":"urn:pulumi:main::demo::twilio:sync/v1:Service::other"}},
		{"type":"creating","resource":{"urn":"urn:pulumi:main::demo::twilio:sync/v1:ServiceSyncMap::menus"}}]}`)
	got, err := pendingCreates(dep)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"urn:pulumi:main::demo::twilio:sync/v1:Service::state", "urn:pulumi:main::demo::twilio:sync/v1:ServiceSyncMap::menus"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("pendingCreates (-want +got):\n%s", d)
	}
	if v := interruptedCreates(time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC), got[:1]); v != `{"since":"2026-12-03T07:00:00Z","urns":["urn:pulumi:main::demo::twilio:sync/v1:Service::state"]}` {
		t.Errorf("interruptedCreates = %s", v)
	}
}

func TestHolderTag(t *testing.T) {
	t.Parallel()
	h := Holder{Repository: "tdeploy/ivr", RunID: 42, Attempt: 2, At: time.Date(2026, 12, 3, 7, 0, 1, 0, time.UTC)}
	got, ok := parseHolder(h.tag())
	if !ok || got != h {
		t.Errorf("parseHolder(tag) = %v, %v; want %v", got, ok, h)
	}
	for _, bad := range []string{"", "feature/x", `{"run_id":0}`} {
		if _, ok := parseHolder(bad); ok {
			t.Errorf("parseHolder(%q) took it for a holder", bad)
		}
	}
}
