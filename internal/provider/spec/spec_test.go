package spec

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
)

func model(t *testing.T) *Model {
	t.Helper()
	m, err := Build(catalog.MustLoad())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestPropertyName(t *testing.T) {
	t.Parallel()
	if got := PropertyName("id"); got != "twilioId" {
		t.Errorf(`PropertyName("id") = %q`, got)
	}
}

func TestSensitive(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"auth_token": true, "secondary_auth_token": true, "secret": true, "Secret": true,
		"Password": true, "SipAuthPassword": true, "PrivateKey": true, "ApiKey": true,
		"Credentials": true, "Binding.Secret": true, "refresh_token": true,
		"key": false, "Key": false, "credential_sid": false, "token_type": false,
		"include_credentials": false, "EnableSnaClientToken": false, "friendly_name": false,
		"PublicKey": false, "api_key_sid": false,
	} {
		if got := Sensitive(name); got != want {
			t.Errorf("Sensitive(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestCoverage is the guard the issue asks for: every managed catalog
// resource (createable, or fetched and updated but not created) is either
// offered or excluded with a reason, and every exclusion names a managed
// resource that exists. A createable one is offered as Owned, the others as
// Settings. Resources Twilio can neither create nor update (usage records,
// call logs, pricing, available numbers...) are read-only: no program
// configures them, so they are outside this guard and not offered as
// resources or lookups.
func TestCoverage(t *testing.T) {
	t.Parallel()
	c := catalog.MustLoad()
	m := model(t)
	managed := map[string]bool{}
	kinds := map[Kind]int{}
	for _, r := range c.Resources {
		if !Managed(r) {
			if _, excluded := Excluded[r.Token()]; excluded {
				t.Errorf("Excluded[%q]: a read-only resource needs no exclusion; remove it", r.Token())
			}
			continue
		}
		managed[r.Token()] = true
		_, excluded := Excluded[r.Token()]
		offered := m.Resource(Package + ":" + r.Token())
		if excluded == (offered != nil) {
			t.Errorf("%s: offered=%v excluded=%v; offer it or add it to Excluded with a reason", r.Token(), offered != nil, excluded)
		}
		if offered == nil {
			continue
		}
		kinds[offered.Kind]++
		if want := map[bool]Kind{true: Owned, false: Settings}[r.Createable()]; offered.Kind != want {
			t.Errorf("%s: kind %v, want %v", r.Token(), offered.Kind, want)
		}
	}
	for tok, reason := range Excluded {
		if !managed[tok] {
			t.Errorf("Excluded[%q] is not a managed catalog resource; remove it", tok)
		}
		if strings.TrimSpace(reason) == "" {
			t.Errorf("Excluded[%q] has no reason", tok)
		}
	}
	if kinds[Owned] < 140 || kinds[Settings] < 15 {
		t.Errorf("only %d owned and %d settings resource types", kinds[Owned], kinds[Settings])
	}
	t.Logf("offered: %d owned, %d settings; excluded: %d", kinds[Owned], kinds[Settings], len(Excluded))
}

func TestModelSyncMap(t *testing.T) {
	t.Parallel()
	r := model(t).Resource("twilio:sync/v1:ServiceSyncMap")
	if r == nil {
		t.Fatal("no ServiceSyncMap")
	}
	type row struct {
		Name, Param, In      string
		Required, CreateOnly bool
		Field                string
	}
	var got []row
	for _, in := range r.Inputs {
		got = append(got, row{in.Name, in.Param, in.In, in.Required, in.CreateOnly, in.Field})
	}
	want := []row{
		{"serviceSid", "ServiceSid", "path", true, true, "service_sid"},
		{"collectionTtl", "CollectionTtl", "body", false, false, ""},
		{"ttl", "Ttl", "body", false, false, ""},
		{"uniqueName", "UniqueName", "body", false, true, "unique_name"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("inputs (-want +got):\n%s", d)
	}
	if r.IDFormat() != "{serviceSid}/{sid}" {
		t.Errorf("IDFormat = %s", r.IDFormat())
	}
}

func TestIDs(t *testing.T) {
	t.Parallel()
	m := model(t)
	for _, tc := range []struct {
		token, id string
		want      map[string]string
		err       bool
	}{
		{"twilio:sync/v1:Service", "IS1", map[string]string{"Sid": "IS1"}, false},
		{"twilio:sync/v1:ServiceSyncMapItem", "IS1/MP2/a%2Fb", map[string]string{"ServiceSid": "IS1", "MapSid": "MP2", "Key": "a/b"}, false},
		{"twilio:api/v2010:IncomingPhoneNumber", "PN1", map[string]string{"Sid": "PN1"}, false},
		{"twilio:api/v2010:IncomingPhoneNumber", "AC1/PN1", map[string]string{"AccountSid": "AC1", "Sid": "PN1"}, false},
		{"twilio:sync/v1:ServiceSyncMap", "MP1", nil, true},
		{"twilio:sync/v1:ServiceSyncMap", "IS1//", nil, true},
	} {
		t.Run(tc.token+" "+tc.id, func(t *testing.T) {
			t.Parallel()
			r := m.Resource(tc.token)
			got, err := r.ParseID(tc.id)
			if (err != nil) != tc.err {
				t.Fatalf("ParseID error = %v, want error %v", err, tc.err)
			}
			if d := cmp.Diff(tc.want, got); d != "" && !tc.err {
				t.Errorf("(-want +got):\n%s", d)
			}
			if tc.err {
				return
			}
			own := got[r.Catalog.IDParam()]
			if back := r.ID(got, own); back != strings.TrimPrefix(tc.id, "AC1/") {
				t.Errorf("ID round trip = %q", back)
			}
		})
	}
}

func TestDiff(t *testing.T) {
	t.Parallel()
	r := model(t).Resource("twilio:sync/v1:ServiceSyncMap")
	for _, tc := range []struct {
		name       string
		olds, news Values
		want       []Change
	}{
		{"same", Values{"ttl": 5.0, "serviceSid": "IS1"}, Values{"ttl": 5.0, "serviceSid": "IS1"}, nil},
		{"update", Values{"ttl": 5.0}, Values{"ttl": 6.0}, []Change{{Name: "ttl", Kind: "update"}}},
		{"add", Values{}, Values{"ttl": 6.0}, []Change{{Name: "ttl", Kind: "add"}}},
		{"create-only", Values{"uniqueName": "a"}, Values{"uniqueName": "b"},
			[]Change{{Name: "uniqueName", Kind: "update", Replace: true, Reason: "Twilio's update does not take UniqueName"}}},
		{"parent", Values{"serviceSid": "IS1"}, Values{"serviceSid": Unknown{}},
			[]Change{{Name: "serviceSid", Kind: "update", Replace: true, Reason: "serviceSid is the parent's SID in the URL"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if d := cmp.Diff(tc.want, r.Diff(tc.olds, tc.news)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestEncode(t *testing.T) {
	t.Parallel()
	m := model(t)
	flow := m.Resource("twilio:studio/v2:Flow")
	req, err := flow.Encode(false, Values{
		"friendlyName": "f", "status": "draft",
		"definition": map[string]any{"states": []any{}, "initial_state": "Trigger"},
	}, []string{"definition", "friendlyName", "status"})
	if err != nil {
		t.Fatal(err)
	}
	want := url.Values{"FriendlyName": {"f"}, "Status": {"draft"}, "Definition": {`{"initial_state":"Trigger","states":[]}`}}
	if d := cmp.Diff(want, req.Form); d != "" {
		t.Errorf("form (-want +got):\n%s", d)
	}
	role := m.Resource("twilio:conversations/v1:Role")
	req, err = role.Encode(false, Values{"permission": []any{"a", "b"}, "type": "service"}, []string{"permission"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(url.Values{"Permission": {"a", "b"}}, req.Form); d != "" {
		t.Errorf("array form (-want +got):\n%s", d)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	flow := model(t).Resource("twilio:studio/v2:Flow")
	// Types and enums are the provider's type check (internal/provider
	// check.go); this is what the schema's types cannot say.
	got := flow.Check(Values{"status": "live", "definition": Unknown{}, "bogus": 1.0})
	want := map[string]string{
		"friendlyName": `missing required property "friendlyName" (Twilio parameter FriendlyName)`,
		"bogus":        `twilio:studio/v2:Flow has no property "bogus"`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// A Microvisor secret's value is a credential under a plain name; its
// config twin's value is not.
func TestSecretParams(t *testing.T) {
	t.Parallel()
	m := model(t)
	for tok, want := range map[string]bool{
		"twilio:microvisor/v1:AccountSecret": true,
		"twilio:microvisor/v1:DeviceSecret":  true,
		"twilio:microvisor/v1:AccountConfig": false,
		"twilio:microvisor/v1:DeviceConfig":  false,
	} {
		r := m.Resource(tok)
		if r == nil {
			t.Errorf("%s is not offered", tok)
			continue
		}
		if in := r.Input("value"); in == nil || in.Secret != want {
			t.Errorf("%s value input = %+v, want Secret %v", tok, in, want)
		}
	}
	for tok := range secretParams {
		if m.Resource(Package+":"+tok) == nil {
			t.Errorf("secretParams[%q] names no offered resource", tok)
		}
	}
}
