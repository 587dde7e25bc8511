package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"
	syncv1 "github.com/twilio/twilio-go/rest/sync/v1"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
)

const (
	keySID    = "SK0123456789abcdef0123456789abcdef"
	keySecret = "s3cretKey"
)

func withKey(o *emulator.Options) {
	o.Accounts = []emulator.Account{{SID: "AC0123456789abcdef0123456789abcdef", AuthToken: "tok1234",
		APIKeys: []emulator.APIKey{{SID: keySID, Secret: keySecret}}}}
}

func TestAuth(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t, withKey)
	tests := map[string]struct {
		user, pass string
		want       int
	}{
		"account and token":  {env.AccountSID, env.AuthToken, http.StatusOK},
		"API key and secret": {keySID, keySecret, http.StatusOK},
		"no credentials":     {"", "", http.StatusUnauthorized},
		"wrong token":        {env.AccountSID, "nope", http.StatusUnauthorized},
		"unknown account":    {"AC00000000000000000000000000000000", env.AuthToken, http.StatusUnauthorized},
		"wrong key secret":   {keySID, "nope", http.StatusUnauthorized},
		"key SID with token": {keySID, env.AuthToken, http.StatusUnauthorized},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := newAPIClient(t, env)
			c.user, c.pass = tc.user, tc.pass
			st, out, _ := c.do(http.MethodGet, "sync.twilio.com", "/v1/Services", nil, nil)
			if st != tc.want {
				t.Fatalf("status %d, want %d (%v)", st, tc.want, out)
			}
			if st == http.StatusUnauthorized && (out["code"] != float64(20003) || out["more_info"] != "https://www.twilio.com/docs/errors/20003") {
				t.Errorf("body %v: want Twilio error 20003", out)
			}
		})
	}
	for _, r := range env.Server.Requests() {
		for k := range r.Params {
			if strings.Contains(k, env.AuthToken) || strings.Contains(fmt.Sprint(r.Params[k]), keySecret) {
				t.Errorf("request log holds a credential: %+v", r)
			}
		}
	}
}

