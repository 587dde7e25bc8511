// Package wait is the one context-aware sleep of the house: the Twilio
// adapter's retry backoff and the Serverless build polling both use it.
//
// It sits below package twilio, importing nothing, so that pure packages
// (internal/serverless) can wait without linking twilio-go.
package wait

import (
	"context"
	"time"
)

// Sleep waits for d, or until ctx is done; it then returns ctx.Err().
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
