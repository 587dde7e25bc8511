package emulator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
)

// The behaviour Twilio's own Serverless Toolkit relies on (issue #15);
// internal/emulator/toolkittest runs the toolkit itself.

const slHost = "serverless.twilio.com"

// slService creates a Serverless service and returns it.
func slService(t *testing.T, c *apiClient, form url.Values) map[string]any {
	t.Helper()
	st, out, _ := c.do(http.MethodPost, slHost, "/v1/Services", form, nil)
	if st != http.StatusCreated {
		t.Fatalf("create service %v: %d %v", form, st, out)
	}
	return out
}

// slVersions creates a Function or Asset (kind "Functions", "Assets"),
// uploads n versions of it and returns their SIDs.
func slVersions(t *testing.T, env *emulatortest.Env, c *apiClient, svc, kind, visibility string, n int) []string {
	t.Helper()
	st, parent, _ := c.do(http.MethodPost, slHost, "/v1/Services/"+svc+"/"+kind, url.Values{"FriendlyName": {"f"}}, nil)
	if st != http.StatusCreated {
		t.Fatalf("create %s: %d %v", kind, st, parent)
	}
	sids := make([]string, n)
	for i := range n {
		st, v := upload(t, env, "/v1/Services/"+svc+"/"+kind+"/"+parent["sid"].(string)+"/Versions",
			map[string]string{"Path": fmt.Sprintf("/f%d", i), "Visibility": visibility}, "x")
		if st != http.StatusCreated {
			t.Fatalf("upload %s version: %d %v", kind, st, v)
		}
		sids[i] = v["sid"].(string)
	}
	return sids
}

func TestServerlessServiceDefaultsAndDomains(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		form                     url.Values
		includeCreds, uiEditable any
		base                     string // domain_base pattern
	}{
		"Twilio's defaults": {url.Values{"UniqueName": {"demo"}, "FriendlyName": {"d"}}, true, false, `^demo-\d{4}$`},
		"given values kept": {url.Values{"UniqueName": {"demo"}, "FriendlyName": {"d"}, "IncludeCredentials": {"false"}, "UiEditable": {"true"}},
			false, true, `^demo-\d{4}$`},
		"domain in lower case": {url.Values{"UniqueName": {"My-App"}, "FriendlyName": {"d"}}, true, false, `^my-app-\d{4}$`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := emulatortest.New(t)
			c := newAPIClient(t, env)
			svc := slService(t, c, tc.form)
			base, _ := svc["domain_base"].(string)
			if svc["include_credentials"] != tc.includeCreds || svc["ui_editable"] != tc.uiEditable || !regexp.MustCompile(tc.base).MatchString(base) {
				t.Fatalf("service include_credentials %v ui_editable %v domain_base %q; want %v, %v, %s",
					svc["include_credentials"], svc["ui_editable"], base, tc.includeCreds, tc.uiEditable, tc.base)
			}
			// Every environment of the service shares its domain base.
			for _, e := range []struct {
				form   url.Values
				domain string
				suffix any
			}{
				{url.Values{"UniqueName": {"dev-environment"}, "DomainSuffix": {"dev"}}, base + "-dev.twil.io", "dev"},
				{url.Values{"UniqueName": {"stage-environment"}, "DomainSuffix": {"stage"}}, base + "-stage.twil.io", "stage"},
				{url.Values{"UniqueName": {"production"}}, base + ".twil.io", nil},
			} {
				st, out, _ := c.do(http.MethodPost, slHost, "/v1/Services/"+svc["sid"].(string)+"/Environments", e.form, nil)
				if st != http.StatusCreated || out["domain_name"] != e.domain || out["domain_suffix"] != e.suffix {
					t.Errorf("environment %v: %d domain_name %v domain_suffix %v; want %s and %v", e.form, st, out["domain_name"], out["domain_suffix"], e.domain, e.suffix)
				}
			}
		})
	}
}

