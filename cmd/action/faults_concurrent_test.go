package main

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment/fakegithub"
)

// TestConcurrentBranches: FAULTS_BRANCHES branches (CI: 3;
// scripts/bench-faults.sh: 10) push at once, each to its own stack and
// Twilio account on one file backend: every run succeeds, and every
// stack's state is whole and equals its account's inventory.
func TestConcurrentBranches(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the action many times at once")
	}
	branches := make([]string, envInt("FAULTS_BRANCHES", 3))
	for i := range branches {
		branches[i] = fmt.Sprintf("feat-%d", i)
	}
	w := newWorld(t, branches...)
	w.emu.Server.SetFaults(emulator.Faults{Latency: 30 * time.Millisecond})
	runs := make([]stepRun, len(branches))
	start := time.Now()
	var wg sync.WaitGroup
	for i, b := range branches {
		wg.Go(func() {
			ref := "refs/heads/" + b
			runs[i] = w.step("push", ref, "", map[string]any{"ref": ref, "repository": repoJSON()}, fmt.Sprintf("GITHUB_RUN_ID=%d", 200+i))
		})
	}
	wg.Wait()
	took := time.Since(start)
	ok, clean := 0, 0
	for i, b := range branches {
		if runs[i].code == 0 {
			ok++
		} else {
			t.Errorf("push to %s: exit %d\n%s\n%s", b, runs[i].code, runs[i].stdout, runs[i].stderr)
		}
		a := w.audit(t, b, w.accounts[b].SID)
		if a.clean() && a.Resources == 3 {
			clean++
		} else {
			t.Errorf("%s after the concurrent pushes: audit %+v, want its 3 resources and nothing else", b, a)
		}
	}
	table := fmt.Sprintf("| concurrent pushes | succeeded | states whole and equal to Twilio | wall time |\n|---|---|---|---|\n| %d branches, one file backend | %d | %d | %.1f s |",
		len(branches), ok, clean, took.Seconds())
	t.Logf("\n%s", table)
	report(t, table)
}

// TestTwoRunsOneStack: two pushes to main at once, first when the stack
// is new (the two race to create it), then on the existing stack. Each
// time at least one run deploys; a run that loses fails saying another
// run holds the stack and what to do, never with Pulumi's `pulumi cancel`
// advice; and the state is whole, equal to Twilio, and unlocked.
func TestTwoRunsOneStack(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the action many times at once")
	}
	w := newWorld(t)
	w.emu.Server.SetFaults(emulator.Faults{Latency: 100 * time.Millisecond})
	var rows []string
	for round, what := range []string{"new stack", "existing stack"} {
		var runs [2]stepRun
		var wg sync.WaitGroup
		for i := range runs {
			id := int64(300 + 10*round + i)
			w.gh.SetRunAttempt("tdeploy", "ivr", id, 1, fakegithub.RunAttempt{Status: "in_progress", Created: time.Now(), Started: time.Now(), Updated: time.Now()})
			wg.Go(func() {
				runs[i] = w.step("push", "refs/heads/main", "", map[string]any{"ref": "refs/heads/main", "repository": repoJSON()}, fmt.Sprintf("GITHUB_RUN_ID=%d", id))
			})
		}
		wg.Wait()
		won, refused := 0, 0
		for _, r := range runs {
			out := r.stdout + r.stderr
			switch {
			case r.code == 0:
				won++
			case strings.Contains(out, "another run holds the stack") && strings.Contains(out, "concurrency:"):
				refused++
			default:
				t.Errorf("%s: a run failed other than on the lock: exit %d\n%s", what, r.code, out)
			}
			if strings.Contains(out, "delete the lock file with `pulumi cancel`") {
				t.Errorf("%s: a run passes on Pulumi's `pulumi cancel` advice:\n%s", what, out)
			}
			if err := flatGroups(r.stdout); err != nil {
				t.Errorf("%s: %v:\n%s", what, err, r.stdout)
			}
		}
		if won == 0 {
			t.Errorf("%s: neither run deployed:\n%s\n---\n%s", what, runs[0].stdout+runs[0].stderr, runs[1].stdout+runs[1].stderr)
		}
		a := w.audit(t, "main", mainSID)
		if !a.clean() || a.Resources != 3 {
			t.Errorf("%s after two runs at once: audit %+v, want the 3 resources and nothing else", what, a)
		}
		rows = append(rows, fmt.Sprintf("| two pushes to main, %s | %d | %d | %v |", what, won, refused, a.clean() && a.Resources == 3))
	}
	table := "| scenario | deployed | refused: another run holds the stack | state whole and equal to Twilio, unlocked |\n|---|---|---|---|\n" + strings.Join(rows, "\n")
	t.Logf("\n%s", table)
	report(t, table)
}

// flatGroups checks a log's groups: GitHub does not nest them, so each
// ends before the next begins.
func flatGroups(log string) error {
	open := ""
	for _, l := range strings.Split(log, "\n") {
		switch {
		case strings.HasPrefix(l, "::group::"):
			if open != "" {
				return fmt.Errorf("group %q begins inside %q", strings.TrimPrefix(l, "::group::"), open)
			}
			open = strings.TrimPrefix(l, "::group::")
		case l == "::endgroup::":
			if open == "" {
				return fmt.Errorf("an ::endgroup:: with no group open")
			}
			open = ""
		}
	}
	if open != "" {
		return fmt.Errorf("group %q never ends", open)
	}
	return nil
}
