package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

const (
	testSID   = "AC0123456789abcdef0123456789abcdef"
	testToken = "token123"
)

func TestRunServesAndShutsDown(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-account-sid", testSID, "-auth-token", testToken, "-latency", "1ms"},
			func(string) string { return "" }, pw, io.Discard)
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
		args    []string
		env     map[string]string
		wantErr string
	}{
		"from the environment": {args: nil, env: env},
		"flags":                {args: []string{"-account-sid", testSID, "-auth-token", "x1", "-api-key", "SK0123456789abcdef0123456789abcdef:sec", "-rate-limit", "0.1"}},
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
			if cfg.opts.Accounts[0].SID != testSID || cfg.opts.Lenient {
				t.Errorf("options %+v", cfg.opts)
			}
		})
	}
}
