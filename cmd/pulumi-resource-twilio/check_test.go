package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/provider"
	"github.com/tdeploy/twilio-deploy-action/internal/providercmd"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless"
)

// TestCheckTypes checks inputs of the wrong type on every kind of resource
// the plugin serves (a catalog resource, the two hand-written ones of the
// provider, the Serverless deployment): Check fails, naming the property
// path and the fix, where create would fail later. The same inputs with
// the right types, unknown values, or secrets around valid values pass.
func TestCheckTypes(t *testing.T) {
	t.Parallel()
	prov, err := providercmd.New("0.0.1", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "functions"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "functions", "hi.js"), []byte("exports.handler = (c, e, cb) => cb(null, 'hi');\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, n, b := property.New[string], property.New[float64], property.New[bool]
	m := func(kv ...any) property.Value {
		out := map[string]property.Value{}
		for i := 0; i < len(kv); i += 2 {
			out[kv[i].(string)] = kv[i+1].(property.Value)
		}
		return property.New(out)
	}
	unknown := property.New(property.Computed)
	const (
		number  = "twilio:api/v2010:IncomingPhoneNumber"
		adopted = provider.AdoptToken
		sub     = provider.SubaccountToken
		deploy  = serverless.Token
	)
	for name, tc := range map[string]struct {
		token  string
		inputs map[string]property.Value
		want   []string // substrings of the failures, in order; none: it passes
	}{
		"catalog: phone number as a number": {token: number, inputs: map[string]property.Value{"phoneNumber": n(15017122661)},
			want: []string{`phoneNumber: expected a string, got the number 15017122661; quote it in YAML ("15017122661"), keeping any leading + or 0`}},
		"catalog: list item": {token: number, inputs: map[string]property.Value{"phoneNumber": s("+15017122661"), "smsUrl": property.New([]property.Value{s("https://x")})},
			want: []string{`smsUrl: expected a string, got a list`}},
		"catalog: boolean": {token: number, inputs: map[string]property.Value{"phoneNumber": s("+15017122661"), "voiceCallerIdLookup": s("yes")},
			want: []string{`voiceCallerIdLookup: expected true or false, got a string "yes"; write true or false`}},
		"catalog: enum": {token: number, inputs: map[string]property.Value{"phoneNumber": s("+15017122661"), "smsMethod": s("PUT")},
			want: []string{`smsMethod: expected one of`}},
		"catalog: valid":              {token: number, inputs: map[string]property.Value{"phoneNumber": s("+15017122661"), "voiceCallerIdLookup": b(true), "smsMethod": s("POST")}},
		"catalog: unknown and secret": {token: number, inputs: map[string]property.Value{"phoneNumber": unknown, "smsUrl": s("https://x").WithSecret(true)}},
		"adopt: lookup by a number": {token: adopted, inputs: map[string]property.Value{"resourceType": s(number), "lookup": m("phoneNumber", n(15017122661)), "settings": m("smsUrl", s("https://x"))},
			want: []string{`lookup.phoneNumber: expected a string, got the number 15017122661; quote it in YAML ("15017122661"), keeping any leading + or 0`}},
		"adopt: setting of the wrong type": {token: adopted, inputs: map[string]property.Value{"resourceType": s(number), "sid": s("PN1"), "settings": m("smsUrl", n(5), "voiceCallerIdLookup", s("true"))},
			want: []string{`settings.smsUrl: expected a string, got the number 5`, `settings.voiceCallerIdLookup: expected true or false, got a string "true"; write true without quotes`}},
		"adopt: valid":       {token: adopted, inputs: map[string]property.Value{"resourceType": s(number), "lookup": m("phoneNumber", s("+15017122661")), "settings": m("smsUrl", unknown)}},
		"subaccount: number": {token: sub, inputs: map[string]property.Value{"friendlyName": n(7)}, want: []string{`friendlyName: expected a string, got the number 7; quote it in YAML ("7"), keeping any leading + or 0`}},
		"subaccount: valid":  {token: sub, inputs: map[string]property.Value{"friendlyName": s("pr-7").WithSecret(true)}},
		"deployment: variable": {token: deploy, inputs: map[string]property.Value{"path": s(dir), "serviceName": s("app"), "variables": m("PHONE", n(15017122661), "GREETING", s("hi"))},
			// Deployment variables are secrets by the schema: never shown.
			want: []string{`variables.PHONE: expected a string, got a number (a secret, not shown); quote it in YAML, keeping any leading + or 0`}},
		"deployment: dependencies": {token: deploy, inputs: map[string]property.Value{"path": s(dir), "serviceName": s("app"), "dependencies": m("twilio", n(5))},
			want: []string{`dependencies.twilio: expected a string, got the number 5; quote it in YAML ("5"), keeping any leading + or 0`}},
		"deployment: valid": {token: deploy, inputs: map[string]property.Value{"path": s(dir), "serviceName": s("app"),
			"variables": m("PHONE", s("+15017122661"), "TOKEN", s("t0k3n").WithSecret(true), "LATER", unknown)}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			urn := resource.NewURN("dev", "proj", "", tokens.Type(tc.token), "r")
			resp, err := prov.Check(context.Background(), p.CheckRequest{Urn: urn, Inputs: property.NewMap(tc.inputs)})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range resp.Failures {
				got = append(got, f.Reason)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("failures %q, want %d like %q", got, len(tc.want), tc.want)
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("failure %d = %q, want it to contain %q", i, got[i], w)
				}
				if resp.Failures[i].Property != "" {
					t.Errorf("failure %q names property %q (the engine would print its value)", got[i], resp.Failures[i].Property)
				}
			}
		})
	}
}
