package provider

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	api2010 "github.com/twilio/twilio-go/rest/api/v2010"
	syncv1 "github.com/twilio/twilio-go/rest/sync/v1"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

// inventory counts the emulator's resources by catalog token.
func inventory(env *emulatortest.Env) (map[string]int, map[string]emulator.Object) {
	counts := map[string]int{}
	byToken := map[string]emulator.Object{}
	for _, o := range env.Server.Inventory(env.AccountSID) {
		counts[o.Token]++
		byToken[o.Token] = o
	}
	return counts, byToken
}

func writes(reqs []emulator.Request) []emulator.Request {
	var out []emulator.Request
	for _, r := range reqs {
		if r.Method != "GET" {
			out = append(out, r)
		}
	}
	return out
}

// TestPulumiCLI runs the real Pulumi CLI, YAML language host and plugin on
// a program with Sync, TaskRouter, Studio and an adopted phone number:
// preview, up, a no-op up, an update, a replacement and a destroy, checking
// the emulator's inventory and request log at each step. It needs
// bin/pulumi, bin/pulumi-language-yaml and a fresh bin/pulumi-resource-twilio
// (go build -o bin/pulumi-resource-twilio ./cmd/pulumi-resource-twilio).
func TestPulumiCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Pulumi CLI")
	}
	t.Parallel()
	env := emulatortest.New(t)

	// A number bought in the Console, with its own webhooks.
	const number = "+15005550006"
	numParams := &api2010.CreateIncomingPhoneNumberParams{}
	numParams.SetPhoneNumber(number).SetSmsUrl("https://console.example.com/sms").SetVoiceUrl("https://console.example.com/voice")
	pn, err := env.RestClient().Api.CreateIncomingPhoneNumber(numParams)
	if err != nil {
		t.Fatal(err)
	}

	pulumi := cliProgram(t, env, "program")
	pulumi("stack", "init", "dev")
	pulumi("config", "set", "phoneNumber", number)

	// Preview: not one request but the IVR flow's Flow Validate.
	pulumi("preview", "--non-interactive")
	if checks, rest := preflightRequests(env.Server.Requests()[1:]); checks != 1 || len(rest) != 0 { // [0]: the number's creation above
		t.Fatalf("preview sent %d Flow Validate requests (want 1) and:\n%s", checks, summarize(rest))
	}

	env.Server.ResetRequests()
	pulumi("up", "--yes", "--non-interactive", "--skip-preview")
	counts, objs := inventory(env)
	want := map[string]int{
		"sync/v1:Service": 1, "sync/v1:ServiceSyncMap": 1, "taskrouter/v1:Workspace": 1,
		"taskrouter/v1:WorkspaceTaskQueue": 2, "taskrouter/v1:WorkspaceWorkflow": 1, "studio/v2:Flow": 1,
		"api/v2010:IncomingPhoneNumber": 1,
	}
	for tok, n := range want {
		if counts[tok] != n {
			t.Errorf("after up: %d %s, want %d (inventory %v)", counts[tok], tok, n, counts)
		}
	}
	num := objs["api/v2010:IncomingPhoneNumber"]
	if num.Fields["sms_url"] != "https://hooks.example.com/sms" || num.Fields["voice_url"] != "https://hooks.example.com/voice" {
		t.Errorf("adopted number not configured: %v %v", num.Fields["sms_url"], num.Fields["voice_url"])
	}
	var outs map[string]any
	if err := json.Unmarshal([]byte(pulumi("stack", "output", "--json")), &outs); err != nil {
		t.Fatal(err)
	}
	cfg, _ := objs["taskrouter/v1:WorkspaceWorkflow"].Fields["configuration"].(string)
	for _, tok := range []string{"sync/v1:Service", "sync/v1:ServiceSyncMap", "studio/v2:Flow"} {
		if objs[tok].SID == "" {
			t.Errorf("%s has no SID", tok)
		}
	}
	queues := 0
	for _, o := range env.Server.Inventory(env.AccountSID) {
		if o.Token == "taskrouter/v1:WorkspaceTaskQueue" && strings.Contains(cfg, o.SID) {
			queues++
		}
	}
	if queues != 2 {
		t.Errorf("workflow configuration references %d of the 2 queues: %s", queues, cfg)
	}
	// One request per created resource (the number: one lookup, one update).
	if got := writes(env.Server.Requests()); len(got) != 8 {
		t.Errorf("up sent %d writes, want 8 (7 creates, 1 number update):\n%s", len(got), summarize(got))
	}
	serviceSid, mapSid := outs["serviceSid"], outs["mapSid"]

	// No change: no writes, no reads.
	env.Server.ResetRequests()
	pulumi("up", "--yes", "--non-interactive", "--skip-preview")
	if got := env.Server.Requests(); len(got) != 0 {
		t.Errorf("no-op up sent:\n%s", summarize(got))
	}

	// An updatable property: one POST, same SID.
	pulumi("config", "set", "serviceName", "Orders EU")
	env.Server.ResetRequests()
	pulumi("up", "--yes", "--non-interactive", "--skip-preview")
	got := env.Server.Requests()
	if len(got) != 1 || got[0].Params.Get("FriendlyName") != "Orders EU" || len(got[0].Params) != 1 {
		t.Errorf("update sent:\n%s", summarize(got))
	}
	_, objs = inventory(env)
	if objs["sync/v1:Service"].SID != serviceSid || objs["sync/v1:Service"].Fields["friendly_name"] != "Orders EU" {
		t.Errorf("service after update: %+v", objs["sync/v1:Service"])
	}

	// Refresh without drift changes nothing; drift made in the Console is
	// found by refresh and put back by the next up with one request.
	env.Server.ResetRequests()
	pulumi("refresh", "--yes", "--non-interactive", "--skip-preview")
	if got := writes(env.Server.Requests()); len(got) != 0 {
		t.Errorf("refresh wrote:\n%s", summarize(got))
	}
	pulumi("preview", "--non-interactive", "--expect-no-changes")
	drift := &syncv1.UpdateServiceParams{}
	drift.SetFriendlyName("renamed in console")
	if _, err := env.RestClient().SyncV1.UpdateService(serviceSid.(string), drift); err != nil {
		t.Fatal(err)
	}
	pulumi("refresh", "--yes", "--non-interactive", "--skip-preview")
	env.Server.ResetRequests()
	pulumi("up", "--yes", "--non-interactive", "--skip-preview")
	if got := env.Server.Requests(); len(got) != 1 || got[0].Params.Get("FriendlyName") != "Orders EU" {
		t.Errorf("up after drift sent:\n%s", summarize(got))
	}

	// An immutable property: the map is replaced.
	pulumi("config", "set", "mapName", "basket")
	out := pulumi("up", "--yes", "--non-interactive", "--skip-preview")
	counts, objs = inventory(env)
	if counts["sync/v1:ServiceSyncMap"] != 1 || objs["sync/v1:ServiceSyncMap"].SID == mapSid || objs["sync/v1:ServiceSyncMap"].Fields["unique_name"] != "basket" {
		t.Errorf("map after replace: %d maps, %+v\n%s", counts["sync/v1:ServiceSyncMap"], objs["sync/v1:ServiceSyncMap"], out)
	}
	if !strings.Contains(out, "replaced") || !strings.Contains(out, "changing uniqueName replaces the resource: Twilio's update does not take UniqueName") {
		t.Errorf("up output does not report the replacement and its reason:\n%s", out)
	}

	// Destroy: everything goes except the number, which gets its own
	// webhooks back.
	pulumi("destroy", "--yes", "--non-interactive", "--skip-preview")
	counts, objs = inventory(env)
	if len(counts) != 1 || counts["api/v2010:IncomingPhoneNumber"] != 1 {
		t.Errorf("after destroy: %v", counts)
	}
	num = objs["api/v2010:IncomingPhoneNumber"]
	if num.SID != *pn.Sid || num.Fields["sms_url"] != "https://console.example.com/sms" || num.Fields["voice_url"] != "https://console.example.com/voice" {
		t.Errorf("number after destroy: %s sms %v voice %v", num.SID, num.Fields["sms_url"], num.Fields["voice_url"])
	}
}

