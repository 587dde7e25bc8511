package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	api "github.com/twilio/twilio-go/rest/api/v2010"
)

// lineConfig is one environment's stack config in testdata/config-text.
type lineConfig struct {
	phone, fallback, support, pin, extension string
}

func (c lineConfig) supportText() string {
	return "Call " + c.support + " or " + c.phone + ", PIN " + c.pin + ", ext " + c.extension
}

// TestConfigTextReachesTwilio deploys a program whose phone numbers and
// PIN come from stack config, through the built binary, and checks that
// Twilio receives each value exactly as written: used directly as a
// property (a Proxy phone number), inside a map (the Functions' variables,
// the lookup of an adopted number) and inside "${...}" interpolation. main
// has its values quoted in Pulumi.main.yaml; feature/new-ivr gets them,
// unquoted, from the config input. Before the fix "+15017122661" reached
// Twilio as 15017122661 or "+1.5017122661e+10", and "0012" from the config
// input as "10".
func TestConfigTextReachesTwilio(t *testing.T) {
	w := newWorld(t)
	w.repo = t.TempDir()
	if err := os.CopyFS(w.repo, os.DirFS(filepath.Join("testdata", "config-text"))); err != nil {
		t.Fatal(err)
	}
	envs := []struct {
		name, ref, sid, token, input string
		want                         lineConfig
	}{
		{name: "main, Pulumi.main.yaml", ref: "refs/heads/main", sid: mainSID, token: mainToken,
			want: lineConfig{"+15017122661", "+15005550006", "18005550100", "0012", "1048576"}},
		{name: "feature/new-ivr, config input", ref: "refs/heads/feature/new-ivr", sid: featSID, token: featToken,
			input: "phoneNumber: +15017122662\nfallbackNumber: +15005550007\nsupportLine: 18005550199\npin: 0099\nextension: 2097152\n",
			want:  lineConfig{"+15017122662", "+15005550007", "18005550199", "0099", "2097152"}},
	}
	// Each account's number was bought in the Console; the program adopts it.
	for _, e := range envs {
		if _, err := w.emu.RestClientFor(e.sid, e.token).Api.CreateIncomingPhoneNumber(
			(&api.CreateIncomingPhoneNumberParams{}).SetPhoneNumber(e.want.phone)); err != nil {
			t.Fatal(err)
		}
	}

	// The pull request's preview: green, nothing created.
	r := w.step("pull_request", "refs/pull/7/merge", "main", prPayload("opened", 7, repoJSON()), "INPUT_CONFIG=")
	mustCode(t, "pr preview", r, 0)
	if r.outputs["changes"] != `{"create":5}` {
		t.Fatalf("preview changes = %s\n%s", r.outputs["changes"], r.stdout)
	}
	if inv := w.inventory(mainSID); !slices.Equal(inv, []string{"api/v2010:IncomingPhoneNumber"}) {
		t.Fatalf("a preview changed main's account: %v", inv)
	}
	comments := w.gh.Comments("tdeploy", "ivr", 7)
	if len(comments) != 1 {
		t.Fatalf("%d comments after the preview, want 1", len(comments))
	}
	// The preview shows the values as they will be sent.
	body := comments[0].Body
	for _, want := range []string{
		"`phoneNumber`: _added_ `+15017122661`", "`phoneNumber`: _added_ `+15005550006`",
		"`lookup`: _added_ `{\"phoneNumber\":\"+15017122661\"}`", `"friendlyName":"IVR +15017122661"`,
		"| `callerId` | `+15017122661` |", "| `pin` | `0012` |",
		"| `supportText` | `Call 18005550100 or +15017122661, PIN 0012, ext 1048576` |",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("preview comment lacks %s:\n%s", want, body)
		}
	}

	for _, e := range envs {
		w.emu.Server.ResetRequests()
		r := w.step("push", e.ref, "", map[string]any{"ref": e.ref, "repository": repoJSON()}, "INPUT_CONFIG="+e.input)
		mustCode(t, e.name+": up", r, 0)
		want := e.want

		// The outputs file: what later workflow steps read.
		for k, v := range map[string]string{"callerId": want.phone, "pin": want.pin, "supportText": want.supportText()} {
			if r.outputs[k] != v {
				t.Errorf("%s: output %s = %q, want %q", e.name, k, r.outputs[k], v)
			}
		}

		// What Twilio received, from the request log.
		sent := w.sentParams(e.sid)
		if d := cmp.Diff([]string{want.fallback, want.phone}, sorted(sent["proxy.twilio.com PhoneNumbers PhoneNumber"])); d != "" {
			t.Errorf("%s: Proxy phone numbers sent (-want +got):\n%s", e.name, d)
		}
		wantVars := map[string]string{"CALLER_ID": want.phone, "SUPPORT_LINE": want.support, "PIN": want.pin, "SUPPORT_TEXT": want.supportText()}
		gotVars := map[string]string{}
		keys, values := sent["serverless.twilio.com Variables Key"], sent["serverless.twilio.com Variables Value"]
		for i := range min(len(keys), len(values)) {
			gotVars[keys[i]] = values[i]
		}
		if d := cmp.Diff(wantVars, gotVars); d != "" || len(keys) != len(values) {
			t.Errorf("%s: Functions variables sent (-want +got):\n%s", e.name, d)
		}
		if d := cmp.Diff([]string{"IVR " + want.phone}, sent["api.twilio.com IncomingPhoneNumbers FriendlyName"]); d != "" {
			t.Errorf("%s: adopted number's friendly name sent (-want +got):\n%s", e.name, d)
		}

		// What Twilio keeps, from the emulator's inventory.
		stored := map[string][]string{}
		for _, o := range w.emu.Server.Inventory(e.sid) {
			switch o.Token {
			case "proxy/v1:ServicePhoneNumber":
				stored["proxy"] = append(stored["proxy"], field(o.Fields, "phone_number"))
			case "serverless/v1:ServiceEnvironmentVariable":
				stored["variables"] = append(stored["variables"], field(o.Fields, "key")+"="+field(o.Fields, "value"))
			case "api/v2010:IncomingPhoneNumber":
				stored["number"] = append(stored["number"], field(o.Fields, "phone_number")+" "+field(o.Fields, "friendly_name"))
			}
		}
		wantStored := map[string][]string{
			"proxy": {want.fallback, want.phone},
			"variables": {"CALLER_ID=" + want.phone, "PIN=" + want.pin, "SUPPORT_LINE=" + want.support,
				"SUPPORT_TEXT=" + want.supportText()},
			"number": {want.phone + " IVR " + want.phone},
		}
		for k := range stored {
			slices.Sort(stored[k])
		}
		if d := cmp.Diff(wantStored, stored); d != "" {
			t.Errorf("%s: stored in Twilio (-want +got):\n%s", e.name, d)
		}
	}
	assertNoSecrets(t, w.outputs, mainToken, featToken, decoyToken, githubToken)
}

