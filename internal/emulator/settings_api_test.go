package emulator_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
)

// TestSettingsObjects: a settings object answers Twilio's defaults before
// any update, the same on every fetch; an update merges into them; a
// service's configuration exists only with the service (it goes with it:
// TestSingletonsAndCascade).
func TestSettingsObjects(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	c := newAPIClient(t, env)
	const host = "conversations.twilio.com"

	status, first, _ := c.do(http.MethodGet, host, "/v1/Configuration", nil, nil)
	if status != http.StatusOK {
		t.Fatalf("fetch account configuration: %d %v", status, first)
	}
	for _, k := range []string{"default_chat_service_sid", "default_messaging_service_sid"} {
		if s, _ := first[k].(string); len(s) != 34 {
			t.Errorf("%s = %v, want a SID", k, first[k])
		}
	}
	if first["default_inactive_timer"] != nil || first["default_closed_timer"] != nil || first["account_sid"] != env.AccountSID {
		t.Errorf("defaults: %v", first)
	}
	_, again, _ := c.do(http.MethodGet, host, "/v1/Configuration", nil, nil)
	if d := cmp.Diff(first, again); d != "" {
		t.Errorf("second fetch differs (-first +again):\n%s", d)
	}
	status, upd, _ := c.do(http.MethodPost, host, "/v1/Configuration", url.Values{"DefaultInactiveTimer": {"PT5M"}}, nil)
	if status != http.StatusOK || upd["default_inactive_timer"] != "PT5M" || upd["default_chat_service_sid"] != first["default_chat_service_sid"] {
		t.Errorf("update: %d %v", status, upd)
	}

	if status, _, _ := c.do(http.MethodGet, host, "/v1/Services/IS00000000000000000000000000000000/Configuration", nil, nil); status != http.StatusNotFound {
		t.Errorf("configuration of a missing service: %d, want 404", status)
	}
	_, svc, _ := c.do(http.MethodPost, host, "/v1/Services", url.Values{"FriendlyName": {"s"}}, nil)
	path := "/v1/Services/" + svc["sid"].(string) + "/Configuration"
	status, conf, _ := c.do(http.MethodGet, host, path, nil, nil)
	if status != http.StatusOK || conf["reachability_enabled"] != false || conf["chat_service_sid"] != svc["sid"] {
		t.Fatalf("service configuration: %d %v", status, conf)
	}
	// Keyed by its path: a number's inbound processing region.
	status, route, _ := c.do(http.MethodGet, "routes.twilio.com", "/v2/PhoneNumbers/+15005550006", nil, nil)
	if status != http.StatusOK || route["voice_region"] != "us1" || route["phone_number"] != "+15005550006" {
		t.Errorf("route: %d %v", status, route)
	}
	// Video settings exist per account.
	status, rec, _ := c.do(http.MethodGet, "video.twilio.com", "/v1/RecordingSettings/Default", nil, nil)
	if status != http.StatusOK || rec["aws_storage_enabled"] != false || rec["account_sid"] != env.AccountSID {
		t.Errorf("recording settings: %d %v", status, rec)
	}
}
