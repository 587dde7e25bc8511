package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	studio "github.com/twilio/twilio-go/rest/studio/v2"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
)

// TestPulumiCLIStudioValidation runs a Studio flow through the real CLI:
// the preview validates the definition with Studio's Flow Validate (one
// request, nothing written); a definition Studio refuses fails the
// preview, new or changed, with Studio's own failures named, and the
// emulator keeps the deployed revision.
func TestPulumiCLIStudioValidation(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Pulumi CLI")
	}
	t.Parallel()
	env := emulatortest.New(t)
	pulumi, try := cliPrograms(t, env, "studio")
	pulumi("stack", "init", "dev")

	validates := func() (validate, writes int) {
		for _, r := range env.Server.Requests() {
			switch {
			case r.Method == "POST" && r.Path == "/v2/Flows/Validate":
				validate++
			case r.Method != "GET":
				writes++
			}
		}
		env.Server.ResetRequests()
		return validate, writes
	}
	pulumi("preview", "--non-interactive")
	if v, w := validates(); v != 1 || w != 0 {
		t.Errorf("preview of a sound flow: %d Flow Validate calls, %d writes; want 1 and 0", v, w)
	}

	// A new flow Studio refuses: the preview fails; nothing is created.
	pulumi("config", "set", "next", "goodbye")
	out, err := try("preview", "--non-interactive")
	if err == nil {
		t.Fatalf("the preview of a broken flow passed:\n%s", out)
	}
	for _, want := range []string{"Studio refused the flow's definition", "Twilio error 81022", "#/states/1/transitions/0/next", `"goodbye"`} {
		if !strings.Contains(out, want) {
			t.Errorf("the failed preview does not say %q:\n%s", want, out)
		}
	}
	if v, w := validates(); v != 1 || w != 0 {
		t.Errorf("failed preview: %d Flow Validate calls, %d writes; want 1 and 0", v, w)
	}

	pulumi("config", "set", "next", "done")
	pulumi("up", "--yes", "--non-interactive")
	flows := 0
	for _, o := range env.Server.Inventory(env.AccountSID) {
		if o.Token == "studio/v2:Flow" {
			flows++
		}
	}
	if flows != 1 {
		t.Fatalf("after up: %d flows; want 1", flows)
	}

	// A change Studio refuses: the preview fails, the flow keeps its revision.
	env.Server.ResetRequests()
	pulumi("config", "set", "next", "goodbye")
	if out, err := try("preview", "--non-interactive"); err == nil || !strings.Contains(out, "81022") {
		t.Errorf("the preview of a broken change: %v\n%s", err, out)
	}
	if _, w := validates(); w != 0 {
		t.Errorf("the failed preview wrote %d times", w)
	}
	for _, o := range env.Server.Inventory(env.AccountSID) {
		if o.Token == "studio/v2:Flow" && (o.Fields["revision"] != float64(1) && o.Fields["revision"] != 1) {
			t.Errorf("the flow's revision is %v after a failed preview; want 1", o.Fields["revision"])
		}
	}
}

