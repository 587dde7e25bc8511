package provider

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
	"github.com/tdeploy/twilio-deploy-action/internal/stack"
	"github.com/tdeploy/twilio-deploy-action/internal/twilio"
	"github.com/tdeploy/twilio-deploy-action/internal/twilio/wait"
	syncv1 "github.com/twilio/twilio-go/rest/sync/v1"
)

// faultServer is a configured provider whose innermost transport is
// wrap(emulator transport) and whose retry waits are recorded, not slept.
func faultServer(t *testing.T, env *emulatortest.Env, wrap func(http.RoundTripper) http.RoundTripper) (*server, *[]time.Duration) {
	t.Helper()
	var mu sync.Mutex
	waits := []time.Duration{}
	vars := envFor(env)
	delete(vars, "TWILIO_API_URL") // the wrapped transport goes to the emulator
	next, err := twilio.NewTransport(env.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{
		Resources: builtin(),
		Getenv:    func(k string) string { return vars[k] },
		Transport: wrap(next),
		sleep: func(_ context.Context, d time.Duration) error {
			mu.Lock()
			waits = append(waits, d)
			mu.Unlock()
			return nil
		},
	}
	s, err := newServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.configure(context.Background(), p.ConfigureRequest{Args: property.NewMap(nil)}); err != nil {
		t.Fatal(err)
	}
	return s, &waits
}

type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func createIn(t *testing.T, s *server, token string, in map[string]any) (p.CreateResponse, error) {
	t.Helper()
	r, err := s.resource(tokenType(token))
	if err != nil {
		t.Fatal(err)
	}
	vals := map[string]property.Value{}
	for k, v := range in {
		vals[k] = fromGo(v)
	}
	return r.Create(context.Background(), s.api, p.CreateRequest{Urn: urnOf(token, "x"), Properties: property.NewMap(vals)})
}

// TestRetriesRateLimitsAndUnavailable: with 30% 429s and 20% 503s injected
// by the emulator, every create succeeds exactly once and the waits honour
// Retry-After.
func TestRetriesRateLimitsAndUnavailable(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t, func(o *emulator.Options) {
		o.Seed = 7
		o.Faults = emulator.Faults{RateLimit: 0.3, ServerError: 0.2, RetryAfter: 2 * time.Second}
	})
	s, waits := faultServer(t, env, func(rt http.RoundTripper) http.RoundTripper { return rt })
	for i := range 20 {
		if _, err := createIn(t, s, "twilio:sync/v1:Service", map[string]any{"friendlyName": "svc"}); err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
	}
	if n := len(env.Server.Inventory(env.AccountSID)); n != 20 {
		t.Errorf("%d services, want 20", n)
	}
	sawRetryAfter := false
	for _, w := range *waits {
		sawRetryAfter = sawRetryAfter || w == 2*time.Second
	}
	if len(*waits) == 0 || !sawRetryAfter {
		t.Errorf("waits %v: want retries, one of them the Retry-After of 2s", *waits)
	}
}

// TestRetriesGiveUp: a server that always answers 503 gets a bounded
// number of attempts, and the error carries Twilio's code and link.
func TestRetriesGiveUp(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t, func(o *emulator.Options) { o.Faults = emulator.Faults{ServerError: 1} })
	s, waits := faultServer(t, env, func(rt http.RoundTripper) http.RoundTripper { return rt })
	_, err := createIn(t, s, "twilio:sync/v1:Service", map[string]any{"friendlyName": "svc"})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 503 || !strings.Contains(err.Error(), "more_info") && apiErr.MoreInfo == "" {
		t.Fatalf("err = %v", err)
	}
	if got := len(env.Server.Requests()); got != 6 || len(*waits) != 5 {
		t.Errorf("%d attempts, %d waits; want 6 and 5", got, len(*waits))
	}
}