func TestParameterChecks(t *testing.T) {
	t.Parallel()
	strict := emulatortest.New(t)
	lenient := emulatortest.New(t, emulatortest.Lenient)
	tests := map[string]struct {
		host, path  string
		form        url.Values
		strictCode  int
		lenientCode int
		mention     []string // words the error message must contain
	}{
		"unknown parameter": {"sync.twilio.com", "/v1/Services",
			url.Values{"FriendlyName": {"a"}, "Colour": {"red"}}, 400, 201, []string{"Colour", "CreateService"}},
		"missing required parameter": {"taskrouter.twilio.com", "/v1/Workspaces",
			url.Values{"EventCallbackUrl": {"https://example.com"}}, 400, 400, []string{"FriendlyName"}},
		"invalid enum value": {"studio.twilio.com", "/v2/Flows",
			url.Values{"FriendlyName": {"f"}, "Status": {"live"}, "Definition": {"{}"}}, 400, 400, []string{"Status", "draft"}},
		"invalid boolean": {"sync.twilio.com", "/v1/Services",
			url.Values{"AclEnabled": {"maybe"}}, 400, 400, []string{"AclEnabled"}},
		"invalid integer": {"sync.twilio.com", "/v1/Services",
			url.Values{"ReachabilityDebouncingWindow": {"soon"}}, 400, 400, []string{"ReachabilityDebouncingWindow"}},
		"valid": {"sync.twilio.com", "/v1/Services",
			url.Values{"FriendlyName": {"a"}, "AclEnabled": {"true"}}, 201, 201, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, m := range []struct {
				env  *emulatortest.Env
				want int
			}{{strict, tc.strictCode}, {lenient, tc.lenientCode}} {
				st, out, _ := newAPIClient(t, m.env).do(http.MethodPost, tc.host, tc.path, tc.form, nil)
				if st != m.want {
					t.Fatalf("status %d, want %d: %v", st, m.want, out)
				}
				if st == 400 {
					msg, _ := out["message"].(string)
					if out["code"] != float64(20001) || out["status"] != float64(400) {
						t.Errorf("body %v: want code 20001 status 400", out)
					}
					for _, w := range tc.mention {
						if !strings.Contains(msg, w) {
							t.Errorf("message %q does not name %s", msg, w)
						}
					}
				}
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	c := newAPIClient(t, env)
	for name, tc := range map[string]struct{ method, host, path string }{
		"unknown path":     {"GET", "sync.twilio.com", "/v1/Nothing"},
		"unknown product":  {"GET", "nothing.twilio.com", "/v1/Services"},
		"missing instance": {"GET", "sync.twilio.com", "/v1/Services/IS00000000000000000000000000000000"},
		"missing parent":   {"POST", "sync.twilio.com", "/v1/Services/IS00000000000000000000000000000000/Maps"},
		"delete missing":   {"DELETE", "sync.twilio.com", "/v1/Services/IS00000000000000000000000000000000"},
		"unknown account":  {"GET", "api.twilio.com", "/2010-04-01/Accounts/AC00000000000000000000000000000000/IncomingPhoneNumbers.json"},
		"wrong method":     {"PUT", "sync.twilio.com", "/v1/Services"},
	} {
		st, out, _ := c.do(tc.method, tc.host, tc.path, nil, nil)
		want, code := http.StatusNotFound, float64(20404)
		if name == "wrong method" {
			want, code = http.StatusMethodNotAllowed, float64(20004)
		}
		if st != want || out["code"] != code {
			t.Errorf("%s: %d %v, want %d %v", name, st, out, want, code)
		}
	}
}

// TestPagingMeta walks a meta-style list page by page, forwards through
// next_page_url and back through previous_page_url.
func TestPagingMeta(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	c := newAPIClient(t, env)
	var sids []string
	for i := range 5 {
		_, out, _ := c.do("POST", "sync.twilio.com", "/v1/Services", url.Values{"FriendlyName": {fmt.Sprint(i)}}, nil)
		sids = append(sids, out["sid"].(string))
	}
	page := func(u string) ([]string, map[string]any) {
		t.Helper()
		pu, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		st, out, _ := c.do("GET", pu.Host, pu.Path, pu.Query(), nil)
		if st != 200 {
			t.Fatalf("GET %s: %d %v", u, st, out)
		}
		var got []string
		for _, x := range out["services"].([]any) {
			got = append(got, x.(map[string]any)["sid"].(string))
		}
		return got, out["meta"].(map[string]any)
	}
	var walked []string
	u := "https://sync.twilio.com/v1/Services?PageSize=2"
	var metas []map[string]any
	for u != "" {
		got, meta := page(u)
		walked = append(walked, got...)
		metas = append(metas, meta)
		if meta["key"] != "services" || meta["page_size"] != float64(2) {
			t.Errorf("meta %v", meta)
		}
		u, _ = meta["next_page_url"].(string)
	}
	if fmt.Sprint(walked) != fmt.Sprint(sids) || len(metas) != 3 {
		t.Fatalf("walked %v in %d pages, want %v in 3", walked, len(metas), sids)
	}
	if metas[0]["previous_page_url"] != nil || metas[2]["page"] != float64(2) {
		t.Errorf("first page previous %v, last page number %v", metas[0]["previous_page_url"], metas[2]["page"])
	}
	back, _ := page(metas[2]["previous_page_url"].(string))
	if fmt.Sprint(back) != fmt.Sprint(sids[2:4]) {
		t.Errorf("previous page %v, want %v", back, sids[2:4])
	}
	byNumber, _ := page("https://sync.twilio.com/v1/Services?PageSize=2&Page=1")
	if fmt.Sprint(byNumber) != fmt.Sprint(sids[2:4]) {
		t.Errorf("Page=1 gave %v, want %v", byNumber, sids[2:4])
	}
	if st, out, _ := c.do("GET", "sync.twilio.com", "/v1/Services", url.Values{"PageSize": {"0"}}, nil); st != 400 {
		t.Errorf("PageSize=0: %d %v", st, out)
	}
}

// TestPageSizeLimit: a list refuses a page larger than its documented
// maximum in strict mode (Sync's lists stop at 100, the 2010 API's at
// 1000), and gives its largest page in lenient mode.
func TestPageSizeLimit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, host, path, size string
		lenient                bool
		status                 int
		pageSize               float64
	}{
		{"Sync at its maximum", "sync.twilio.com", "/v1/Services", "100", false, 200, 100},
		{"Sync above it, strict", "sync.twilio.com", "/v1/Services", "1000", false, 400, 0},
		{"Sync above it, lenient", "sync.twilio.com", "/v1/Services", "1000", true, 200, 100},
		{"Serverless at 1000", "serverless.twilio.com", "/v1/Services", "1000", false, 200, 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var env *emulatortest.Env
			if tc.lenient {
				env = emulatortest.New(t, emulatortest.Lenient)
			} else {
				env = emulatortest.New(t)
			}
			st, out, _ := newAPIClient(t, env).do("GET", tc.host, tc.path, url.Values{"PageSize": {tc.size}}, nil)
			if st != tc.status {
				t.Fatalf("PageSize=%s: %d %v, want %d", tc.size, st, out, tc.status)
			}
			if st == 400 {
				if msg, _ := out["message"].(string); !strings.Contains(msg, "between 1 and 100") {
					t.Errorf("message %q does not name the maximum", msg)
				}
				return
			}
			if meta, _ := out["meta"].(map[string]any); meta["page_size"] != tc.pageSize {
				t.Errorf("page_size %v, want %v", meta["page_size"], tc.pageSize)
			}
		})
	}
}

