package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testSID   = "AC0123456789abcdef0123456789abcdef"
	testToken = "token123"
)

// lockedBuffer is a bytes.Buffer safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestRunServesAndShutsDown(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	var stderr lockedBuffer
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-account-sid", testSID, "-auth-token", testToken, "-latency", "1ms"},
			func(string) string { return "" }, pw, &stderr)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("read start line: %v", err)
	}
	go io.Copy(io.Discard, pr)
	if strings.Contains(line, testToken) {
		t.Errorf("start line shows the auth token: %q", line)
	}
	addr := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(line)
	if addr == "" || !strings.Contains(line, testSID) {
		t.Fatalf("start line %q: want the address and the account SID", line)
	}
	req, _ := http.NewRequest("GET", addr+"/v1/Services", nil)
	req.Host = "sync.twilio.com"
	req.SetBasicAuth(testSID, testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET services: %v %v", resp, err)
	}
	resp.Body.Close()
	if !strings.Contains(line, "lenient") {
		t.Errorf("start line %q: want the mode (lenient by default)", line)
	}
	// With no mode flag, a parameter Twilio ignores is accepted and logged.
	req, _ = http.NewRequest("POST", addr+"/v1/Services", strings.NewReader("FriendlyName=a&Colour=red"))
	req.Host = "sync.twilio.com"
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(testSID, testToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST a service with an unknown parameter: %v %v", resp, err)
	}
	resp.Body.Close()
	if got := stderr.String(); !strings.Contains(got, "ignored Colour, not defined for CreateService") {
		t.Errorf("stderr %q: want the ignored parameter named", got)
	}
	resp, err = http.Get(addr + "/__emulator/requests")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET requests: %v", err)
	}
	resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancel")
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	env := map[string]string{"TWILIO_ACCOUNT_SID": testSID, "TWILIO_AUTH_TOKEN": testToken}
	tests := map[string]struct {
		args       []string
		env        map[string]string
		wantErr    string
		wantStrict bool
	}{
		"from the environment": {args: nil, env: env},
		"flags":                {args: []string{"-account-sid", testSID, "-auth-token", "x1", "-api-key", "SK0123456789abcdef0123456789abcdef:sec", "-rate-limit", "0.1"}},
		"strict":               {args: []string{"-strict"}, env: env, wantStrict: true},
		"lenient spelled out":  {args: []string{"-lenient"}, env: env},
		"strict and lenient":   {args: []string{"-strict", "-lenient"}, env: env, wantErr: "contradict"},
		"no account":           {args: nil, wantErr: "no account"},
		"bad rate":             {args: []string{"-drop", "2"}, env: env, wantErr: "fraction"},
		"bad api key":          {args: []string{"-api-key", "SKonly"}, env: env, wantErr: "SID:SECRET"},
		"stray argument":       {args: []string{"serve"}, env: env, wantErr: "unexpected argument"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg, err := parse(tc.args, func(k string) string { return tc.env[k] }, io.Discard)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.opts.Accounts[0].SID != testSID || cfg.opts.Strict != tc.wantStrict || cfg.opts.IgnoredLog == nil {
				t.Errorf("options %+v; want strict=%v and a log for ignored parameters", cfg.opts, tc.wantStrict)
			}
		})
	}
}
