package flexplugin

import (
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/provider"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless/deployment"
)

func serverlessAPI(api provider.API) serverless.API { return deployment.ServerlessAPI(api) }

// decodeInto and encode are the provider's, for these Go-typed inputs.
func decodeInto(m property.Map, into any) (bool, error) { return provider.DecodeProperties(m, into) }

func encode(w any) (property.Map, error) { return provider.EncodeProperties(w) }
