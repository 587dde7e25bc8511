package twilio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twilio/twilio-go/client"

	"github.com/tdeploy/twilio-deploy-action/internal/creds"
)

const (
	testSID   = "AC0123456789abcdef0123456789abcdef"
	testToken = "0123456789abcdef0123456789abcdef"
)

// fakeTwilio serves h as every *.twilio.com host and returns a client
// for it whose retry waits are recorded, not slept.
func fakeTwilio(t *testing.T, c creds.Credentials, h http.HandlerFunc) (*Client, *[]time.Duration) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	var mu sync.Mutex
	waits := []time.Duration{}
	cl, err := New(Options{Credentials: c, APIURL: srv.URL, RetryWait: func(_ context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		waits = append(waits, d)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	return cl, &waits
}

func tokenCreds() creds.Credentials {
	return creds.Credentials{AccountSID: testSID, AuthToken: testToken}
}

// twilioError writes an error answer as Twilio does: the 2010 API and the
// newer ones both put code, message, more_info and status in the body.
func twilioError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"code": code, "message": msg, "more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code), "status": status})
}

func TestDoDecodesErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		req      Request
		status   int
		code     int
		notFound bool
	}{
		{"2010 API not found", Request{Method: http.MethodGet, Host: "api.twilio.com", Path: "/2010-04-01/Accounts/" + testSID + "/IncomingPhoneNumbers/PN1.json"}, 404, 20404, true},
		{"newer API bad parameter", Request{Method: http.MethodPost, Host: "sync.twilio.com", Path: "/v1/Services", Form: map[string][]string{"Ttl": {"x"}}}, 400, 20001, false},
		{"authentication", Request{Method: http.MethodDelete, Host: "serverless.twilio.com", Path: "/v1/Services/ZS1"}, 401, 20003, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cl, _ := fakeTwilio(t, tokenCreds(), func(w http.ResponseWriter, r *http.Request) {
				twilioError(w, tt.status, tt.code, "refused "+r.Method)
			})
			_, err := cl.Do(t.Context(), tt.req)
			want := &APIError{Status: tt.status, Code: tt.code, Message: "refused " + tt.req.Method, MoreInfo: fmt.Sprintf("https://www.twilio.com/docs/errors/%d", tt.code)}
			var got *APIError
			if !errors.As(err, &got) {
				t.Fatalf("err = %v, want *APIError", err)
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("APIError (-want +got):\n%s", d)
			}
			if NotFound(err) != tt.notFound {
				t.Errorf("NotFound = %v, want %v", !tt.notFound, tt.notFound)
			}
		})
	}
}

func TestDecode(t *testing.T) {
	t.Parallel()
	plain := errors.New("connection refused")
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"2010 and legacy body", fmt.Errorf("send: %w", &client.TwilioRestError{Status: 404, Code: 20404, Message: "not found", MoreInfo: "https://x"}),
			&APIError{Status: 404, Code: 20404, Message: "not found", MoreInfo: "https://x"}},
		{"API standards v1.0 body", &client.RestErrorV1{HttpStatusCode: 409, Code: 35001, Message: "conflict"},
			&APIError{Status: 409, Code: 35001, Message: "conflict"}},
		{"with details", &client.TwilioRestError{Status: 400, Code: 81022, Message: "Invalid Flow Definition",
			Details: map[string]any{"errors": []any{map[string]any{"message": "m", "property_path": "#/states/1"}}}},
			&APIError{Status: 400, Code: 81022, Message: "Invalid Flow Definition",
				Details: map[string]any{"errors": []any{map[string]any{"message": "m", "property_path": "#/states/1"}}}}},
		{"not Twilio's", plain, plain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if d := cmp.Diff(tt.want, decode(tt.err), cmp.Comparer(func(a, b error) bool { return a.Error() == b.Error() })); d != "" {
				t.Errorf("decode (-want +got):\n%s", d)
			}
		})
	}
}