// sentParams collects the parameters of the account's POST requests, keyed
// "host lastPathSegment Param" ("proxy.twilio.com PhoneNumbers
// PhoneNumber"), in the order sent; an instance's segment is its list's
// name (".../IncomingPhoneNumbers/PN....json" counts as
// IncomingPhoneNumbers).
func (w *world) sentParams(account string) map[string][]string {
	out := map[string][]string{}
	for _, r := range w.emu.Server.Requests() {
		if r.Method != "POST" || r.Account != account || r.Status >= 300 {
			continue
		}
		segs := strings.Split(strings.Trim(r.Path, "/"), "/")
		name := segs[len(segs)-1]
		if len(segs) > 1 && sidSegment.MatchString(name) {
			name = segs[len(segs)-2]
		}
		name = strings.TrimSuffix(name, ".json")
		for k, vs := range r.Params {
			out[r.Host+" "+name+" "+k] = append(out[r.Host+" "+name+" "+k], vs...)
		}
	}
	return out
}

// field is a stored field as text; a value that is not a string shows its
// type, so that a number where text belongs stands out in a diff.
// sidSegment is an instance's path segment: PN....json, KS....
var sidSegment = regexp.MustCompile(`^[A-Z]{2}[0-9a-f]{32}(\.json)?$`)

func field(m map[string]any, k string) string {
	if s, ok := m[k].(string); ok {
		return s
	}
	return fmt.Sprintf("%v (%T)", m[k], m[k])
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
