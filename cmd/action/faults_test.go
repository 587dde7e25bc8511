package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	syncv1 "github.com/twilio/twilio-go/rest/sync/v1"

	"github.com/tdeploy/twilio-deploy-action/examples"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment/fakegithub"
	"github.com/tdeploy/twilio-deploy-action/internal/stack"
	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

// The fault harness: an up of a program across Sync, TaskRouter, Studio
// and a Serverless deployment, killed at random moments through the built
// action, then the next run as GitHub would start it, and an audit of
// Twilio (the emulator's inventory) against the stack's state. CI runs a
// few kills; scripts/bench-faults.sh runs the full count and prints the
// table (FAULTS_SIGKILLS, FAULTS_SIGTERMS, FAULTS_GROUPS, FAULTS_SEED,
// FAULTS_REPORT).

// faultsProgram writes a program of groups: per group a Sync service with
// three maps, a list and a document, a TaskQueue, a Worker and a Workflow
// routing to the queue, and a Studio flow that carries the workflow's SID;
// besides, one workspace, one activity, and the Functions of
// examples/twilio-app as one Serverless deployment whose variables name
// the first group's Sync service. It returns the resource count.
func faultsProgram(t testing.TB, dir string, groups int) int {
	t.Helper()
	app := t.TempDir()
	if err := examples.Copy(app, "twilio-app"); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(dir, "app"), os.DirFS(filepath.Join(app, "app"))); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("name: faults\nruntime: yaml\nresources:\n")
	res := func(name, typ string, props ...string) {
		fmt.Fprintf(&b, "  %s:\n    type: %s\n    properties:\n", name, typ)
		for _, p := range props {
			fmt.Fprintf(&b, "      %s\n", p)
		}
	}
	res("agents", "twilio:taskrouter/v1:Workspace", "friendlyName: faults-agents-${pulumi.stack}")
	res("away", "twilio:taskrouter/v1:WorkspaceActivity", "workspaceSid: ${agents.sid}", "friendlyName: away", "available: false")
	for g := range groups {
		res(fmt.Sprintf("sync%d", g), "twilio:sync/v1:Service", fmt.Sprintf("friendlyName: faults-sync-%d", g))
		for m := range 3 {
			res(fmt.Sprintf("map%d_%d", g, m), "twilio:sync/v1:ServiceSyncMap", fmt.Sprintf("serviceSid: ${sync%d.sid}", g), fmt.Sprintf("uniqueName: map%d", m))
		}
		res(fmt.Sprintf("list%d", g), "twilio:sync/v1:ServiceSyncList", fmt.Sprintf("serviceSid: ${sync%d.sid}", g), "uniqueName: callers")
		res(fmt.Sprintf("doc%d", g), "twilio:sync/v1:ServiceDocument", fmt.Sprintf("serviceSid: ${sync%d.sid}", g), "uniqueName: settings")
		res(fmt.Sprintf("queue%d", g), "twilio:taskrouter/v1:WorkspaceTaskQueue", "workspaceSid: ${agents.sid}", fmt.Sprintf("friendlyName: queue-%d", g))
		res(fmt.Sprintf("worker%d", g), "twilio:taskrouter/v1:WorkspaceWorker", "workspaceSid: ${agents.sid}", fmt.Sprintf("friendlyName: worker-%d", g))
		res(fmt.Sprintf("workflow%d", g), "twilio:taskrouter/v1:WorkspaceWorkflow", "workspaceSid: ${agents.sid}", fmt.Sprintf("friendlyName: workflow-%d", g),
			"configuration:", "  fn::toJSON:", "    task_routing:", "      default_filter:", fmt.Sprintf("        queue: ${queue%d.sid}", g))
		res(fmt.Sprintf("flow%d", g), "twilio:studio/v2:Flow", fmt.Sprintf("friendlyName: flow-%d", g), "status: published",
			"definition:", "  description: routes to a workflow", "  initial_state: Trigger", "  states:",
			"    - name: Trigger", "      type: trigger", "      properties: {}", "      transitions:", "        - event: incomingMessage", "          next: route",
			"    - name: route", "      type: set-variables", "      properties:", "        variables:", "          - key: workflow", fmt.Sprintf("            value: ${workflow%d.sid}", g),
			"      transitions:", "        - event: next")
	}
	res("app", "twilio:serverless:Deployment", "path: ./app", "serviceName: faults-app", "variables:", "  GREETING: hello", "  SYNC_SERVICE_SID: ${sync0.sid}")
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return 3 + 10*groups
}

