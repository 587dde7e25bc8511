package stack

import openapi "github.com/twilio/twilio-go/rest/sync/v1"

func syncRename() *openapi.UpdateServiceParams {
	return (&openapi.UpdateServiceParams{}).SetFriendlyName("renamed-outside-pulumi")
}
