// Command testplugin is pulumi-resource-twilio with twilio:serverless:Deployment
// registered, for the tests in this package that run the real Pulumi CLI
// until cmd/pulumi-resource-twilio registers the resource itself.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
	"github.com/tdeploy/twilio-deploy-action/internal/provider"
	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless/deployment"
)

func main() {
	if err := run(context.Background(), os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, getenv func(string) string) error {
	m, err := spec.Build(catalog.MustLoad())
	if err != nil {
		return err
	}
	custom := provider.BuiltinCustom(m)
	custom[serverless.Token] = deployment.Resource(deployment.Options{})
	prov, err := provider.New(provider.Options{Getenv: getenv, Custom: custom})
	if err != nil {
		return err
	}
	return prov.Run(ctx, "twilio", provider.DefaultVersion)
}
