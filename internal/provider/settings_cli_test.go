package provider

import (
	"encoding/json"
	"testing"

	conversations "github.com/twilio/twilio-go/rest/conversations/v1"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
)

// TestPulumiCLISettings deploys testdata/settings through the real CLI,
// plugins over gRPC and the emulator over HTTP: Conversations' account
// configuration and two services' configurations (the stack's own and one
// made by hand) are applied on up, an unchanged up writes nothing, a
// changed timer is one update, and destroy puts back the values read
// before the first up.
func TestPulumiCLISettings(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Pulumi CLI")
	}
	t.Parallel()
	env := emulatortest.New(t)
	client := env.RestClient().ConversationsV1
	params := &conversations.CreateServiceParams{}
	params.SetFriendlyName("made by hand")
	legacy, err := client.CreateService(params)
	if err != nil {
		t.Fatal(err)
	}
	type state struct {
		chatService, messagingService string
		inactive, closed              string // "" when unset (Twilio returns null)
		legacyReachable               bool
	}
	read := func() state {
		c, err := client.FetchConfiguration()
		if err != nil {
			t.Fatal(err)
		}
		l, err := client.FetchServiceConfiguration(*legacy.Sid)
		if err != nil {
			t.Fatal(err)
		}
		defer env.Server.ResetRequests() // the test's own reads are no step's
		str := func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		}
		return state{str(c.DefaultChatServiceSid), str(c.DefaultMessagingServiceSid), str(c.DefaultInactiveTimer),
			str(c.DefaultClosedTimer), l.ReachabilityEnabled != nil && *l.ReachabilityEnabled}
	}
	before := read()
	if before.chatService == "" || before.messagingService == "" || before.legacyReachable {
		t.Fatalf("emulator defaults: %+v", before)
	}

	pulumi := cliProgram(t, env, "settings")
	take := func(step string) emulator.Traffic {
		c := emulator.Tally(env.Server.Requests())
		t.Logf("%s: %s", step, c)
		if testing.Verbose() {
			t.Logf("%s", summarize(env.Server.Requests()))
		}
		env.Server.ResetRequests()
		return c
	}
	pulumi("stack", "init", "dev")
	pulumi("config", "set", "legacyServiceSid", *legacy.Sid)
	env.Server.ResetRequests()

	pulumi("preview", "--non-interactive")
	if c := take("preview"); c.Writes != 0 || c.Requests != 0 {
		t.Errorf("preview: %s, want no request (settings are read at create, not in preview)", c)
	}

	// up: the service (1 POST), and each settings object read once and
	// updated once.
	pulumi("up", "--yes", "--non-interactive", "--skip-preview")
	if c := take("up"); c.Writes != 4 || c.Requests != 7 {
		t.Errorf("up: %s, want 7 requests: 4 writes (the service, 3 settings updates) and 3 reads (the values to restore)", c)
	}
	var outs map[string]any
	if err := json.Unmarshal([]byte(pulumi("stack", "output", "--json")), &outs); err != nil {
		t.Fatal(err)
	}
	var support string
	for _, o := range env.Server.Inventory(env.AccountSID) {
		if o.Token == "conversations/v1:Service" && o.SID != *legacy.Sid {
			support = o.SID
		}
	}
	applied := read()
	want := state{chatService: support, messagingService: before.messagingService, inactive: "PT10M", closed: "PT1H", legacyReachable: true}
	if support == "" || applied != want {
		t.Errorf("after up: %+v, want %+v", applied, want)
	}
	if own, ok := env.Server.Get("conversations.twilio.com/v1/Services/" + support + "/Configuration"); !ok || own.Fields["reachability_enabled"] != true {
		t.Errorf("the stack's service configuration: %+v", own)
	}
	if outs["configurationId"] != env.AccountSID || outs["previousChatService"] != before.chatService {
		t.Errorf("outputs: ID %v (want the account SID), previous chat service %v (want %s)", outs["configurationId"], outs["previousChatService"], before.chatService)
	}
	if prev, _ := outs["legacyPrevious"].(map[string]any); len(prev) != 1 || prev["reachabilityEnabled"] != false {
		t.Errorf("legacy configuration's previous values: %v, want reachabilityEnabled false only", outs["legacyPrevious"])
	}

	pulumi("up", "--yes", "--non-interactive", "--skip-preview")
	if c := take("unchanged up"); c.Requests != 0 {
		t.Errorf("unchanged up: %s, want no request", c)
	}

	pulumi("config", "set", "inactiveTimer", "PT20M")
	pulumi("up", "--yes", "--non-interactive", "--skip-preview")
	var changed []emulator.Request
	changed = append(changed, env.Server.Requests()...)
	if c := take("changed timer"); c.Requests != 1 || c.Writes != 1 ||
		changed[0].Path != "/v1/Configuration" || changed[0].Params.Get("DefaultInactiveTimer") != "PT20M" || len(changed[0].Params) != 1 {
		t.Errorf("changed timer: %s, want one update of DefaultInactiveTimer:\n%s", c, summarize(changed))
	}
	if got := read(); got.inactive != "PT20M" || got.closed != "PT1H" {
		t.Errorf("after the change: %+v", got)
	}

	// destroy: the three settings restored (one update each) and the
	// stack's service deleted.
	pulumi("destroy", "--yes", "--non-interactive", "--skip-preview")
	if c := take("destroy"); c.Writes != 4 || c.Requests != 4 {
		t.Errorf("destroy: %s, want 4 writes: 3 restores and the service's DELETE", c)
	}
	if after := read(); after != before {
		t.Errorf("after destroy: %+v, want the values before the first up, %+v", after, before)
	}
}
