package emulator_test

import (
	"errors"
	"testing"

	twclient "github.com/twilio/twilio-go/client"
	accounts "github.com/twilio/twilio-go/rest/accounts/v1"
	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
)

// TestAvailableNumbers searches the inventory with Twilio's filters, over
// twilio-go: the results are the same every run, honour AreaCode,
// Contains (digits, '*' and keypad letters) and the capability flags, and
// a bought number is no longer offered nor sold again (21422).
func TestAvailableNumbers(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	c := env.RestClient().Api
	local := func(p *api.ListAvailablePhoneNumberLocalParams) []string {
		t.Helper()
		got, err := c.ListAvailablePhoneNumberLocal("US", p.SetLimit(1000))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, n := range got {
			out = append(out, *n.PhoneNumber)
		}
		return out
	}
	for _, tc := range []struct {
		name        string
		params      *api.ListAvailablePhoneNumberLocalParams
		n           int
		first, last string
	}{
		{"all", &api.ListAvailablePhoneNumberLocalParams{}, 300, "+14155550100", "+12125550199"},
		{"area code", (&api.ListAvailablePhoneNumberLocalParams{}).SetAreaCode(510), 100, "+15105550100", "+15105550199"},
		{"contains digits", (&api.ListAvailablePhoneNumberLocalParams{}).SetContains("5550142"), 3, "+14155550142", "+12125550142"},
		{"contains wildcard", (&api.ListAvailablePhoneNumberLocalParams{}).SetContains("+1510555**7*"), 10, "+15105550170", "+15105550179"},
		// "JL" is 55 on the keypad: 555-0155 and 555-0155 only, per block.
		{"contains letters", (&api.ListAvailablePhoneNumberLocalParams{}).SetAreaCode(415).SetContains("01JL"), 1, "+14155550155", "+14155550155"},
		{"sms", (&api.ListAvailablePhoneNumberLocalParams{}).SetAreaCode(415).SetSmsEnabled(true), 80, "+14155550100", "+14155550198"},
		{"no sms", (&api.ListAvailablePhoneNumberLocalParams{}).SetAreaCode(415).SetSmsEnabled(false), 20, "+14155550104", "+14155550199"},
		{"mms and voice", (&api.ListAvailablePhoneNumberLocalParams{}).SetAreaCode(415).SetMmsEnabled(true).SetVoiceEnabled(true), 50, "+14155550100", "+14155550198"},
		{"none", (&api.ListAvailablePhoneNumberLocalParams{}).SetAreaCode(999), 0, "", ""},
	} {
		got := local(tc.params)
		if len(got) != tc.n || tc.n > 0 && (got[0] != tc.first || got[len(got)-1] != tc.last) {
			t.Errorf("%s: %d numbers %v..., want %d from %s to %s", tc.name, len(got), head(got), tc.n, tc.first, tc.last)
		}
	}
	if _, err := c.ListAvailablePhoneNumberMobile("US", nil); !isTwilio(err, 404, 20404) {
		t.Errorf("US mobile numbers: %v, want 404 (Twilio sells none)", err)
	}
	if got, err := c.ListAvailablePhoneNumberTollFree("US", (&api.ListAvailablePhoneNumberTollFreeParams{}).SetContains("8005550123")); err != nil || len(got) != 1 {
		t.Errorf("toll-free: %d, %v", len(got), err)
	}
	if _, err := c.ListAvailablePhoneNumberLocal("US", (&api.ListAvailablePhoneNumberLocalParams{}).SetContains("5")); !isTwilio(err, 400, 20001) {
		t.Errorf("one-character pattern: %v, want 400 20001", err)
	}

	buy := (&api.CreateIncomingPhoneNumberParams{}).SetPhoneNumber("+14155550142")
	bought, err := c.CreateIncomingPhoneNumber(buy)
	if err != nil || *bought.FriendlyName != "(415) 555-0142" {
		t.Fatalf("buy: %v %v", bought, err)
	}
	if got := local((&api.ListAvailablePhoneNumberLocalParams{}).SetContains("4155550142")); len(got) != 0 {
		t.Errorf("a bought number is still offered: %v", got)
	}
	for _, n := range []string{"+14155550142", "+15005550000"} {
		if _, err := c.CreateIncomingPhoneNumber((&api.CreateIncomingPhoneNumberParams{}).SetPhoneNumber(n)); !isTwilio(err, 400, 21422) {
			t.Errorf("buy %s: %v, want 400 21422", n, err)
		}
	}
	byArea, err := c.CreateIncomingPhoneNumber((&api.CreateIncomingPhoneNumberParams{}).SetAreaCode("510"))
	if err != nil || *byArea.PhoneNumber != "+15105550100" {
		t.Errorf("buy by area code: %v %v", byArea, err)
	}
	if err := c.DeleteIncomingPhoneNumber(*bought.Sid, nil); err != nil {
		t.Fatal(err)
	}
	if got := local((&api.ListAvailablePhoneNumberLocalParams{}).SetContains("4155550142")); len(got) != 1 {
		t.Errorf("a released number is available again: %v", got)
	}
}

