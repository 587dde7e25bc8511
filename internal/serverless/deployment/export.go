package deployment

import (
	"github.com/tdeploy/twilio-deploy-action/internal/provider"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless"
)

// ServerlessAPI is serverless.API over the provider's API, for other
// resources that host files the way this one does (twilio:flex:Plugin).
func ServerlessAPI(api provider.API) serverless.API { return providerAPI{api: api} }
