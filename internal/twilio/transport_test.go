package twilio

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestTransportRewritesProductHosts(t *testing.T) {
	t.Parallel()
	var gotHost, gotPath string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotHost, gotPath = r.Host, r.URL.Path
		io.WriteString(w, "ok")
	}))
	defer srv.Close()

	rt, err := NewTransport(srv.URL+"/prefix", nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ url, host, path string }{
		{"https://sync.twilio.com/v1/Services", "sync.twilio.com", "/prefix/v1/Services"},
		{"https://api.dublin.ie1.twilio.com/2010-04-01/Accounts.json", "api.twilio.com", "/prefix/2010-04-01/Accounts.json"},
		{"https://serverless-upload.twilio.com/v1/Services/ZS1/Functions", "serverless-upload.twilio.com", "/prefix/v1/Services/ZS1/Functions"},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(http.MethodGet, c.url, nil)
		resp, err := (&http.Client{Transport: rt}).Do(req)
		if err != nil {
			t.Fatalf("%s: %v", c.url, err)
		}
		resp.Body.Close()
		if gotHost != c.host || gotPath != c.path {
			t.Errorf("%s: got host %q path %q, want %q %q", c.url, gotHost, gotPath, c.host, c.path)
		}
	}
}

func TestNewRejectsBadBase(t *testing.T) {
	t.Parallel()
	for _, base := range []string{"127.0.0.1:80", "::", "http://"} {
		if _, err := NewTransport(base, nil); err == nil {
			t.Errorf("NewTransport(%q): want error", base)
		}
	}
	rt, err := NewTransport("", http.DefaultTransport)
	if err != nil || rt != http.DefaultTransport {
		t.Errorf("NewTransport(\"\") = %v, %v; want the next transport unchanged", rt, err)
	}
}
