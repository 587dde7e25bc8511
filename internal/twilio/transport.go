package twilio

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Transport redirects requests for *.twilio.com to Base, keeping the
// product host in the Host header (what the emulator routes on).
type Transport struct {
	Base *url.URL
	Next http.RoundTripper // nil means http.DefaultTransport
}

// NewTransport returns a Transport for base ("http://127.0.0.1:4010"). An
// empty base returns next unchanged: requests go to Twilio.
func NewTransport(base string, next http.RoundTripper) (http.RoundTripper, error) {
	if next == nil {
		next = http.DefaultTransport
	}
	if base == "" {
		return next, nil
	}
	u, err := url.Parse(base)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("API base URL %q: want scheme://host[:port]", base)
	}
	return &Transport{Base: u, Next: next}, nil
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	host := req.URL.Hostname()
	if !strings.HasSuffix(host, ".twilio.com") {
		return t.next().RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.URL.Scheme = t.Base.Scheme
	r.URL.Host = t.Base.Host
	r.URL.Path = strings.TrimSuffix(t.Base.Path, "/") + req.URL.Path
	r.Host = ProductHost(host)
	return t.next().RoundTrip(r)
}

func (t *Transport) next() http.RoundTripper {
	if t.Next == nil {
		return http.DefaultTransport
	}
	return t.Next
}

// ProductHost drops the edge and region labels:
// "sync.dublin.ie1.twilio.com" gives "sync.twilio.com".
func ProductHost(host string) string {
	if i := strings.IndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	first, _, _ := strings.Cut(host, ".")
	return first + ".twilio.com"
}

// ctxTransport gives every request one context: twilio-go builds its
// requests without one, so this is how the caller's ctx reaches them.
type ctxTransport struct {
	ctx  context.Context
	next http.RoundTripper
}

func (t ctxTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return t.next.RoundTrip(r.WithContext(t.ctx))
}