// TestPulumiCLISubaccount creates a sub-account and, through an explicit
// provider configured from its outputs (unknown at preview), a Sync service
// inside it; destroy closes the sub-account.
func TestPulumiCLISubaccount(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Pulumi CLI")
	}
	t.Parallel()
	env := emulatortest.New(t)
	pulumi := cliProgram(t, env, "subaccount")
	pulumi("stack", "init", "dev")
	pulumi("preview", "--non-interactive")
	if got := env.Server.Requests(); len(got) != 0 {
		t.Fatalf("preview sent:\n%s", summarize(got))
	}
	pulumi("up", "--yes", "--non-interactive", "--skip-preview")
	var outs map[string]any
	if err := json.Unmarshal([]byte(pulumi("stack", "output", "--json")), &outs); err != nil {
		t.Fatal(err)
	}
	if outs["token"] != "[secret]" {
		t.Errorf("authToken output is not a secret: %v", outs["token"])
	}
	sub, _ := outs["subaccountSid"].(string)
	inv := env.Server.Inventory(sub)
	if len(inv) != 1 || inv[0].Token != "sync/v1:Service" || inv[0].SID != outs["serviceSid"] {
		t.Fatalf("sub-account inventory: %+v", inv)
	}
	for _, o := range env.Server.Inventory(env.AccountSID) {
		if o.Token == "sync/v1:Service" {
			t.Errorf("the service landed in the parent account")
		}
	}
	pulumi("destroy", "--yes", "--non-interactive", "--skip-preview")
	acct, err := env.RestClient().Api.FetchAccount(sub)
	if err != nil || acct.Status == nil || *acct.Status != "closed" {
		t.Errorf("sub-account after destroy: %v %+v", err, acct)
	}
}

// cliProgram copies testdata/<name> (its Pulumi.yaml and the files it reads) into a temp folder and
// returns a runner of bin/pulumi there, against env's account.
func cliProgram(t *testing.T, env *emulatortest.Env, name string) func(args ...string) string {
	t.Helper()
	run, _ := cliPrograms(t, env, name)
	return run
}

// cliPrograms is cliProgram with, beside it, a runner that returns the
// CLI's failure instead of failing the test.
func cliPrograms(t *testing.T, env *emulatortest.Env, name string) (run func(args ...string) string, try func(args ...string) (string, error)) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", name))); err != nil {
		t.Fatal(err)
	}
	penv := testenv.PulumiEnv(t,
		"TWILIO_ACCOUNT_SID="+env.AccountSID, "TWILIO_AUTH_TOKEN="+env.AuthToken, "TWILIO_API_URL="+env.URL)
	return func(args ...string) string { return testenv.Pulumi(t, dir, penv, args...) },
		func(args ...string) (string, error) { return testenv.TryPulumi(t, dir, penv, args...) }
}