func TestServerlessBuildDependencies(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	c := newAPIClient(t, env)
	svc := slService(t, c, url.Values{"UniqueName": {"deps"}, "FriendlyName": {"d"}})["sid"].(string)
	fv := slVersions(t, env, c, svc, "Functions", "public", 1)
	twilioDep := map[string]any{"name": "twilio", "version": "^4.23.0"}
	tests := map[string]struct {
		deps     *string // nil: not sent
		wantCode int
		want     []any
	}{
		"absent":               {nil, http.StatusCreated, []any{}},
		"a JSON array (ours)":  {ptr(`[{"name":"twilio","version":"^4.23.0"}]`), http.StatusCreated, []any{twilioDep}},
		"quoted (the toolkit)": {ptr(`"[{"name":"twilio","version":"^4.23.0"},{"name":"lodash","version":"4.17.21"}]"`), http.StatusCreated, []any{twilioDep, map[string]any{"name": "lodash", "version": "4.17.21"}}},
		"a JSON string":        {ptr(`"[{\"name\":\"twilio\",\"version\":\"^4.23.0\"}]"`), http.StatusCreated, []any{twilioDep}},
		"not JSON":             {ptr(`twilio@4`), http.StatusBadRequest, nil},
		"no name":              {ptr(`[{"version":"1"}]`), http.StatusBadRequest, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			form := url.Values{"FunctionVersions": fv}
			if tc.deps != nil {
				form.Set("Dependencies", *tc.deps)
			}
			st, out, _ := c.do(http.MethodPost, slHost, "/v1/Services/"+svc+"/Builds", form, nil)
			if st != tc.wantCode {
				t.Fatalf("create build: %d %v, want %d", st, out, tc.wantCode)
			}
			if st != http.StatusCreated {
				if out["code"] != float64(20001) || !strings.Contains(fmt.Sprint(out["message"]), "Dependencies") {
					t.Errorf("error %v: want 20001 naming Dependencies", out)
				}
				return
			}
			got, _ := json.Marshal(out["dependencies"])
			want, _ := json.Marshal(tc.want)
			if !bytes.Equal(got, want) {
				t.Errorf("dependencies %s, want %s", got, want)
			}
		})
	}
}

func TestServerlessBuildLimits(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	c := newAPIClient(t, env)
	svc := slService(t, c, url.Values{"UniqueName": {"limits"}, "FriendlyName": {"d"}})["sid"].(string)
	fns := slVersions(t, env, c, svc, "Functions", "public", 51)
	private := slVersions(t, env, c, svc, "Assets", "private", 51)
	public := slVersions(t, env, c, svc, "Assets", "protected", 60)
	tests := map[string]struct {
		form    url.Values
		mention string // "" when the build is accepted
	}{
		"50 function versions":      {url.Values{"FunctionVersions": fns[:50]}, ""},
		"51 function versions":      {url.Values{"FunctionVersions": fns}, "up to 50 Function Versions, got 51"},
		"50 private asset versions": {url.Values{"AssetVersions": private[:50]}, ""},
		"51 private asset versions": {url.Values{"AssetVersions": private}, "up to 50 private Asset Versions, got 51"},
		// Public and protected assets count apart from private ones.
		"50 private and 60 protected": {url.Values{"AssetVersions": append(append([]string{}, private[:50]...), public...)}, ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			st, out, _ := c.do(http.MethodPost, slHost, "/v1/Services/"+svc+"/Builds", tc.form, nil)
			if tc.mention == "" {
				if st != http.StatusCreated {
					t.Errorf("build: %d %v, want 201", st, out)
				}
				return
			}
			if st != http.StatusBadRequest || out["code"] != float64(20001) || !strings.Contains(fmt.Sprint(out["message"]), tc.mention) {
				t.Errorf("build: %d %v; want 400, 20001 and %q", st, out, tc.mention)
			}
		})
	}
}