// audit is Twilio against the stack's state.
type audit struct {
	Orphans    []string // in Twilio, unknown to the state
	Duplicates []string // one name made twice under one parent
	Dangling   []string // in the state, gone from Twilio
	Pending    int      // pending operations left in the state
	Locks      int      // lock files in the backend
	Resources  int      // Twilio resources in the state
}

func (a audit) clean() bool {
	return len(a.Orphans)+len(a.Duplicates)+len(a.Dangling)+a.Pending+a.Locks == 0
}

// history is what Twilio keeps of a Serverless service's past (versions,
// builds, deployments, logs): the deployment resource owns it with its
// service, and an earlier run's is no orphan.
func history(token string) bool {
	for _, s := range []string{"Version", "Build", "Deployment", "Log"} {
		if strings.HasSuffix(token, s) {
			return true
		}
	}
	return false
}

// backendDir is the directory of the world's file backend.
func (w *world) backendDir() string {
	for _, kv := range w.base {
		if v, ok := strings.CutPrefix(kv, "PULUMI_BACKEND_URL=file://"); ok {
			return v
		}
	}
	w.t.Fatal("the world has no file backend")
	return ""
}

// locks counts the lock files in the file backend: one lock is one .json
// (the file backend may keep attributes beside it).
func (w *world) locks() int {
	n := 0
	_ = filepath.WalkDir(filepath.Join(w.backendDir(), ".pulumi", "locks"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") {
			n++
		}
		return nil
	})
	return n
}

// stackExists reports whether the file backend holds stackName.
func (w *world) stackExists(stackName string) bool {
	found := false
	_ = filepath.WalkDir(filepath.Join(w.backendDir(), ".pulumi", "stacks"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Base(path) == stackName+".json" {
			found = true
		}
		return nil
	})
	return found
}

// endRun tells the fake GitHub that the killed run (41, attempt 1; see
// killedRunEnv), launched at launched, has ended, cancelled.
func (w *world) endRun(launched time.Time) {
	w.gh.SetRunAttempt("tdeploy", "ivr", 41, 1, fakegithub.RunAttempt{Status: "completed", Conclusion: "cancelled",
		Created: launched.Add(-10 * time.Second), Started: launched.Add(-5 * time.Second), Updated: time.Now()})
}

// audit reads stack's state (pulumi stack export) and account's inventory.
func (w *world) audit(t testing.TB, stackName, account string) audit {
	t.Helper()
	a := audit{Locks: w.locks()}
	var exp struct {
		Deployment struct {
			Resources []struct {
				URN     string         `json:"urn"`
				Type    string         `json:"type"`
				ID      string         `json:"id"`
				Outputs map[string]any `json:"outputs"`
			} `json:"resources"`
			Pending []any `json:"pending_operations"`
		} `json:"deployment"`
	}
	out, err := testenv.TryPulumi(t, w.repo, w.base, "stack", "export", "--stack", stackName)
	if err != nil && !strings.Contains(out, "no stack named") {
		t.Fatalf("stack export: %v\n%s", err, out)
	}
	if err == nil {
		if err := json.Unmarshal([]byte(out), &exp); err != nil {
			t.Fatalf("stack export: %v\n%s", err, out)
		}
	}
	a.Pending = len(exp.Deployment.Pending)
	known := map[string]bool{}
	var collect func(v any)
	collect = func(v any) {
		switch x := v.(type) {
		case string:
			for _, part := range strings.Split(x, "/") {
				known[part] = true
			}
		case map[string]any:
			for _, e := range x {
				collect(e)
			}
		case []any:
			for _, e := range x {
				collect(e)
			}
		}
	}
	inv := w.emu.Server.Inventory(account)
	inTwilio := map[string]bool{}
	for _, o := range inv {
		inTwilio[o.SID] = true
	}
	for _, r := range exp.Deployment.Resources {
		if !strings.HasPrefix(r.Type, "twilio:") {
			continue
		}
		a.Resources++
		collect(r.ID)
		collect(r.Outputs)
		for _, k := range []string{"sid", "serviceSid", "environmentSid"} {
			if s, ok := r.Outputs[k].(string); ok && s != "" && !inTwilio[s] {
				a.Dangling = append(a.Dangling, r.URN+" "+k+"="+s)
			}
		}
	}
	names := map[string]int{}
	for _, o := range inv {
		if o.Builtin || o.Token == "api/v2010:Account" {
			continue
		}
		owned := known[o.SID]
		if strings.HasPrefix(o.Token, "serverless/") {
			for _, seg := range strings.Split(o.Path, "/") {
				owned = owned || known[seg]
			}
		}
		if !owned {
			a.Orphans = append(a.Orphans, o.Token+" "+o.Path)
		}
		if history(o.Token) {
			continue
		}
		name, _ := o.Fields["unique_name"].(string)
		if name == "" {
			name, _ = o.Fields["friendly_name"].(string)
		}
		if name != "" {
			names[o.Token+" "+filepath.Dir(o.Path)+" "+name]++
		}
	}
	for k, n := range names {
		if n > 1 {
			a.Duplicates = append(a.Duplicates, fmt.Sprintf("%s (%d)", k, n))
		}
	}
	slices.Sort(a.Duplicates)
	return a
}