// TestPaging2010 walks a 2010-style list with twilio-go (which follows
// next_page_uri) and checks the envelope fields by hand.
func TestPaging2010(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	client := env.RestClient()
	var sids []string
	for i := range 5 {
		n, err := client.Api.CreateIncomingPhoneNumber(new(api.CreateIncomingPhoneNumberParams).
			SetPhoneNumber(fmt.Sprintf("+1415555010%d", i)).SetFriendlyName(fmt.Sprint(i)))
		if err != nil {
			t.Fatal(err)
		}
		sids = append(sids, *n.Sid)
	}
	all, err := client.Api.ListIncomingPhoneNumber(new(api.ListIncomingPhoneNumberParams).SetPageSize(2))
	if err != nil || len(all) != 5 {
		t.Fatalf("twilio-go listed %d numbers (%v), want 5", len(all), err)
	}
	filtered, err := client.Api.ListIncomingPhoneNumber(new(api.ListIncomingPhoneNumberParams).SetPhoneNumber("+14155550103"))
	if err != nil || len(filtered) != 1 || *filtered[0].Sid != sids[3] {
		t.Errorf("filter by PhoneNumber: %d results, %v", len(filtered), err)
	}
	c := newAPIClient(t, env)
	path := "/2010-04-01/Accounts/" + env.AccountSID + "/IncomingPhoneNumbers.json"
	_, p0, _ := c.do("GET", "api.twilio.com", path, url.Values{"PageSize": {"2"}}, nil)
	next, _ := p0["next_page_uri"].(string)
	if p0["start"] != float64(0) || p0["end"] != float64(1) || p0["page"] != float64(0) || p0["previous_page_uri"] != nil ||
		!strings.HasPrefix(next, path+"?") || !strings.HasPrefix(p0["first_page_uri"].(string), path) || !strings.HasPrefix(p0["uri"].(string), path) {
		t.Fatalf("first page envelope %v", p0)
	}
	nu, _ := url.Parse(next)
	_, p1, _ := c.do("GET", "api.twilio.com", nu.Path, nu.Query(), nil)
	if p1["start"] != float64(2) || p1["end"] != float64(3) || p1["page"] != float64(1) || p1["previous_page_uri"] == nil {
		t.Errorf("second page envelope %v", p1)
	}
	first := p1["incoming_phone_numbers"].([]any)[0].(map[string]any)
	if first["sid"] != sids[2] || !strings.HasSuffix(first["date_created"].(string), "+0000") {
		t.Errorf("second page starts with %v (date %v), want %s with an RFC 2822 date", first["sid"], first["date_created"], sids[2])
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		faults emulator.Faults
		check  func(t *testing.T, st int, out map[string]any, h http.Header, err error)
	}{
		"rate limit": {emulator.Faults{RateLimit: 1, RetryAfter: 2 * time.Second},
			func(t *testing.T, st int, out map[string]any, h http.Header, err error) {
				if st != 429 || out["code"] != float64(20429) || h.Get("Retry-After") != "2" {
					t.Errorf("%d %v Retry-After %q", st, out, h.Get("Retry-After"))
				}
			}},
		"server error": {emulator.Faults{ServerError: 1},
			func(t *testing.T, st int, out map[string]any, h http.Header, err error) {
				if st != 503 || out["status"] != float64(503) || out["code"] == nil {
					t.Errorf("%d %v", st, out)
				}
			}},
		"dropped connection": {emulator.Faults{Drop: 1},
			func(t *testing.T, st int, out map[string]any, h http.Header, err error) {
				if err == nil {
					t.Errorf("got %d, want a transport error", st)
				}
			}},
		"latency": {emulator.Faults{Latency: 30 * time.Millisecond},
			func(t *testing.T, st int, out map[string]any, h http.Header, err error) {
				if st != 201 {
					t.Errorf("%d %v", st, out)
				}
			}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := emulatortest.New(t, func(o *emulator.Options) { o.Faults = tc.faults })
			req, _ := http.NewRequest("POST", env.URL+"/v1/Services", strings.NewReader("FriendlyName=faulted"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Host = "sync.twilio.com"
			req.SetBasicAuth(env.AccountSID, env.AuthToken)
			start := time.Now()
			resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
			var out map[string]any
			st := 0
			var h http.Header
			if err == nil {
				st, h = resp.StatusCode, resp.Header
				_ = json.NewDecoder(resp.Body).Decode(&out)
				resp.Body.Close()
			}
			tc.check(t, st, out, h, err)
			if elapsed := time.Since(start); elapsed < tc.faults.Latency {
				t.Errorf("answered after %v, want at least the injected %v", elapsed, tc.faults.Latency)
			}
			logged := env.Server.Requests()
			if len(logged) != 1 || (name == "dropped connection") != (logged[0].Status == -1) {
				t.Errorf("request log %+v", logged)
			}
			// A refused request is logged with what it asked, as a served
			// one is: its retry is told from another create to the path.
			if len(logged) == 1 && logged[0].Params.Get("FriendlyName") != "faulted" {
				t.Errorf("request log params %v, want FriendlyName=faulted", logged[0].Params)
			}
			// The inspection API is never faulted.
			if resp, err := http.Get(env.URL + "/__emulator/faults"); err != nil || resp.StatusCode != 200 {
				t.Errorf("inspection API under faults: %v", err)
			}
		})
	}
}

// TestFaultLoseAnswer: a lost answer is a create Twilio applied whose
// client saw only a closed connection: the service is in the inventory,
// the log marks the request dropped.
func TestFaultLoseAnswer(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t, func(o *emulator.Options) { o.Faults = emulator.Faults{LoseAnswer: 1} })
	req, _ := http.NewRequest("POST", env.URL+"/v1/Services", strings.NewReader(url.Values{"FriendlyName": {"lost"}}.Encode()))
	req.Host = "sync.twilio.com"
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(env.AccountSID, env.AuthToken)
	resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("got HTTP %d, want a transport error", resp.StatusCode)
	}
	var made []string
	for _, o := range env.Server.Inventory(env.AccountSID) {
		if o.Token == "sync/v1:Service" {
			made = append(made, fmt.Sprint(o.Fields["friendly_name"]))
		}
	}
	if len(made) != 1 || made[0] != "lost" {
		t.Errorf("services after the lost answer: %v, want the one created", made)
	}
	if logged := env.Server.Requests(); len(logged) != 1 || logged[0].Status != -1 {
		t.Errorf("request log %+v, want one dropped request", logged)
	}
}

