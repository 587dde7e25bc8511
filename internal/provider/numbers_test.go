package provider

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
	api2010 "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
)

// supportLine are a PhoneNumber's inputs: a search and a name.
func supportLine() map[string]any {
	return map[string]any{"country": "US", "areaCode": 510.0, "contains": "555**7*", "friendlyName": "Support line", "smsUrl": "https://hooks.example.com/sms"}
}

func inventoryCount(env *emulatortest.Env, token string) (n int) {
	for _, o := range env.Server.Inventory(env.AccountSID) {
		if o.Token == token {
			n++
		}
	}
	return n
}

// TestPhoneNumberLostPurchase: a purchase whose answer was lost is found
// by its name and not made again; one that never reached Twilio is made
// once.
func TestPhoneNumberLostPurchase(t *testing.T) {
	t.Parallel()
	for _, applied := range []bool{true, false} {
		env := emulatortest.New(t)
		s, _ := faultServer(t, env, dropFirstCreate(applied))
		created, err := createIn(t, s, PhoneNumberToken, supportLine())
		if err != nil {
			t.Fatalf("applied %v: %v", applied, err)
		}
		if n := inventoryCount(env, "api/v2010:IncomingPhoneNumber"); n != 1 || created.Properties.Get("phoneNumber").AsString() != "+15105550170" {
			t.Errorf("applied %v: %d numbers, bought %v; want the one", applied, n, created.Properties.Get("phoneNumber"))
		}
	}
}

// TestPhoneNumberRefusesANamedNumber: a number of the account already
// bearing the PhoneNumber's name (another resource's, or a purchase
// recorded nowhere) is neither taken nor doubled: the create fails after
// the name check, naming the number and the fixes.
func TestPhoneNumberRefusesANamedNumber(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	have, err := env.RestClient().Api.CreateIncomingPhoneNumber((&api2010.CreateIncomingPhoneNumberParams{}).
		SetPhoneNumber("+14155550123").SetFriendlyName("Support line"))
	if err != nil {
		t.Fatal(err)
	}
	s := configured(t, env)
	env.Server.ResetRequests()
	_, err = createIn(t, s, PhoneNumberToken, supportLine())
	if err == nil || !strings.Contains(err.Error(), "pulumi import "+PhoneNumberToken+" <name> "+*have.Sid) || !strings.Contains(err.Error(), "deleteBeforeReplace: true") {
		t.Fatalf("err = %v", err)
	}
	if reqs := env.Server.Requests(); len(reqs) != 1 || reqs[0].Method != http.MethodGet {
		t.Errorf("want the name check alone:\n%s", summarize(reqs))
	}
	if n := inventoryCount(env, "api/v2010:IncomingPhoneNumber"); n != 1 {
		t.Errorf("%d numbers, want the one there was", n)
	}
}

// TestPhoneNumberTakenSinceSearch: a number bought by someone else
// between the search and the purchase (21422) gives way to the next.
func TestPhoneNumberTakenSinceSearch(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	var once sync.Once
	s, _ := faultServer(t, env, func(next http.RoundTripper) http.RoundTripper {
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			taken := false
			if r.Method == http.MethodPost {
				once.Do(func() { taken = true })
			}
			if taken {
				return &http.Response{StatusCode: 400, Header: http.Header{"Content-Type": {"application/json"}}, Request: r,
					Body: io.NopCloser(strings.NewReader(`{"code":21422,"message":"PhoneNumber +15105550170 is not available","status":400}`))}, nil
			}
			return next.RoundTrip(r)
		})
	})
	created, err := createIn(t, s, PhoneNumberToken, supportLine())
	if err != nil {
		t.Fatal(err)
	}
	if got := created.Properties.Get("phoneNumber").AsString(); got != "+15105550171" {
		t.Errorf("bought %s, want the second match +15105550171", got)
	}
}

