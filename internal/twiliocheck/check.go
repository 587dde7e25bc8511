// Package twiliocheck proves a set of Twilio credentials works with one API
// call (fetch the account through the 2010 API) before any deployment starts.
package twiliocheck

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	twclient "github.com/twilio/twilio-go/client"

	"github.com/tdeploy/twilio-deploy-action/internal/creds"
	"github.com/tdeploy/twilio-deploy-action/internal/twiliohttp"
)

// Timeout bounds the check.
const Timeout = 30 * time.Second

// RejectedError is Twilio refusing the credentials.
type RejectedError struct {
	Names  []string // the secret names the credentials came from
	Status int
	Code   int // Twilio error code (20003: authentication failed)
	Reason string
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("Twilio rejected the credentials in %s (HTTP %d, error %d: %s); check the secrets' values, and that the account is active",
		strings.Join(e.Names, " and "), e.Status, e.Code, e.Reason)
}

// Check fetches the account of c. apiURL, when set, sends the call to the
// emulator instead of api.twilio.com.
func Check(ctx context.Context, c creds.Credentials, apiURL string) error {
	rt, err := twiliohttp.New(apiURL, nil)
	if err != nil {
		return fmt.Errorf("twilio-api-url input: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	// twilio-go takes no context; the transport carries it.
	accounts := twiliohttp.AccountsAPI(c, &http.Client{Transport: ctxTransport{ctx: ctx, next: rt}})
	acct, err := accounts.FetchAccount(c.AccountSID)
	if err != nil {
		var te *twclient.TwilioRestError
		if errors.As(err, &te) {
			return &RejectedError{Names: c.Names(), Status: te.Status, Code: te.Code, Reason: te.Message}
		}
		if ctx.Err() != nil {
			return fmt.Errorf("check Twilio credentials: %w", ctx.Err())
		}
		return fmt.Errorf("check Twilio credentials: reach Twilio: %w", err)
	}
	if acct.Status != nil && *acct.Status != "active" {
		return &RejectedError{Names: c.Names(), Status: http.StatusOK, Reason: "account is " + *acct.Status}
	}
	return nil
}

type ctxTransport struct {
	ctx  context.Context
	next http.RoundTripper
}

func (t ctxTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return t.next.RoundTrip(r.WithContext(t.ctx))
}
