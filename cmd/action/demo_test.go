package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

// TestDemo runs `make demo`'s command through the built binary: the
// Functions example (examples/twilio-app) through six steps, the comment
// kept in memory and read back by the merge's guard, and no call that
// would leave the machine (a proxy that refuses every connection would
// make such a call fail loudly, so none may be tried). It checks what the
// user sees at each step: the files the preview will upload, the Function
// URLs after the up, one upload and one build for the one-Function edit
// (counted from the emulator's request log), and the feature number's
// webhooks put back after the branch is deleted (read from the emulator's
// inventory).
func TestDemo(t *testing.T) {
	t.Parallel()
	cmd := exec.CommandContext(t.Context(), actionBinary(t), "--demo")
	// Any attempt to reach the internet goes to a dead proxy and fails.
	cmd.Env = append(os.Environ(), "PULUMI_ROOT="+filepath.Dir(testenv.BinDir(t, testenv.PulumiTools...)),
		"HTTPS_PROXY=http://127.0.0.1:9", "HTTP_PROXY=http://127.0.0.1:9", "NO_PROXY=127.0.0.1,localhost")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("--demo: %v\n%s", err, out)
	}
	text := string(out)
	steps := splitSteps(t, text)

	// 1. The preview's comment lists every file the merge will upload.
	comment := between(t, steps[0], "--- the comment the action would post", "--- end of comment ---")
	for _, f := range []string{"/sms/reply", "/voice/greet", "/sync/bump", "/taskrouter/assign", "/lib/format", "/index.html", "/hours.json"} {
		if !strings.Contains(comment, "`files[\""+f+"\"]`: _added_") {
			t.Errorf("the preview comment does not list %s:\n%s", f, comment)
		}
	}
	for _, want := range []string{"<!-- twilio-deploy-action: . main -->", "operation=preview stack=main",
		"figures: requests=1 writes=0 uploads=0 builds=0"} {
		if !strings.Contains(steps[0], want) {
			t.Errorf("step 1 lacks %q", want)
		}
	}

	// 2. The merge deploys all seven files and prints the Function URLs.
	for _, want := range []string{"operation=up stack=main", "the change matches the one reviewed in pull request #1",
		"uploads=7 builds=1 deployments=1"} {
		if !strings.Contains(steps[1], want) {
			t.Errorf("step 2 lacks %q:\n%s", want, steps[1])
		}
	}
	mainURL := regexp.MustCompile(`(?m)^\s+/sms/reply\s+(https://twilio-app-\d{4}-main\.twil\.io/sms/reply)$`).FindStringSubmatch(steps[1])
	if mainURL == nil {
		t.Errorf("step 2 prints no /sms/reply URL on main's domain:\n%s", steps[1])
	}
	if !regexp.MustCompile(`/voice/greet\s+https://twilio-app-\d{4}-main\.twil\.io/voice/greet`).MatchString(steps[1]) {
		t.Errorf("step 2 prints no /voice/greet URL")
	}
	if strings.Contains(steps[1], "/hours.json ") || strings.Contains(steps[1], "/lib/format ") {
		t.Errorf("step 2 prints a URL for a private file:\n%s", steps[1])
	}

	// 3. The feature branch gets its own environment and domain.
	if !strings.Contains(steps[2], "operation=up stack=feature-greeting") ||
		!regexp.MustCompile(`https://twilio-app-\d{4}-feature-greeting\.twil\.io/sms/reply`).MatchString(steps[2]) {
		t.Errorf("step 3 deploys no feature-greeting environment:\n%s", steps[2])
	}

	// 4. Editing one Function uploads one file and builds once.
	for _, want := range []string{"operation=up stack=feature-greeting changes={\"update\":1}",
		"update   twilio:serverless:Deployment app [files]", "uploads=1 builds=1 deployments=1", "app: uploading 1 file"} {
		if !strings.Contains(steps[3], want) {
			t.Errorf("step 4 lacks %q:\n%s", want, steps[3])
		}
	}

	// 5. No drift on main.
	if !strings.Contains(steps[4], "operation=drift stack=main") || !strings.Contains(steps[4], "drift=false") ||
		!strings.Contains(steps[4], "writes=0") {
		t.Errorf("step 5 is not a clean drift check:\n%s", steps[4])
	}

	// 6. Deleting the branch destroys everything and restores its number;
	// main's number still points at main's Functions.
	for _, want := range []string{"operation=destroy stack=feature-greeting", "stack feature-greeting removed",
		"Emulator inventory of TWILIO_FEATURE_GREETING_* account: 1 resources [api/v2010:IncomingPhoneNumber]",
		"number +15017122662: sms_url=https://demo.twilio.com/welcome/sms/reply voice_url=https://demo.twilio.com/welcome/voice/ (restored to the Console's webhooks)",
	} {
		if !strings.Contains(steps[5], want) {
			t.Errorf("step 6 lacks %q:\n%s", want, steps[5])
		}
	}
	if mainURL != nil && !strings.Contains(steps[5], "number +15017122661: sms_url="+mainURL[1]+" ") {
		t.Errorf("main's number does not point at %s:\n%s", mainURL[1], steps[5])
	}

	for _, bad := range []string{"github.com/repos", "127.0.0.1:9", "could not be read"} {
		if strings.Contains(text, bad) {
			t.Errorf("the demo tried to leave the machine (%q):\n%s", bad, text)
		}
	}
}

// splitSteps cuts the demo's output at its "==> [i/6]" headings.
func splitSteps(t *testing.T, text string) []string {
	t.Helper()
	parts := regexp.MustCompile(`(?m)^==> \[\d/6\] `).Split(text, -1)
	if len(parts) != 7 {
		t.Fatalf("the demo ran %d steps, want 6:\n%s", len(parts)-1, text)
	}
	return parts[1:]
}

func between(t *testing.T, s, from, to string) string {
	t.Helper()
	i := strings.Index(s, from)
	j := strings.Index(s, to)
	if i < 0 || j < i {
		t.Fatalf("no %q ... %q in:\n%s", from, to, s)
	}
	return s[i:j]
}