func TestResponseError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want *APIError
	}{
		{"Twilio's body", `{"code":20001,"message":"Invalid Path","more_info":"https://www.twilio.com/docs/errors/20001","status":400}`,
			&APIError{Status: 400, Code: 20001, Message: "Invalid Path", MoreInfo: "https://www.twilio.com/docs/errors/20001"}},
		{"a proxy's text", "  Bad Gateway\n", &APIError{Status: 400, Message: "Bad Gateway"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if d := cmp.Diff(tt.want, ResponseError(400, []byte(tt.body))); d != "" {
				t.Errorf("ResponseError (-want +got):\n%s", d)
			}
		})
	}
	for _, tt := range []struct {
		err  *APIError
		want string
	}{
		{&APIError{Status: 404, Code: 20404, Message: "gone", MoreInfo: "https://x"}, "Twilio error 20404 (HTTP 404): gone (https://x)"},
		{&APIError{Status: 400, Code: 81022, Message: "Invalid Flow Definition", MoreInfo: "https://y", Details: map[string]any{"errors": []any{
			map[string]any{"message": "unknown widget type \"x\"", "property_path": "#/states/1/type"},
			map[string]any{"message": "no path"},
			map[string]any{"property_path": "#/no/message"},
		}}}, `Twilio error 81022 (HTTP 400): Invalid Flow Definition: #/states/1/type: unknown widget type "x"; no path (https://y)`},
		{&APIError{Status: 400, Code: 20001, Message: "m", Details: map[string]any{"other": 1}}, "Twilio error 20001 (HTTP 400): m"},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q; want %q", got, tt.want)
		}
	}
	withDetails := ResponseError(400, []byte(`{"code":81022,"message":"Invalid Flow Definition","details":{"errors":[{"message":"m","property_path":"#/p"}]}}`))
	if got := withDetails.Error(); got != "Twilio error 81022 (HTTP 400): Invalid Flow Definition: #/p: m" {
		t.Errorf("ResponseError with details: %q", got)
	}
}

func TestDoAuthenticates(t *testing.T) {
	t.Parallel()
	const keySID, keySecret = "SKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "keysecret"
	tests := []struct {
		name       string
		c          creds.Credentials
		user, pass string
	}{
		{"auth token", tokenCreds(), testSID, testToken},
		{"API key wins", creds.Credentials{AccountSID: testSID, AuthToken: testToken, APIKey: keySID, APISecret: keySecret}, keySID, keySecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			var mu sync.Mutex
			cl, _ := fakeTwilio(t, tt.c, func(w http.ResponseWriter, r *http.Request) {
				u, p, _ := r.BasicAuth()
				mu.Lock()
				got = append(got, r.Host+" "+u+":"+p)
				mu.Unlock()
				io.WriteString(w, `{"sid":"X"}`)
			})
			if _, err := cl.Do(t.Context(), Request{Method: http.MethodGet, Host: "sync.twilio.com", Path: "/v1/Services"}); err != nil {
				t.Fatal(err)
			}
			resp, err := cl.HTTPClient().Post("https://serverless-upload.twilio.com/v1/Services/ZS1/Functions/ZH1/Versions", "text/plain", strings.NewReader("x"))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			want := []string{"sync.twilio.com " + tt.user + ":" + tt.pass, "serverless-upload.twilio.com " + tt.user + ":" + tt.pass}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("requests (-want +got):\n%s", d)
			}
			if cl.AccountSID() != testSID {
				t.Errorf("AccountSID = %s", cl.AccountSID())
			}
		})
	}
}

