package deployment_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
	"github.com/tdeploy/twilio-deploy-action/internal/provider"
	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless/deployment"
)

// TestSchemaBinds checks the resource's schema with Pulumi's own checker,
// inside the provider's package schema.
func TestSchemaBinds(t *testing.T) {
	t.Parallel()
	m, err := spec.Build(catalog.MustLoad())
	if err != nil {
		t.Fatal(err)
	}
	custom := provider.BuiltinCustom(m)
	custom[serverless.Token] = deployment.Resource(deployment.Options{})
	ps := provider.PackageSchema("0.0.1", m, custom)
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

type noLoader struct{}

func (noLoader) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("unexpected reference to package %s", pkg)
}

func (noLoader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, fmt.Errorf("unexpected reference to package %s", d.Name)
}