// TestPhoneNumberRefusedInPREnvironment: preview and create refuse in a
// pull request environment unless the program allows it.
func TestPhoneNumberRefusedInPREnvironment(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	s := configured(t, env)
	r := PhoneNumber{Number: testModel().Resource("twilio:api/v2010:IncomingPhoneNumber"), PREnvironment: "pr-7"}
	in := supportLine()
	for _, dry := range []bool{true, false} {
		_, err := r.Create(context.Background(), s.api, p.CreateRequest{Urn: urnOf(PhoneNumberToken, "x"), Properties: toMap(in, func(string) bool { return false }), DryRun: dry})
		if err == nil || !strings.Contains(err.Error(), "pr-7") || !strings.Contains(err.Error(), AllowInPREnvArg+": true") {
			t.Errorf("dry run %v: err = %v", dry, err)
		}
	}
	in[AllowInPREnvArg] = true
	if _, err := r.Create(context.Background(), s.api, p.CreateRequest{Urn: urnOf(PhoneNumberToken, "x"), Properties: toMap(in, func(string) bool { return false })}); err != nil {
		t.Errorf("allowed: %v", err)
	}
	if n := inventoryCount(env, "api/v2010:IncomingPhoneNumber"); n != 1 {
		t.Errorf("%d numbers, want the allowed one", n)
	}
}

func TestPhoneNumberCheck(t *testing.T) {
	t.Parallel()
	r := PhoneNumber{Number: testModel().Resource("twilio:api/v2010:IncomingPhoneNumber")}
	for _, tc := range []struct {
		name   string
		change map[string]any
		want   string // in a failure; "" for none
	}{
		{"valid", nil, ""},
		{"lower-case country", map[string]any{"country": "us"}, "two-letter ISO code"},
		{"unknown type", map[string]any{"type": "landline"}, "local, mobile or tollFree"},
		{"pattern", map[string]any{"contains": "5"}, "at least two"},
		{"capability", map[string]any{"capabilities": []any{"sms", "telex"}}, `"telex"`},
		{"a chosen number", map[string]any{"phoneNumber": "+15017122661"}, "twilio:api/v2010:IncomingPhoneNumber"},
		{"no name", map[string]any{"friendlyName": nil}, "marks the purchase"},
		{"unknown property", map[string]any{"colour": "red"}, `no property "colour"`},
	} {
		in := supportLine()
		for k, v := range tc.change {
			if v == nil {
				delete(in, k)
			} else {
				in[k] = v
			}
		}
		resp, err := r.Check(context.Background(), p.CheckRequest{Urn: urnOf(PhoneNumberToken, "x"), Inputs: toMap(in, func(string) bool { return false })})
		var reasons []string
		for _, f := range resp.Failures {
			reasons = append(reasons, f.Reason)
		}
		got := strings.Join(reasons, "; ")
		if err != nil || (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: failures %q (err %v), want %q", tc.name, got, err, tc.want)
		}
	}
}

// TestPhoneNumberDiff: criteria changes are no change; settings update in
// place; a replacement always deletes first (the new number's name check
// would find the old one).
func TestPhoneNumberDiff(t *testing.T) {
	t.Parallel()
	r := PhoneNumber{Number: testModel().Resource("twilio:api/v2010:IncomingPhoneNumber")}
	old := toMap(supportLine(), func(string) bool { return false })
	state := old.Set("phoneNumber", property.New("+15105550170"))
	for _, tc := range []struct {
		name   string
		key    string
		value  property.Value
		change bool
	}{
		{"area code", "areaCode", property.New(415.0), false},
		{"pattern", "contains", property.New("STORM"), false},
		{"allowance", AllowInPREnvArg, property.New(true), false},
		{"sms url", "smsUrl", property.New("https://hooks.example.com/other"), true},
	} {
		resp, err := r.Diff(context.Background(), p.DiffRequest{Urn: urnOf(PhoneNumberToken, "x"), ID: "PN1", OldInputs: old, Inputs: old.Set(tc.key, tc.value), State: state})
		if err != nil || resp.HasChanges != tc.change || !resp.DeleteBeforeReplace {
			t.Errorf("%s: %+v %v, want changes %v", tc.name, resp, err, tc.change)
		}
		if d, ok := resp.DetailedDiff[tc.key]; tc.change && (!ok || d.Kind != p.Update) {
			t.Errorf("%s: %+v, want an update", tc.name, resp.DetailedDiff)
		}
	}
}

