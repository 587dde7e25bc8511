package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkProgram has two valid resources that depend on nothing (state,
// agents), one that depends on state (menus) and a Serverless deployment
// (app). The test writes numbers where strings belong in two of them.
const checkProgram = `name: twilio-ivr
runtime: yaml
resources:
  state:
    type: twilio:sync/v1:Service
    properties:
      friendlyName: ivr-state-${pulumi.stack}
  agents:
    type: twilio:taskrouter/v1:Workspace
    properties:
      friendlyName: ivr-agents-${pulumi.stack}
  menus:
    type: twilio:sync/v1:ServiceSyncMap
    properties:
      serviceSid: ${state.sid}
      uniqueName: UNIQUE
  app:
    type: twilio:serverless:Deployment
    properties:
      path: ./app
      serviceName: ivr-app
      variables:
        PHONE: PHONE_VALUE
`

func checkProgramWith(uniqueName, phone string) string {
	return strings.NewReplacer("UNIQUE", uniqueName, "PHONE_VALUE", phone).Replace(checkProgram)
}

// writeAppProgram replaces the checkout's program with prog and a one-Function
// Serverless project in app/.
func writeAppProgram(t *testing.T, w *world, prog string) {
	t.Helper()
	fn := filepath.Join(w.repo, "app", "functions")
	if err := os.MkdirAll(fn, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(fn, "hello.js"), []byte("exports.handler = (context, event, callback) => callback(null, 'hello');\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(w.repo, "Pulumi.yaml"), []byte(prog), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestInvalidInputsCreateNothing runs programs whose inputs have the wrong
// types through the built binary, as the runner runs it. For each, the pull
// request's preview fails (exit 1) with a ❌ comment and an annotation that
// name the resource, the property and the fix, and the push's up fails in
// its preview and creates nothing, not even the valid resources beside the
// bad one. The two cases: a Deployment variable written as a number (an
// independent resource), and a Sync map's uniqueName written as a number
// (a resource that depends on another: a plain up registers it, and checks
// it, only after creating state). Once the values are quoted, the push
// deploys, and the variable reaches Twilio as written.
func TestInvalidInputsCreateNothing(t *testing.T) {
	w := newWorld(t)
	pr := 7
	for _, tc := range []struct {
		name, program, want string
	}{
		{"deployment variable", checkProgramWith(`"ivr-menus"`, "15017122661"),
			// Deployment variables are secrets: the value is not shown.
			`twilio:serverless:Deployment resource 'app' has a problem: variables.PHONE: expected a string, got a number (a secret, not shown); quote it in YAML, keeping any leading + or 0`},
		{"dependent resource", checkProgramWith("2024", `"+15017122661"`),
			`twilio:sync/v1:ServiceSyncMap resource 'menus' has a problem: uniqueName: expected a string, got the number 2024; quote it in YAML ("2024"), keeping any leading + or 0`},
	} {
		writeAppProgram(t, w, tc.program)

		// The pull request: the preview fails, the comment says why.
		r := w.step("pull_request", "refs/pull/7/merge", "main", prPayload("synchronize", pr, repoJSON()))
		mustCode(t, tc.name+": pr preview", r, 1)
		comments := w.gh.Comments("tdeploy", "ivr", pr)
		if len(comments) != 1 {
			t.Fatalf("%s: comments after the preview = %d, want 1\n%s", tc.name, len(comments), r.stdout)
		}
		body := comments[0].Body
		if !strings.Contains(body, "❌ Twilio preview failed") || !strings.Contains(body, tc.want) {
			t.Errorf("%s: the comment is not a failed preview with %q:\n%s", tc.name, tc.want, body)
		}
		if !hasAnnotation(r.stdout, tc.want) {
			t.Errorf("%s: no ::error annotation with %q:\n%s", tc.name, tc.want, r.stdout)
		}
		if strings.Contains(body, "15017122661") {
			t.Errorf("%s: the comment shows the secret variable's value:\n%s", tc.name, body)
		}
		if inv := w.inventory(mainSID); len(inv) != 0 {
			t.Fatalf("%s: a preview deployed %v", tc.name, inv)
		}

		// The push to main: up stops after its preview; nothing is created.
		w.emu.Server.ResetRequests()
		r = w.step("push", "refs/heads/main", "", map[string]any{"ref": "refs/heads/main", "repository": repoJSON()})
		mustCode(t, tc.name+": push main", r, 1)
		if inv := w.inventory(mainSID); len(inv) != 0 {
			t.Fatalf("%s: an up of an invalid program created %v", tc.name, inv)
		}
		for _, req := range w.emu.Server.Requests() {
			if req.Method != http.MethodGet {
				t.Errorf("%s: an up of an invalid program sent %s %s%s", tc.name, req.Method, req.Host, req.Path)
			}
		}
		if !strings.Contains(r.stdout, "::group::pulumi preview main (before up)") || strings.Contains(r.stdout, "::group::pulumi up main") {
			t.Errorf("%s: the up was not stopped at its preview:\n%s", tc.name, r.stdout)
		}
		if r.outputs["operation"] != "up" || r.outputs["changes"] != "{}" {
			t.Errorf("%s: outputs = %v, want operation up and no changes", tc.name, r.outputs)
		}
		if !strings.Contains(r.summary, "❌ Twilio up failed") || !strings.Contains(r.summary, "nothing was changed") || !strings.Contains(r.summary, tc.want) {
			t.Errorf("%s: the job summary does not say the up failed, changed nothing, and why:\n%s", tc.name, r.summary)
		}
		if !hasAnnotation(r.stdout, tc.want) || !hasAnnotation(r.stdout, "the update did not start and nothing was changed") {
			t.Errorf("%s: the annotations do not say why and that nothing changed:\n%s", tc.name, r.stdout)
		}
	}

	// Quoted, the program deploys; the variable arrives as written.
	writeAppProgram(t, w, checkProgramWith(`"2024"`, `"+15017122661"`))
	r := w.step("push", "refs/heads/main", "", map[string]any{"ref": "refs/heads/main", "repository": repoJSON()})
	mustCode(t, "push main after the fix", r, 0)
	if !strings.Contains(r.stdout, "::group::pulumi up main") {
		t.Errorf("no up after the preview passed:\n%s", r.stdout)
	}
	var phone []any
	for _, o := range w.emu.Server.Inventory(mainSID) {
		if o.Fields["key"] == "PHONE" {
			phone = append(phone, o.Fields["value"])
		}
	}
	if len(phone) != 1 || phone[0] != "+15017122661" {
		t.Errorf("PHONE variables in Twilio = %v, want exactly +15017122661", phone)
	}
	if inv := w.inventory(mainSID); !containsAll(inv, "sync/v1:Service", "taskrouter/v1:Workspace", "sync/v1:ServiceSyncMap") {
		t.Errorf("inventory after the fix = %v", inv)
	}

	for _, c := range w.gh.Comments("tdeploy", "ivr", pr) {
		w.wrote(c.Body)
	}
	assertNoSecrets(t, w.outputs, mainToken, featToken, decoyToken, githubToken)
}

func containsAll(list []string, want ...string) bool {
	for _, x := range want {
		found := false
		for _, y := range list {
			found = found || y == x
		}
		if !found {
			return false
		}
	}
	return true
}

// hasAnnotation reports whether stdout has an ::error workflow command
// whose message contains text.
func hasAnnotation(stdout, text string) bool {
	for _, l := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(l, "::error") && strings.Contains(l, text) {
			return true
		}
	}
	return false
}
