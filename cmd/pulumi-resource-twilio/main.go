// Command pulumi-resource-twilio is the Twilio provider plugin for Pulumi on
// its own: the same code as the image's multi-call binary (cmd/twilio-deploy)
// started as `pulumi-resource-twilio`. The engine starts it; the provider is
// assembled in internal/providercmd (New), see also docs/provider.md.
package main

import (
	"os"

	"github.com/tdeploy/twilio-deploy-action/internal/provider"
	"github.com/tdeploy/twilio-deploy-action/internal/providercmd"
)

// version is set at build time: -ldflags "-X main.version=1.2.3".
var version = provider.DefaultVersion

func main() { os.Exit(providercmd.Main(version)) }
