package emulator_test

import (
	"fmt"
	"maps"
	"testing"

	api "github.com/twilio/twilio-go/rest/api/v2010"
	taskrouter "github.com/twilio/twilio-go/rest/taskrouter/v1"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
)

// TestWorkspaceDefaultActivities: a new workspace holds Twilio's three
// activities, Offline being its default and timeout activity, and its
// activity list filters by friendly name and availability; a deleted
// workspace takes them with it.
func TestWorkspaceDefaultActivities(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	c := env.RestClient().TaskrouterV1
	ws, err := c.CreateWorkspace((&taskrouter.CreateWorkspaceParams{}).SetFriendlyName("desk"))
	if err != nil {
		t.Fatal(err)
	}
	all, err := c.ListActivity(*ws.Sid, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	sids := map[string]string{}
	for _, a := range all {
		got[*a.FriendlyName] = *a.Available
		sids[*a.FriendlyName] = *a.Sid
	}
	if len(all) != 3 || got["Offline"] || !got["Available"] || got["Unavailable"] {
		t.Fatalf("activities: %v", got)
	}
	if *ws.DefaultActivitySid != sids["Offline"] || *ws.TimeoutActivitySid != sids["Offline"] || *ws.DefaultActivityName != "Offline" {
		t.Errorf("workspace default %s, timeout %s, want Offline %s", *ws.DefaultActivitySid, *ws.TimeoutActivitySid, sids["Offline"])
	}
	for _, tc := range []struct {
		params *taskrouter.ListActivityParams
		want   int
	}{
		{(&taskrouter.ListActivityParams{}).SetFriendlyName("Available"), 1},
		{(&taskrouter.ListActivityParams{}).SetFriendlyName("Lunch"), 0},
		{(&taskrouter.ListActivityParams{}).SetAvailable("false"), 2},
		{(&taskrouter.ListActivityParams{}).SetAvailable("true"), 1},
	} {
		got, err := c.ListActivity(*ws.Sid, tc.params)
		if err != nil || len(got) != tc.want {
			t.Errorf("list %+v: %d, want %d (%v)", tc.params, len(got), tc.want, err)
		}
	}
	if err := c.DeleteWorkspace(*ws.Sid); err != nil {
		t.Fatal(err)
	}
	for _, o := range env.Server.Inventory(env.AccountSID) {
		t.Errorf("left after the workspace's delete: %s %s", o.Token, o.SID)
	}
}

// TestPhoneNumberFilter: IncomingPhoneNumbers' PhoneNumber filter takes a
// part of a number, with * for any digit, as Twilio documents.
func TestPhoneNumberFilter(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	c := env.RestClient().Api
	for _, n := range []string{"+15005550006", "+15005550007", "+14155550100"} {
		if _, err := c.CreateIncomingPhoneNumber((&api.CreateIncomingPhoneNumberParams{}).SetPhoneNumber(n)); err != nil {
			t.Fatal(err)
		}
	}
	for filter, want := range map[string]int{
		"+15005550006": 1, "5550006": 1, "555000*": 2, "+1500555000*": 2, "555": 3, "+16": 0, "*****0100": 1,
	} {
		got, err := c.ListIncomingPhoneNumber((&api.ListIncomingPhoneNumberParams{}).SetPhoneNumber(filter))
		if err != nil || len(got) != want {
			t.Errorf("PhoneNumber=%s: %d numbers, want %d (%v)", filter, len(got), want, err)
		}
	}
}

// TestBuiltinInInventory: the inventory marks a workspace's default
// activities as Twilio's own, and only them.
func TestBuiltinInInventory(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	c := env.RestClient().TaskrouterV1
	ws, err := c.CreateWorkspace((&taskrouter.CreateWorkspaceParams{}).SetFriendlyName("desk"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateActivity(*ws.Sid, (&taskrouter.CreateActivityParams{}).SetFriendlyName("Lunch")); err != nil {
		t.Fatal(err)
	}
	builtin := map[string]bool{}
	for _, o := range env.Server.Inventory(env.AccountSID) {
		if o.Token == "taskrouter/v1:WorkspaceActivity" || o.Builtin {
			builtin[fmt.Sprint(o.Fields["friendly_name"])] = o.Builtin
		}
	}
	want := map[string]bool{"Offline": true, "Available": true, "Unavailable": true, "Lunch": false}
	if !maps.Equal(builtin, want) {
		t.Errorf("builtin by name %v; want %v", builtin, want)
	}
}
