package provider

import (
	"strings"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
)

// TestPreflightsNameServedTypes: a preflight under a token no resource has
// would never run.
func TestPreflightsNameServedTypes(t *testing.T) {
	served := map[string]bool{}
	for _, r := range builtin() {
		served[r.Token()] = true
	}
	for tok := range preflights {
		if !served[tok] {
			t.Errorf("preflights names %s, which the provider does not serve", tok)
		}
	}
}

// TestFlowPreflight: a preview's create of a Studio flow asks Flow
// Validate, once, when every parameter is known, and fails with Studio's
// failures; with a definition not known yet, or credentials not known
// yet, it asks nothing.
func TestFlowPreflight(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	prov := configured(t, env).provider()
	def := func(initial string) property.Value {
		return property.New(map[string]property.Value{"initial_state": property.New(initial), "states": property.New([]property.Value{
			property.New(map[string]property.Value{"name": property.New("Trigger"), "type": property.New("trigger"), "properties": property.New(map[string]property.Value{}),
				"transitions": property.New([]property.Value{})})})})
	}
	for _, tc := range []struct {
		name     string
		def      property.Value
		unconfig bool
		requests int
		wantErr  string
	}{
		{"sound", def("Trigger"), false, 1, ""},
		{"broken", def("Start"), false, 1, `#/initial_state: initial_state "Start" is not a widget of the flow`},
		{"definition not known yet", property.New(property.Computed), false, 0, ""},
		{"credentials not known yet", def("Start"), true, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pr := prov
			if tc.unconfig {
				s, err := newServer(Options{Resources: builtin(), Getenv: func(string) string { return "" }})
				if err != nil {
					t.Fatal(err)
				}
				s.unknown = true
				pr = s.provider()
			}
			before := len(env.Server.Requests())
			_, err := pr.Create(t.Context(), p.CreateRequest{Urn: urnOf("twilio:studio/v2:Flow", "f"), DryRun: true,
				Properties: property.NewMap(map[string]property.Value{"friendlyName": property.New("x"), "status": property.New("published"), "definition": tc.def})})
			if got := len(requestsSince(env, before)); got != tc.requests {
				t.Errorf("%d requests; want %d", got, tc.requests)
			}
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("err = %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "Twilio error 81022")):
				t.Errorf("err = %v; want Twilio's 81022 with %q", err, tc.wantErr)
			}
		})
	}
}
