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
	want := []time.Time{time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)}
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
		{name: "no tag, young", self: self, now: now, why: "cannot ask about"},
		{name: "no tag, older than the bound", now: taken.Add(7 * time.Hour), stale: true, why: "more than 6h0m0s ago"},
		{name: "GitHub not asked outside GitHub", tag: holder.tag(), now: now, why: "cannot ask about"},
		{name: "GitHub fails", tag: holder.tag(), self: self, now: now, wantError: true,
			ask: func(context.Context, Holder) (bool, string, error) { return false, "", errors.New("HTTP 403") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stale, why, err := staleVerdict(t.Context(), []time.Time{taken}, tc.tag, tc.self, tc.ask, DefaultStaleLockAge, tc.now)
			if (err != nil) != tc.wantError {
				t.Fatalf("err = %v", err)
			}
			if stale != tc.stale || !strings.Contains(why, tc.why) {
				t.Errorf("staleVerdict = %v, %q; want %v and a reason with %q", stale, why, tc.stale, tc.why)
			}
		})
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