// dropFirstCreate loses the response of the first POST to a list path:
// after the server applied it (applied) or before it reached it.
func dropFirstCreate(applied bool) func(http.RoundTripper) http.RoundTripper {
	return func(next http.RoundTripper) http.RoundTripper {
		var once sync.Once
		return rtFunc(func(r *http.Request) (*http.Response, error) {
			drop := false
			if r.Method == http.MethodPost {
				once.Do(func() { drop = true })
			}
			if !drop {
				return next.RoundTrip(r)
			}
			if applied {
				resp, err := next.RoundTrip(r)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
			return nil, io.ErrUnexpectedEOF
		})
	}
}

func TestCreateWithUnknownOutcome(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		applied   bool
		token     string
		inputs    func(parent string) map[string]any
		wantErr   bool
		wantCount int
	}{
		{"applied, found by uniqueName", true, "twilio:sync/v1:ServiceSyncMap",
			func(sid string) map[string]any { return map[string]any{"serviceSid": sid, "uniqueName": "cart"} }, false, 1},
		{"not applied, created again", false, "twilio:sync/v1:ServiceSyncMap",
			func(sid string) map[string]any { return map[string]any{"serviceSid": sid, "uniqueName": "cart"} }, false, 1},
		{"applied, found by key", true, "twilio:sync/v1:ServiceSyncMapItem",
			func(sid string) map[string]any {
				return map[string]any{"serviceSid": sid, "mapSid": "cart", "key": "k1", "data": map[string]any{"a": 1.0}}
			}, false, 1},
		{"applied, no way to tell", true, "twilio:sync/v1:ServiceSyncList",
			func(sid string) map[string]any { return map[string]any{"serviceSid": sid} }, true, 1},
		// No unique name: found by every input Twilio shows back and a
		// creation time since the request was sent. (The parent Service
		// has no friendly name, so it never matches.)
		{"applied, found by its inputs", true, "twilio:sync/v1:Service",
			func(string) map[string]any {
				return map[string]any{"friendlyName": "orders", "reachabilityWebhooksEnabled": true}
			}, false, 2},
		{"not applied, no match, created again", false, "twilio:sync/v1:Service",
			func(string) map[string]any { return map[string]any{"friendlyName": "orders"} }, false, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := emulatortest.New(t)
			// The parents are made first, on a healthy provider.
			plain := configured(t, env)
			svc, err := createIn(t, plain, "twilio:sync/v1:Service", map[string]any{})
			if err != nil {
				t.Fatal(err)
			}
			sid := svc.Properties.Get("sid").AsString()
			if tc.token == "twilio:sync/v1:ServiceSyncMapItem" {
				if _, err := createIn(t, plain, "twilio:sync/v1:ServiceSyncMap", map[string]any{"serviceSid": sid, "uniqueName": "cart"}); err != nil {
					t.Fatal(err)
				}
			}
			s, _ := faultServer(t, env, dropFirstCreate(tc.applied))
			_, err = createIn(t, s, tc.token, tc.inputs(sid))
			if tc.wantErr != (err != nil) {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if err != nil && !errors.Is(err, ErrUnknownOutcome) {
				t.Errorf("err = %v, want ErrUnknownOutcome", err)
			}
			n := 0
			for _, o := range env.Server.Inventory(env.AccountSID) {
				if "twilio:"+o.Token == tc.token {
					n++
				}
			}
			if n != tc.wantCount {
				t.Errorf("%d %s after the dropped create, want %d", n, tc.token, tc.wantCount)
			}
		})
	}
}

func TestTwilioErrorsSurface(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	s := configured(t, env)
	_, err := createIn(t, s, "twilio:sync/v1:ServiceSyncMap", map[string]any{"serviceSid": "IS0123456789abcdef0123456789abcdef"})
	if err == nil || !strings.Contains(err.Error(), "20404") || !strings.Contains(err.Error(), "https://www.twilio.com/docs/errors/20404") {
		t.Fatalf("err = %v, want Twilio's code and more_info link", err)
	}
}

