package emulator_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestGoldenResponses pins the exact shape of representative answers
// (seeded SIDs, fixed clock) so a change in fidelity shows up in review.
func TestGoldenResponses(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t, func(o *emulator.Options) {
		o.Seed = 7
		o.Now = func() time.Time { return time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC) }
		o.Accounts = []emulator.Account{{SID: "AC00000000000000000000000000000001", AuthToken: "goldentoken"}}
	})
	c := newAPIClient(t, env)
	answers := map[string]any{}
	record := func(name string, st int, out map[string]any) {
		answers[name] = map[string]any{"status": st, "body": out}
	}
	st, svc, _ := c.do("POST", "sync.twilio.com", "/v1/Services", url.Values{"FriendlyName": {"golden"}, "AclEnabled": {"true"}}, nil)
	record("sync_service_create", st, svc)
	st, out, _ := c.do("GET", "sync.twilio.com", "/v1/Services", url.Values{"PageSize": {"1"}}, nil)
	record("sync_service_list", st, out)
	acct := "/2010-04-01/Accounts/" + env.AccountSID
	st, out, _ = c.do("POST", "api.twilio.com", acct+"/IncomingPhoneNumbers.json", url.Values{"PhoneNumber": {"+15005550006"}, "VoiceUrl": {"https://example.com/voice"}}, nil)
	record("api_incoming_phone_number_create", st, out)
	st, out, _ = c.do("GET", "api.twilio.com", acct+"/IncomingPhoneNumbers.json", nil, nil)
	record("api_incoming_phone_number_list", st, out)
	st, out, _ = c.do("GET", "sync.twilio.com", "/v1/Services/IS00000000000000000000000000000000", nil, nil)
	record("not_found", st, out)
	st, out, _ = c.do("POST", "sync.twilio.com", "/v1/Services", url.Values{"Colour": {"red"}}, nil)
	record("strict_unknown_parameter", st, out)

	got, err := json.MarshalIndent(answers, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "responses.golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestGoldenResponses -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("responses differ from %s (-want +got):\n%s", path, cmp.Diff(string(want), string(got)))
	}
}
