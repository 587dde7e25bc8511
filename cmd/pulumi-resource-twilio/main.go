// Command pulumi-resource-twilio is the Twilio provider plugin for Pulumi.
// The engine starts it; see internal/provider and docs/provider.md.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/tdeploy/twilio-deploy-action/internal/provider"
	"github.com/tdeploy/twilio-deploy-action/internal/provider/plugin"
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
	prov, err := provider.New(plugin.Options(version, getenv))
	if err != nil {
		return err
	}
	return prov.Run(ctx, "twilio", version)
}