// killed is one kill and the run after it.
type killed struct {
	sig       syscall.Signal
	at        time.Duration // after the action started
	stopped   time.Duration // from the signal to the action's exit
	lockedNow bool          // the kill left the stack locked
	next      stepRun
	converged bool // a preview after the next run shows no change
	audit     audit
}

func (k killed) survived() bool { return k.next.code == 0 && k.converged && k.audit.clean() }

// killTrial deploys the program in a new world, kills the up at `at` with
// sig as GitHub would (SIGKILL: a lost runner, everything dies at once;
// SIGTERM: a cancelled workflow, then SIGKILL to whatever is left 7.5 s
// later), and runs the next push and a preview.
func killTrial(t *testing.T, groups int, sig syscall.Signal, at time.Duration) killed {
	t.Helper()
	w := newWorld(t)
	faultsProgram(t, w.repo, groups)
	w.emu.Server.SetFaults(emulator.Faults{Latency: 30 * time.Millisecond})
	k := killed{sig: sig, at: at}
	launched := time.Now()
	cmd, log := w.launch(t, w.killedRunEnv()...)
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	select {
	case <-exited:
		t.Skipf("the up ended before the kill at %s", at)
	case <-time.After(at):
	}
	sent := time.Now()
	if sig == syscall.SIGKILL {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	} else {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(7500 * time.Millisecond):
		}
	}
	k.stopped = time.Since(sent)
	// The container ends with its first process: nothing it started lives on.
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	<-exited
	k.lockedNow = w.locks() > 0
	w.endRun(launched)

	k.next = w.step("push", "refs/heads/main", "", map[string]any{"ref": "refs/heads/main", "repository": repoJSON()})
	if k.next.code == 0 {
		r := w.step("pull_request", "refs/pull/7/merge", "main", prPayload("opened", 7, repoJSON()))
		k.converged = r.code == 0 && r.outputs["changes"] == "{}"
	}
	k.audit = w.audit(t, "main", mainSID)
	if !k.survived() {
		t.Errorf("%s at %s: next run exit %d, converged %v, audit %+v\nkilled run:\n%s\nnext run:\n%s\n%s",
			signame(sig), at, k.next.code, k.converged, k.audit, log.String(), k.next.stdout, k.next.stderr)
	}
	return k
}