// TestPulumiCLIStudioPromotion promotes the flow designed in dev
// (testdata/studio-promote/flows/ivr.json, read with fn::readFile) into a
// stack: its dev Function domain becomes the stack's and its Flex widget
// gets the workflow the stack creates; the emulator's flow holds those
// values and no dev one.
func TestPulumiCLIStudioPromotion(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Pulumi CLI")
	}
	t.Parallel()
	env := emulatortest.New(t)
	pulumi := cliProgram(t, env, "studio-promote")
	pulumi("stack", "init", "prod")
	pulumi("config", "set", "functionsDomain", "twilio-app-5678-prod.twil.io")
	env.Server.ResetRequests()
	pulumi("preview", "--non-interactive")
	// The promoted definition waits for the workflow's SID: this first
	// preview has nothing to validate yet and makes no request.
	if c := emulator.Tally(env.Server.Requests()); c.Requests != 0 {
		t.Errorf("preview: %+v; want no request", c)
	}
	env.Server.ResetRequests()
	pulumi("up", "--yes", "--skip-preview", "--non-interactive")
	// The least: workspace, queue, workflow, flow (whose create validates).
	if c := emulator.Tally(env.Server.Requests()); c.Requests != 4 || c.Writes != 4 {
		t.Errorf("up: %+v; want 4 requests, 4 writes", c)
	}
	var outs map[string]string
	if err := json.Unmarshal([]byte(pulumi("stack", "output", "--json")), &outs); err != nil {
		t.Fatal(err)
	}
	var flow *emulator.Object
	for _, o := range env.Server.Inventory(env.AccountSID) {
		if o.Token == "studio/v2:Flow" {
			flow = &o
		}
	}
	if flow == nil || flow.SID != outs["flowSid"] {
		t.Fatalf("no flow %s in the emulator", outs["flowSid"])
	}
	b, _ := json.Marshal(flow.Fields["definition"])
	def := string(b)
	for _, want := range []string{`"url":"https://twilio-app-5678-prod.twil.io/voice/greet"`, `"value":"https://twilio-app-5678-prod.twil.io/hours.json"`,
		`"workflow":"` + outs["workflowSid"] + `"`} {
		if !strings.Contains(def, want) {
			t.Errorf("the deployed definition lacks %s:\n%s", want, def)
		}
	}
	if strings.Contains(def, "-dev.twil.io") || strings.Contains(def, "WW00000000000000000000000000000dev") {
		t.Errorf("a dev value reached prod:\n%s", def)
	}
	if flow.Fields["valid"] != true {
		t.Errorf("the deployed flow is not valid: %v", flow.Fields["errors"])
	}
}

// TestPulumiCLIStudioFromDev takes the flow as it is in the dev account
// (twilio:studio/v2:getFlow through a provider of dev's credentials) and
// deploys it, promoted, into the stack's own account: the original
// package's "definition from another environment's flow".
func TestPulumiCLIStudioFromDev(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Pulumi CLI")
	}
	t.Parallel()
	dev := emulator.Account{SID: "AC" + strings.Repeat("d", 32), AuthToken: strings.Repeat("e", 32)}
	env := emulatortest.New(t, func(o *emulator.Options) {
		o.Accounts = []emulator.Account{{SID: "AC" + strings.Repeat("a", 32), AuthToken: strings.Repeat("b", 32)}, dev}
	})
	def, err := os.ReadFile(filepath.Join("testdata", "studio-promote", "flows", "ivr.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(def, &d); err != nil {
		t.Fatal(err)
	}
	devFlow, err := env.RestClientFor(dev.SID, dev.AuthToken).StudioV2.CreateFlow(
		(&studio.CreateFlowParams{}).SetFriendlyName("Owl Support IVR").SetStatus("published").SetDefinition(d))
	if err != nil {
		t.Fatal(err)
	}
	pulumi := cliProgram(t, env, "studio-from-dev")
	pulumi("stack", "init", "prod")
	pulumi("config", "set", "devAccountSid", dev.SID)
	pulumi("config", "set", "--secret", "devAuthToken", dev.AuthToken)
	pulumi("config", "set", "devFlowSid", *devFlow.Sid)
	pulumi("config", "set", "functionsDomain", "twilio-app-5678-prod.twil.io")
	pulumi("up", "--yes", "--non-interactive")

	var prod []emulator.Object
	for _, o := range env.Server.Inventory(env.AccountSID) {
		if o.Token == "studio/v2:Flow" {
			prod = append(prod, o)
		}
	}
	if len(prod) != 1 {
		t.Fatalf("prod holds %d flows; want 1", len(prod))
	}
	b, _ := json.Marshal(prod[0].Fields["definition"])
	if !strings.Contains(string(b), `"url":"https://twilio-app-5678-prod.twil.io/voice/greet"`) || strings.Contains(string(b), "-dev.twil.io") {
		t.Errorf("prod's definition was not promoted from dev's:\n%s", b)
	}
	if inv := env.Server.Inventory(dev.SID); len(inv) != 1 || inv[0].SID != *devFlow.Sid || fmt.Sprint(inv[0].Fields["revision"]) != "1" {
		t.Errorf("dev account after the up: %+v; want its one flow, at revision 1", inv)
	}
}
