package provider

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	api2010 "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
	"github.com/tdeploy/twilio-deploy-action/internal/prenv"
	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

// TestPulumiCLINumbers runs testdata/numbers through the real CLI against
// the emulator: a number bought by search once (a second up, changed
// criteria buy nothing; a settings change is one update; an explicit
// replace buys anew; destroy releases it), a SafeList entry added and
// removed, a sub-account suspended and reactivated. Each step's requests
// are counted.
func TestPulumiCLINumbers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Pulumi CLI")
	}
	t.Parallel()
	env := emulatortest.New(t)
	pulumi := cliProgram(t, env, "numbers")
	pulumi("stack", "init", "dev")
	outputs := func() map[string]any {
		t.Helper()
		var outs map[string]any
		if err := json.Unmarshal([]byte(pulumi("stack", "output", "--json", "--show-secrets")), &outs); err != nil {
			t.Fatal(err)
		}
		return outs
	}
	numbers := func() []emulator.Object {
		var out []emulator.Object
		for _, o := range env.Server.Inventory(env.AccountSID) {
			if o.Token == "api/v2010:IncomingPhoneNumber" {
				out = append(out, o)
			}
		}
		return out
	}
	var last string // the last step's output
	step := func(name string, args ...string) emulator.Traffic {
		t.Helper()
		env.Server.ResetRequests()
		last = pulumi(args...)
		tr := emulator.Tally(env.Server.Requests())
		t.Logf("%s: %s", name, tr)
		return tr
	}
	up := []string{"up", "--yes", "--non-interactive", "--skip-preview"}

	// Preview: the search lookup only.
	if tr := step("preview", "preview", "--non-interactive"); tr.Requests != 1 || tr.Writes != 0 {
		t.Errorf("preview: %s, want the one search", tr)
	}

	// Up: the lookup (1), the purchase (the name check, the search, the
	// buy: 3), the SafeList entry (1), the sub-account (1).
	if tr := step("up", up...); tr.Requests != 6 || tr.Writes != 3 {
		t.Errorf("up: %s, want 6 requests, 3 writes:\n%s", tr, summarize(env.Server.Requests()))
	}
	outs := outputs()
	bought := numbers()
	if len(bought) != 1 {
		t.Fatalf("%d numbers after up, want the one bought", len(bought))
	}
	num := bought[0]
	if num.Fields["phone_number"] != "+15105550170" || outs["number"] != num.Fields["phone_number"] || outs["offered"] != num.Fields["phone_number"] ||
		outs["numberSid"] != num.SID || num.Fields["sms_url"] != "https://hooks.example.com/sms" ||
		num.Fields["voice_url"] != "https://hooks.example.com/voice" || num.Fields["friendly_name"] != "Support line" {
		t.Errorf("bought %s %v (outputs %v %v): %v", num.SID, num.Fields["phone_number"], outs["number"], outs["offered"], num.Fields)
	}
	if outs["teamStatus"] != "active" || outs["testerSid"] == nil {
		t.Errorf("outputs %v", outs)
	}

	// A second up buys nothing: the lookup alone.
	if tr := step("second up", up...); tr.Requests != 1 || tr.Writes != 0 {
		t.Errorf("second up: %s, want the lookup only:\n%s", tr, summarize(env.Server.Requests()))
	}
	// Changed criteria buy nothing either: the number is bought.
	pulumi("config", "set", "areaCode", "415")
	if tr := step("changed criteria", up...); tr.Requests != 1 || tr.Writes != 0 {
		t.Errorf("up with changed criteria: %s, want the lookup only:\n%s", tr, summarize(env.Server.Requests()))
	}
	if !strings.Contains(last, "the search criteria changed; the number +15105550170 is bought and stays") {
		t.Errorf("the up does not say that the changed criteria are ignored:\n%s", last)
	}
	if outs := outputs(); outs["number"] != "+15105550170" || outs["offered"] != "+14155550170" {
		t.Errorf("after the criteria changed: number %v, offered %v", outs["number"], outs["offered"])
	}
	// A settings change is one update of the same number.
	pulumi("config", "set", "smsUrl", "https://hooks.example.com/sms2")
	if tr := step("settings change", up...); tr.Requests != 2 || tr.Writes != 1 {
		t.Errorf("settings change: %s, want the lookup and one update:\n%s", tr, summarize(env.Server.Requests()))
	}
	if got := numbers(); len(got) != 1 || got[0].SID != num.SID || got[0].Fields["sms_url"] != "https://hooks.example.com/sms2" {
		t.Errorf("after the settings change: %+v", got)
	}

	// An explicit replace buys by the current criteria, releasing the old
	// number first (the program's deleteBeforeReplace; else the new one's
	// name check would refuse): the lookup, the release, the name check,
	// the search, the purchase.
	if tr := step("replace", append(up, "--replace", "urn:pulumi:dev::twilio-numbers::twilio:index:PhoneNumber::support")...); tr.Requests != 5 || tr.Writes != 2 {
		t.Errorf("replace: %s, want 5 requests, 2 writes:\n%s", tr, summarize(env.Server.Requests()))
	}
	if got := numbers(); len(got) != 1 || got[0].SID == num.SID || got[0].Fields["phone_number"] != "+14155550170" || got[0].Fields["sms_url"] != "https://hooks.example.com/sms2" {
		t.Errorf("after the replace: %+v", got)
	}

	// Suspend the sub-account, then reactivate it: one update each.
	team := env.RestClientFor(outs["teamSid"].(string), outs["teamToken"].(string)).Api
	for _, status := range []string{"suspended", "active"} {
		pulumi("config", "set", "teamStatus", status)
		if tr := step(status, up...); tr.Requests != 2 || tr.Writes != 1 {
			t.Errorf("%s: %s, want the lookup and one update:\n%s", status, tr, summarize(env.Server.Requests()))
		}
		_, err := team.FetchAccount(outs["teamSid"].(string))
		if got := outputs()["teamStatus"]; got != status || (status == "suspended") != (err != nil) {
			t.Errorf("status %v, want %s; the sub-account's own credentials: %v", got, status, err)
		}
	}

	// Destroy releases the number, removes the entry, closes the account.
	if tr := step("destroy", "destroy", "--yes", "--non-interactive", "--skip-preview"); tr.Writes != 3 || tr.Requests != 3 {
		t.Errorf("destroy: %s, want 3 writes:\n%s", tr, summarize(env.Server.Requests()))
	}
	for _, o := range env.Server.Inventory(env.AccountSID) {
		if o.Token == "api/v2010:IncomingPhoneNumber" || o.Token == "accounts/v1:Safelist" {
			t.Errorf("left after destroy: %s %s", o.Token, o.SID)
		}
	}
	// The released numbers are for sale again.
	for _, n := range []string{"5105550170", "4155550170"} {
		avail, err := env.RestClient().Api.ListAvailablePhoneNumberLocal("US", (&api2010.ListAvailablePhoneNumberLocalParams{}).SetContains(n))
		if err != nil || len(avail) != 1 {
			t.Errorf("released number %s for sale: %d, %v", n, len(avail), err)
		}
	}
}

