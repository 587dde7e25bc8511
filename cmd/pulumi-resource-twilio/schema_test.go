package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/blang/semver"
	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"

	"github.com/tdeploy/twilio-deploy-action/internal/provider"
	"github.com/tdeploy/twilio-deploy-action/internal/providercmd"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless"
	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite testdata/schema.json and docs/reference")

func testSchema(t *testing.T) (schema.PackageSpec, []byte) {
	t.Helper()
	prov, err := providercmd.New("0.1.0", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	resp, err := prov.GetSchema(context.Background(), p.GetSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var ps schema.PackageSpec
	if err := json.Unmarshal([]byte(resp.Schema), &ps); err != nil {
		t.Fatal(err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, []byte(resp.Schema), "", "  "); err != nil {
		t.Fatal(err)
	}
	pretty.WriteByte('\n')
	return ps, pretty.Bytes()
}

// TestSchema compares the plugin's schema (as providercmd.New assembles it) with
// its golden copy and binds it with Pulumi's own schema checker.
func TestSchema(t *testing.T) {
	ps, got := testSchema(t)
	golden := filepath.Join("testdata", "schema.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/pulumi-resource-twilio -run TestSchema -update)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("schema differs from %s; review and run go test ./cmd/pulumi-resource-twilio -run 'TestSchema|TestDocs' -update", golden)
	}
	_, diags, err := schema.BindSpec(ps, noLoader{}, schema.ValidationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diags {
		t.Errorf("schema: %v", d)
	}
	for _, tok := range []string{
		"twilio:sync/v1:Service", "twilio:sync/v1:ServiceSyncMap", "twilio:taskrouter/v1:WorkspaceTaskQueue",
		"twilio:studio/v2:Flow", "twilio:api/v2010:IncomingPhoneNumber", provider.SubaccountToken, provider.AdoptToken,
		"twilio:serverless:Deployment",
	} {
		if _, ok := ps.Resources[tok]; !ok {
			t.Errorf("schema lacks %s", tok)
		}
	}
	if !ps.Config.Variables["authToken"].Secret || !ps.Resources["twilio:api/v2010:Key"].Properties["secret"].Secret {
		t.Error("credentials are not secret in the schema")
	}
	m := ps.Resources["twilio:sync/v1:ServiceSyncMap"]
	if !m.InputProperties["uniqueName"].WillReplaceOnChanges || m.InputProperties["ttl"].WillReplaceOnChanges {
		t.Error("ServiceSyncMap: uniqueName must replace, ttl must not")
	}
}

// TestDocs keeps the generated reference under docs/reference in step with
// the schema.
func TestDocs(t *testing.T) {
	ps, _ := testSchema(t)
	dir := filepath.Join(testenv.RepoRoot(t), "docs", "reference")
	docs := referenceDocs(ps)
	if *update {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, b := range docs {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	entries, _ := os.ReadDir(dir)
	var onDisk []string
	for _, e := range entries {
		onDisk = append(onDisk, e.Name())
	}
	var want []string
	for name, b := range docs {
		want = append(want, name)
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("docs/reference/%s is stale; run go test ./cmd/pulumi-resource-twilio -run TestDocs -update", name)
		}
	}
	sort.Strings(want)
	if len(onDisk) != len(want) {
		t.Errorf("docs/reference has %v, want %v", onDisk, want)
	}
}

// TestDeploymentSchema checks the Serverless deployment's schema with
// Pulumi's own checker, inside the plugin's package schema.
func TestDeploymentSchema(t *testing.T) {
	t.Parallel()
	ps, _ := testSchema(t)
	pkg, diags, err := schema.BindSpec(ps, noLoader{}, schema.ValidationOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diags {
		t.Errorf("schema: %v", d)
	}
	r, ok := pkg.GetResource(serverless.Token)
	if !ok {
		t.Fatalf("schema lacks %s", serverless.Token)
	}
	secret, replace := map[string]bool{}, map[string]bool{}
	for _, p := range r.InputProperties {
		secret[p.Name] = p.Secret
	}
	for _, p := range r.Properties {
		replace[p.Name] = p.WillReplaceOnChanges
	}
	if !secret["variables"] || !replace["serviceName"] || !replace["environment"] || replace["path"] {
		t.Errorf("secret %v, replace %v", secret, replace)
	}
}

// noLoader refuses other packages: the schema references none.
type noLoader struct{}

func (noLoader) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("unexpected reference to package %s", pkg)
}

func (noLoader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, fmt.Errorf("unexpected reference to package %s", d.Name)
}
