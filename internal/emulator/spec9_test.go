package emulator_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
)

// What @twilio/cli-core 9's spec added is accepted in the emulator's default
// mode and answered as the spec describes: a node24 build, a conversation
// created initializing, a Verify service with passkeys, and a Memory store
// (one of the camelCase JSON APIs, its ID under "id").
func TestSpec9Additions(t *testing.T) {
	t.Parallel()
	e := emulatortest.New(t)
	c := &http.Client{Transport: e.Transport()}
	call := func(method, rawURL, contentType, body string, wantStatus int) map[string]any {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, rawURL, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.SetBasicAuth(e.AccountSID, e.AuthToken)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != wantStatus {
			t.Fatalf("%s %s: %d %s, want %d", method, rawURL, resp.StatusCode, b, wantStatus)
		}
		var out map[string]any
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, rawURL, err, b)
		}
		return out
	}
	form := func(method, rawURL string, v url.Values, want int) map[string]any {
		t.Helper()
		return call(method, rawURL, "application/x-www-form-urlencoded", v.Encode(), want)
	}

	svc := form("POST", "https://serverless.twilio.com/v1/Services", url.Values{"UniqueName": {"spec9"}, "FriendlyName": {"spec9"}}, 201)
	build := form("POST", "https://serverless.twilio.com/v1/Services/"+svc["sid"].(string)+"/Builds", url.Values{"Runtime": {"node24"}}, 201)
	if build["runtime"] != "node24" {
		t.Errorf("build runtime = %v, want node24", build["runtime"])
	}

	conv := form("POST", "https://conversations.twilio.com/v1/Conversations", url.Values{"FriendlyName": {"c"}, "State": {"initializing"}}, 201)
	if conv["state"] != "initializing" {
		t.Errorf("conversation state = %v, want initializing", conv["state"])
	}

	form("POST", "https://verify.twilio.com/v2/Services", url.Values{
		"FriendlyName":                     {"passkeys"},
		"Passkeys.RelyingParty.Id":         {"example.com"},
		"Passkeys.RelyingParty.Name":       {"Example"},
		"Passkeys.RelyingParty.Origins":    {"https://example.com"},
		"Passkeys.AuthenticatorAttachment": {"platform"},
	}, 201)

	store := call("POST", "https://memory.twilio.com/v1/ControlPlane/Stores", "application/json", `{"displayName": "crm", "description": "profiles"}`, 202)
	id, _ := store["id"].(string)
	if id == "" || store["displayName"] != "crm" {
		t.Fatalf("store = %v, want an id and displayName crm", store)
	}
	got := call("GET", "https://memory.twilio.com/v1/ControlPlane/Stores/"+id, "", "", 200)
	if got["id"] != id || got["displayName"] != "crm" {
		t.Errorf("fetched store = %v, want id %s and displayName crm", got, id)
	}
}
