package twilio

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/creds"
)

// CheckTimeout bounds Check, its retries included.
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

// UnavailableError is Twilio throttling (429) or failing (5xx) the check
// after its retries: the credentials were not judged, so the error must
// not send the user to the secrets.
type UnavailableError struct {
	Names    []string
	Status   int
	Code     int
	Reason   string
	Attempts int
}

func (e *UnavailableError) Error() string {
	what := "Twilio is unavailable"
	if e.Status == http.StatusTooManyRequests {
		what = "Twilio is throttling requests"
	}
	attempts := "1 attempt"
	if e.Attempts != 1 {
		attempts = fmt.Sprintf("%d attempts", e.Attempts)
	}
	return fmt.Sprintf("%s (HTTP %d, error %d: %s) after %s, so the credentials in %s could not be checked; re-run the workflow later",
		what, e.Status, e.Code, e.Reason, attempts, strings.Join(e.Names, " and "))
}

// Check proves that c works, before any deployment starts: it fetches the
// account through the 2010 API, retried as every other call is (429
// honouring Retry-After, 5xx, dropped connections: it is a read) within
// CheckTimeout. apiURL, when set, sends the call to the emulator instead
// of api.twilio.com.
func Check(ctx context.Context, c creds.Credentials, apiURL string) error {
	return check(ctx, c, apiURL, nil)
}

// check is Check with the retry wait replaceable (nil: wait.Sleep), so
// that tests record waits instead of sleeping them.
func check(ctx context.Context, c creds.Credentials, apiURL string, sleep func(context.Context, time.Duration) error) error {
	rt, err := NewTransport(apiURL, nil)
	if err != nil {
		return fmt.Errorf("twilio-api-url input: %w", err)
	}
	sent := &countingTransport{next: rt}
	ctx, cancel := context.WithTimeout(ctx, CheckTimeout)
	defer cancel()
	acct, err := authOf(c).accounts(ctx, newRetryTransport(sent, sleep)).FetchAccount(c.AccountSID)
	if err != nil {
		var ae *APIError
		if errors.As(decode(err), &ae) {
			if ae.Status == http.StatusTooManyRequests || ae.Status >= 500 {
				return &UnavailableError{Names: c.Names(), Status: ae.Status, Code: ae.Code, Reason: ae.Message, Attempts: int(sent.n.Load())}
			}
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

// countingTransport counts the requests sent, retries included.
type countingTransport struct {
	next http.RoundTripper
	n    atomic.Int32
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	return t.next.RoundTrip(r)
}
