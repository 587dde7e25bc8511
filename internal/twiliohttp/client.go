package twiliohttp

import (
	"net/http"

	twclient "github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/tdeploy/twilio-deploy-action/internal/creds"
)

// AccountsAPI is twilio-go's 2010 API (accounts, sub-accounts) for the
// account of c over hc: an API key and secret authenticate when set
// (Twilio's recommendation), else the account SID and auth token. hc's
// transport decides where requests go (New for the emulator). It is the
// one product the action calls; twilio-go's RestClient links all sixty
// (a stripped action binary of 62 MB instead of 42, and a slower start).
func AccountsAPI(c creds.Credentials, hc *http.Client) *api.ApiService {
	user, pass := c.AccountSID, c.AuthToken
	if c.UsesAPIKey() {
		user, pass = c.APIKey, c.APISecret
	}
	cl := &twclient.Client{Credentials: twclient.NewCredentials(user, pass), HTTPClient: hc}
	cl.SetAccountSid(c.AccountSID)
	return api.NewApiServiceWithClient(cl)
}