func TestServerlessLinks(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	c := newAPIClient(t, env)
	svc := slService(t, c, url.Values{"UniqueName": {"links"}, "FriendlyName": {"d"}})["sid"].(string)
	fv := slVersions(t, env, c, svc, "Functions", "public", 1)[0]
	_, fns, _ := c.do(http.MethodGet, slHost, "/v1/Services/"+svc+"/Functions", nil, nil)
	fn := fns["functions"].([]any)[0].(map[string]any)["sid"].(string)
	_, build, _ := c.do(http.MethodPost, slHost, "/v1/Services/"+svc+"/Builds", url.Values{"FunctionVersions": {fv}}, nil)
	_, envr, _ := c.do(http.MethodPost, slHost, "/v1/Services/"+svc+"/Environments", url.Values{"UniqueName": {"dev"}, "DomainSuffix": {"dev"}}, nil)
	base := "https://" + slHost + "/v1/Services/" + svc
	tests := map[string]struct {
		path string
		want map[string]string
	}{
		"service": {"/v1/Services/" + svc, map[string]string{
			"environments": base + "/Environments", "functions": base + "/Functions", "assets": base + "/Assets", "builds": base + "/Builds"}},
		"function": {"/v1/Services/" + svc + "/Functions/" + fn, map[string]string{"function_versions": base + "/Functions/" + fn + "/Versions"}},
		"function version": {"/v1/Services/" + svc + "/Functions/" + fn + "/Versions/" + fv, map[string]string{
			"function_version_content": base + "/Functions/" + fn + "/Versions/" + fv + "/Content"}},
		"build": {"/v1/Services/" + svc + "/Builds/" + build["sid"].(string), map[string]string{
			"build_status": base + "/Builds/" + build["sid"].(string) + "/Status"}},
		"environment": {"/v1/Services/" + svc + "/Environments/" + envr["sid"].(string), map[string]string{
			"variables":   base + "/Environments/" + envr["sid"].(string) + "/Variables",
			"deployments": base + "/Environments/" + envr["sid"].(string) + "/Deployments",
			"logs":        base + "/Environments/" + envr["sid"].(string) + "/Logs"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			st, out, _ := c.do(http.MethodGet, slHost, tc.path, nil, nil)
			links, _ := out["links"].(map[string]any)
			if st != http.StatusOK || len(links) != len(tc.want) {
				t.Fatalf("GET %s: %d links %v, want %v", tc.path, st, links, tc.want)
			}
			for k, want := range tc.want {
				if links[k] != want {
					t.Errorf("links[%s] = %v, want %s", k, links[k], want)
					continue
				}
				// Each link is a real address.
				if st, body, _ := c.do(http.MethodGet, slHost, strings.TrimPrefix(want, "https://"+slHost), nil, nil); st != http.StatusOK {
					t.Errorf("GET links[%s]: %d %v", k, st, body)
				}
			}
		})
	}
}

// TestServerlessBuildDelay: a build is "building" for the whole of
// BuildDelay, counted from the request's instant, not from its
// date_created (whole seconds), and the inventory reads its status as a
// fetch does.
func TestServerlessBuildDelay(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		after time.Duration
		want  string
	}{
		"just created":                      {0, "building"},
		"past the next whole second":        {150 * time.Millisecond, "building"}, // ended early when counted from date_created
		"a moment before the delay is over": {999 * time.Millisecond, "building"},
		"at the delay":                      {time.Second, "completed"},
		"after it":                          {5 * time.Second, "completed"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			clk := &clock{now: time.Date(2026, 5, 1, 12, 0, 0, 900_000_000, time.UTC)}
			env := emulatortest.New(t, func(o *emulator.Options) { o.Now, o.BuildDelay = clk.Now, time.Second })
			c := newAPIClient(t, env)
			svc := slService(t, c, url.Values{"UniqueName": {"delay"}, "FriendlyName": {"d"}})["sid"].(string)
			fv := slVersions(t, env, c, svc, "Functions", "public", 1)
			_, build, _ := c.do(http.MethodPost, slHost, "/v1/Services/"+svc+"/Builds", url.Values{"FunctionVersions": fv}, nil)
			clk.Add(tc.after)
			sid := build["sid"].(string)
			_, status, _ := c.do(http.MethodGet, slHost, "/v1/Services/"+svc+"/Builds/"+sid+"/Status", nil, nil)
			_, fetched, _ := c.do(http.MethodGet, slHost, "/v1/Services/"+svc+"/Builds/"+sid, nil, nil)
			var inInventory, overHTTP any
			for _, o := range env.Server.Inventory(env.AccountSID) {
				if o.SID == sid {
					inInventory = o.Fields["status"]
				}
			}
			resp, err := http.Get(env.URL + "/__emulator/inventory?account=" + env.AccountSID)
			if err != nil {
				t.Fatal(err)
			}
			var inv []emulator.Object
			_ = json.NewDecoder(resp.Body).Decode(&inv)
			resp.Body.Close()
			for _, o := range inv {
				if o.SID == sid {
					overHTTP = o.Fields["status"]
				}
			}
			for what, got := range map[string]any{"Build Status": status["status"], "Build": fetched["status"], "Inventory": inInventory, "/__emulator/inventory": overHTTP} {
				if got != tc.want {
					t.Errorf("%s after %v: %v, want %s", what, tc.after, got, tc.want)
				}
			}
		})
	}
}

