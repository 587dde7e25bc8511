package emulator_test

import (
	"errors"
	"net/http"
	"regexp"
	"testing"

	twclient "github.com/twilio/twilio-go/client"
	syncv1 "github.com/twilio/twilio-go/rest/sync/v1"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
)

var (
	sidRE = regexp.MustCompile(`^[A-Z]{2}[0-9a-f]{32}$`)
	isoRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
)

// restErr returns the Twilio error behind err, failing the test when
// there is none.
func restErr(t *testing.T, err error) *twclient.TwilioRestError {
	t.Helper()
	var re *twclient.TwilioRestError
	if !errors.As(err, &re) {
		t.Fatalf("error %v: want a *TwilioRestError", err)
	}
	return re
}

func TestTwilioGoSyncServiceLifecycle(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	client := env.RestClient()

	created, err := client.SyncV1.CreateService(new(syncv1.CreateServiceParams).
		SetFriendlyName("first").SetAclEnabled(true).SetReachabilityDebouncingWindow(5000))
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	sid := *created.Sid
	if !sidRE.MatchString(sid) || sid[:2] != "IS" {
		t.Errorf("sid %q: want IS + 32 hex digits", sid)
	}
	if *created.FriendlyName != "first" || !*created.AclEnabled || created.ReachabilityDebouncingWindow != 5000 {
		t.Errorf("create echoed %q acl=%v window=%d", *created.FriendlyName, *created.AclEnabled, created.ReachabilityDebouncingWindow)
	}
	if *created.AccountSid != env.AccountSID {
		t.Errorf("account_sid %q, want %q", *created.AccountSid, env.AccountSID)
	}
	if created.DateCreated == nil || created.Url == nil || *created.Url != "https://sync.twilio.com/v1/Services/"+sid {
		t.Errorf("date_created %v url %v", created.DateCreated, created.Url)
	}
	links := *created.Links
	if links["maps"] != "https://sync.twilio.com/v1/Services/"+sid+"/Maps" {
		t.Errorf("links %v: want maps", links)
	}

	fetched, err := client.SyncV1.FetchService(sid)
	if err != nil {
		t.Fatalf("fetch: %v", err)
	}
	if *fetched.FriendlyName != "first" {
		t.Errorf("fetch friendly_name %q", *fetched.FriendlyName)
	}

	updated, err := client.SyncV1.UpdateService(sid, new(syncv1.UpdateServiceParams).SetFriendlyName("second"))
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if *updated.FriendlyName != "second" || !*updated.AclEnabled {
		t.Errorf("update: friendly_name %q acl %v, want second and the unchanged true", *updated.FriendlyName, *updated.AclEnabled)
	}

	if _, err := client.SyncV1.CreateService(new(syncv1.CreateServiceParams).SetFriendlyName("other")); err != nil {
		t.Fatal(err)
	}
	all, err := client.SyncV1.ListService(new(syncv1.ListServiceParams).SetPageSize(1))
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if len(all) != 2 || *all[0].Sid != sid {
		t.Errorf("list gave %d services (first %v), want 2 in creation order", len(all), all)
	}

	if err := client.SyncV1.DeleteService(sid); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = client.SyncV1.FetchService(sid)
	if re := restErr(t, err); re.Status != http.StatusNotFound || re.Code != 20404 {
		t.Errorf("fetch after delete: %d %d, want 404 20404", re.Status, re.Code)
	}
	if got := len(env.Server.Inventory(env.AccountSID)); got != 1 {
		t.Errorf("inventory holds %d objects, want 1", got)
	}
	reqs := env.Server.Requests()
	if len(reqs) == 0 || reqs[0].Host != "sync.twilio.com" || reqs[0].Params.Get("FriendlyName") != "first" || reqs[0].Status != 201 {
		t.Errorf("first logged request %+v", reqs[0])
	}
}
