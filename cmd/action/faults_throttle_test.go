package main

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
)

// throttled is Twilio on a bad day: a fifth of the requests throttled
// with a Retry-After, one in twenty a 503, one in a hundred connections
// lost (half before Twilio serves the request, half after: the create
// whose answer was lost).
var throttled = emulator.Faults{RateLimit: 0.2, RetryAfter: time.Second, ServerError: 0.05, Drop: 0.005, LoseAnswer: 0.005, Latency: 30 * time.Millisecond}

// scaleRun is one up of the fault program and what it cost.
type scaleRun struct {
	took    time.Duration
	traffic emulator.Traffic
	log     []emulator.Request
	run     stepRun
}

// scaleUp deploys the fault program of groups in a new world with faults
// on, as a push to main.
func scaleUp(t *testing.T, groups int, f emulator.Faults) (*world, int, scaleRun) {
	t.Helper()
	w := newWorld(t)
	n := faultsProgram(t, w.repo, groups)
	w.emu.Server.SetFaults(f)
	w.emu.Server.ResetRequests()
	start := time.Now()
	r := w.step("push", "refs/heads/main", "", map[string]any{"ref": "refs/heads/main", "repository": repoJSON()})
	log := w.emu.Server.Requests()
	return w, n, scaleRun{took: time.Since(start), traffic: emulator.Tally(log), log: log, run: r}
}

// TestThrottledAtScale: an up of FAULTS_THROTTLE_GROUPS×10+3 resources
// (CI: 23; scripts/bench-faults.sh: 203) while Twilio throttles, fails
// and drops connections (throttled) completes in one run, converges, and
// leaves Twilio holding exactly the state's resources. Every retry after
// a 429 waited its Retry-After. The figures are beside the fault-free
// run's.
func TestThrottledAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the action on a large program")
	}
	groups := envInt("FAULTS_THROTTLE_GROUPS", 2)
	_, n, clean := scaleUp(t, groups, emulator.Faults{Latency: throttled.Latency})
	mustCode(t, "fault-free up", clean.run, 0)
	w, _, bad := scaleUp(t, groups, throttled)
	if bad.run.code != 0 {
		// Every POST and its answer, to find the cause.
		var tries []string
		for _, r := range bad.log {
			if r.Method == http.MethodPost {
				tries = append(tries, fmt.Sprintf("%s %s %s%s %v → %d (%s)", r.Time.Format("15:04:05.000"), r.Method, r.Host, r.Path, r.Params, r.Status, r.Duration.Round(time.Millisecond)))
			}
		}
		t.Logf("POSTs:\n%s", strings.Join(tries, "\n"))
	}
	mustCode(t, "the up under faults", bad.run, 0)
	var faults [3]int // 429, 503, connection lost (before or after Twilio served it)
	for _, r := range bad.log {
		switch r.Status {
		case http.StatusTooManyRequests:
			faults[0]++
		case http.StatusServiceUnavailable:
			faults[1]++
		case -1:
			faults[2]++
		}
	}
	// At CI's size a 503 or a lost connection may not be drawn (about
	// 60 requests); 429s always are.
	if faults[0] == 0 {
		t.Fatalf("the emulator injected no 429 in %d requests; the test needs them", len(bad.log))
	}
	if gap, what, ok := shortestRetryAfter(bad.log); ok && gap < throttled.RetryAfter-50*time.Millisecond {
		t.Errorf("%s, throttled with Retry-After %s, was sent again after %s", what, throttled.RetryAfter, gap)
	}
	r := w.step("pull_request", "refs/pull/7/merge", "main", prPayload("opened", 7, repoJSON()))
	mustCode(t, "preview after the throttled up", r, 0)
	if r.outputs["changes"] != "{}" {
		t.Errorf("the throttled up did not converge: changes %s", r.outputs["changes"])
	}
	a := w.audit(t, "main", mainSID)
	if !a.clean() || a.Resources != n {
		t.Errorf("audit after the throttled up: %+v, want %d resources and nothing else", a, n)
	}
	table := fmt.Sprintf("| %d resources | wall time | requests | writes | 429 | 503 | connections lost | orphans | duplicates | dangling | locked |\n|---|---|---|---|---|---|---|---|---|---|---|\n"+
		"| fault-free | %.1f s | %d | %d | 0 | 0 | 0 | | | | |\n"+
		"| throttled | %.1f s (%.1f×) | %d (%.2f×) | %d | %d | %d | %d | %d | %d | %d | %d |",
		n, clean.took.Seconds(), clean.traffic.Requests, clean.traffic.Writes,
		bad.took.Seconds(), bad.took.Seconds()/clean.took.Seconds(), bad.traffic.Requests, float64(bad.traffic.Requests)/float64(clean.traffic.Requests),
		bad.traffic.Writes, faults[0], faults[1], faults[2], len(a.Orphans), len(a.Duplicates), len(a.Dangling), a.Locks)
	t.Logf("throttled up (20%% 429 with Retry-After 1 s, 5%% 503, 1%% connections lost):\n%s", table)
	report(t, table)
}