// syncBuffer collects IgnoredLog lines from the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestIgnoredParameters: by default a parameter an operation does not
// define is accepted and dropped, as Twilio does, and the request log and
// IgnoredLog name it; strict mode refuses it.
func TestIgnoredParameters(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		strict      bool
		wantStatus  int
		wantIgnored []string
	}{
		"default, as Twilio": {false, http.StatusCreated, []string{"Colour", "FriendlyName"}},
		"strict":             {true, http.StatusBadRequest, nil},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var log syncBuffer
			env := emulatortest.New(t, func(o *emulator.Options) { o.Strict, o.IgnoredLog = tc.strict, &log })
			c := newAPIClient(t, env)
			svc := slService(t, c, url.Values{"UniqueName": {"ign"}, "FriendlyName": {"d"}})["sid"].(string)
			// What Twilio's Serverless Toolkit sends to CreateEnvironment.
			form := url.Values{"UniqueName": {"dev-environment"}, "DomainSuffix": {"dev"},
				"FriendlyName": {"dev-environment Environment (Created by CLI)"}, "Colour": {"red"}}
			st, out, _ := c.do(http.MethodPost, slHost, "/v1/Services/"+svc+"/Environments", form, nil)
			if st != tc.wantStatus {
				t.Fatalf("create environment: %d %v, want %d", st, out, tc.wantStatus)
			}
			reqs := env.Server.Requests()
			last := reqs[len(reqs)-1]
			if fmt.Sprint(last.Ignored) != fmt.Sprint(tc.wantIgnored) {
				t.Errorf("request log ignored %v, want %v", last.Ignored, tc.wantIgnored)
			}
			if tc.strict {
				if !strings.Contains(fmt.Sprint(out["message"]), "Colour is not defined for CreateEnvironment") || log.String() != "" {
					t.Errorf("strict: %v, log %q", out, log.String())
				}
				return
			}
			if last.Operation != "CreateEnvironment" || out["friendly_name"] != nil {
				t.Errorf("operation %q, friendly_name %v: want CreateEnvironment and the parameter dropped", last.Operation, out["friendly_name"])
			}
			if want := "ignored Colour, FriendlyName, not defined for CreateEnvironment"; !strings.Contains(log.String(), want) {
				t.Errorf("IgnoredLog %q, want %q", log.String(), want)
			}
			// Uploads too.
			_, fn, _ := c.do(http.MethodPost, slHost, "/v1/Services/"+svc+"/Functions", url.Values{"FriendlyName": {"f"}}, nil)
			st, v := upload(t, env, "/v1/Services/"+svc+"/Functions/"+fn["sid"].(string)+"/Versions",
				map[string]string{"Path": "/a", "Visibility": "public", "Extra": "1"}, "x")
			reqs = env.Server.Requests()
			last = reqs[len(reqs)-1]
			if st != http.StatusCreated || fmt.Sprint(last.Ignored) != "[Extra]" || last.Operation != "CreateFunctionVersion" {
				t.Errorf("upload with Extra: %d %v, logged %v %q", st, v, last.Ignored, last.Operation)
			}
		})
	}
}

func ptr(s string) *string { return &s }