func head(s []string) []string { return s[:min(len(s), 3)] }

func isTwilio(err error, status, code int) bool {
	var e *twclient.TwilioRestError
	return errors.As(err, &e) && e.Status == status && e.Code == code
}

// TestSafelist: numbers are added by POST, read and removed by the
// PhoneNumber query; a number not on the list is 404.
func TestSafelist(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	c := env.RestClient().AccountsV1
	const n = "+15017122661"
	if _, err := c.FetchSafelist((&accounts.FetchSafelistParams{}).SetPhoneNumber(n)); !isTwilio(err, 404, 20404) {
		t.Fatalf("fetch before add: %v, want 404", err)
	}
	added, err := c.CreateSafelist((&accounts.CreateSafelistParams{}).SetPhoneNumber(n))
	if err != nil || *added.PhoneNumber != n || len(*added.Sid) != 34 {
		t.Fatalf("add: %v %v", added, err)
	}
	again, err := c.CreateSafelist((&accounts.CreateSafelistParams{}).SetPhoneNumber(n))
	if err != nil || *again.Sid != *added.Sid {
		t.Errorf("add twice: %v %v, want the same entry", again, err)
	}
	got, err := c.FetchSafelist((&accounts.FetchSafelistParams{}).SetPhoneNumber(n))
	if err != nil || *got.Sid != *added.Sid {
		t.Errorf("fetch: %v %v", got, err)
	}
	if err := c.DeleteSafelist((&accounts.DeleteSafelistParams{}).SetPhoneNumber(n)); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteSafelist((&accounts.DeleteSafelistParams{}).SetPhoneNumber(n)); !isTwilio(err, 404, 20404) {
		t.Errorf("delete twice: %v, want 404", err)
	}
}

// TestSuspendedSubaccount: a suspended sub-account's own credentials get
// 401 20005; its parent reads it as suspended and reactivates it.
func TestSuspendedSubaccount(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	c := env.RestClient().Api
	sub, err := c.CreateAccount((&api.CreateAccountParams{}).SetFriendlyName("pr"))
	if err != nil {
		t.Fatal(err)
	}
	own := env.RestClientFor(*sub.Sid, *sub.AuthToken).Api
	if _, err := own.FetchAccount(*sub.Sid); err != nil {
		t.Fatal(err)
	}
	if a, err := c.UpdateAccount(*sub.Sid, (&api.UpdateAccountParams{}).SetStatus("suspended")); err != nil || *a.Status != "suspended" {
		t.Fatalf("suspend: %v %v", a, err)
	}
	if _, err := own.FetchAccount(*sub.Sid); !isTwilio(err, 401, 20005) {
		t.Errorf("suspended account's own credentials: %v, want 401 20005", err)
	}
	if a, err := c.FetchAccount(*sub.Sid); err != nil || *a.Status != "suspended" {
		t.Errorf("parent reads: %v %v", a, err)
	}
	if _, err := own.UpdateAccount(*sub.Sid, (&api.UpdateAccountParams{}).SetStatus("active")); err == nil {
		t.Error("a suspended account reactivated itself")
	}
	if a, err := c.UpdateAccount(*sub.Sid, (&api.UpdateAccountParams{}).SetStatus("active")); err != nil || *a.Status != "active" {
		t.Fatalf("reactivate: %v %v", a, err)
	}
	if _, err := own.FetchAccount(*sub.Sid); err != nil {
		t.Errorf("reactivated account's credentials: %v", err)
	}
}