// TestFaultsSeeded checks that a seed fixes which requests fail, and that
// faults can be changed at run time over HTTP.
func TestFaultsSeeded(t *testing.T) {
	t.Parallel()
	run := func() string {
		env := emulatortest.New(t, func(o *emulator.Options) {
			o.Seed = 42
			o.Faults = emulator.Faults{RateLimit: 0.3, ServerError: 0.2}
		})
		c := newAPIClient(t, env)
		var b strings.Builder
		for range 40 {
			st, _, _ := c.do("GET", "sync.twilio.com", "/v1/Services", nil, nil)
			fmt.Fprintf(&b, "%d ", st)
		}
		// Switch faults off over HTTP.
		req, _ := http.NewRequest("PUT", env.URL+"/__emulator/faults", strings.NewReader(`{"rate_limit":0}`))
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
			t.Fatalf("PUT faults: %v", err)
		}
		if st, _, _ := c.do("GET", "sync.twilio.com", "/v1/Services", nil, nil); st != 200 {
			t.Errorf("after clearing faults: %d", st)
		}
		return b.String()
	}
	a, b := run(), run()
	if a != b {
		t.Errorf("same seed, different outcomes:\n%s\n%s", a, b)
	}
	if !strings.Contains(a, "429") || !strings.Contains(a, "503") || !strings.Contains(a, "200") {
		t.Errorf("outcomes %s: want a mix of 200, 429 and 503", a)
	}
}