// TestKilledBeforeRecorded: the harness's failing moment played on
// purpose. The up is killed (SIGKILL, a lost runner) the moment Pulumi's
// lock appears, before the run records itself in the holder tag. That
// lock of unknown holder used to stop every later run for 6 hours. Now
// the next run asks GitHub which runs are in progress: while another run
// is, the lock is kept and the run says why; once none is, and the run
// that was in progress when the lock was taken has ended, it is released
// and the stack converges.
func TestKilledBeforeRecorded(t *testing.T) {
	w := newWorld(t)
	launched := time.Now()
	cmd, log := w.launch(t, w.killedRunEnv()...)
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	// The stack is new, so its create locks it first, for a moment
	// (diy's CreateStack): the up's lock is the one that comes after the
	// stack exists and that lock has gone (killed between the two, the
	// run left none; seen once in CI).
	until := func(what string, done func() bool) {
		for !done() {
			select {
			case <-exited:
				t.Fatalf("the run ended before %s:\n%s", what, log.String())
			case <-time.After(2 * time.Millisecond):
			}
		}
	}
	until("it created the stack", func() bool { return w.stackExists("main") })
	until("its create let the lock go", func() bool { return w.locks() == 0 })
	until("the up took the lock", func() bool { return w.locks() > 0 })
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	<-exited
	if n := w.locks(); n != 1 {
		t.Fatalf("%d locks after the kill; the test needs the killed run's one", n)
	}
	if out, _ := testenv.TryPulumi(t, w.repo, w.base, "stack", "tag", "get", stack.HolderTag, "--stack", "main"); strings.Contains(out, `"run_id"`) {
		t.Fatalf("the run recorded itself before the kill (%s); the test needs the kill before that:\n%s", out, log.String())
	}
	w.endRun(launched)

	// Run 43, another workflow of the repository, is in progress: it may
	// hold the lock, which is kept.
	w.gh.SetRunAttempt("tdeploy", "ivr", 43, 1, fakegithub.RunAttempt{Status: "in_progress", Created: launched, Started: launched, Updated: time.Now()})
	push := map[string]any{"ref": "refs/heads/main", "repository": repoJSON()}
	r := w.step("push", "refs/heads/main", "", push)
	mustCode(t, "the run while another is in progress", r, 1)
	for _, want := range []string{"another run holds the stack", "run 43 of tdeploy/ivr is in_progress: it may hold it", "wait for it to end and run this job again"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the refused run does not say %q:\n%s", want, r.stdout)
		}
	}
	// Its log names the lock without Pulumi's advice to break it, and
	// its preview's group ends before the up's begins.
	if strings.Contains(r.stdout, "delete the lock file with `pulumi cancel`") || !strings.Contains(r.stdout, "the stack is currently locked by 1 lock(s).") {
		t.Errorf("the refused run's log should show the lock without Pulumi's `pulumi cancel` advice:\n%s", r.stdout)
	}
	if err := flatGroups(r.stdout); err != nil {
		t.Errorf("the refused run's log: %v:\n%s", err, r.stdout)
	}
	// It waited once and previewed again, saying so; the reviewed-change
	// guard judged both previews and warned once.
	saidOnce(t, "the refused run", r.stdout, "::notice::Stack main is locked by another run: this run tries again in ", "::warning::commit 9d8c7b6 was pushed to main directly")
	if n := w.locks(); n != 1 {
		t.Fatalf("%d locks after the refused run; a lock that may be alive is never broken", n)
	}

	w.gh.SetRunAttempt("tdeploy", "ivr", 43, 1, fakegithub.RunAttempt{Status: "completed", Conclusion: "success", Created: launched, Started: launched, Updated: time.Now()})
	r = w.step("push", "refs/heads/main", "", push)
	mustCode(t, "the run once no other is in progress", r, 0)
	if !strings.Contains(r.stdout, "Released the lock on stack main: taken at ") || !strings.Contains(r.stdout, "by a run killed before it recorded itself, during run 4") {
		t.Errorf("the run does not say it released the killed run's lock:\n%s", r.stdout)
	}
	saidOnce(t, "the run that released the lock", r.stdout, "::warning::commit 9d8c7b6 was pushed to main directly")
	if n := w.gh.Calls()["GET /repos/{owner}/{repo}/actions/runs"]; n != 2 {
		t.Errorf("GitHub listed the runs %d times, want 2 (once per run)", n)
	}
	w.converges(t)
	if a := w.audit(t, "main", mainSID); !a.clean() || a.Resources != 3 {
		t.Errorf("audit after the recovery: %+v, want the program's 3 resources and nothing else", a)
	}
}

// saidOnce checks that each of lines begins exactly one line of log.
func saidOnce(t *testing.T, what, log string, lines ...string) {
	t.Helper()
	for _, want := range lines {
		n := 0
		for l := range strings.Lines(log) {
			if strings.HasPrefix(l, want) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s's log has %d lines starting %q, want 1:\n%s", what, n, want, log)
		}
	}
}

func signame(s syscall.Signal) string {
	if s == syscall.SIGKILL {
		return "SIGKILL"
	}
	return "SIGTERM"
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n >= 0 {
		return n
	}
	return def
}

