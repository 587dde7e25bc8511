// Package wait is the one context-aware sleep of the house: the Twilio
// adapter's retry backoff and the Serverless build polling both use it.
//
// It sits below package twilio, importing nothing, so that pure packages
// (internal/serverless) can wait without linking twilio-go.
package wait

import (
	"context"
	"errors"
	"time"
)

// ErrStopped is what a wait returns once the run was stopped (WithStop).
var ErrStopped = errors.New("the run was cancelled")

type stopKey struct{}

// WithStop makes every Sleep under ctx end at once, with ErrStopped, when
// stop is closed. Unlike cancelling ctx it leaves requests in flight alone:
// a cancelled run stops waiting for Twilio's Retry-After at once, yet still
// hears the answer to a create it has sent.
func WithStop(ctx context.Context, stop <-chan struct{}) context.Context {
	return context.WithValue(ctx, stopKey{}, stop)
}

// Sleep waits for d, or until ctx is done (it then returns ctx.Err()) or
// stopped (ErrStopped).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	stop, _ := ctx.Value(stopKey{}).(<-chan struct{})
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-stop:
		return ErrStopped
	}
}