// shortestRetryAfter is the shortest time between a 429's answer and the
// next request with the same method, path and parameters that started
// after it (its retry; creates of two resources share a path, and two
// reads of one resource may run at once).
func shortestRetryAfter(log []emulator.Request) (gap time.Duration, what string, found bool) {
	answered := map[string]time.Time{}
	for _, r := range log {
		k := r.Method + " " + r.Host + r.Path + "?" + r.Params.Encode()
		if at, ok := answered[k]; ok && !r.Time.Before(at) {
			if d := r.Time.Sub(at); !found || d < gap {
				gap, what, found = d, k, true
			}
			delete(answered, k)
		}
		if r.Status == http.StatusTooManyRequests {
			answered[k] = r.Time.Add(r.Duration)
		}
	}
	return gap, what, found
}

// TestThrottledGivesUp: when Twilio throttles every request, each create
// is tried a bounded number of times, each after its Retry-After, and the
// run fails naming the resource and Twilio's error, with nothing
// half-done left: the next run, Twilio well again, converges.
func TestThrottledGivesUp(t *testing.T) {
	w := newWorld(t)
	w.emu.Server.SetFaults(emulator.Faults{Latency: 300 * time.Millisecond})
	cmd, log := w.startUp(t)
	w.emu.Server.ResetRequests()
	w.emu.Server.SetFaults(emulator.Faults{RateLimit: 1, RetryAfter: time.Second})
	start := time.Now()
	if err := cmd.Wait(); err == nil {
		t.Fatalf("the up exited 0 while Twilio throttled every request:\n%s", log.String())
	}
	took := time.Since(start)
	out := log.String()
	if !strings.Contains(out, "Twilio error 20429 (HTTP 429)") {
		t.Errorf("the failed up does not give Twilio's error:\n%s", out)
	}
	// A create sent before the faults may have gone through; every one
	// that met only 429s was tried the bound's number of times.
	tries, answered := map[string]int{}, map[string]bool{} // answered: some try got past the 429s
	for _, r := range w.emu.Server.Requests() {
		if r.Method != http.MethodPost {
			continue
		}
		k := r.Host + r.Path
		tries[k]++
		answered[k] = answered[k] || r.Status != http.StatusTooManyRequests
	}
	gaveUp := 0
	for k, n := range tries {
		if answered[k] {
			continue
		}
		gaveUp++
		if n != 6 {
			t.Errorf("POST %s was tried %d times, want 6 (the retry bound)", k, n)
		}
	}
	if gaveUp == 0 {
		t.Fatalf("no create met only 429s (tries %v):\n%s", tries, out)
	}
	// One annotation per resource that gave up, naming it (its name in
	// the program and its type) and Twilio's error.
	named := regexp.MustCompile(`(?m)^::error title=pulumi up main%3A (state|menus|agents) \(twilio%3A[a-z0-9/]+%3A[A-Za-z]+\)::create twilio:\S+: Twilio error 20429 \(HTTP 429\)`).FindAllString(out, -1)
	if len(named) != gaveUp {
		t.Errorf("%d error annotations name a resource and Twilio's 20429; want one per create that gave up (%d):\n%s", len(named), gaveUp, out)
	}
	if gap, what, ok := shortestRetryAfter(w.emu.Server.Requests()); !ok || gap < 950*time.Millisecond {
		t.Errorf("shortest wait after a 429 with Retry-After 1 s: %s, %s (found %v)", gap, what, ok)
	}
	t.Logf("gave up after %s: %d creates tried 6 times each", took.Round(time.Millisecond), gaveUp)
	w.converges(t)
}