// TestKillAtRandomMoments: the up is killed at random moments of a clean
// up's duration, by SIGKILL and by SIGTERM; after every kill the next run
// succeeds with no human, the stack converges, and Twilio holds exactly
// the state's resources: no orphan, no duplicate, no lock, no pending
// operation. CI runs 2 SIGKILLs and 2 SIGTERMs on 2 groups (23 resources);
// scripts/bench-faults.sh runs FAULTS_SIGKILLS and FAULTS_SIGTERMS on
// FAULTS_GROUPS.
func TestKillAtRandomMoments(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the action many times")
	}
	groups := envInt("FAULTS_GROUPS", 2)
	sigkills, sigterms := envInt("FAULTS_SIGKILLS", 2), envInt("FAULTS_SIGTERMS", 2)
	seed := uint64(time.Now().UnixNano())
	if s, err := strconv.ParseUint(os.Getenv("FAULTS_SEED"), 10, 64); err == nil {
		seed = s
	}
	t.Logf("FAULTS_SEED=%d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))

	// A clean up gives the span the kills fall in.
	w := newWorld(t)
	n := faultsProgram(t, w.repo, groups)
	w.emu.Server.SetFaults(emulator.Faults{Latency: 30 * time.Millisecond})
	start := time.Now()
	r := w.step("push", "refs/heads/main", "", map[string]any{"ref": "refs/heads/main", "repository": repoJSON()})
	span := time.Since(start)
	mustCode(t, "clean up", r, 0)
	if a := w.audit(t, "main", mainSID); !a.clean() || a.Resources != n {
		t.Fatalf("clean up: audit %+v, want %d resources and nothing else", a, n)
	}
	t.Logf("clean up of %d resources: %s", n, span.Round(time.Millisecond))
	// The audit sees what it is for: a service made outside the program,
	// under a name the program uses, is an orphan and a duplicate.
	extra, err := w.emu.RestClient().SyncV1.CreateService((&syncv1.CreateServiceParams{}).SetFriendlyName("faults-sync-0"))
	if err != nil {
		t.Fatal(err)
	}
	if a := w.audit(t, "main", mainSID); len(a.Orphans) != 1 || len(a.Duplicates) != 1 || !strings.Contains(a.Orphans[0], *extra.Sid) {
		t.Fatalf("audit with one service made outside the program: %+v; want it as 1 orphan and 1 duplicate", a)
	}

	// A run quicker than its kill moment is skipped and drawn again, so
	// that each signal has its count of kills (at most twice the tries).
	var rows []killed
	want := map[syscall.Signal]int{syscall.SIGKILL: sigkills, syscall.SIGTERM: sigterms}
	done := map[syscall.Signal]int{}
	for i := range 2 * max(sigkills, sigterms) {
		for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM} {
			if done[sig] >= want[sig] {
				continue
			}
			// Past the first half-second (nothing runs yet), before 90% of
			// the clean up's time (a run may be quicker than that one).
			at := 500*time.Millisecond + time.Duration(rng.Int64N(int64(span*9/10-500*time.Millisecond)))
			t.Run(fmt.Sprintf("%s-%d", signame(sig), i), func(t *testing.T) {
				k := killTrial(t, groups, sig, at) // skips when the up ended first
				rows = append(rows, k)
				done[sig]++
			})
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "| kill | resources | runs | next run succeeded | converged | locked after the kill | locked after the next run | orphans | duplicates | dangling | slowest stop after the signal |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM} {
		var runs, ok, conv, lockedNow, locked, orphans, dups, dangling int
		var slowest time.Duration
		for _, k := range rows {
			if k.sig != sig {
				continue
			}
			runs++
			if k.next.code == 0 {
				ok++
			}
			if k.converged {
				conv++
			}
			if k.lockedNow {
				lockedNow++
			}
			if k.audit.Locks > 0 {
				locked++
			}
			orphans += len(k.audit.Orphans)
			dups += len(k.audit.Duplicates)
			dangling += len(k.audit.Dangling)
			slowest = max(slowest, k.stopped)
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s |\n", signame(sig), n, runs, ok, conv, lockedNow, locked, orphans, dups, dangling, slowest.Round(10*time.Millisecond))
	}
	t.Logf("clean up %s; kills at random moments (seed %d):\n%s", span.Round(time.Millisecond), seed, b.String())
	report(t, b.String())
}

// report adds a scenario's table to the file FAULTS_REPORT names, for
// scripts/bench-faults.sh to print.
func report(t *testing.T, table string) {
	t.Helper()
	p := os.Getenv("FAULTS_REPORT")
	if p == "" {
		return
	}
	f, err := os.OpenFile(p, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err == nil {
		_, err = fmt.Fprintf(f, "%s\n", table)
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		t.Fatal(err)
	}
}
