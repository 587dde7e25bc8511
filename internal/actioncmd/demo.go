package actioncmd

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tdeploy/twilio-deploy-action/examples"
	"github.com/tdeploy/twilio-deploy-action/internal/action"
	"github.com/tdeploy/twilio-deploy-action/internal/creds"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/twilio"
)

// demoMergeSHA is the commit of the demo's merge into main (the runs'
// GITHUB_SHA).
const demoMergeSHA = "9d8c7b6a5f4e3d2c1b0a99887766554433221100"

// demoFeature is the demo's feature branch; its stack is feature-greeting
// and its secrets TWILIO_FEATURE_GREETING_*.
const demoFeature = "feature/greeting"

// demoEdited is the one Function the demo's second push to the feature
// branch edits, and the line it adds.
const (
	demoEdited     = "app/functions/voice/greet.js"
	demoEditedLine = "\n// feature/greeting: a shorter prompt.\n"
)

// demoNumber is a phone number "bought in the Console" of one account,
// with the webhooks it had before any stack adopted it.
type demoNumber struct {
	prefix, phone string
}

// demoWebhooks are the Console's defaults for a new number: what a
// destroyed stack must put back.
var demoWebhooks = map[string]string{
	"sms_url":   "https://demo.twilio.com/welcome/sms/reply",
	"voice_url": "https://demo.twilio.com/welcome/voice/",
}

// demoStep is one simulated workflow run.
type demoStep struct {
	title   string
	event   string
	ref     string
	baseRef string
	payload map[string]any
	show    string // what to print after the run: "comment", "urls", "drift", "summary"
	before  func() error
}

