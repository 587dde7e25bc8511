package twilio_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tdeploy/twilio-deploy-action/internal/creds"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
	"github.com/tdeploy/twilio-deploy-action/internal/twilio"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	const keySID, keySecret = "SKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "keysecretkeysecretkeysecret12345"
	env := emulatortest.New(t, func(o *emulator.Options) {
		o.Accounts = []emulator.Account{{SID: "AC0123456789abcdef0123456789abcdef", AuthToken: "0123456789abcdef0123456789abcdef",
			APIKeys: []emulator.APIKey{{SID: keySID, Secret: keySecret}}}}
	})
	p := "TWILIO_FEATURE_X_"
	tests := []struct {
		name     string
		c        creds.Credentials
		rejected bool
	}{
		{"auth token", creds.Credentials{Prefix: p, AccountSID: env.AccountSID, AuthToken: env.AuthToken}, false},
		{"api key", creds.Credentials{Prefix: p, AccountSID: env.AccountSID, APIKey: keySID, APISecret: keySecret}, false},
		{"wrong token", creds.Credentials{Prefix: p, AccountSID: env.AccountSID, AuthToken: "ffffffffffffffffffffffffffffffff"}, true},
		{"wrong key secret", creds.Credentials{Prefix: p, AccountSID: env.AccountSID, APIKey: keySID, APISecret: "nope"}, true},
		{"unknown account", creds.Credentials{Prefix: p, AccountSID: "AC" + strings.Repeat("9", 32), AuthToken: env.AuthToken}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := twilio.Check(t.Context(), tt.c, env.URL)
			var re *twilio.RejectedError
			if tt.rejected != errors.As(err, &re) {
				t.Fatalf("err = %v, rejected wanted: %v", err, tt.rejected)
			}
			if !tt.rejected {
				return
			}
			if re.Status != 401 && re.Status != 404 && re.Status != 403 {
				t.Errorf("status = %d", re.Status)
			}
			for _, n := range tt.c.Names() {
				if !strings.Contains(err.Error(), n) {
					t.Errorf("error %q does not name %s", err, n)
				}
			}
			for _, s := range tt.c.Secrets() {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error shows a secret: %v", err)
				}
			}
		})
	}
}

func TestCheckUnreachable(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := twilio.Check(ctx, creds.Credentials{AccountSID: "AC" + strings.Repeat("0", 32), AuthToken: "x"}, "http://127.0.0.1:1")
	if err == nil || !strings.Contains(err.Error(), "check Twilio credentials") {
		t.Fatalf("err = %v", err)
	}
	if err := twilio.Check(t.Context(), creds.Credentials{}, "not a url"); err == nil || !strings.Contains(err.Error(), "twilio-api-url") {
		t.Fatalf("err = %v", err)
	}
}
