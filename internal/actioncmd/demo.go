package actioncmd

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/tdeploy/twilio-deploy-action/examples"
	"github.com/tdeploy/twilio-deploy-action/internal/action"
	"github.com/tdeploy/twilio-deploy-action/internal/creds"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
)

// demoMergeSHA is the commit of the demo's merge into main (the runs'
// GITHUB_SHA).
const demoMergeSHA = "9d8c7b6a5f4e3d2c1b0a99887766554433221100"

// demoStep is one simulated workflow run.
type demoStep struct {
	title   string
	event   string
	ref     string
	baseRef string
	payload map[string]any
	show    string // what to print after the run: "comment", "outputs", "summary"
}

// runDemo runs the Action's main job on this machine with no accounts: the
// Twilio emulator on loopback with one account per environment, a file://
// backend and passphrase in a temporary folder, and the embedded example
// program. It plays the events of a feature's life: a pull request into
// main (preview, and the comment it would post), the merge's push to main
// (up), a push to the feature branch (up into its own environment), the
// nightly drift check of main, and the feature branch's deletion
// (destroy, stack removed). The action itself runs as in a workflow,
// through action.Run, with the job each event would give (the outputs and
// summary kept in memory) and deps, the real engine and a comment poster
// that keeps the comment instead. vars is the process environment.
func runDemo(ctx context.Context, version string, vars map[string]string, deps action.Deps) error {
	w := deps.Stdout
	start := time.Now()
	tmp, err := os.MkdirTemp("", "twilio-deploy-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	accounts := map[string]emulator.Account{ // secret prefix -> account
		"TWILIO_MAIN_":            {SID: "AC" + randHex(), AuthToken: randHex()},
		"TWILIO_FEATURE_NEW_IVR_": {SID: "AC" + randHex(), AuthToken: randHex()},
	}
	emu, err := emulator.New(emulator.Options{Accounts: []emulator.Account{accounts["TWILIO_MAIN_"], accounts["TWILIO_FEATURE_NEW_IVR_"]}})
	if err != nil {
		return fmt.Errorf("start the emulator: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("start the emulator: %w", err)
	}
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	emuURL := "http://" + ln.Addr().String()

	repo := filepath.Join(tmp, "repo")
	sub, err := fs.Sub(examples.FS, examples.Demo)
	if err != nil {
		return err
	}
	if err := os.CopyFS(repo, sub); err != nil {
		return fmt.Errorf("write the example program: %w", err)
	}
	for _, d := range []string{"state", "home"} {
		if err := os.MkdirAll(filepath.Join(tmp, d), 0o755); err != nil {
			return err
		}
	}
	secrets := map[string]string{}
	for p, a := range accounts {
		secrets[p+creds.AccountSID] = a.SID
		secrets[p+creds.AuthToken] = a.AuthToken
	}
	secretsJSON, _ := json.Marshal(secrets)

	fmt.Fprintf(w, "Demo: twilio-deploy-action %s on the example program %s (examples/%s)\n", version, examples.Demo, examples.Demo)
	fmt.Fprintf(w, "  Twilio emulator at %s with two accounts: main's (TWILIO_MAIN_*) and feature/new-ivr's (TWILIO_FEATURE_NEW_IVR_*)\n", emuURL)
	fmt.Fprintf(w, "  Pulumi state in file://%s (passphrase secrets); nothing leaves this machine\n\n", filepath.Join(tmp, "state"))

	repoJSON := map[string]any{"full_name": "tdeploy/ivr", "name": "ivr", "owner": map[string]any{"login": "tdeploy"}, "default_branch": "main"}
	head := map[string]any{"ref": "feature/new-ivr", "sha": "5f3c1a9e0d2b4c6e8f7a9b1c3d5e7f9a1b3c5d7e", "repo": repoJSON}
	steps := []demoStep{
		{"pull request #1 feature/new-ivr -> main opened: preview main", "pull_request", "refs/pull/1/merge", "main",
			map[string]any{"action": "opened", "number": 1, "repository": repoJSON, "pull_request": map[string]any{
				"number": 1, "html_url": "https://github.com/tdeploy/ivr/pull/1", "head": head,
				"base": map[string]any{"ref": "main", "sha": "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567", "repo": repoJSON}}}, "comment"},
		{"push to main (the merge): up main", "push", "refs/heads/main", "",
			map[string]any{"ref": "refs/heads/main", "after": demoMergeSHA, "repository": repoJSON}, "outputs"},
		{"push to feature/new-ivr: up its own environment", "push", "refs/heads/feature/new-ivr", "",
			map[string]any{"ref": "refs/heads/feature/new-ivr", "after": "5f3c1a9e0d2b4c6e8f7a9b1c3d5e7f9a1b3c5d7e", "repository": repoJSON}, "outputs"},
		{"nightly schedule: drift check of main", "schedule", "refs/heads/main", "",
			map[string]any{"schedule": "17 3 * * *"}, "drift"},
		{"branch feature/new-ivr deleted: destroy and remove its stack", "delete", "refs/heads/main", "",
			map[string]any{"ref": "feature/new-ivr", "ref_type": "branch", "repository": repoJSON}, "summary"},
	}

	env := map[string]string{
		"PULUMI_BACKEND_URL": "file://" + filepath.ToSlash(filepath.Join(tmp, "state")), "PULUMI_HOME": filepath.Join(tmp, "home"),
		"PULUMI_CONFIG_PASSPHRASE": "demo-passphrase", "PULUMI_SKIP_UPDATE_CHECK": "true",
	}
	for _, k := range []string{"PATH", "HOME", "TMPDIR", "PULUMI_ROOT", "RUNNER_DEBUG"} {
		if v, ok := vars[k]; ok {
			env[k] = v
		}
	}
	// GitHub is played in memory: the pull request's comment and, for the
	// merge's push, the guard's read of it.
	pr := &demoPullRequest{number: 1, mergeSHA: demoMergeSHA}
	deps.Comment = action.StickyComment(pr.open)
	deps.Reviewed = action.ReviewedComment(pr.merged, pr.open)
	for i, st := range steps {
		stepStart := time.Now()
		fmt.Fprintf(w, "==> [%d/%d] %s\n", i+1, len(steps), st.title)
		payload, _ := json.Marshal(st.payload)
		rec := &action.Recorder{}
		job := action.Job{
			Inputs: action.Inputs{WorkDir: ".", Secrets: string(secretsJSON), TwilioAPIURL: emuURL,
				GitHubToken: "demo-token-not-used", CommentMode: action.CommentUpdate, PRParent: "PARENT",
				NoDriftIssue: true}, // the demo's repository is not on GitHub
			Event: action.Event{Name: st.event, Payload: payload, Ref: st.ref, BaseRef: st.baseRef, SHA: demoMergeSHA},
			// Not Runner: a terminal would print the ::add-mask:: commands.
			GitHub:   action.GitHub{Repository: "tdeploy/ivr", ServerURL: "https://github.com", RunID: "1", Workspace: repo, Debug: env["RUNNER_DEBUG"] == "1"},
			Dir:      repo,
			Env:      env,
			Reporter: rec, ReportFailures: true,
		}
		if err := action.Run(ctx, job, deps); err != nil {
			return fmt.Errorf("step %d (%s): %w", i+1, st.title, err)
		}
		outs := rec.Outputs
		fmt.Fprintf(w, "    operation=%s stack=%s changes=%s (%.1fs)\n", outs["operation"], outs["stack"], outs["changes"], time.Since(stepStart).Seconds())
		switch st.show {
		case "comment":
			fmt.Fprintf(w, "\n--- the comment the action would post on pull request #1 (kept in memory: there is no GitHub here) ---\n%s\n--- end of comment ---\n\n", pr.body())
		case "outputs":
			names := make([]string, 0, len(outs))
			for k := range outs {
				if k != "summary" {
					names = append(names, k)
				}
			}
			sort.Strings(names)
			fmt.Fprintln(w, "    step outputs:")
			for _, k := range names {
				fmt.Fprintf(w, "      %s = %s\n", k, outs[k])
			}
			fmt.Fprintln(w)
		case "drift":
			fmt.Fprintf(w, "    drift=%s\n\n", outs["drift"])
		default:
			fmt.Fprintf(w, "\n--- job summary ---\n%s\n--- end of job summary ---\n\n", outs["summary"])
		}
	}
	for _, p := range []string{"TWILIO_MAIN_", "TWILIO_FEATURE_NEW_IVR_"} {
		inv := emu.Inventory(accounts[p].SID)
		var kinds []string
		for _, o := range inv {
			if o.Token != "api/v2010:Account" {
				kinds = append(kinds, o.Token)
			}
		}
		fmt.Fprintf(w, "Emulator inventory of %s* account: %d resources %v\n", p, len(kinds), kinds)
	}
	fmt.Fprintf(w, "Demo done in %.1fs.\n", time.Since(start).Seconds())
	return nil
}

func randHex() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
