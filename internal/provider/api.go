package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/twilio/twilio-go/client"
)

// API is the Twilio REST API as the provider's resources use it: one call is
// one logical request (retries of 429 and 5xx happen below it).
type API interface {
	// Do sends a request and decodes its JSON response body (nil for an
	// empty body). Twilio errors come back as *APIError.
	Do(ctx context.Context, req Request) (map[string]any, error)
	// AccountSID is the account the provider manages: the 2010 API's
	// default AccountSid.
	AccountSID() string
	// HTTPClient sends authenticated requests to *.twilio.com hosts with the
	// provider's edge, region, retries and API base override, for requests
	// twilio-go cannot build (multipart uploads). Callers set the URL
	// (https://<product>.twilio.com/...) and body; authentication is added.
	HTTPClient() *http.Client
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

// APIError is an error answer from Twilio.
type APIError struct {
	Status   int
	Code     int
	Message  string
	MoreInfo string
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("Twilio error %d (HTTP %d): %s", e.Code, e.Status, e.Message)
	if e.MoreInfo != "" {
		s += " (" + e.MoreInfo + ")"
	}
	return s
}

// NotFound reports whether err is Twilio's 404.
func NotFound(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.Status == http.StatusNotFound
}

// twilioAPI is API over twilio-go's client, which handles authentication,
// edge and region hosts, and Twilio error bodies.
type twilioAPI struct {
	handler *client.RequestHandler
	http    *http.Client
	account string
	// sub is set when the provider acts on a sub-account with its
	// parent's credentials, which Twilio allows on the 2010 API only.
	sub bool
}

var _ API = (*twilioAPI)(nil)

// createHeader marks create requests for the retry transport, which removes
// it before sending (twilio-go has no per-request context to carry it).
const createHeader = "X-Tdeploy-Create"

func (a *twilioAPI) AccountSID() string { return a.account }

func (a *twilioAPI) HTTPClient() *http.Client {
	c := a.handler.Client.(*client.Client)
	return &http.Client{Transport: &authTransport{
		user: c.Username, pass: c.Password, next: a.http.Transport,
		edge: a.handler.Edge, region: a.handler.Region,
	}, Timeout: a.http.Timeout}
}

func (a *twilioAPI) Do(ctx context.Context, req Request) (map[string]any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if a.sub && !strings.HasPrefix(req.Path, "/2010-04-01/") {
		return nil, fmt.Errorf("twilio:subaccountSid works on the 2010 API only (api.twilio.com); to manage %s resources of a sub-account, "+
			"configure an explicit provider with the sub-account's own accountSid and authToken", req.Host)
	}
	u := "https://" + req.Host + req.Path
	headers := map[string]any{}
	if req.Create {
		headers[createHeader] = "1"
	}
	var (
		resp *http.Response
		err  error
	)
	switch req.Method {
	case http.MethodGet:
		resp, err = a.handler.Get(u, req.Form, headers, "")
	case http.MethodDelete:
		resp, err = a.handler.Delete(u, req.Form, headers, "")
	case http.MethodPost:
		if req.JSON != nil {
			headers["Content-Type"] = "application/json"
			resp, err = a.handler.Post(u, url.Values{}, headers, "", req.JSON...)
		} else {
			headers["Content-Type"] = "application/x-www-form-urlencoded"
			resp, err = a.handler.Post(u, req.Form, headers, "")
		}
	default:
		return nil, fmt.Errorf("method %s not supported", req.Method)
	}
	if err != nil {
		var te *client.TwilioRestError
		if errors.As(err, &te) {
			return nil, &APIError{Status: te.Status, Code: te.Code, Message: te.Message, MoreInfo: te.MoreInfo}
		}
		var ve *client.RestErrorV1
		if errors.As(err, &ve) {
			return nil, &APIError{Status: ve.HttpStatusCode, Code: ve.Code, Message: ve.Message}
		}
		return nil, err
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

// authTransport adds basic authentication and the edge/region host to
// requests made outside twilio-go.
type authTransport struct {
	user, pass   string
	edge, region string
	next         http.RoundTripper
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.SetBasicAuth(t.user, t.pass)
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
