package provider

import (
	"context"
	"strings"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	api2010 "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
)

func pmap(kv map[string]any) property.Map {
	vals := map[string]property.Value{}
	for k, v := range kv {
		vals[k] = fromGo(v)
	}
	return property.NewMap(vals)
}

func TestSubaccount(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	s := configured(t, env)
	ctx := context.Background()
	sub := Subaccount{}
	urn := urnOf(SubaccountToken, "team")

	in := pmap(map[string]any{"friendlyName": "team-a"})
	created, err := sub.Create(ctx, s.api, p.CreateRequest{Urn: urn, Properties: in})
	if err != nil {
		t.Fatal(err)
	}
	sid, tok := created.Properties.Get("sid"), created.Properties.Get("authToken")
	if !strings.HasPrefix(created.ID, "AC") || sid.AsString() != created.ID || !tok.Secret() || tok.AsString() == "" {
		t.Fatalf("created %s: sid %v, token secret=%v", created.ID, sid, tok.Secret())
	}

	// A provider configured with the sub-account's own credentials manages
	// any product inside it.
	subVars := map[string]string{"TWILIO_ACCOUNT_SID": created.ID, "TWILIO_AUTH_TOKEN": tok.AsString(), "TWILIO_API_URL": env.URL}
	subSrv, err := newServer(Options{Resources: builtin(), Getenv: func(k string) string { return subVars[k] }})
	if err != nil {
		t.Fatal(err)
	}
	if err := subSrv.configure(ctx, p.ConfigureRequest{Args: property.NewMap(nil)}); err != nil {
		t.Fatal(err)
	}
	if _, err := createIn(t, subSrv, "twilio:sync/v1:Service", map[string]any{"friendlyName": "in-sub"}); err != nil {
		t.Fatalf("sync service in the sub-account: %v", err)
	}
	if inv := env.Server.Inventory(created.ID); len(inv) != 1 || inv[0].Token != "sync/v1:Service" {
		t.Errorf("sub-account inventory: %+v", inv)
	}

	// The parent's credentials with subaccountSid manage its 2010 resources,
	// and refuse other products with a message that says what to do.
	parentVars := envFor(env)
	parentVars["TWILIO_SUBACCOUNT_SID"] = created.ID
	parSrv, err := newServer(Options{Resources: builtin(), Getenv: func(k string) string { return parentVars[k] }})
	if err != nil {
		t.Fatal(err)
	}
	if err := parSrv.configure(ctx, p.ConfigureRequest{Args: property.NewMap(nil)}); err != nil {
		t.Fatal(err)
	}
	app, err := createIn(t, parSrv, "twilio:api/v2010:Application", map[string]any{"friendlyName": "ivr"})
	if err != nil {
		t.Fatalf("application via subaccountSid: %v", err)
	}
	if got := app.Properties.Get("accountSid"); !got.IsString() || got.AsString() != created.ID {
		t.Errorf("application account %v, want %s", got, created.ID)
	}
	if _, err := createIn(t, parSrv, "twilio:sync/v1:Service", map[string]any{}); err == nil || !strings.Contains(err.Error(), "own accountSid and authToken") {
		t.Errorf("sync via subaccountSid: %v", err)
	}

	// Rename, then close on delete.
	upd, err := sub.Update(ctx, s.api, p.UpdateRequest{ID: created.ID, Urn: urn, State: created.Properties, OldInputs: in, Inputs: pmap(map[string]any{"friendlyName": "team-b"})})
	if err != nil || upd.Properties.Get("friendlyName").AsString() != "team-b" || !upd.Properties.Get("authToken").Secret() {
		t.Fatalf("update: %v %v", err, upd.Properties)
	}
	if err := sub.Delete(ctx, s.api, p.DeleteRequest{ID: created.ID, Urn: urn, Properties: upd.Properties}); err != nil {
		t.Fatal(err)
	}
	acct, err := env.RestClient().Api.FetchAccount(created.ID)
	if err != nil || acct.Status == nil || *acct.Status != "closed" {
		t.Fatalf("after delete: %v %+v", err, acct)
	}
	if gone, err := sub.Read(ctx, s.api, p.ReadRequest{ID: created.ID, Urn: urn, Properties: upd.Properties}); err != nil || gone.ID != "" {
		t.Errorf("read of a closed sub-account: %v %q", err, gone.ID)
	}
}