// TestPulumiCLINumbersInPullRequestEnvironment: in a pull request
// environment (the Action sets prenv.EnvVar) the preview of a purchase
// fails, naming the fix, and nothing is bought; the program's explicit
// allowance lets it through.
func TestPulumiCLINumbersInPullRequestEnvironment(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Pulumi CLI")
	}
	t.Parallel()
	env := emulatortest.New(t)
	dir := filepath.Join(t.TempDir(), "numbers")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "numbers"))); err != nil {
		t.Fatal(err)
	}
	penv := testenv.PulumiEnv(t, "TWILIO_ACCOUNT_SID="+env.AccountSID, "TWILIO_AUTH_TOKEN="+env.AuthToken,
		"TWILIO_API_URL="+env.URL, prenv.EnvVar+"=pr-7")
	testenv.Pulumi(t, dir, penv, "stack", "init", "pr-7")
	out, err := testenv.TryPulumi(t, dir, penv, "up", "--yes", "--non-interactive")
	if err == nil || !strings.Contains(out, "refusing to buy a phone number in pull request environment pr-7") || !strings.Contains(out, AllowInPREnvArg+": true") {
		t.Fatalf("up in a pull request environment: err %v, output:\n%s", err, out)
	}
	for _, o := range env.Server.Inventory(env.AccountSID) {
		t.Errorf("created in the refused up: %s %s", o.Token, o.SID)
	}
	testenv.Pulumi(t, dir, penv, "config", "set", "buyInPullRequests", "true")
	testenv.Pulumi(t, dir, penv, "up", "--yes", "--non-interactive", "--skip-preview")
	n := 0
	for _, o := range env.Server.Inventory(env.AccountSID) {
		if o.Token == "api/v2010:IncomingPhoneNumber" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d numbers bought with the allowance, want 1", n)
	}
	testenv.Pulumi(t, dir, penv, "destroy", "--yes", "--non-interactive", "--skip-preview")
}

// TestPulumiCLINumbersRecordedNowhere: a number already named as the
// PhoneNumber (a purchase whose answer died with the plugin) stops the
// up, which names it and buys nothing; imported as the error says, it is
// the resource's number: the next up sets its settings (one update) and
// destroy releases it.
func TestPulumiCLINumbersRecordedNowhere(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Pulumi CLI")
	}
	t.Parallel()
	env := emulatortest.New(t)
	have, err := env.RestClient().Api.CreateIncomingPhoneNumber((&api2010.CreateIncomingPhoneNumberParams{}).
		SetPhoneNumber("+15105550170").SetFriendlyName("Support line"))
	if err != nil {
		t.Fatal(err)
	}
	pulumi, try := cliPrograms(t, env, "numbers")
	pulumi("stack", "init", "dev")
	up := []string{"up", "--yes", "--non-interactive", "--skip-preview"}
	out, err := try(up...)
	if err == nil || !strings.Contains(out, "pulumi import twilio:index:PhoneNumber <name> "+*have.Sid) {
		t.Fatalf("up with the name taken: err %v, output:\n%s", err, out)
	}
	numbers := func() (sids []string) {
		for _, o := range env.Server.Inventory(env.AccountSID) {
			if o.Token == "api/v2010:IncomingPhoneNumber" {
				sids = append(sids, o.SID)
			}
		}
		return sids
	}
	if got := numbers(); len(got) != 1 || got[0] != *have.Sid {
		t.Fatalf("numbers after the refused up: %v, want only %s", got, *have.Sid)
	}
	pulumi("import", "twilio:index:PhoneNumber", "support", *have.Sid, "--yes", "--non-interactive")
	env.Server.ResetRequests()
	pulumi(up...)
	if tr := emulator.Tally(env.Server.Requests()); tr.Writes != 1 || tr.Requests != 2 {
		t.Errorf("up after the import: %s, want the lookup and the settings' update:\n%s", tr, summarize(env.Server.Requests()))
	}
	for _, o := range env.Server.Inventory(env.AccountSID) {
		if o.SID == *have.Sid && (o.Fields["sms_url"] != "https://hooks.example.com/sms" || o.Fields["sms_method"] != "POST") {
			t.Errorf("imported number's settings: %v", o.Fields)
		}
	}
	pulumi("destroy", "--yes", "--non-interactive", "--skip-preview")
	if got := numbers(); len(got) != 0 {
		t.Errorf("numbers after destroy: %v", got)
	}
}
