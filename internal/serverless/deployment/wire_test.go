package deployment

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/serverless"
)

// TestStateRoundTrip checks that what Create stores is what the next Diff
// and Update plan against, and that variables are stored as secrets.
func TestStateRoundTrip(t *testing.T) {
	t.Parallel()
	env := "dev"
	out := serverless.Outputs{
		Inputs: serverless.Inputs{
			Path: "./app", ServiceName: "svc", Environment: &env, Runtime: "node22",
			Variables:    map[string]string{"TOKEN": "v"},
			Dependencies: map[string]string{"twilio": "5.3.0"},
			Files:        map[string]string{"/a": "function protected aa", "/b.css": "asset public bb"},
		},
		ServiceSID: "ZS1", EnvironmentSID: "ZE1", BuildSID: "ZB1", DomainName: "svc-1-dev.twil.io",
		URLs: map[string]string{"/a": "https://svc-1-dev.twil.io/a", "/b.css": "https://svc-1-dev.twil.io/b.css"},
		State: serverless.State{
			ServiceSID: "ZS1", ServiceName: "svc", EnvironmentSID: "ZE1", DomainSuffix: "dev", DomainName: "svc-1-dev.twil.io",
			BuildSID: "ZB1", Runtime: "node22", Dependencies: []serverless.Dependency{{Name: "twilio", Version: "5.3.0"}},
			Files: map[string]serverless.Deployed{
				"/a":     {Entry: serverless.Entry{Kind: "function", Visibility: "protected", SHA256: "aa"}, Source: "functions/a.protected.js", ResourceSID: "ZH1", VersionSID: "ZN1"},
				"/b.css": {Entry: serverless.Entry{Kind: "asset", Visibility: "public", SHA256: "bb"}, Source: "assets/b.css", ResourceSID: "ZH2", VersionSID: "ZN2"},
			},
			Variables: map[string]serverless.Variable{"TOKEN": {SID: "ZV1", Value: "v"}},
		},
	}
	m, err := encode(wireOfOutputs(out))
	if err != nil {
		t.Fatal(err)
	}
	if !m.Get("variables").Secret() || m.Get("files").Secret() {
		t.Error("variables must be secret, files not")
	}
	w, known, err := decode(m)
	if err != nil || !known {
		t.Fatal(known, err)
	}
	if diff := cmp.Diff(out, outputsOf(w), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestKeepSecrets(t *testing.T) {
	t.Parallel()
	from := property.NewMap(map[string]property.Value{
		"path":        property.New("./app").WithSecret(true),
		"serviceName": property.New("svc"),
	})
	m, err := encode(wire{Path: "./app", ServiceName: "svc"})
	if err != nil {
		t.Fatal(err)
	}
	m = keepSecrets(m, from)
	if !m.Get("path").Secret() || m.Get("serviceName").Secret() {
		t.Errorf("secrets = path %v, serviceName %v", m.Get("path").Secret(), m.Get("serviceName").Secret())
	}
}