// TestSubaccountStatus: status is active or suspended (closing is the
// delete); it differs when it asks for another status than the account
// has, and unset leaves the account's status alone.
func TestSubaccountStatus(t *testing.T) {
	t.Parallel()
	sub := Subaccount{}
	urn := urnOf(SubaccountToken, "team")
	for _, tc := range []struct {
		status string
		fail   bool
	}{{"active", false}, {"suspended", false}, {"closed", true}, {"paused", true}} {
		resp, err := sub.Check(context.Background(), p.CheckRequest{Urn: urn, Inputs: pmap(map[string]any{"status": tc.status})})
		if err != nil || (len(resp.Failures) > 0) != tc.fail {
			t.Errorf("check status %q: %v %v, want failure %v", tc.status, resp.Failures, err, tc.fail)
		}
	}
	for _, tc := range []struct {
		name       string
		old, new   map[string]any
		state      string
		wantChange bool
	}{
		{"suspend", map[string]any{}, map[string]any{"status": "suspended"}, "active", true},
		{"reactivate", map[string]any{"status": "suspended"}, map[string]any{"status": "active"}, "suspended", true},
		{"same", map[string]any{"status": "suspended"}, map[string]any{"status": "suspended"}, "suspended", false},
		{"suspended by hand, unset", map[string]any{}, map[string]any{}, "suspended", false},
		{"suspended by hand, active asked", map[string]any{"status": "active"}, map[string]any{"status": "active"}, "suspended", true},
		{"unset after suspended", map[string]any{"status": "suspended"}, map[string]any{}, "suspended", false},
	} {
		resp, err := sub.Diff(context.Background(), p.DiffRequest{Urn: urn, ID: "AC1", OldInputs: pmap(tc.old), Inputs: pmap(tc.new),
			State: pmap(map[string]any{"status": tc.state})})
		if err != nil || resp.HasChanges != tc.wantChange {
			t.Errorf("%s: %+v %v, want changes %v", tc.name, resp, err, tc.wantChange)
		}
	}
}

