package twilioapi_test

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	twclient "github.com/twilio/twilio-go/client"
	slv1 "github.com/twilio/twilio-go/rest/serverless/v1"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless/twilioapi"
)

// setup starts the emulator and returns the adapter wired to it, and a
// typed client for checking what the emulator holds.
func setup(t testing.TB, opts ...func(*emulator.Options)) (*emulatortest.Env, *twilioapi.API, *slv1.ApiService) {
	t.Helper()
	env := emulatortest.New(t, opts...)
	c := &twclient.Client{
		Credentials: twclient.NewCredentials(env.AccountSID, env.AuthToken),
		HTTPClient:  &http.Client{Transport: env.Transport(), Timeout: 30 * time.Second},
	}
	c.SetAccountSid(env.AccountSID)
	rh := &twclient.RequestHandler{Client: c}
	api, err := twilioapi.New(rh)
	if err != nil {
		t.Fatal(err)
	}
	return env, api, slv1.NewApiService(rh)
}

func desired(t testing.TB, dir, suffix string) serverless.Desired {
	t.Helper()
	p, err := serverless.Scan(dir)
	if err != nil {
		t.Fatal(err)
	}
	return serverless.Desired{Dir: p.Dir, ServiceName: "dictionary", DomainSuffix: suffix, Files: p.Files,
		Runtime: serverless.DefaultRuntime, Dependencies: p.Dependencies, Variables: p.EnvVariables}
}

// count counts logged requests to host with method whose path ends with suffix.
func count(reqs []emulator.Request, method, host, suffix string) int {
	n := 0
	for _, r := range reqs {
		if r.Method == method && r.Host == host && strings.HasSuffix(r.Path, suffix) && r.Status < 400 {
			n++
		}
	}
	return n
}

func TestDeployAgainstEmulator(t *testing.T) {
	t.Parallel()
	env, api, check := setup(t, func(o *emulator.Options) { o.BuildDelay = 30 * time.Millisecond })
	d := &serverless.Deployer{API: api, Poll: serverless.Poll{Initial: 10 * time.Millisecond}}
	ctx := t.Context()

	st, err := d.Deploy(ctx, desired(t, "../testdata/project", "dev"), nil)
	if err != nil {
		t.Fatal(err)
	}
	reqs := env.Server.Requests()
	if n := count(reqs, "POST", "serverless-upload.twilio.com", "/Versions"); n != 7 {
		t.Errorf("uploads = %d, want 7", n)
	}
	if n := count(reqs, "POST", "serverless.twilio.com", "/Builds"); n != 1 {
		t.Errorf("builds = %d, want 1", n)
	}
	if !strings.HasPrefix(st.DomainName, "dictionary-") || !strings.HasSuffix(st.DomainName, "-dev.twil.io") {
		t.Errorf("domain = %q", st.DomainName)
	}
	// The uploaded content and visibility are what the folder holds.
	f := st.Files["/sms/reply"]
	got, err := check.FetchFunctionVersionContent(st.ServiceSID, f.ResourceSID, f.VersionSID)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile("../testdata/project/functions/sms/reply.protected.js")
	if got.Content == nil || *got.Content != string(want) {
		t.Errorf("content = %v", got.Content)
	}
	v, err := check.FetchFunctionVersion(st.ServiceSID, f.ResourceSID, f.VersionSID)
	if err != nil || v.Visibility == nil || *v.Visibility != "protected" || *v.Path != "/sms/reply" {
		t.Errorf("version = %+v, %v", v, err)
	}
	e, err := check.FetchEnvironment(st.ServiceSID, st.EnvironmentSID)
	if err != nil || e.BuildSid == nil || *e.BuildSid != st.BuildSID {
		t.Errorf("environment build = %v, %v; want %s", e.BuildSid, err, st.BuildSID)
	}
	vars, _ := api.ListVariables(ctx, st.ServiceSID, st.EnvironmentSID)
	if vars["GREETING"].Value != "Ahoy" || len(vars) != 1 {
		t.Errorf("variables = %v", vars)
	}

	// Destroy keeps nothing when it is the only environment.
	if err := d.Destroy(ctx, st); err != nil {
		t.Fatal(err)
	}
	if _, err := api.FetchService(ctx, "dictionary"); !errors.Is(err, serverless.ErrNotFound) {
		t.Errorf("service after destroy: %v", err)
	}
}

func TestBuildFailureAgainstEmulator(t *testing.T) {
	t.Parallel()
	_, api, _ := setup(t)
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "functions"), 0o755)
	os.WriteFile(filepath.Join(dir, "functions", "bad.js"), []byte("// "+emulator.FailBuildMarker), 0o644)
	d := &serverless.Deployer{API: api, Poll: serverless.Poll{Initial: time.Millisecond}}
	_, err := d.Deploy(t.Context(), desired(t, dir, "dev"), nil)
	var be *serverless.BuildError
	if !errors.As(err, &be) || !strings.Contains(err.Error(), "functions/bad.js") {
		t.Fatalf("err = %v", err)
	}
}

func TestErrorsKeepTwilioDetails(t *testing.T) {
	t.Parallel()
	_, api, _ := setup(t)
	ctx := t.Context()
	if _, err := api.FetchService(ctx, "missing"); !errors.Is(err, serverless.ErrNotFound) {
		t.Errorf("fetch missing: %v", err)
	}
	_, err := api.CreateService(ctx, "bad name!", "x")
	if err == nil || !strings.Contains(err.Error(), "Twilio error") || !strings.Contains(err.Error(), "UniqueName") {
		t.Errorf("create invalid: %v", err)
	}
	svc, err := api.CreateService(ctx, "ok", "ok")
	if err != nil {
		t.Fatal(err)
	}
	fn, err := api.CreateFunction(ctx, svc.SID, "/f")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.UploadFunctionVersion(ctx, svc.SID, fn, "no-slash", "public", []byte("x")); err == nil || !strings.Contains(err.Error(), "Path") {
		t.Errorf("upload invalid path: %v", err)
	}
}