func TestResolveConfig(t *testing.T) {
	t.Parallel()
	ac := "AC" + strings.Repeat("a", 32)
	for _, tc := range []struct {
		name     string
		settings map[string]string
		env      map[string]string
		want     Config
		err      string
	}{
		{"env token", nil, map[string]string{"TWILIO_ACCOUNT_SID": ac, "TWILIO_AUTH_TOKEN": "tok"}, Config{AccountSID: ac, AuthToken: "tok"}, ""},
		{"setting wins", map[string]string{"authToken": "fromprog"}, map[string]string{"TWILIO_ACCOUNT_SID": ac, "TWILIO_AUTH_TOKEN": "tok"}, Config{AccountSID: ac, AuthToken: "fromprog"}, ""},
		{"api key", map[string]string{"accountSid": ac, "apiKey": "SK1", "apiSecret": "s", "region": "ie1", "edge": "dublin"}, nil,
			Config{AccountSID: ac, APIKey: "SK1", APISecret: "s", Region: "ie1", Edge: "dublin"}, ""},
		{"no account", nil, nil, Config{}, "TWILIO_ACCOUNT_SID"},
		{"bad account", map[string]string{"accountSid": "ACx"}, nil, Config{}, "not an account SID"},
		{"no token", map[string]string{"accountSid": ac}, nil, Config{}, "TWILIO_AUTH_TOKEN"},
		{"key without secret", map[string]string{"accountSid": ac, "apiKey": "SK1"}, nil, Config{}, "TWILIO_API_SECRET"},
		{"secret without key", map[string]string{"accountSid": ac, "apiSecret": "s"}, nil, Config{}, "TWILIO_API_KEY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ResolveConfig(tc.settings, func(k string) string { return tc.env[k] })
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want it to name %s", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

// TestHTTPClient: the raw client hand-written resources use for uploads carries
// the credentials and reaches the emulator through the API base override.
func TestHTTPClient(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	s := configured(t, env)
	resp, err := s.api.HTTPClient().Get("https://sync.twilio.com/v1/Services")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	got := env.Server.Requests()
	if len(got) != 1 || got[0].Account != env.AccountSID || got[0].Host != "sync.twilio.com" {
		t.Errorf("requests: %+v", got)
	}
}

// TestAPIKeyAuth: an API key and secret (plus the account SID) work in
// place of the auth token.
func TestAPIKeyAuth(t *testing.T) {
	t.Parallel()
	ac := "AC" + strings.Repeat("1", 32)
	env := emulatortest.New(t, func(o *emulator.Options) {
		o.Accounts = []emulator.Account{{SID: ac, AuthToken: strings.Repeat("2", 32),
			APIKeys: []emulator.APIKey{{SID: "SK" + strings.Repeat("3", 32), Secret: "keysecret"}}}}
	})
	vars := map[string]string{"TWILIO_ACCOUNT_SID": ac, "TWILIO_API_KEY": "SK" + strings.Repeat("3", 32),
		"TWILIO_API_SECRET": "keysecret", "TWILIO_API_URL": env.URL}
	s, err := newServer(Options{Resources: builtin(), Getenv: func(k string) string { return vars[k] }})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.configure(context.Background(), p.ConfigureRequest{Args: property.NewMap(nil)}); err != nil {
		t.Fatal(err)
	}
	if _, err := createIn(t, s, "twilio:api/v2010:Application", map[string]any{"friendlyName": "app"}); err != nil {
		t.Fatalf("create with an API key: %v", err)
	}
	if inv := env.Server.Inventory(ac); len(inv) != 1 {
		t.Errorf("inventory %+v", inv)
	}
}

// TestRegionAndEdge: region and edge pick the regional host, as twilio-go
// spells it.
func TestRegionAndEdge(t *testing.T) {
	t.Parallel()
	var hosts []string
	var mu sync.Mutex
	capture := rtFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		hosts = append(hosts, r.URL.Host)
		mu.Unlock()
		return &http.Response{StatusCode: 201, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(`{"sid":"IS0123456789abcdef0123456789abcdef"}`)), Request: r}, nil
	})
	vars := map[string]string{"TWILIO_ACCOUNT_SID": "AC" + strings.Repeat("1", 32), "TWILIO_AUTH_TOKEN": "tok",
		"TWILIO_REGION": "ie1", "TWILIO_EDGE": "dublin"}
	s, err := newServer(Options{Resources: builtin(), Getenv: func(k string) string { return vars[k] }, Transport: capture})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.configure(context.Background(), p.ConfigureRequest{Args: property.NewMap(nil)}); err != nil {
		t.Fatal(err)
	}
	if _, err := createIn(t, s, "twilio:sync/v1:Service", map[string]any{}); err != nil {
		t.Fatal(err)
	}
	if len(hosts) != 1 || hosts[0] != "sync.dublin.ie1.twilio.com" {
		t.Errorf("hosts %v, want sync.dublin.ie1.twilio.com", hosts)
	}
}

