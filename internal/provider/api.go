package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/tdeploy/twilio-deploy-action/internal/twilio"
)

// API is the Twilio REST API as the provider's resources use it: one call is
// one logical request (retries of 429 and 5xx happen below it). The real
// one is package twilio's Client; tests fake it.
type API interface {
	// Do sends a request and decodes its JSON response body (nil for an
	// empty body). Twilio errors come back as *APIError.
	Do(ctx context.Context, req Request) (map[string]any, error)
	// AccountSID is the account the provider manages: the 2010 API's
	// default AccountSid.
	AccountSID() string
	// HTTPClient sends authenticated requests to *.twilio.com hosts with the
	// provider's edge, region, retries and API base override, for requests
	// twilio-go cannot build (multipart uploads). Callers set the URL
	// (https://<product>.twilio.com/...) and body; authentication is added.
	HTTPClient() *http.Client
}

// Request, APIError and ErrUnknownOutcome are package twilio's, named here
// because every resource uses them.
type (
	Request  = twilio.Request
	APIError = twilio.APIError
)

// ErrUnknownOutcome is twilio.ErrUnknownOutcome.
var ErrUnknownOutcome = twilio.ErrUnknownOutcome

// twilioAPI is API over package twilio's client, acting on the configured
// account.
type twilioAPI struct {
	*twilio.Client
	account string
	// sub is set when the provider acts on a sub-account with its
	// parent's credentials, which Twilio allows on the 2010 API only.
	sub bool
}

var _ API = (*twilioAPI)(nil)

func (a *twilioAPI) AccountSID() string { return a.account }

func (a *twilioAPI) Do(ctx context.Context, req Request) (map[string]any, error) {
	if a.sub && !strings.HasPrefix(req.Path, "/2010-04-01/") {
		return nil, fmt.Errorf("twilio:subaccountSid works on the 2010 API only (api.twilio.com); to manage %s resources of a sub-account, "+
			"configure an explicit provider with the sub-account's own accountSid and authToken", req.Host)
	}
	return a.Client.Do(ctx, req)
}