// runDemo runs the Action's main job on this machine with no accounts: the
// Twilio emulator on loopback with one account per environment (each
// holding the phone number its branch's stack config names), a file://
// backend and passphrase in a temporary folder, and a copy of the embedded
// Functions example (examples/twilio-app). It plays the events of a
// feature's life: a pull request into main (preview, and the comment it
// would post, listing the files to upload), the merge's push to main (up,
// and the Function URLs), a push to the feature branch (up into its own
// environment), a second push there that edits one Function (one upload,
// one build), the nightly drift check of main, and the feature branch's
// deletion (destroy, the number's webhooks put back, stack removed). Each
// step prints what the emulator saw: requests, uploads, builds, wall time.
// The action itself runs as in a workflow, through action.Run, with the
// job each event would give (the outputs and summary kept in memory) and
// deps, the real engine and a comment poster that keeps the comment
// instead. vars is the process environment.
func runDemo(ctx context.Context, version string, vars map[string]string, deps action.Deps) error {
	w := deps.Stdout
	start := time.Now()
	tmp, err := os.MkdirTemp("", "twilio-deploy-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	accounts := map[string]emulator.Account{ // secret prefix -> account
		"TWILIO_MAIN_":             {SID: "AC" + randHex(), AuthToken: randHex()},
		"TWILIO_FEATURE_GREETING_": {SID: "AC" + randHex(), AuthToken: randHex()},
	}
	emu, err := emulator.New(emulator.Options{Accounts: []emulator.Account{accounts["TWILIO_MAIN_"], accounts["TWILIO_FEATURE_GREETING_"]}})
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
	if err := examples.Copy(repo, examples.Functions); err != nil {
		return fmt.Errorf("write the example program: %w", err)
	}
	for _, d := range []string{"state", "home"} {
		if err := os.MkdirAll(filepath.Join(tmp, d), 0o755); err != nil {
			return err
		}
	}
	// Each account's number, as its branch's Pulumi.<stack>.yaml names it.
	numbers := []demoNumber{{"TWILIO_MAIN_", "+15017122661"}, {"TWILIO_FEATURE_GREETING_", "+15017122662"}}
	for _, n := range numbers {
		if err := seedNumber(ctx, emuURL, accounts[n.prefix], n.phone); err != nil {
			return fmt.Errorf("buy %s in the emulator: %w", n.phone, err)
		}
	}
	secrets := map[string]string{}
	for p, a := range accounts {
		secrets[p+creds.AccountSID] = a.SID
		secrets[p+creds.AuthToken] = a.AuthToken
	}
	secretsJSON, _ := json.Marshal(secrets)

	fmt.Fprintf(w, "Demo: twilio-deploy-action %s on the example program %s (examples/%s)\n", version, examples.Functions, examples.Functions)
	fmt.Fprintf(w, "  Twilio emulator at %s with two accounts: main's (TWILIO_MAIN_*, number %s) and %s's (TWILIO_FEATURE_GREETING_*, number %s)\n",
		emuURL, numbers[0].phone, demoFeature, numbers[1].phone)
	fmt.Fprintf(w, "  Pulumi state in file://%s (passphrase secrets); nothing leaves this machine\n\n", filepath.Join(tmp, "state"))

	repoJSON := map[string]any{"full_name": "tdeploy/support", "name": "support", "owner": map[string]any{"login": "tdeploy"}, "default_branch": "main"}
	featureSHA := "5f3c1a9e0d2b4c6e8f7a9b1c3d5e7f9a1b3c5d7e"
	head := map[string]any{"ref": demoFeature, "sha": featureSHA, "repo": repoJSON}
	push := func(branch, sha string) map[string]any {
		return map[string]any{"ref": "refs/heads/" + branch, "after": sha, "repository": repoJSON}
	}
	steps := []demoStep{
		{title: "pull request #1 " + demoFeature + " -> main opened: preview main", event: "pull_request", ref: "refs/pull/1/merge", baseRef: "main",
			payload: map[string]any{"action": "opened", "number": 1, "repository": repoJSON, "pull_request": map[string]any{
				"number": 1, "html_url": "https://github.com/tdeploy/support/pull/1", "head": head,
				"base": map[string]any{"ref": "main", "sha": "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567", "repo": repoJSON}}}, show: "comment"},
		{title: "push to main (the merge): up main", event: "push", ref: "refs/heads/main",
			payload: push("main", demoMergeSHA), show: "urls"},
		{title: "push to " + demoFeature + ": up its own environment", event: "push", ref: "refs/heads/" + demoFeature,
			payload: push(demoFeature, featureSHA), show: "urls"},
		{title: "push to " + demoFeature + " editing one Function (" + strings.TrimPrefix(demoEdited, "app/") + "): up", event: "push", ref: "refs/heads/" + demoFeature,
			payload: push(demoFeature, "6a4d2b0f1e3c5d7f9a8b0c2d4e6f8a0b2c4d6e8f"), show: "urls",
			before: func() error { return appendFile(filepath.Join(repo, demoEdited), demoEditedLine) }},
		{title: "nightly schedule: drift check of main", event: "schedule", ref: "refs/heads/main",
			payload: map[string]any{"schedule": "17 3 * * *"}, show: "drift"},
		{title: "branch " + demoFeature + " deleted: destroy and remove its stack", event: "delete", ref: "refs/heads/main",
			payload: map[string]any{"ref": demoFeature, "ref_type": "branch", "repository": repoJSON}, show: "summary"},
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
	var figures []string
	for i, st := range steps {
		fmt.Fprintf(w, "==> [%d/%d] %s\n", i+1, len(steps), st.title)
		if st.before != nil {
			if err := st.before(); err != nil {
				return fmt.Errorf("step %d (%s): %w", i+1, st.title, err)
			}
		}
		emu.ResetRequests()
		stepStart := time.Now()
		payload, _ := json.Marshal(st.payload)
		rec := &action.Recorder{}
		job := action.Job{
			Inputs: action.Inputs{WorkDir: ".", Secrets: string(secretsJSON), TwilioAPIURL: emuURL,
				GitHubToken: "demo-token-not-used", CommentMode: action.CommentUpdate, PRParent: "PARENT",
				NoDriftIssue: true}, // the demo's repository is not on GitHub
			Event: action.Event{Name: st.event, Payload: payload, Ref: st.ref, BaseRef: st.baseRef, SHA: demoMergeSHA},
			// Not Runner: a terminal would print the ::add-mask:: commands.
			GitHub:   action.GitHub{Repository: "tdeploy/support", ServerURL: "https://github.com", RunID: "1", Workspace: repo, Debug: env["RUNNER_DEBUG"] == "1"},
			Dir:      repo,
			Env:      env,
			Reporter: rec, ReportFailures: true,
		}
		if err := action.Run(ctx, job, deps); err != nil {
			return fmt.Errorf("step %d (%s): %w", i+1, st.title, err)
		}
		fig := fmt.Sprintf("%s wall=%.1fs", emulator.Tally(emu.Requests()), time.Since(stepStart).Seconds())
		outs := rec.Outputs
		fmt.Fprintf(w, "    operation=%s stack=%s changes=%s\n", outs["operation"], outs["stack"], outs["changes"])
		fmt.Fprintf(w, "    figures: %s\n", fig)
		figures = append(figures, fmt.Sprintf("  [%d] %-9s %-17s %s", i+1, outs["operation"], outs["stack"], fig))
		switch st.show {
		case "comment":
			fmt.Fprintf(w, "\n--- the comment the action would post on pull request #1 (kept in memory: there is no GitHub here) ---\n%s\n--- end of comment ---\n\n", pr.body())
		case "urls":
			printURLs(w, outs)
		case "drift":
			fmt.Fprintf(w, "    drift=%s\n\n", outs["drift"])
		default:
			fmt.Fprintf(w, "\n--- job summary ---\n%s\n--- end of job summary ---\n\n", outs["summary"])
		}
	}
	for _, n := range numbers {
		a := accounts[n.prefix]
		inv := emu.Inventory(a.SID)
		var kinds []string
		for _, o := range inv {
			if o.Token != "api/v2010:Account" && !o.Builtin { // what Twilio made by itself is no deploy's
				kinds = append(kinds, o.Token)
			}
		}
		fmt.Fprintf(w, "Emulator inventory of %s* account: %d resources %v\n", n.prefix, len(kinds), kinds)
		for _, o := range inv {
			if o.Token == "api/v2010:IncomingPhoneNumber" {
				sms, voice := fmt.Sprint(o.Fields["sms_url"]), fmt.Sprint(o.Fields["voice_url"])
				state := "pointed at the Functions"
				if sms == demoWebhooks["sms_url"] && voice == demoWebhooks["voice_url"] {
					state = "restored to the Console's webhooks"
				}
				fmt.Fprintf(w, "  number %s: sms_url=%s voice_url=%s (%s)\n", o.Fields["phone_number"], sms, voice, state)
			}
		}
	}
	fmt.Fprintf(w, "\nFigures per step (from the emulator's request log):\n%s\n", strings.Join(figures, "\n"))
	fmt.Fprintf(w, "Demo done in %.1fs.\n", time.Since(start).Seconds())
	return nil
}

// printURLs prints the step's Function and Asset URLs (the urls output).
func printURLs(w io.Writer, outs map[string]string) {
	var urls map[string]string
	if err := json.Unmarshal([]byte(outs["urls"]), &urls); err != nil || len(urls) == 0 {
		fmt.Fprintf(w, "    no urls output (%q)\n\n", outs["urls"])
		return
	}
	paths := make([]string, 0, len(urls))
	for p := range urls {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	fmt.Fprintf(w, "    Functions and Assets on %s:\n", outs["domainName"])
	for _, p := range paths {
		fmt.Fprintf(w, "      %-20s %s\n", p, urls[p])
	}
	fmt.Fprintln(w)
}

// seedNumber buys phone in the emulator's account a, as a team buys it in
// the Console, with the Console's default webhooks.
func seedNumber(ctx context.Context, emuURL string, a emulator.Account, phone string) error {
	cl, err := twilio.New(twilio.Options{APIURL: emuURL, Credentials: creds.Credentials{AccountSID: a.SID, AuthToken: a.AuthToken}})
	if err != nil {
		return err
	}
	_, err = cl.Do(ctx, twilio.Request{Method: http.MethodPost, Host: "api.twilio.com", Create: true,
		Path: "/2010-04-01/Accounts/" + a.SID + "/IncomingPhoneNumbers.json",
		Form: url.Values{"PhoneNumber": {phone}, "FriendlyName": {"Support line " + phone},
			"SmsUrl": {demoWebhooks["sms_url"]}, "VoiceUrl": {demoWebhooks["voice_url"]}}})
	return err
}

func appendFile(name, text string) error {
	f, err := os.OpenFile(name, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func randHex() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