func TestSubaccounts(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t, func(o *emulator.Options) { o.MaxSubaccounts = 1 })
	parent := env.RestClient()
	sub, err := parent.Api.CreateAccount(new(api.CreateAccountParams).SetFriendlyName("team a"))
	if err != nil {
		t.Fatal(err)
	}
	if !sidRE.MatchString(*sub.Sid) || *sub.OwnerAccountSid != env.AccountSID || *sub.Status != "active" || sub.AuthToken == nil || *sub.AuthToken == "" {
		t.Fatalf("sub-account %+v", sub)
	}
	// Limit reached.
	_, err = parent.Api.CreateAccount(nil)
	if re := restErr(t, err); re.Code != emulator.CodeSubaccountLimit {
		t.Errorf("over the limit: %d %d", re.Status, re.Code)
	}

	// The sub-account's own credentials.
	own := env.RestClientFor(*sub.Sid, *sub.AuthToken)
	svc, err := own.SyncV1.CreateService(new(syncv1.CreateServiceParams).SetFriendlyName("sub service"))
	if err != nil || *svc.AccountSid != *sub.Sid {
		t.Fatalf("sub-account creates a service: %v %v", svc, err)
	}
	// Parent token with the sub-account SID as username acts on the sub-account.
	asParent := env.RestClientFor(*sub.Sid, env.AuthToken)
	if list, err := asParent.SyncV1.ListService(nil); err != nil || len(list) != 1 || *list[0].Sid != *svc.Sid {
		t.Errorf("parent credentials on the sub-account: %v %v", list, err)
	}
	if list, _ := parent.SyncV1.ListService(nil); len(list) != 0 {
		t.Errorf("parent account sees %d services of its sub-account", len(list))
	}
	// Parent credentials on the sub-account's 2010 paths.
	num, err := parent.Api.CreateIncomingPhoneNumber(new(api.CreateIncomingPhoneNumberParams).
		SetPathAccountSid(*sub.Sid).SetPhoneNumber("+15005550006"))
	if err != nil || *num.AccountSid != *sub.Sid {
		t.Fatalf("parent creates a number in the sub-account: %v %v", num, err)
	}
	if got, err := own.Api.FetchIncomingPhoneNumber(*num.Sid, nil); err != nil || *got.Sid != *num.Sid {
		t.Errorf("sub-account fetches its number: %v", err)
	}
	// Sub-accounts cannot reach their parent or create sub-accounts.
	_, err = own.Api.ListIncomingPhoneNumber(new(api.ListIncomingPhoneNumberParams).SetPathAccountSid(env.AccountSID))
	if re := restErr(t, err); re.Status != http.StatusUnauthorized || re.Code != 20003 {
		t.Errorf("sub-account on the parent's path: %d %d", re.Status, re.Code)
	}
	_, err = own.Api.CreateAccount(nil)
	if re := restErr(t, err); re.Status != http.StatusBadRequest || re.Code != emulator.CodeNestedSubaccount {
		t.Errorf("sub-account creating a sub-account: %d %d", re.Status, re.Code)
	}
	if accts, err := parent.Api.ListAccount(nil); err != nil || len(accts) != 2 {
		t.Errorf("parent lists %d accounts (%v), want itself and the sub-account", len(accts), err)
	}
	if n := len(env.Server.Inventory(*sub.Sid)); n != 2 {
		t.Errorf("sub-account inventory %d, want 2", n)
	}

	// Closing: credentials stop working, resources go, the slot frees up.
	closed, err := parent.Api.UpdateAccount(*sub.Sid, new(api.UpdateAccountParams).SetStatus("closed"))
	if err != nil || *closed.Status != "closed" {
		t.Fatalf("close: %v %v", closed, err)
	}
	_, err = own.SyncV1.ListService(nil)
	if re := restErr(t, err); re.Status != http.StatusUnauthorized {
		t.Errorf("closed account credentials: %d", re.Status)
	}
	if n := len(env.Server.Inventory(*sub.Sid)); n != 0 {
		t.Errorf("closed account keeps %d resources", n)
	}
	if got, err := parent.Api.FetchAccount(*sub.Sid); err != nil || *got.Status != "closed" {
		t.Errorf("parent fetches the closed account: %v", err)
	}
	_, err = parent.Api.UpdateAccount(*sub.Sid, new(api.UpdateAccountParams).SetStatus("active"))
	if re := restErr(t, err); re.Status != http.StatusBadRequest {
		t.Errorf("reopening: %d", re.Status)
	}
	if _, err := parent.Api.CreateAccount(nil); err != nil {
		t.Errorf("closed sub-accounts must not count against the limit: %v", err)
	}
}