// cancelTestServer is a configured provider against env with the real
// retry wait, as the plugin runs.
func cancelTestServer(t *testing.T, env *emulatortest.Env) p.Provider {
	t.Helper()
	vars := envFor(env)
	s, err := newServer(Options{Resources: builtin(), Getenv: func(k string) string { return vars[k] }})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.configure(t.Context(), p.ConfigureRequest{Args: property.NewMap(nil)}); err != nil {
		t.Fatal(err)
	}
	return s.provider()
}

// TestCancelStopsRetryWaits: the engine's Cancel ends a wait for Twilio's
// Retry-After at once (a cancelled run must end inside GitHub's 7.5 s);
// the throttled create was not applied, and nothing is left in Twilio.
func TestCancelStopsRetryWaits(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t, func(o *emulator.Options) {
		o.Faults = emulator.Faults{RateLimit: 1, RetryAfter: 30 * time.Second}
	})
	prov := cancelTestServer(t, env)
	time.AfterFunc(300*time.Millisecond, func() { _ = prov.Cancel(context.Background()) })
	start := time.Now()
	_, err := prov.Create(t.Context(), p.CreateRequest{Urn: urnOf("twilio:sync/v1:Service", "x"),
		Properties: property.NewMap(map[string]property.Value{"friendlyName": property.New("svc")})})
	took := time.Since(start)
	if !errors.Is(err, wait.ErrStopped) || !strings.Contains(err.Error(), "retry after HTTP 429") {
		t.Fatalf("create = %v; want the stopped wait for a 429's retry", err)
	}
	if took > 2*time.Second {
		t.Errorf("the create took %s after a Cancel at 300 ms; a Retry-After of 30 s must not hold it", took)
	}
	if inv := env.Server.Inventory(env.AccountSID); len(inv) != 0 {
		t.Errorf("Twilio holds %v after a throttled, cancelled create", inv)
	}
}

// TestCancelHearsTheAnswer: a create already sent when the run is
// cancelled gets its answer (within drain), so its resource is in the
// state rather than an orphan of unknown outcome.
func TestCancelHearsTheAnswer(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t, func(o *emulator.Options) { o.Faults = emulator.Faults{Latency: time.Second} })
	prov := cancelTestServer(t, env)
	time.AfterFunc(300*time.Millisecond, func() { _ = prov.Cancel(context.Background()) })
	resp, err := prov.Create(t.Context(), p.CreateRequest{Urn: urnOf("twilio:sync/v1:Service", "x"),
		Properties: property.NewMap(map[string]property.Value{"friendlyName": property.New("svc")})})
	if err != nil {
		t.Fatalf("a create in flight at the Cancel failed: %v", err)
	}
	if inv := env.Server.Inventory(env.AccountSID); len(inv) != 1 || inv[0].SID != resp.ID {
		t.Errorf("Twilio holds %v; want the one service %s", inv, resp.ID)
	}
}

