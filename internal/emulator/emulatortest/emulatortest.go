// Package emulatortest starts the Twilio emulator for a test on a loopback
// port and hands out clients wired to it.
//
//	env := emulatortest.New(t)
//	client := env.RestClient()             // twilio-go, talking to the emulator
//	svc, err := client.SyncV1.CreateService(...)
//
// The provider under test gets env.URL as its API base override and
// env.AccountSID / env.AuthToken as credentials.
package emulatortest

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/twilio/twilio-go"
	twclient "github.com/twilio/twilio-go/client"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	twadapter "github.com/tdeploy/twilio-deploy-action/internal/twilio"
)

// Env is a running emulator.
type Env struct {
	// URL is the base URL to give twilio.NewTransport or the provider.
	URL        string
	AccountSID string
	AuthToken  string
	Server     *emulator.Server
	HTTP       *httptest.Server
	t          testing.TB
}

// New starts an emulator serving one account with generated credentials
// (unless opts set Accounts; the first one is then Env's). It is closed
// when the test ends.
//
// It is strict (Options.Strict): a parameter Twilio would silently drop
// is a 400 here, so our provider's tests catch a parameter it misspells
// or sends to the wrong operation. Tests of clients we did not write
// pass Lenient, the emulator's (and Twilio's) default.
func New(t testing.TB, opts ...func(*emulator.Options)) *Env {
	t.Helper()
	o := emulator.Options{Strict: true}
	for _, f := range opts {
		f(&o)
	}
	if len(o.Accounts) == 0 {
		o.Accounts = []emulator.Account{{SID: "AC" + randHex(t), AuthToken: randHex(t)}}
	}
	s, err := emulator.New(o)
	if err != nil {
		t.Fatalf("emulatortest: %v", err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return &Env{URL: hs.URL, AccountSID: o.Accounts[0].SID, AuthToken: o.Accounts[0].AuthToken,
		Server: s, HTTP: hs, t: t}
}

// Lenient is an option for the emulator's default, Twilio's behaviour:
// parameters the catalog does not define are accepted, dropped and
// recorded in the request log (Request.Ignored).
func Lenient(o *emulator.Options) { o.Strict = false }

// Transport sends *.twilio.com requests to the emulator.
func (e *Env) Transport() http.RoundTripper {
	rt, err := twadapter.NewTransport(e.URL, nil)
	if err != nil {
		e.t.Fatalf("emulatortest: %v", err)
	}
	return rt
}

// RestClient is a twilio-go client for the Env's account.
func (e *Env) RestClient() *twilio.RestClient {
	return e.RestClientFor(e.AccountSID, e.AuthToken)
}

// RestClientFor is a twilio-go client with other credentials (a
// sub-account, an API key, a wrong token).
func (e *Env) RestClientFor(username, password string) *twilio.RestClient {
	c := &twclient.Client{
		Credentials: twclient.NewCredentials(username, password),
		HTTPClient:  &http.Client{Transport: e.Transport()},
	}
	c.SetAccountSid(username)
	if strings.HasPrefix(username, "SK") {
		c.SetAccountSid(e.AccountSID) // API keys act for the main account
	}
	return twilio.NewRestClientWithParams(twilio.ClientParams{Client: c})
}

// randHex is 32 random hex digits.
func randHex(t testing.TB) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("emulatortest: %v", err)
	}
	return hex.EncodeToString(b)
}
