package emulator_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	serverless "github.com/twilio/twilio-go/rest/serverless/v1"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
)

// clock is a settable time source for Options.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// upload posts a Function or Asset Version to the upload host the way the
// Twilio CLI does: multipart with Path, Visibility and a Content file.
func upload(t *testing.T, env *emulatortest.Env, path string, fields map[string]string, content string) (int, map[string]any) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	if content != "" {
		fw, _ := mw.CreateFormFile("Content", "index.js")
		_, _ = fw.Write([]byte(content))
	}
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, env.URL+path, &body)
	req.Host = "serverless-upload.twilio.com"
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.SetBasicAuth(env.AccountSID, env.AuthToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestServerlessDeploy(t *testing.T) {
	t.Parallel()
	clk := &clock{now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	env := emulatortest.New(t, func(o *emulator.Options) {
		o.Now = clk.Now
		o.BuildDelay = 10 * time.Second
		o.MaxUploadBytes = 1024
	})
	c := env.RestClient().ServerlessV1

	svc, err := c.CreateService(new(serverless.CreateServiceParams).SetUniqueName("demo").SetFriendlyName("Demo"))
	if err != nil {
		t.Fatal(err)
	}
	fn, err := c.CreateFunction(*svc.Sid, new(serverless.CreateFunctionParams).SetFriendlyName("hello"))
	if err != nil {
		t.Fatal(err)
	}
	asset, err := c.CreateAsset(*svc.Sid, new(serverless.CreateAssetParams).SetFriendlyName("logo"))
	if err != nil {
		t.Fatal(err)
	}
	code := "exports.handler = (ctx, ev, cb) => cb(null, 'hi');"
	st, fv := upload(t, env, "/v1/Services/"+*svc.Sid+"/Functions/"+*fn.Sid+"/Versions",
		map[string]string{"Path": "/hello", "Visibility": "public"}, code)
	if st != http.StatusCreated || fv["path"] != "/hello" || fv["visibility"] != "public" || fv["function_sid"] != *fn.Sid {
		t.Fatalf("function version upload: %d %v", st, fv)
	}
	st, av := upload(t, env, "/v1/Services/"+*svc.Sid+"/Assets/"+*asset.Sid+"/Versions",
		map[string]string{"Path": "/logo.txt", "Visibility": "protected"}, "logo")
	if st != http.StatusCreated || av["asset_sid"] != *asset.Sid {
		t.Fatalf("asset version upload: %d %v", st, av)
	}
	content, err := c.FetchFunctionVersionContent(*svc.Sid, *fn.Sid, fv["sid"].(string))
	if err != nil || *content.Content != code {
		t.Fatalf("version content: %v %v", content, err)
	}

	// Service by unique name, environment domain.
	env1, err := c.CreateEnvironment("demo", new(serverless.CreateEnvironmentParams).SetUniqueName("dev-environment").SetDomainSuffix("dev"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^demo-\d{4}-dev\.twil\.io$`).MatchString(*env1.DomainName) || *env1.ServiceSid != *svc.Sid {
		t.Errorf("domain_name %q service_sid %q", *env1.DomainName, *env1.ServiceSid)
	}
	env2, err := c.CreateEnvironment(*svc.Sid, new(serverless.CreateEnvironmentParams).SetUniqueName("prod"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^demo-\d{4}\.twil\.io$`).MatchString(*env2.DomainName) {
		t.Errorf("domain_name without suffix %q", *env2.DomainName)
	}
	_, err = c.CreateEnvironment(*svc.Sid, new(serverless.CreateEnvironmentParams).SetUniqueName("prod"))
	if re := restErr(t, err); re.Status != http.StatusConflict {
		t.Errorf("duplicate environment: %d %d", re.Status, re.Code)
	}

	build, err := c.CreateBuild(*svc.Sid, new(serverless.CreateBuildParams).
		SetFunctionVersions([]string{fv["sid"].(string)}).SetAssetVersions([]string{av["sid"].(string)}).
		SetDependencies(`[{"name":"twilio","version":"5.0.0"}]`).SetRuntime("node22"))
	if err != nil {
		t.Fatal(err)
	}
	if *build.Status != "building" || len(*build.FunctionVersions) != 1 || len(*build.Dependencies) != 1 {
		t.Fatalf("build: status %s versions %v deps %v", *build.Status, *build.FunctionVersions, *build.Dependencies)
	}
	if bs, _ := c.FetchBuildStatus(*svc.Sid, *build.Sid); *bs.Status != "building" {
		t.Errorf("status before the delay: %s", *bs.Status)
	}
	_, err = c.CreateDeployment(*svc.Sid, *env1.Sid, new(serverless.CreateDeploymentParams).SetBuildSid(*build.Sid))
	if re := restErr(t, err); re.Status != http.StatusBadRequest {
		t.Errorf("deploying a build still building: %d %d", re.Status, re.Code)
	}
	clk.Add(10 * time.Second)
	if bs, _ := c.FetchBuildStatus(*svc.Sid, *build.Sid); *bs.Status != "completed" {
		t.Errorf("status after the delay: %s", *bs.Status)
	}
	dep, err := c.CreateDeployment(*svc.Sid, *env1.Sid, new(serverless.CreateDeploymentParams).SetBuildSid(*build.Sid))
	if err != nil || *dep.BuildSid != *build.Sid || *dep.EnvironmentSid != *env1.Sid {
		t.Fatalf("deployment: %v %v", dep, err)
	}
	if e, _ := c.FetchEnvironment(*svc.Sid, *env1.Sid); e.BuildSid == nil || *e.BuildSid != *build.Sid {
		t.Errorf("environment build_sid %v, want %s", e.BuildSid, *build.Sid)
	}

	// A function carrying the marker fails its build.
	_, bad := upload(t, env, "/v1/Services/"+*svc.Sid+"/Functions/"+*fn.Sid+"/Versions",
		map[string]string{"Path": "/hello", "Visibility": "public"}, "throw new Error('x') // "+emulator.FailBuildMarker)
	failed, err := c.CreateBuild(*svc.Sid, new(serverless.CreateBuildParams).SetFunctionVersions([]string{bad["sid"].(string)}))
	if err != nil {
		t.Fatal(err)
	}
	clk.Add(10 * time.Second)
	if b, _ := c.FetchBuild(*svc.Sid, *failed.Sid); *b.Status != "failed" {
		t.Errorf("marked build status %s, want failed", *b.Status)
	}
	_, err = c.CreateBuild(*svc.Sid, new(serverless.CreateBuildParams).SetFunctionVersions([]string{"ZN00000000000000000000000000000000"}))
	if re := restErr(t, err); re.Status != http.StatusBadRequest {
		t.Errorf("build of an unknown version: %d", re.Status)
	}

	// Upload validation.
	for name, tc := range map[string]struct {
		fields  map[string]string
		content string
	}{
		"no content":     {map[string]string{"Path": "/a", "Visibility": "public"}, ""},
		"bad visibility": {map[string]string{"Path": "/a", "Visibility": "secret"}, "x"},
		"no path":        {map[string]string{"Visibility": "public"}, "x"},
		"unknown field":  {map[string]string{"Path": "/a", "Visibility": "public", "Extra": "1"}, "x"},
		"too large":      {map[string]string{"Path": "/big", "Visibility": "public"}, strings.Repeat("x", 2048)},
	} {
		st, out := upload(t, env, "/v1/Services/"+*svc.Sid+"/Functions/"+*fn.Sid+"/Versions", tc.fields, tc.content)
		if st != http.StatusBadRequest || out["code"] != float64(20001) {
			t.Errorf("%s: %d %v, want 400 20001", name, st, out)
		}
	}

	// Deleting the service removes everything under it.
	if err := c.DeleteService(*svc.Sid); err != nil {
		t.Fatal(err)
	}
	if inv := env.Server.Inventory(env.AccountSID); len(inv) != 0 {
		t.Errorf("inventory after deleting the service: %d objects", len(inv))
	}
}

func TestServerlessFailBuildHook(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t, func(o *emulator.Options) {
		o.FailBuild = func(string, map[string][]byte) bool { return true }
	})
	c := env.RestClient().ServerlessV1
	svc, err := c.CreateService(new(serverless.CreateServiceParams).SetUniqueName("hooked").SetFriendlyName("x"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.CreateBuild(*svc.Sid, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bs, _ := c.FetchBuildStatus(*svc.Sid, *b.Sid); *bs.Status != "failed" {
		t.Errorf("status %s, want failed", *bs.Status)
	}
}
