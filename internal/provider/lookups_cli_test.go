package provider

import (
	"encoding/json"
	"strings"
	"testing"

	api2010 "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
)

// TestPulumiCLILookups runs a YAML program whose worker, queue and number
// come from lookups (fn::invoke) through the real CLI against the
// emulator: the workspace's built-in "Available" and "Offline" activities
// by name, a number by its E.164 string, the account itself. It checks
// what the emulator holds and counts the lookups' requests.
func TestPulumiCLILookups(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Pulumi CLI")
	}
	t.Parallel()
	env := emulatortest.New(t)
	const number = "+15005550006"
	// A second number that the partial PhoneNumber filter also matches:
	// only the exact one may be taken.
	for _, n := range []string{number, "+150055500061"} {
		params := &api2010.CreateIncomingPhoneNumberParams{}
		params.SetPhoneNumber(n).SetSmsUrl("https://console.example.com/sms")
		if _, err := env.RestClient().Api.CreateIncomingPhoneNumber(params); err != nil {
			t.Fatal(err)
		}
	}
	pulumi := cliProgram(t, env, "lookups")
	pulumi("stack", "init", "dev")
	pulumi("config", "set", "phoneNumber", number)

	// Preview runs the lookups whose arguments are known (they only
	// read: the account, the number by E.164 and by SID) and writes
	// nothing; the activities' workspace does not exist yet.
	env.Server.ResetRequests()
	pulumi("preview", "--non-interactive")
	pre := env.Server.Requests()
	if w := writes(pre); len(w) != 0 {
		t.Fatalf("preview wrote:\n%s", summarize(w))
	}
	if got := lookupRequests(pre); len(pre) != 3 || got["account"] != 1 || got["numbers?PhoneNumber"] != 1 || got["number"] != 1 {
		t.Errorf("preview: %d requests (%v), want the 3 lookups with known arguments:\n%s", len(pre), got, summarize(pre))
	}

	env.Server.ResetRequests()
	pulumi("up", "--yes", "--non-interactive", "--skip-preview")
	reqs := env.Server.Requests()
	var outs map[string]any
	if err := json.Unmarshal([]byte(pulumi("stack", "output", "--json", "--show-secrets")), &outs); err != nil {
		t.Fatal(err)
	}

	acts := map[string]emulator.Object{}
	var worker, queue, num emulator.Object
	for _, o := range env.Server.Inventory(env.AccountSID) {
		switch o.Token {
		case "taskrouter/v1:WorkspaceActivity":
			acts[o.Fields["friendly_name"].(string)] = o
		case "taskrouter/v1:WorkspaceWorker":
			worker = o
		case "taskrouter/v1:WorkspaceTaskQueue":
			queue = o
		case "api/v2010:IncomingPhoneNumber":
			if o.Fields["phone_number"] == number {
				num = o
			}
		}
	}
	if len(acts) != 3 || acts["Available"].Fields["available"] != true || acts["Offline"].Fields["available"] != false {
		t.Fatalf("workspace activities: %+v", acts)
	}
	if worker.Fields["activity_sid"] != acts["Available"].SID || outs["availableSid"] != acts["Available"].SID || outs["availableFlag"] != true {
		t.Errorf("worker activity %v, lookup %v, want Available %s", worker.Fields["activity_sid"], outs["availableSid"], acts["Available"].SID)
	}
	if queue.Fields["assignment_activity_sid"] != acts["Offline"].SID || outs["offlineSid"] != acts["Offline"].SID {
		t.Errorf("queue assignment activity %v, want Offline %s", queue.Fields["assignment_activity_sid"], acts["Offline"].SID)
	}
	if num.Fields["sms_url"] != "https://hooks.example.com/sms" || outs["numberSid"] != num.SID || outs["sameNumber"] != number {
		t.Errorf("number %s: sms %v; lookup %v %v", num.SID, num.Fields["sms_url"], outs["numberSid"], outs["sameNumber"])
	}
	if outs["accountSid"] != env.AccountSID || outs["accountStatus"] != "active" || outs["authToken"] == nil {
		t.Errorf("account lookup: %v %v", outs["accountSid"], outs["accountStatus"])
	}
	var names []string
	items, _ := outs["unavailable"].([]any)
	for _, it := range items {
		names = append(names, it.(map[string]any)["friendlyName"].(string))
	}
	if strings.Join(names, ",") != "Offline,Unavailable" {
		t.Errorf("listWorkspaceActivities(available=false): %v", names)
	}

	// Request cost: each lookup is one GET, and the up runs each once.
	// The number's instance is read twice: by the getIncomingPhoneNumber
	// by SID and by the AdoptedResource, which records the number's own
	// settings to put back on destroy.
	counts := lookupRequests(reqs)
	want := map[string]int{"account": 1, "activities?FriendlyName": 2, "activities?Available": 1, "numbers?PhoneNumber": 1, "number": 2}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("up: %d %s requests, want %d (%v)", counts[k], k, n, counts)
		}
	}

	// A no-op up repeats the lookups (the engine does not record them)
	// and writes nothing.
	env.Server.ResetRequests()
	pulumi("up", "--yes", "--non-interactive", "--skip-preview")
	again := env.Server.Requests()
	if w := writes(again); len(w) != 0 {
		t.Errorf("no-op up wrote:\n%s", summarize(w))
	}
	if got := lookupRequests(again); len(again) != 6 || got["activities?FriendlyName"] != 2 {
		t.Errorf("no-op up: %d requests (%v), want the 6 lookups:\n%s", len(again), got, summarize(again))
	}
	pulumi("destroy", "--yes", "--non-interactive", "--skip-preview")
}

// lookupRequests classifies the GETs the lookups send.
func lookupRequests(reqs []emulator.Request) map[string]int {
	out := map[string]int{}
	for _, r := range reqs {
		if r.Method != "GET" {
			continue
		}
		switch {
		case strings.HasSuffix(r.Path, "/Activities") && r.Params.Get("FriendlyName") != "":
			out["activities?FriendlyName"]++
		case strings.HasSuffix(r.Path, "/Activities") && r.Params.Get("Available") != "":
			out["activities?Available"]++
		case strings.HasSuffix(r.Path, "/IncomingPhoneNumbers.json") && r.Params.Get("PhoneNumber") != "":
			out["numbers?PhoneNumber"]++
		case strings.Contains(r.Path, "/IncomingPhoneNumbers/PN"):
			out["number"]++
		case strings.HasPrefix(r.Path, "/2010-04-01/Accounts/") && strings.Count(r.Path, "/") == 3:
			out["account"]++
		default:
			out["other "+r.Path]++
		}
	}
	return out
}
