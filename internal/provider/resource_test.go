package provider

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// renamed is a hand-written resource registered under another token.
type renamed struct {
	Subaccount
	token string
}

func (r renamed) Token() string { return r.token }

// TestResources checks the one way to register resource types: a provider
// serves exactly the resources it is given, each under its token, and
// refuses a token given twice.
func TestResources(t *testing.T) {
	t.Parallel()
	getenv := func(string) string { return "" }
	const svc = "twilio:sync/v1:Service"
	for name, tc := range map[string]struct {
		opts          Options
		serves, lacks []string
		wantErr       string
	}{
		"none":         {opts: Options{Getenv: getenv}, lacks: []string{svc, SubaccountToken, AdoptToken}},
		"catalog only": {opts: Options{Getenv: getenv, Resources: CatalogResources(testModel())}, serves: []string{svc}, lacks: []string{SubaccountToken, AdoptToken}},
		"builtin":      {opts: Options{Getenv: getenv, Resources: builtin()}, serves: []string{svc, SubaccountToken, AdoptToken}},
		"hand-written only": {opts: Options{Getenv: getenv, Resources: []Resource{Subaccount{}, renamed{token: "twilio:index:Team"}}},
			serves: []string{SubaccountToken, "twilio:index:Team"}, lacks: []string{svc, AdoptToken}},
		"registered twice": {opts: Options{Getenv: getenv, Resources: []Resource{Subaccount{}, Adopt{}, Subaccount{}}},
			wantErr: "resource twilio:index:Subaccount is registered twice"},
		"clashes with the catalog": {opts: Options{Getenv: getenv, Resources: append(CatalogResources(testModel()), renamed{token: svc})},
			wantErr: "resource twilio:sync/v1:Service clashes with a catalog resource"},
		"catalog given twice": {opts: Options{Getenv: getenv, Resources: append(CatalogResources(testModel()), CatalogResources(testModel())[0])},
			wantErr: "is registered twice"},
		"no Getenv": {opts: Options{Resources: builtin()}, wantErr: "Getenv is nil; pass os.Getenv"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, err := newServer(tc.opts)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("newServer: %v, want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			resp, err := s.getSchema(context.Background(), p.GetSchemaRequest{})
			if err != nil {
				t.Fatal(err)
			}
			var ps schema.PackageSpec
			if err := json.Unmarshal([]byte(resp.Schema), &ps); err != nil {
				t.Fatal(err)
			}
			if len(ps.Resources) != len(tc.opts.Resources) {
				t.Errorf("schema has %d resources, want the %d registered", len(ps.Resources), len(tc.opts.Resources))
			}
			for _, tok := range tc.serves {
				if _, err := s.resource(tokenType(tok)); err != nil {
					t.Errorf("%s: %v", tok, err)
				}
				if _, ok := ps.Resources[tok]; !ok {
					t.Errorf("schema lacks %s", tok)
				}
			}
			for _, tok := range tc.lacks {
				if _, err := s.resource(tokenType(tok)); err == nil || !strings.Contains(err.Error(), "unknown resource type "+tok) {
					t.Errorf("%s: %v, want unknown resource type", tok, err)
				}
				if _, ok := ps.Resources[tok]; ok {
					t.Errorf("schema has %s", tok)
				}
			}
		})
	}
}

// TestCatalogResourceTypes: a catalog resource's enum types reach both the
// schema and the input type check, from one place.
func TestCatalogResourceTypes(t *testing.T) {
	t.Parallel()
	r := testModel().Resource("twilio:studio/v2:Flow")
	if r == nil {
		t.Fatal("no twilio:studio/v2:Flow in the model")
	}
	g := generic{r: r}
	types := complexTypes(g)
	if _, ok := types["twilio:studio/v2:FlowStatusEnum"]; !ok {
		t.Errorf("types %v lack twilio:studio/v2:FlowStatusEnum", types)
	}
	ps := packageSchema("0.0.1", []Resource{g})
	if len(ps.Types) != len(types) {
		t.Errorf("schema types %d, want %d", len(ps.Types), len(types))
	}
	if complexTypes(Subaccount{}) != nil {
		t.Error("Subaccount has no types of its own")
	}
}
