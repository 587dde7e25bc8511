// Package plugin assembles pulumi-resource-twilio: the catalog resources and
// hand-written resources of internal/provider, plus the hand-written
// resources of packages that build on it (which internal/provider cannot
// import without a cycle), such as the Serverless deployment.
package plugin

import (
	"github.com/tdeploy/twilio-deploy-action/internal/provider"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless/deployment"
)

// Options are the provider options of the plugin the engine runs.
func Options(version string, getenv func(string) string) provider.Options {
	return provider.Options{
		Version: version,
		Getenv:  getenv,
		Extra: map[string]provider.CustomResource{
			serverless.Token: deployment.Resource(deployment.Options{}),
		},
	}
}
