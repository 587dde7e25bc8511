// Package twiliohttp sends twilio-go's requests to another address.
//
// twilio-go builds URLs such as https://sync.twilio.com/v1/Services (or
// https://sync.dublin.ie1.twilio.com/... with TWILIO_EDGE and TWILIO_REGION).
// A Transport rewrites the scheme and address to a base URL (the local
// emulator) and keeps the product host in the Host header, which is what the
// emulator routes on.
package twiliohttp

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Transport redirects requests for *.twilio.com to Base.
type Transport struct {
	Base *url.URL
	Next http.RoundTripper // nil means http.DefaultTransport
}

// New returns a Transport for base ("http://127.0.0.1:4010"). An empty base
// returns next unchanged: requests go to Twilio.
func New(base string, next http.RoundTripper) (http.RoundTripper, error) {
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
