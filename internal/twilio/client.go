package twilio

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/twilio/twilio-go/client"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/tdeploy/twilio-deploy-action/internal/creds"
)

// Options say whom to act as and how to reach Twilio.
type Options struct {
	// Credentials authenticate: the API key and secret when set, else the
	// account SID and auth token. Its AccountSID is the 2010 API's
	// default account.
	Credentials creds.Credentials
	// Edge and Region pick Twilio's regional hosts ("dublin", "ie1").
	Edge, Region string
	// APIURL sends every request to this base URL instead of
	// https://<product>.twilio.com (the emulator).
	APIURL string
	// Transport is the innermost transport; nil is a pooled one tuned for
	// many parallel requests.
	Transport http.RoundTripper
	// RetryWait replaces the wait between retries; nil is wait.Sleep.
	// Exported so that callers' tests can record waits instead of sleeping.
	RetryWait func(context.Context, time.Duration) error
}

// Request is one Twilio REST request.
type Request struct {
	Method string // GET, POST or DELETE
	Host   string // "sync.twilio.com"
	Path   string // "/v1/Services/IS.../Maps"
	// Form is the form body of a POST, or the query of a GET or DELETE.
	Form url.Values
	// JSON, when set, is sent as an application/json body.
	JSON []byte
	// Create marks a request that is not safe to repeat: a connection
	// dropped after it was sent is not retried but reported as
	// ErrUnknownOutcome, for the caller to find out what happened.
	Create bool
}

// requestTimeout bounds one logical request, its retries included.
const requestTimeout = 2 * time.Minute

// Client sends requests to Twilio with retries (see ErrUnknownOutcome).
type Client struct {
	auth         auth
	edge, region string
	rt           http.RoundTripper // retries, then the emulator redirect
}

// New builds the client for o. It fails only on a malformed APIURL.
func New(o Options) (*Client, error) {
	base := o.Transport
	if base == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		base = t
	}
	rt, err := NewTransport(o.APIURL, base)
	if err != nil {
		return nil, err
	}
	return &Client{auth: authOf(o.Credentials), edge: o.Edge, region: o.Region, rt: newRetryTransport(rt, o.RetryWait)}, nil
}

// AccountSID is the account of the credentials.
func (c *Client) AccountSID() string { return c.auth.account }

// Do sends req under ctx and decodes the JSON response body (nil for an
// empty body). Twilio's error answers come back as *APIError.
func (c *Client) Do(ctx context.Context, req Request) (map[string]any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	if req.Create {
		ctx = asCreate(ctx)
	}
	h := &client.RequestHandler{Client: c.auth.twilioGo(ctx, c.rt), Edge: c.edge, Region: c.region}
	u := "https://" + req.Host + req.Path
	headers := map[string]any{}
	var (
		resp *http.Response
		err  error
	)
	switch req.Method {
	case http.MethodGet:
		resp, err = h.Get(u, req.Form, headers, "")
	case http.MethodDelete:
		resp, err = h.Delete(u, req.Form, headers, "")
	case http.MethodPost:
		if req.JSON != nil {
			headers["Content-Type"] = "application/json"
			resp, err = h.Post(u, url.Values{}, headers, "", req.JSON...)
		} else {
			headers["Content-Type"] = "application/x-www-form-urlencoded"
			resp, err = h.Post(u, req.Form, headers, "")
		}
	default:
		return nil, fmt.Errorf("method %s not supported", req.Method)
	}
	if err != nil {
		return nil, decode(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil, nil
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("decode response of %s %s: %w", req.Method, req.Path, err)
	}
	return out, nil
}

// HTTPClient sends authenticated requests to *.twilio.com hosts with the
// client's edge, region, retries and API base override, for requests
// twilio-go cannot build (multipart uploads). Callers set the URL
// (https://<product>.twilio.com/...), the body and the request's context;
// ResponseError decodes an error answer.
func (c *Client) HTTPClient() *http.Client {
	return &http.Client{Transport: &authTransport{auth: c.auth, edge: c.edge, region: c.region, next: c.rt}, Timeout: requestTimeout}
}

// auth is who the requests authenticate as, and for which account.
type auth struct{ account, user, pass string }

// authOf prefers the API key, as Twilio recommends.
func authOf(c creds.Credentials) auth {
	a := auth{account: c.AccountSID, user: c.AccountSID, pass: c.AuthToken}
	if c.UsesAPIKey() {
		a.user, a.pass = c.APIKey, c.APISecret
	}
	return a
}

// twilioGo is twilio-go's client for the calls of one ctx over rt.
// twilio-go takes no context, so the transport carries it; and twilio-go
// must not follow redirects (its own default).
func (a auth) twilioGo(ctx context.Context, rt http.RoundTripper) *client.Client {
	cl := &client.Client{Credentials: client.NewCredentials(a.user, a.pass), HTTPClient: &http.Client{
		Transport:     ctxTransport{ctx: ctx, next: rt},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	cl.SetAccountSid(a.account)
	return cl
}

// accounts is twilio-go's 2010 API alone for the calls of one ctx: the one
// product the action calls (its RestClient links all sixty, a stripped
// action binary of 62 MB instead of 42, and a slower start).
func (a auth) accounts(ctx context.Context, rt http.RoundTripper) *api.ApiService {
	return api.NewApiServiceWithClient(a.twilioGo(ctx, rt))
}

// authTransport adds basic authentication and the edge/region host to
// requests made outside twilio-go.
type authTransport struct {
	auth         auth
	edge, region string
	next         http.RoundTripper
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.SetBasicAuth(t.auth.user, t.auth.pass)
	if t.edge != "" || t.region != "" {
		h := client.RequestHandler{Edge: t.edge, Region: t.region}
		if s, err := h.BuildUrl(r.URL.String()); err == nil {
			if u, err := url.Parse(s); err == nil {
				r.URL = u
				r.Host = u.Host
			}
		}
	}
	return t.next.RoundTrip(r)
}