// TestSafelistLostAdd: an add whose answer was lost is read back by its
// number, applied or not, and the number is listed once.
func TestSafelistLostAdd(t *testing.T) {
	t.Parallel()
	for _, applied := range []bool{true, false} {
		env := emulatortest.New(t)
		s, _ := faultServer(t, env, dropFirstCreate(applied))
		created, err := createIn(t, s, SafelistToken, map[string]any{"phoneNumber": "+15017122661"})
		if err != nil || created.ID != "+15017122661" || !created.Properties.Get("sid").IsString() {
			t.Fatalf("applied %v: %+v %v", applied, created, err)
		}
		if n := inventoryCount(env, "accounts/v1:Safelist"); n != 1 {
			t.Errorf("applied %v: %d entries", applied, n)
		}
	}
}

// TestCriteriaRequest: the search is one GET of Twilio's list for the
// type, with its filters.
func TestCriteriaRequest(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args       map[string]any
		path, form string
	}{
		{map[string]any{"country": "US"}, "/2010-04-01/Accounts/AC1/AvailablePhoneNumbers/US/Local.json", "PageSize=5"},
		{map[string]any{"country": "GB", "type": "mobile", "contains": "+447700**"}, "/2010-04-01/Accounts/AC1/AvailablePhoneNumbers/GB/Mobile.json", "Contains=%2B447700%2A%2A&PageSize=5"},
		{map[string]any{"country": "US", "type": "tollFree", "areaCode": 800.0, "capabilities": []any{"sms", "mms", "voice"}},
			"/2010-04-01/Accounts/AC1/AvailablePhoneNumbers/US/TollFree.json", "AreaCode=800&MmsEnabled=true&PageSize=5&SmsEnabled=true&VoiceEnabled=true"},
	} {
		c, err := parseCriteria(tc.args)
		if err != nil {
			t.Fatal(err)
		}
		req := c.request("AC1", 5)
		if req.Method != http.MethodGet || req.Path != tc.path || req.Form.Encode() != tc.form {
			t.Errorf("%v: %s %s?%s, want %s?%s", tc.args, req.Method, req.Path, req.Form.Encode(), tc.path, tc.form)
		}
	}
}

// TestSearchNumbersInvoke: the lookup is one request and returns the
// emulator's matches with their capabilities.
func TestSearchNumbersInvoke(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	s := configured(t, env)
	f, err := NewSearchNumbers(catalog.MustLoad())
	if err != nil {
		t.Fatal(err)
	}
	env.Server.ResetRequests()
	out, err := f.Invoke(context.Background(), s.api, map[string]any{"country": "US", "areaCode": 415.0, "capabilities": []any{"mms"}, "limit": 2.0})
	if err != nil {
		t.Fatal(err)
	}
	items := out.Get("items").AsArray()
	if n := len(env.Server.Requests()); n != 1 || items.Len() != 2 {
		t.Fatalf("%d requests, %d items; want 1 and 2", n, items.Len())
	}
	first := items.Get(0).AsMap()
	if first.Get("phoneNumber").AsString() != "+14155550100" || first.Get("capabilities").AsMap().Get("mms").AsBool() != true ||
		items.Get(1).AsMap().Get("phoneNumber").AsString() != "+14155550102" {
		t.Errorf("items %v", items)
	}
}

// TestSafelistNumberAsYAMLNumber: an unquoted +15017122661, which YAML
// reads as a number (pulumi-yaml #577), fails the check with the fix
// instead of reaching Twilio as 15017122661.
func TestSafelistNumberAsYAMLNumber(t *testing.T) {
	t.Parallel()
	s := configured(t, emulatortest.New(t))
	resp, err := s.check(context.Background(), p.CheckRequest{Urn: urnOf(SafelistToken, "x"), Inputs: pmap(map[string]any{"phoneNumber": 15017122661.0})})
	if err != nil || len(resp.Failures) != 1 || !strings.Contains(resp.Failures[0].Reason, "quote it in YAML") {
		t.Errorf("check: %+v %v", resp.Failures, err)
	}
}