func TestAPIKeysCreatedThroughTheAPI(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	c := newAPIClient(t, env)
	keys := "/2010-04-01/Accounts/" + env.AccountSID + "/Keys.json"
	st, key, _ := c.do("POST", "api.twilio.com", keys, url.Values{"FriendlyName": {"ci"}}, nil)
	sid, _ := key["sid"].(string)
	secret, _ := key["secret"].(string)
	if st != 201 || !strings.HasPrefix(sid, "SK") || secret == "" {
		t.Fatalf("create key: %d %v", st, key)
	}
	withKey := newAPIClient(t, env)
	withKey.user, withKey.pass = sid, secret
	if st, out, _ := withKey.do("GET", "sync.twilio.com", "/v1/Services", nil, nil); st != 200 {
		t.Fatalf("new key authenticates: %d %v", st, out)
	}
	if _, got, _ := c.do("GET", "api.twilio.com", "/2010-04-01/Accounts/"+env.AccountSID+"/Keys/"+sid+".json", nil, nil); got["secret"] != nil {
		t.Errorf("fetch shows the secret: %v", got)
	}
	if st, _, _ := c.do("DELETE", "api.twilio.com", "/2010-04-01/Accounts/"+env.AccountSID+"/Keys/"+sid+".json", nil, nil); st != 204 {
		t.Fatalf("delete key: %d", st)
	}
	if st, _, _ := withKey.do("GET", "sync.twilio.com", "/v1/Services", nil, nil); st != 401 {
		t.Errorf("deleted key still authenticates: %d", st)
	}
}

func TestUniqueNames(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	c := newAPIClient(t, env)
	_, svc, _ := c.do("POST", "sync.twilio.com", "/v1/Services", url.Values{"FriendlyName": {"s"}}, nil)
	maps := "/v1/Services/" + svc["sid"].(string) + "/Maps"
	st, m, _ := c.do("POST", "sync.twilio.com", maps, url.Values{"UniqueName": {"first"}}, nil)
	if st != 201 {
		t.Fatalf("create map: %d %v", st, m)
	}
	if st, out, _ := c.do("POST", "sync.twilio.com", maps, url.Values{"UniqueName": {"first"}}, nil); st != http.StatusConflict {
		t.Errorf("duplicate unique name: %d %v", st, out)
	}
	if _, got, _ := c.do("GET", "sync.twilio.com", maps+"/first", nil, nil); got["sid"] != m["sid"] {
		t.Errorf("fetch by unique name: %v", got)
	}
	// A child addressed through its parent's unique name gets the parent's SID.
	st, item, _ := c.do("POST", "sync.twilio.com", maps+"/first/Items", url.Values{"Key": {"k/1"}, "Data": {`{"x":1}`}}, nil)
	if st != 201 || item["map_sid"] != m["sid"] || item["key"] != "k/1" {
		t.Errorf("item under a unique name: %d %v", st, item)
	}
	if data, _ := item["data"].(map[string]any); data["x"] != float64(1) {
		t.Errorf("item data %v: want the JSON object", item["data"])
	}
	if got, ok := env.Server.Get(item["url"].(string)); !ok || got.Token != "sync/v1:ServiceSyncMapItem" {
		t.Errorf("Get(%s): %v %v", item["url"], got, ok)
	}
	if st, out, _ := c.do("POST", "sync.twilio.com", maps+"/"+m["sid"].(string), url.Values{"UniqueName": {"second"}}, nil); st != 400 {
		t.Errorf("renaming a Sync Map (UpdateSyncMap takes no UniqueName): %d %v", st, out)
	}
	// Conversations can be renamed; the new name addresses them.
	_, conv, _ := c.do("POST", "conversations.twilio.com", "/v1/Conversations", url.Values{"UniqueName": {"first"}}, nil)
	if _, out, _ := c.do("POST", "conversations.twilio.com", "/v1/Conversations/"+conv["sid"].(string), url.Values{"UniqueName": {"second"}}, nil); out["unique_name"] != "second" {
		t.Fatalf("rename: %v", out)
	}
	if st, _, _ := c.do("GET", "conversations.twilio.com", "/v1/Conversations/second", nil, nil); st != 200 {
		t.Errorf("fetch by the new name: %d", st)
	}
	if st, _, _ := c.do("GET", "conversations.twilio.com", "/v1/Conversations/first", nil, nil); st != 404 {
		t.Errorf("fetch by the old name: %d", st)
	}
}

