package twilio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/twilio/wait"
)

// ErrUnknownOutcome reports a create whose connection failed after the
// request may have been sent: Twilio may or may not have created the
// resource, so it is not blindly repeated.
var ErrUnknownOutcome = errors.New("the request may or may not have been applied")

// retryTransport retries what is safe to retry, with a bounded number of
// attempts: 429 (honouring Retry-After), 502, 503 and 504 for every request
// (Twilio did not process it), other 5xx and dropped connections only for
// requests that are not creates. A wait that would outlast the request's
// deadline is not started: the last answer is returned instead.
type retryTransport struct {
	next     http.RoundTripper
	attempts int           // total attempts, at least 1
	base     time.Duration // first backoff; doubles, with jitter
	maxWait  time.Duration // cap on one wait, Retry-After included
	sleep    func(ctx context.Context, d time.Duration) error
}

// newRetryTransport retries over next; sleep nil means wait.Sleep.
func newRetryTransport(next http.RoundTripper, sleep func(context.Context, time.Duration) error) *retryTransport {
	if sleep == nil {
		sleep = wait.Sleep
	}
	return &retryTransport{next: next, attempts: 6, base: 200 * time.Millisecond, maxWait: 30 * time.Second, sleep: sleep}
}

// createKey marks, in a request's context, a create (not safe to repeat).
type createKey struct{}

// asCreate marks the requests sent under ctx as creates.
func asCreate(ctx context.Context) context.Context { return context.WithValue(ctx, createKey{}, true) }

func isCreate(ctx context.Context) bool { v, _ := ctx.Value(createKey{}).(bool); return v }

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	create := isCreate(req.Context())
	for attempt := 1; ; attempt++ {
		r := req.Clone(req.Context())
		if attempt > 1 && req.GetBody != nil {
			b, err := req.GetBody()
			if err != nil {
				return nil, fmt.Errorf("replay request body: %w", err)
			}
			r.Body = b
		}
		resp, err := t.next.RoundTrip(r)
		last := attempt >= t.attempts
		if err != nil {
			if req.Context().Err() != nil {
				return nil, err
			}
			if create {
				return nil, fmt.Errorf("%w: %w", ErrUnknownOutcome, err)
			}
			wait := t.backoff(attempt)
			if last || !fits(req.Context(), wait) {
				return nil, err
			}
			if err := t.sleep(req.Context(), wait); err != nil {
				return nil, err
			}
			continue
		}
		if last || !t.retryable(resp.StatusCode, create) {
			return resp, nil
		}
		wait := t.backoff(attempt)
		if s := resp.Header.Get("Retry-After"); s != "" {
			if n, err := strconv.Atoi(s); err == nil && n >= 0 {
				wait = time.Duration(n) * time.Second
			} else if when, err := http.ParseTime(s); err == nil {
				wait = time.Until(when)
			}
		}
		wait = min(max(wait, 0), t.maxWait)
		if !fits(req.Context(), wait) {
			return resp, nil // Twilio's answer says more than a deadline exceeded would
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err := t.sleep(req.Context(), wait); err != nil {
			return nil, fmt.Errorf("%w while waiting %s to retry after HTTP %d", err, wait.Round(time.Millisecond), resp.StatusCode)
		}
	}
}

// fits reports whether a wait of d ends before ctx's deadline: a wait
// that cannot is not started, so the caller gets the last answer now
// rather than a deadline exceeded later.
func fits(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return !ok || time.Until(dl) > d
}

func (t *retryTransport) retryable(status int, create bool) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return status >= 500 && !create
}

// backoff is base·2^(attempt-1), capped, with full jitter between half and
// all of it so parallel resources do not retry in lockstep.
func (t *retryTransport) backoff(attempt int) time.Duration {
	d := t.base << (attempt - 1)
	if d > t.maxWait || d <= 0 {
		d = t.maxWait
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}
