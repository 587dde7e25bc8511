package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment/fakegithub"
)

// mergeSHA is the GITHUB_SHA every step runs with (world.step).
const mergeSHA = "9d8c7b6a5f4e3d2c1b0a99887766554433221100"

const guardPullsRoute = "GET /repos/{owner}/{repo}/commits/{sha}/pulls"

// addResource changes the base branch's program after the review: one
// more Sync service, so the merge's preview has another change set.
func addResource(t *testing.T, dir string) {
	t.Helper()
	p := filepath.Join(dir, "Pulumi.yaml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	extra := "  extra:\n    type: twilio:sync/v1:Service\n    properties:\n      friendlyName: extra-${pulumi.stack}\noutputs:\n"
	writeProgram(t, dir, strings.Replace(string(b), "outputs:\n", extra, 1))
}

// TestGuardEndToEnd: a PR's preview records its change set; the merge's
// push with the same change passes the guard and deploys; after the base
// changed it fails (or warns) and shows both sets; a direct push follows
// the input.
func TestGuardEndToEnd(t *testing.T) {
	push := map[string]any{"ref": "refs/heads/main", "repository": repoJSON()}
	review := func(t *testing.T) *world {
		w := newWorld(t)
		r := w.step("pull_request", "refs/pull/7/merge", "main", prPayload("opened", 7, repoJSON()))
		mustCode(t, "pr preview", r, 0)
		cs := w.gh.Comments("tdeploy", "ivr", 7)
		if len(cs) != 1 || !strings.Contains(cs[0].Body, "<!-- twilio-deploy-action-changes: v1 sha256=") {
			t.Fatalf("the preview comment records no change set: %+v", cs)
		}
		w.gh.AddPullRequest("tdeploy", "ivr", fakegithub.PullRequest{Number: 7, State: "closed", Merged: true, BaseRef: "main",
			HeadSHA: "5f3c1a9e0d2b4c6e8f7a9b1c3d5e7f9a1b3c5d7e", Commits: []string{mergeSHA}})
		w.gh.ResetCalls()
		return w
	}

	t.Run("reviewed change passes", func(t *testing.T) {
		w := review(t)
		r := w.step("push", "refs/heads/main", "", push, "INPUT_ON-UNREVIEWED-CHANGE=fail", "INPUT_USE-PLAN=true")
		mustCode(t, "merge push with the plan", r, 0)
		if !strings.Contains(r.stdout, "::notice::the change matches the one reviewed in pull request #7") {
			t.Fatalf("no guard notice:\n%s", r.stdout)
		}
		if inv := w.inventory(mainSID); len(inv) != 3 {
			t.Fatalf("inventory after up = %v", inv)
		}
		calls := w.gh.Calls()
		if calls[guardPullsRoute] != 1 || calls["GET /repos/{owner}/{repo}/issues/{number}/comments"] != 1 || w.gh.Writes() != 0 {
			t.Fatalf("GitHub calls of the guard: %s", w.gh.CallSummary())
		}
	})

	t.Run("changed base fails and shows both sets", func(t *testing.T) {
		w := review(t)
		addResource(t, w.repo)
		r := w.step("push", "refs/heads/main", "", push, "INPUT_ON-UNREVIEWED-CHANGE=fail")
		mustCode(t, "merge push after the base changed", r, 1)
		for _, s := range []string{"### Unreviewed change", "| ❌ |", "ServiceSyncMap::menus", "Service::extra", "_(none)_", "❌ Twilio up failed"} {
			if !strings.Contains(r.summary, s) {
				t.Errorf("summary lacks %q:\n%s", s, r.summary)
			}
		}
		if inv := w.inventory(mainSID); len(inv) != 0 {
			t.Fatalf("an unreviewed up deployed %v", inv)
		}
	})

	t.Run("changed base warns and deploys", func(t *testing.T) {
		w := review(t)
		addResource(t, w.repo)
		r := w.step("push", "refs/heads/main", "", push, "INPUT_ON-UNREVIEWED-CHANGE=warn")
		mustCode(t, "merge push, warn", r, 0)
		if !strings.Contains(r.stdout, "::warning::the change (set") || !strings.Contains(r.summary, "### Unreviewed change") {
			t.Fatalf("no warning or table:\n%s\n%s", r.stdout, r.summary)
		}
		if inv := w.inventory(mainSID); len(inv) != 4 {
			t.Fatalf("inventory after up = %v", inv)
		}
	})

	t.Run("direct push", func(t *testing.T) {
		w := newWorld(t)
		r := w.step("push", "refs/heads/main", "", push, "INPUT_ON-UNREVIEWED-CHANGE=fail")
		mustCode(t, "direct push, fail", r, 1)
		if !strings.Contains(r.summary, "pushed to main directly") || len(w.inventory(mainSID)) != 0 {
			t.Fatalf("direct push not stopped:\n%s", r.summary)
		}
		r = w.step("push", "refs/heads/main", "", push) // the default, warn
		mustCode(t, "direct push, warn", r, 0)
		if !strings.Contains(r.stdout, "::warning::commit 9d8c7b6 was pushed to main directly") || len(w.inventory(mainSID)) != 3 {
			t.Fatalf("direct push with warn:\n%s", r.stdout)
		}
		r = w.step("push", "refs/heads/main", "", push, "INPUT_ON-UNREVIEWED-CHANGE=ignore")
		mustCode(t, "direct push, ignore", r, 0)
		if strings.Contains(r.stdout, "directly") {
			t.Fatalf("ignore still checked:\n%s", r.stdout)
		}
	})
}

// TestGuardPlanCost is a figure, not a check (TDA_FIGURES=1): the time
// use-plan adds to a push's up of the demo program on a fresh stack,
// median of five interleaved runs each way.
func TestGuardPlanCost(t *testing.T) {
	if os.Getenv("TDA_FIGURES") == "" {
		t.Skip("a figure: set TDA_FIGURES=1")
	}
	push := map[string]any{"ref": "refs/heads/main", "repository": repoJSON()}
	const runs = 5
	// Interleaved, so a warm cache or a busy neighbour favours neither arm.
	times := map[string][]time.Duration{}
	for i := 0; i < runs; i++ {
		for _, plan := range []string{"false", "true"} {
			w := newWorld(t)
			start := time.Now()
			r := w.step("push", "refs/heads/main", "", push, "INPUT_ON-UNREVIEWED-CHANGE=ignore", "INPUT_USE-PLAN="+plan)
			times[plan] = append(times[plan], time.Since(start))
			mustCode(t, "up", r, 0)
		}
	}
	median := func(plan string) time.Duration {
		ds := times[plan]
		slices.Sort(ds)
		return ds[runs/2]
	}
	without, with := median("false"), median("true")
	fmt.Printf("up of the demo program: %v without the plan, %v with it: ratio %.2f\n", without, with, float64(with)/float64(without))
}
