package twilio

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/creds"
)

// CheckTimeout bounds Check.
const CheckTimeout = 30 * time.Second

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

// Check proves that c works, before any deployment starts, with one call:
// it fetches the account through the 2010 API, without retries. apiURL,
// when set, sends the call to the emulator instead of api.twilio.com.
func Check(ctx context.Context, c creds.Credentials, apiURL string) error {
	rt, err := NewTransport(apiURL, nil)
	if err != nil {
		return fmt.Errorf("twilio-api-url input: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, CheckTimeout)
	defer cancel()
	acct, err := authOf(c).accounts(ctx, rt).FetchAccount(c.AccountSID)
	if err != nil {
		var ae *APIError
		if errors.As(decode(err), &ae) {
			return &RejectedError{Names: c.Names(), Status: ae.Status, Code: ae.Code, Reason: ae.Message}
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