func TestAdoptedResource(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	s := configured(t, env)
	ctx := context.Background()
	a := s.resources[AdoptToken]
	urn := urnOf(AdoptToken, "num")

	params := &api2010.CreateIncomingPhoneNumberParams{}
	params.SetPhoneNumber("+15005550006").SetSmsUrl("https://console.example.com/sms").SetFriendlyName("bought in console")
	pn, err := env.RestClient().Api.CreateIncomingPhoneNumber(params)
	if err != nil {
		t.Fatal(err)
	}
	fields := func() map[string]any {
		o, ok := env.Server.Get("/2010-04-01/Accounts/" + env.AccountSID + "/IncomingPhoneNumbers/" + *pn.Sid + ".json")
		if !ok {
			t.Fatal("the number is gone")
		}
		return o.Fields
	}

	// Check refuses what cannot be adopted.
	for name, in := range map[string]map[string]any{
		"create-only setting": {"resourceType": "twilio:api/v2010:IncomingPhoneNumber", "sid": *pn.Sid, "settings": map[string]any{"phoneNumber": "+1"}},
		"unknown setting":     {"resourceType": "twilio:api/v2010:IncomingPhoneNumber", "sid": *pn.Sid, "settings": map[string]any{"bogus": "x"}},
		"no sid nor lookup":   {"resourceType": "twilio:api/v2010:IncomingPhoneNumber", "settings": map[string]any{}},
		"unknown type":        {"resourceType": "twilio:nope:Thing", "sid": "x", "settings": map[string]any{}},
	} {
		chk, err := a.Check(ctx, p.CheckRequest{Urn: urn, Inputs: pmap(in)})
		if err != nil || len(chk.Failures) == 0 {
			t.Errorf("check %s: %v, no failure", name, err)
		}
	}
	// A settings object is a resource of its own; an excluded type says
	// why it is not offered.
	for name, tc := range map[string]struct {
		in   map[string]any
		want string
	}{
		"settings type": {map[string]any{"resourceType": "twilio:conversations/v1:Configuration", "sid": "x", "settings": map[string]any{}},
			"is a settings object: declare it as a resource of type twilio:conversations/v1:Configuration"},
		"excluded type": {map[string]any{"resourceType": "twilio:api/v2010:Conference", "sid": "CF1", "settings": map[string]any{}},
			"is not offered (runtime: a live conference"},
	} {
		chk, err := a.Check(ctx, p.CheckRequest{Urn: urn, Inputs: pmap(tc.in)})
		if err != nil || len(chk.Failures) != 1 || !strings.Contains(chk.Failures[0].Reason, tc.want) {
			t.Errorf("check %s: %v %+v, want a failure saying %q", name, err, chk.Failures, tc.want)
		}
	}

	in := pmap(map[string]any{
		"resourceType": "twilio:api/v2010:IncomingPhoneNumber",
		"lookup":       map[string]any{"phoneNumber": "+15005550006"},
		"settings":     map[string]any{"smsUrl": "https://hooks.example.com/sms", "voiceUrl": "https://hooks.example.com/voice"},
	})
	if chk, err := a.Check(ctx, p.CheckRequest{Urn: urn, Inputs: in}); err != nil || len(chk.Failures) > 0 {
		t.Fatalf("check: %v %v", err, chk.Failures)
	}
	n := len(env.Server.Requests())
	created, err := a.Create(ctx, s.api, p.CreateRequest{Urn: urn, Properties: in})
	if err != nil {
		t.Fatal(err)
	}
	if got := requestsSince(env, n); len(got) != 2 || got[0].Method != "GET" || got[1].Method != "POST" {
		t.Errorf("adopt by lookup: want GET (list) + POST, got:\n%s", summarize(got))
	}
	if f := fields(); f["sms_url"] != "https://hooks.example.com/sms" || f["voice_url"] != "https://hooks.example.com/voice" {
		t.Fatalf("after adopt: %v %v", f["sms_url"], f["voice_url"])
	}
	prev := created.Properties.Get("previous").AsMap()
	if prev.Get("smsUrl").AsString() != "https://console.example.com/sms" || prev.Get("voiceUrl").AsString() != "" {
		t.Errorf("previous = %v", prev)
	}

	// Update: change voiceUrl, drop smsUrl (restored), add friendlyName.
	in2 := in.Set("settings", property.New(pmap(map[string]any{"voiceUrl": "https://hooks.example.com/v2", "friendlyName": "support line"})))
	upd, err := a.Update(ctx, s.api, p.UpdateRequest{ID: created.ID, Urn: urn, State: created.Properties, OldInputs: in, Inputs: in2})
	if err != nil {
		t.Fatal(err)
	}
	f := fields()
	if f["sms_url"] != "https://console.example.com/sms" || f["voice_url"] != "https://hooks.example.com/v2" || f["friendly_name"] != "support line" {
		t.Errorf("after update: sms %v voice %v name %v", f["sms_url"], f["voice_url"], f["friendly_name"])
	}

	// Refresh sees drift in an adopted field.
	drift := &api2010.UpdateIncomingPhoneNumberParams{}
	drift.SetVoiceUrl("https://elsewhere.example.com/")
	if _, err := env.RestClient().Api.UpdateIncomingPhoneNumber(*pn.Sid, drift); err != nil {
		t.Fatal(err)
	}
	read, err := a.Read(ctx, s.api, p.ReadRequest{ID: created.ID, Urn: urn, Properties: upd.Properties, Inputs: in2})
	if err != nil {
		t.Fatal(err)
	}
	d, err := a.Diff(ctx, p.DiffRequest{ID: created.ID, Urn: urn, State: read.Properties, OldInputs: read.Inputs, Inputs: in2})
	if err != nil || !d.HasChanges || d.DetailedDiff["settings.voiceUrl"].Kind != p.Update {
		t.Errorf("diff after drift: %v %+v", err, d)
	}

	// Delete puts back what was there and never releases the number.
	if err := a.Delete(ctx, s.api, p.DeleteRequest{ID: created.ID, Urn: urn, Properties: upd.Properties}); err != nil {
		t.Fatal(err)
	}
	f = fields()
	if f["sms_url"] != "https://console.example.com/sms" || f["voice_url"] != "" || f["friendly_name"] != "bought in console" {
		t.Errorf("after delete: sms %v voice %v name %v", f["sms_url"], f["voice_url"], f["friendly_name"])
	}
}
