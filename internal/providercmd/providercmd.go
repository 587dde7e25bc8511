// Package providercmd is the Twilio provider plugin's command: New is where
// the plugin is assembled (every resource type it serves is registered there
// and nowhere else, and the schema golden test in cmd/pulumi-resource-twilio
// checks the schema of exactly that provider), Main serves it to the engine.
// It is a package, not a main, so the standalone cmd/pulumi-resource-twilio
// and the multi-call cmd/twilio-deploy serve the same provider.
package providercmd

import (
	"context"
	"fmt"
	"os"

	p "github.com/pulumi/pulumi-go-provider"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
	"github.com/tdeploy/twilio-deploy-action/internal/flexplugin"
	"github.com/tdeploy/twilio-deploy-action/internal/prenv"
	"github.com/tdeploy/twilio-deploy-action/internal/provider"
	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless/deployment"
)

// Main serves the provider to the engine that started it and returns the
// exit code. version is the main package's, stamped at build time (-ldflags
// "-X main.version=1.2.3"); empty means provider.DefaultVersion. The
// engine's arguments are read by pulumi-go-provider from os.Args itself.
func Main(version string) int {
	if version == "" {
		version = provider.DefaultVersion
	}
	if err := run(context.Background(), version, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func run(ctx context.Context, version string, getenv func(string) string) error {
	prov, err := New(version, getenv)
	if err != nil {
		return err
	}
	return prov.Run(ctx, "twilio", version)
}

// New builds the provider the engine runs: every resource of the embedded
// catalog, the provider's hand-written Subaccount, AdoptedResource,
// PhoneNumber (bought by search) and Safelist, and
// the Serverless deployment (which builds on internal/provider, so only a
// package above both can register it).
func New(version string, getenv func(string) string) (p.Provider, error) {
	c, err := catalog.Load()
	if err != nil {
		return p.Provider{}, err
	}
	m, err := spec.Build(c)
	if err != nil {
		return p.Provider{}, err
	}
	finders, err := provider.Finders(m, c)
	if err != nil {
		return p.Provider{}, err
	}
	search, err := provider.NewSearchNumbers(c)
	if err != nil {
		return p.Provider{}, err
	}
	number := m.Resource("twilio:api/v2010:IncomingPhoneNumber")
	if number == nil {
		return p.Provider{}, fmt.Errorf("the catalog lacks api/v2010:IncomingPhoneNumber")
	}
	return provider.New(provider.Options{
		Version: version,
		Getenv:  getenv,
		Resources: append(provider.CatalogResources(m),
			provider.Subaccount{},
			provider.Adopt{Model: m},
			provider.PhoneNumber{Number: number, PREnvironment: getenv(prenv.EnvVar)},
			provider.Safelist{},
			deployment.Resource(deployment.Options{}),
			flexplugin.NewPlugin(flexplugin.PluginOptions{}),
			flexplugin.Release{},
		),
		Functions: append(append(provider.CatalogFunctions(m), finders...), provider.FlowDefinition{}, search),
	})
}
