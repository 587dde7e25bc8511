package twiliohttp

import (
	"net/http"

	"github.com/twilio/twilio-go"
	twclient "github.com/twilio/twilio-go/client"

	"github.com/tdeploy/twilio-deploy-action/internal/creds"
)

// RestClient is a twilio-go client for the account of c over hc: an API key
// and secret authenticate when set (Twilio's recommendation), else the
// account SID and auth token. hc's transport decides where requests go
// (New for the emulator).
func RestClient(c creds.Credentials, hc *http.Client) *twilio.RestClient {
	user, pass := c.AccountSID, c.AuthToken
	if c.UsesAPIKey() {
		user, pass = c.APIKey, c.APISecret
	}
	cl := &twclient.Client{Credentials: twclient.NewCredentials(user, pass), HTTPClient: hc}
	cl.SetAccountSid(c.AccountSID)
	return twilio.NewRestClientWithParams(twilio.ClientParams{Client: cl})
}