func TestDoRetries(t *testing.T) {
	t.Parallel()
	// drop closes the connection without an answer.
	drop := func(w http.ResponseWriter) {
		c, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			c.Close()
		}
	}
	tests := []struct {
		name   string
		create bool
		first  func(w http.ResponseWriter) // the first answer; then 200
		calls  int
		waits  []time.Duration // nil: only check the count
		err    error
	}{
		{"429 honours Retry-After", false, func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "3")
			twilioError(w, 429, 20429, "Too Many Requests")
		}, 2, []time.Duration{3 * time.Second}, nil},
		{"429 of a create too", true, func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "1")
			twilioError(w, 429, 20429, "Too Many Requests")
		}, 2, []time.Duration{time.Second}, nil},
		{"503 of a create", true, func(w http.ResponseWriter) { twilioError(w, 503, 20503, "Service Unavailable") }, 2, nil, nil},
		{"500 of a read", false, func(w http.ResponseWriter) { twilioError(w, 500, 20500, "Internal Server Error") }, 2, nil, nil},
		{"500 of a create is not repeated", true, func(w http.ResponseWriter) { twilioError(w, 500, 20500, "Internal Server Error") }, 1, []time.Duration{}, &APIError{}},
		{"dropped read", false, drop, 2, nil, nil},
		{"dropped create is an unknown outcome", true, drop, 1, []time.Duration{}, ErrUnknownOutcome},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			cl, waits := fakeTwilio(t, tokenCreds(), func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) == 1 {
					tt.first(w)
					return
				}
				io.WriteString(w, `{"sid":"IS1"}`)
			})
			method := http.MethodGet
			if tt.create {
				method = http.MethodPost
			}
			out, err := cl.Do(t.Context(), Request{Method: method, Host: "sync.twilio.com", Path: "/v1/Services", Create: tt.create})
			switch want := tt.err.(type) {
			case nil:
				if err != nil || out["sid"] != "IS1" {
					t.Fatalf("Do = %v, %v; want the second answer", out, err)
				}
			case *APIError:
				if !errors.As(err, &want) {
					t.Fatalf("err = %v, want *APIError", err)
				}
			default:
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
			}
			if int(calls.Load()) != tt.calls {
				t.Errorf("%d calls, want %d", calls.Load(), tt.calls)
			}
			if tt.waits != nil {
				if d := cmp.Diff(tt.waits, *waits); d != "" {
					t.Errorf("waits (-want +got):\n%s", d)
				}
			} else if len(*waits) != tt.calls-1 {
				t.Errorf("waits %v, want %d", *waits, tt.calls-1)
			}
		})
	}
}

// onParent is a call on the parent account of the test credentials.
func onParent(call func(context.Context, *Parent) error) func(context.Context, string) error {
	return func(ctx context.Context, apiURL string) error {
		p, err := NewParent(tokenCreds(), apiURL)
		if err != nil {
			return err
		}
		return call(ctx, p)
	}
}

// TestCancellationReachesTheRequest: cancelling the caller's ctx ends a
// request Twilio is still answering, for every way into Twilio.
func TestCancellationReachesTheRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		call func(ctx context.Context, apiURL string) error
	}{
		{"Client.Do", func(ctx context.Context, apiURL string) error {
			cl, err := New(Options{Credentials: tokenCreds(), APIURL: apiURL})
			if err != nil {
				return err
			}
			_, err = cl.Do(ctx, Request{Method: http.MethodGet, Host: "sync.twilio.com", Path: "/v1/Services"})
			return err
		}},
		{"Parent.Create", onParent(func(ctx context.Context, p *Parent) error { _, err := p.Create(ctx, "tdeploy/ivr#1"); return err })},
		{"Parent.Active", onParent(func(ctx context.Context, p *Parent) error { _, err := p.Active(ctx, "tdeploy/ivr#1"); return err })},
		{"Parent.Close", onParent(func(ctx context.Context, p *Parent) error { return p.Close(ctx, "AC"+strings.Repeat("1", 32)) })},
		{"Check", func(ctx context.Context, apiURL string) error { return Check(ctx, tokenCreds(), apiURL) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			arrived, gone := make(chan struct{}), make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.Copy(io.Discard, r.Body) // the server watches the connection once the body is read
				close(arrived)
				<-r.Context().Done() // the client hung up
				close(gone)
			}))
			defer srv.Close()
			ctx, cancel := context.WithCancel(t.Context())
			errc := make(chan error, 1)
			go func() { errc <- tt.call(ctx, srv.URL) }()
			<-arrived
			cancel()
			select {
			case err := <-errc:
				if err == nil || !strings.Contains(err.Error(), "context canceled") {
					t.Errorf("err = %v, want the cancellation", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the call did not end when its ctx was cancelled")
			}
			<-gone
		})
	}
}