func TestInspectionOverHTTP(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	c := newAPIClient(t, env)
	c.do("POST", "sync.twilio.com", "/v1/Services", url.Values{"FriendlyName": {"x"}}, nil)
	get := func(path string, v any) {
		t.Helper()
		resp, err := http.Get(env.URL + path)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %v %v", path, resp, err)
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
	}
	var inv []emulator.Object
	get("/__emulator/inventory?account="+env.AccountSID, &inv)
	if len(inv) != 1 || inv[0].Token != "sync/v1:Service" || inv[0].Fields["friendly_name"] != "x" {
		t.Errorf("inventory %+v", inv)
	}
	var reqs []emulator.Request
	get("/__emulator/requests", &reqs)
	if len(reqs) != 1 || reqs[0].Method != "POST" || reqs[0].Account != env.AccountSID || reqs[0].Status != 201 {
		t.Errorf("requests %+v", reqs)
	}
	if resp, err := http.Post(env.URL+"/__emulator/reset", "", nil); err != nil || resp.StatusCode != 204 {
		t.Fatalf("reset: %v", err)
	}
	get("/__emulator/inventory?account="+env.AccountSID, &inv)
	get("/__emulator/requests", &reqs)
	if len(inv) != 0 || len(reqs) != 0 {
		t.Errorf("after reset: %d objects, %d requests", len(inv), len(reqs))
	}
}

// TestSingletonsAndCascade writes a service's configuration (an
// instance-only resource), reads it back, and checks that deleting the
// service removes it and every child.
func TestSingletonsAndCascade(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	c := newAPIClient(t, env)
	const host = "conversations.twilio.com"
	_, svc, _ := c.do("POST", host, "/v1/Services", url.Values{"FriendlyName": {"chat"}}, nil)
	base := "/v1/Services/" + svc["sid"].(string)
	if st, cfg, _ := c.do("GET", host, base+"/Configuration", nil, nil); st != 200 || cfg["chat_service_sid"] != svc["sid"] || cfg["reachability_enabled"] != false {
		t.Fatalf("default configuration: %d %v", st, cfg)
	}
	if st, cfg, _ := c.do("POST", host, base+"/Configuration", url.Values{"ReachabilityEnabled": {"true"}}, nil); st != 200 || cfg["reachability_enabled"] != true {
		t.Fatalf("update configuration: %d %v", st, cfg)
	}
	if _, cfg, _ := c.do("GET", host, base+"/Configuration", nil, nil); cfg["reachability_enabled"] != true {
		t.Errorf("configuration not kept: %v", cfg)
	}
	c.do("POST", host, base+"/Conversations", url.Values{"FriendlyName": {"c"}}, nil)
	if n := len(env.Server.Inventory(env.AccountSID)); n != 3 {
		t.Fatalf("inventory %d, want service, configuration, conversation", n)
	}
	if st, _, _ := c.do("DELETE", host, base, nil, nil); st != 204 {
		t.Fatalf("delete service: %d", st)
	}
	if inv := env.Server.Inventory(env.AccountSID); len(inv) != 0 {
		t.Errorf("left after deleting the service: %+v", inv)
	}
	if st, _, _ := c.do("GET", host, base+"/Configuration", nil, nil); st != 404 {
		t.Errorf("configuration of a deleted service: %d", st)
	}
}