// TestCancelCutsAHungRequest: a request that does not answer within drain
// of the Cancel is given up.
func TestCancelCutsAHungRequest(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t, func(o *emulator.Options) { o.Faults = emulator.Faults{Latency: 20 * time.Second} })
	prov := cancelTestServer(t, env)
	time.AfterFunc(100*time.Millisecond, func() { _ = prov.Cancel(context.Background()) })
	start := time.Now()
	_, err := prov.Read(t.Context(), p.ReadRequest{Urn: urnOf("twilio:sync/v1:Service", "x"), ID: "IS00000000000000000000000000000000"})
	if took := time.Since(start); err == nil || took > drain+time.Second {
		t.Errorf("read = %v after %s; want an error within drain (%s) of the Cancel", err, took, drain)
	}
}

// TestCreateWithUnknownOutcomeAmbiguous: two resources with the inputs of
// a dropped create in its window: the create fails naming both, rather
// than adopt the wrong one or make a third.
func TestCreateWithUnknownOutcomeAmbiguous(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	if _, err := createIn(t, configured(t, env), "twilio:sync/v1:Service", map[string]any{"friendlyName": "orders"}); err != nil {
		t.Fatal(err)
	}
	s, _ := faultServer(t, env, dropFirstCreate(true))
	_, err := createIn(t, s, "twilio:sync/v1:Service", map[string]any{"friendlyName": "orders"})
	if !errors.Is(err, ErrUnknownOutcome) || !strings.Contains(err.Error(), "2 resources with its inputs") || !strings.Contains(err.Error(), "pulumi import twilio:sync/v1:Service") {
		t.Fatalf("err = %v; want the two candidates named and the way out", err)
	}
	if n := len(env.Server.Inventory(env.AccountSID)); n != 2 {
		t.Errorf("%d services, want the 2 there were", n)
	}
}

// TestInterruptedCreates: a resource a killed run was creating
// (InterruptedCreatesEnv) is looked for before it is created: what that
// run made is adopted, and one it never made is created once.
func TestInterruptedCreates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		made   bool // the killed run's create reached Twilio
		listed bool // the URN is in InterruptedCreatesEnv
		want   int  // services after the create
	}{
		{"made by the killed run: adopted", true, true, 1},
		{"never made: created", false, true, 1},
		{"not interrupted: created as usual", true, false, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := emulatortest.New(t)
			since := time.Now().Add(-time.Minute)
			made := ""
			if tc.made {
				svc, err := env.RestClient().SyncV1.CreateService((&syncv1.CreateServiceParams{}).SetFriendlyName("orders"))
				if err != nil {
					t.Fatal(err)
				}
				made = *svc.Sid
			}
			urn := string(urnOf("twilio:sync/v1:Service", "orders"))
			vars := envFor(env)
			if tc.listed {
				vars[InterruptedCreatesEnv] = `{"since":"` + since.UTC().Format(time.RFC3339) + `","urns":["` + urn + `"]}`
			}
			srv, err := newServer(Options{Resources: builtin(), Getenv: func(k string) string { return vars[k] }})
			if err != nil {
				t.Fatal(err)
			}
			if err := srv.configure(t.Context(), p.ConfigureRequest{Args: property.NewMap(nil)}); err != nil {
				t.Fatal(err)
			}
			resp, err := srv.provider().Create(t.Context(), p.CreateRequest{Urn: urnOf("twilio:sync/v1:Service", "orders"),
				Properties: property.NewMap(map[string]property.Value{"friendlyName": property.New("orders")})})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(env.Server.Inventory(env.AccountSID)); n != tc.want {
				t.Errorf("%d services, want %d", n, tc.want)
			}
			if tc.made && tc.listed && resp.ID != made {
				t.Errorf("created %s; want the killed run's %s adopted", resp.ID, made)
			}
		})
	}
}

// The action (package stack) and the provider name the variable alike;
// stack cannot import this package (it would link twilio-go into the
// action), so this test keeps the two in step.
func TestInterruptedCreatesEnvName(t *testing.T) {
	t.Parallel()
	if InterruptedCreatesEnv != stack.InterruptedCreatesEnv {
		t.Errorf("provider reads %s, the action sets %s", InterruptedCreatesEnv, stack.InterruptedCreatesEnv)
	}
}
