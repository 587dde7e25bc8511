// Command pulumi-resource-twilio is the Twilio provider plugin for Pulumi.
// The engine starts it; see internal/provider and docs/provider.md.
//
// newProvider is where the plugin is assembled: every resource type it
// serves is registered there and nowhere else, and the schema golden test
// (TestSchema) checks the schema of exactly that provider.
package main

import (
	"context"
	"fmt"
	"os"

	p "github.com/pulumi/pulumi-go-provider"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
	"github.com/tdeploy/twilio-deploy-action/internal/provider"
	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless/deployment"
)

// version is set at build time: -ldflags "-X main.version=1.2.3".
var version = provider.DefaultVersion

func main() {
	if err := run(context.Background(), os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, getenv func(string) string) error {
	prov, err := newProvider(version, getenv)
	if err != nil {
		return err
	}
	return prov.Run(ctx, "twilio", version)
}

// newProvider builds the provider the engine runs: every resource of the
// embedded catalog, the provider's hand-written Subaccount and
// AdoptedResource, and the Serverless deployment (which builds on
// internal/provider, so only a package above both can register it).
func newProvider(version string, getenv func(string) string) (p.Provider, error) {
	c, err := catalog.Load()
	if err != nil {
		return p.Provider{}, err
	}
	m, err := spec.Build(c)
	if err != nil {
		return p.Provider{}, err
	}
	return provider.New(provider.Options{
		Version: version,
		Getenv:  getenv,
		Resources: append(provider.CatalogResources(m),
			provider.Subaccount{},
			provider.Adopt{Model: m},
			deployment.Resource(deployment.Options{}),
		),
	})
}
