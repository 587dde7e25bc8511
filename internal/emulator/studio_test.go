package emulator_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/twilio/twilio-go/client"
	studio "github.com/twilio/twilio-go/rest/studio/v2"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
)

// flowDef is a small flow: a trigger whose incoming message leads to a
// reply. edit changes it before it is encoded.
func flowDef(t *testing.T, edit func(states []map[string]any) []map[string]any) map[string]any {
	t.Helper()
	states := []map[string]any{
		{"name": "Trigger", "type": "trigger", "transitions": []any{map[string]any{"event": "incomingMessage", "next": "reply"}}, "properties": map[string]any{}},
		{"name": "reply", "type": "send-message", "transitions": []any{map[string]any{"event": "sent"}}, "properties": map[string]any{"body": "hi"}},
	}
	if edit != nil {
		states = edit(states)
	}
	return map[string]any{"description": "test", "initial_state": "Trigger", "flags": map[string]any{"allow_concurrent_calls": true}, "states": states}
}

// TestStudioFlowValidation: Flow Validate answers valid: true for a sound
// definition and Twilio's 81022 with every failure listed (a transition to
// a missing widget, an unknown widget type, a duplicate name) otherwise; a
// published flow must be valid, a draft keeps its errors; an update counts
// a revision.
func TestStudioFlowValidation(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	c := env.RestClient().StudioV2

	ok, err := c.UpdateFlowValidate((&studio.UpdateFlowValidateParams{}).SetFriendlyName("f").SetStatus("published").SetDefinition(flowDef(t, nil)))
	if err != nil || ok.Valid == nil || !*ok.Valid {
		t.Fatalf("validate a sound flow: %+v, %v", ok, err)
	}
	for _, tc := range []struct {
		name string
		edit func([]map[string]any) []map[string]any
		want []string // property paths of the failures
	}{
		{"missing transition target", func(s []map[string]any) []map[string]any {
			s[1]["transitions"] = []any{map[string]any{"event": "sent", "next": "goodbye"}}
			return s
		}, []string{"#/states/1/transitions/0/next"}},
		{"unknown widget type", func(s []map[string]any) []map[string]any {
			s[1]["type"] = "send-carrier-pigeon"
			return s
		}, []string{"#/states/1/type"}},
		{"duplicate name and missing initial state", func(s []map[string]any) []map[string]any {
			s[0]["name"] = "reply"
			return s
		}, []string{"#/states/1/name", "#/initial_state"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.UpdateFlowValidate((&studio.UpdateFlowValidateParams{}).SetFriendlyName("f").SetStatus("draft").SetDefinition(flowDef(t, tc.edit)))
			var te *client.TwilioRestError
			if !errors.As(err, &te) || te.Status != 400 || te.Code != 81022 {
				t.Fatalf("validate: %v; want HTTP 400, Twilio error 81022", err)
			}
			b, _ := json.Marshal(te.Details["errors"])
			var fails []struct{ Message, Property_path string }
			if err := json.Unmarshal(b, &fails); err != nil {
				t.Fatal(err)
			}
			var paths []string
			for _, f := range fails {
				paths = append(paths, f.Property_path)
				if f.Message == "" {
					t.Errorf("failure at %s has no message", f.Property_path)
				}
			}
			if strings.Join(paths, " ") != strings.Join(tc.want, " ") {
				t.Errorf("failures at %v; want %v (%s)", paths, tc.want, b)
			}
		})
	}

	broken := flowDef(t, func(s []map[string]any) []map[string]any {
		s[1]["transitions"] = []any{map[string]any{"event": "sent", "next": "goodbye"}}
		return s
	})
	if _, err := c.CreateFlow((&studio.CreateFlowParams{}).SetFriendlyName("p").SetStatus("published").SetDefinition(broken)); err == nil ||
		!strings.Contains(err.Error(), "81022") {
		t.Errorf("a published flow with a broken definition: %v; want 81022", err)
	}
	draft, err := c.CreateFlow((&studio.CreateFlowParams{}).SetFriendlyName("d").SetStatus("draft").SetDefinition(broken))
	if err != nil {
		t.Fatal(err)
	}
	if draft.Valid == nil || *draft.Valid || draft.Errors == nil || len(*draft.Errors) != 1 || draft.Revision != 1 {
		t.Errorf("draft: valid %v errors %v revision %v; want invalid with one error, revision 1", draft.Valid, draft.Errors, draft.Revision)
	}
	up, err := c.UpdateFlow(*draft.Sid, (&studio.UpdateFlowParams{}).SetStatus("published").SetDefinition(flowDef(t, nil)))
	if err != nil || !*up.Valid || up.Revision != 2 || len(*up.Errors) != 0 {
		t.Errorf("fixed and published: %+v, %v; want valid, revision 2", up, err)
	}
	if _, err := c.UpdateFlow(*draft.Sid, (&studio.UpdateFlowParams{}).SetStatus("published").SetDefinition(broken)); err == nil {
		t.Error("publishing a broken definition was accepted")
	}
	var kinds []string
	for _, o := range env.Server.Inventory(env.AccountSID) {
		kinds = append(kinds, o.Token)
	}
	if strings.Join(kinds, " ") != "studio/v2:Flow" {
		t.Errorf("inventory %v; want the one draft flow (a validation keeps nothing)", kinds)
	}
}
