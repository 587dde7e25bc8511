package twilio

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tdeploy/twilio-deploy-action/internal/creds"
)

// TestCheckThrottled: Twilio throttling or unavailable is retried as every
// other call is (Retry-After honoured, bounded), and when it lasts, the
// check says so instead of calling the credentials wrong.
func TestCheckThrottled(t *testing.T) {
	t.Parallel()
	throttle := func(retryAfter string) func(w http.ResponseWriter) {
		return func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", retryAfter)
			twilioError(w, 429, 20429, "Too Many Requests")
		}
	}
	unavailable := func(w http.ResponseWriter) { twilioError(w, 503, 20503, "Service Unavailable") }
	c := creds.Credentials{Prefix: "TWILIO_MAIN_", AccountSID: testSID, AuthToken: testToken}
	tests := []struct {
		name    string
		fail    func(w http.ResponseWriter)
		failing int           // how many answers fail before a 200; -1 all
		within  time.Duration // the check's deadline (0: CheckTimeout)
		calls   int
		waits   []time.Duration // nil: only count them (backoff is jittered)
		want    string          // "" success, else a part of the error
		status  int             // of an *UnavailableError
	}{
		{"429 then ok, Retry-After honoured", throttle("2"), 2, 0, 3, []time.Duration{2 * time.Second, 2 * time.Second}, "", 0},
		{"503 then ok", unavailable, 1, 0, 2, nil, "", 0},
		{"429 lasts", throttle("1"), -1, 0, 6, []time.Duration{time.Second, time.Second, time.Second, time.Second, time.Second},
			"Twilio is throttling requests (HTTP 429, error 20429: Too Many Requests) after 6 attempts", 429},
		{"503 lasts", unavailable, -1, 0, 6, nil, "Twilio is unavailable (HTTP 503, error 20503: Service Unavailable) after 6 attempts", 503},
		{"Retry-After past the deadline: no wait that cannot end in time", throttle("30"), -1, time.Second, 1, []time.Duration{},
			"Twilio is throttling requests (HTTP 429, error 20429: Too Many Requests) after 1 attempt", 429},
		{"401 is not retried", func(w http.ResponseWriter) { twilioError(w, 401, 20003, "Authenticate") }, -1, 0, 1, []time.Duration{},
			"Twilio rejected the credentials in TWILIO_MAIN_ACCOUNT_SID and TWILIO_MAIN_AUTH_TOKEN (HTTP 401, error 20003", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if n := int(calls.Add(1)); tt.failing < 0 || n <= tt.failing {
					tt.fail(w)
					return
				}
				io.WriteString(w, `{"sid":"`+testSID+`","status":"active"}`)
			}))
			t.Cleanup(srv.Close)
			var mu sync.Mutex
			waits := []time.Duration{}
			sleep := func(_ context.Context, d time.Duration) error {
				mu.Lock()
				defer mu.Unlock()
				waits = append(waits, d)
				return nil
			}
			ctx := t.Context()
			if tt.within > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.within)
				defer cancel()
			}
			err := check(ctx, c, srv.URL, sleep)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("check = %v, want success", err)
				}
			} else if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("check = %v, want %q", err, tt.want)
			}
			var ue *UnavailableError
			if got := errors.As(err, &ue); got != (tt.status != 0) {
				t.Errorf("err = %#v: *UnavailableError %v, want %v", err, got, tt.status != 0)
			} else if got && (ue.Status != tt.status || strings.Contains(err.Error(), "rejected") || strings.Contains(err.Error(), "check the secrets")) {
				t.Errorf("err = %v: want status %d and nothing about wrong credentials", err, tt.status)
			}
			if ue != nil {
				var re *RejectedError
				if errors.As(err, &re) {
					t.Errorf("throttling reported as rejected credentials: %v", err)
				}
			}
			if int(calls.Load()) != tt.calls {
				t.Errorf("%d calls, want %d", calls.Load(), tt.calls)
			}
			if tt.waits != nil {
				if d := cmp.Diff(tt.waits, waits); d != "" {
					t.Errorf("waits (-want +got):\n%s", d)
				}
			} else if len(waits) != tt.calls-1 {
				t.Errorf("waits %v, want %d", waits, tt.calls-1)
			}
		})
	}
}
