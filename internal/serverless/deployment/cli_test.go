package deployment_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless/deployment"
	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

// pluginDir is bin/, where make tools puts the shipped plugin, which
// serves twilio:serverless:Deployment (cmd/pulumi-resource-twilio registers it).
func pluginDir(tb testing.TB) string {
	tb.Helper()
	return testenv.BinDir(tb, testenv.PulumiTools...)
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

const program = `name: sms-dictionary
runtime: yaml
description: Functions and Assets of an SMS dictionary, one environment per stack.
config:
  secretWord:
    type: string
    secret: true
resources:
  site:
    type: twilio:serverless:Deployment
    properties:
      path: ./app
      serviceName: sms-dictionary
      variables:
        SECRET_WORD: ${secretWord}
outputs:
  serviceSid: ${site.serviceSid}
  environmentSid: ${site.environmentSid}
  buildSid: ${site.buildSid}
  domainName: ${site.domainName}
  urls: ${site.urls}
`

type stackOutputs struct {
	ServiceSID     string            `json:"serviceSid"`
	EnvironmentSID string            `json:"environmentSid"`
	BuildSID       string            `json:"buildSid"`
	DomainName     string            `json:"domainName"`
	URLs           map[string]string `json:"urls"`
}

// take tallies the emulator's requests since the last reset, and resets.
func take(env *emulatortest.Env) emulator.Traffic {
	t := emulator.Tally(env.Server.Requests())
	env.Server.ResetRequests()
	return t
}

// TestPulumiCLI runs the real Pulumi CLI, YAML language host and provider
// plugin against the emulator: deploy, no-op, one change, a second branch,
// and destroying one branch while the other stays.
func TestPulumiCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Pulumi CLI")
	}
	plugins := pluginDir(t)
	env := emulatortest.New(t, func(o *emulator.Options) { o.BuildDelay = 200 * time.Millisecond })
	work := t.TempDir()
	copyTree(t, "../testdata/project", filepath.Join(work, "app"))
	penv := programEnv(t, work, plugins, env)
	pulumi := func(args ...string) string {
		start := time.Now()
		out := testenv.Pulumi(t, work, penv, args...)
		t.Logf("pulumi %s: %s", strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
		return out
	}
	outputs := func() stackOutputs {
		var o stackOutputs
		if err := json.Unmarshal([]byte(pulumi("stack", "output", "--json")), &o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	const secret = "s3cr3t-w0rd"

	pulumi("stack", "init", "dev")
	pulumi("config", "set", "--secret", "secretWord", secret)

	// Preview: lists the files, makes no request that writes.
	out := pulumi("preview", "--diff")
	if tr := take(env); tr.Writes != 0 {
		t.Errorf("preview wrote: %+v", tr)
	}
	for _, want := range []string{"/hello ", "/sms/reply ", "/index.html ", "/words.json ", "asset private "} {
		if !strings.Contains(out, want) {
			t.Errorf("preview does not list %s:\n%s", want, out)
		}
	}

	// First deploy: every file uploaded once, one build, one deployment.
	out = pulumi("up", "--yes", "--skip-preview")
	if tr := take(env); tr.Uploads != 7 || tr.Builds != 1 || tr.Deployments != 1 {
		t.Errorf("first up: %+v\n%s", tr, out)
	}
	dev := outputs()
	if !strings.HasPrefix(dev.DomainName, "sms-dictionary-") || !strings.HasSuffix(dev.DomainName, "-dev.twil.io") {
		t.Errorf("dev domain = %q", dev.DomainName)
	}
	wantURLs := []string{"/hello", "/sms/reply", "/index.html", "/style.css", "/img/logo.svg"}
	for _, p := range wantURLs {
		if dev.URLs[p] != "https://"+dev.DomainName+p {
			t.Errorf("urls[%s] = %q", p, dev.URLs[p])
		}
	}
	if len(dev.URLs) != len(wantURLs) {
		t.Errorf("urls has private paths: %v", dev.URLs)
	}
	// The secret variable is deployed but never shown: not in the CLI's
	// output, not in plain text in the state.
	if vars := variables(t, env, dev.EnvironmentSID); vars["SECRET_WORD"] != secret || vars["GREETING"] != "Ahoy" {
		t.Errorf("deployed variables = %v", vars)
	}
	if state := pulumi("stack", "export"); strings.Contains(out, secret) || strings.Contains(state, secret) ||
		!strings.Contains(state, "4dabf18193072939515e22adb298388d") { // the secret sig of Pulumi's state format
		t.Errorf("secret value shown, or the state holds no secret")
	}

	// Refresh reads (environment, variables) and changes nothing; then an
	// up with no change makes no write at all.
	out = pulumi("refresh", "--yes", "--skip-preview")
	if tr := take(env); tr.Writes != 0 {
		t.Errorf("refresh wrote: %+v\n%s", tr, out)
	}
	out = pulumi("up", "--yes")
	if tr := take(env); tr.Writes != 0 {
		t.Errorf("unchanged up wrote: %+v\n%s", tr, out)
	}

	// One changed function: the preview names it; one upload, one build.
	hello := filepath.Join(work, "app", "functions", "hello.js")
	if err := os.WriteFile(hello, []byte("exports.handler = (c, e, cb) => cb(null, 'hi');\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out = pulumi("preview", "--diff")
	if !strings.Contains(out, "~ /hello: ") || strings.Contains(out, "/index.html") {
		t.Errorf("preview after one change:\n%s", out)
	}
	take(env)
	out = pulumi("up", "--yes", "--skip-preview")
	if tr := take(env); tr.Uploads != 1 || tr.Builds != 1 || tr.Deployments != 1 {
		t.Errorf("one-change up: %+v\n%s", tr, out)
	}
	if o := outputs(); o.BuildSID == dev.BuildSID || o.EnvironmentSID != dev.EnvironmentSID {
		t.Errorf("after change: %+v (before %+v)", o, dev)
	}

	// A second branch: same service, its own environment and domain.
	pulumi("stack", "init", "feature-x")
	pulumi("config", "set", "--secret", "secretWord", secret)
	pulumi("up", "--yes", "--skip-preview")
	take(env)
	fx := outputs()
	if fx.ServiceSID != dev.ServiceSID || fx.EnvironmentSID == dev.EnvironmentSID ||
		!strings.HasSuffix(fx.DomainName, "-feature-x.twil.io") || fx.DomainName == dev.DomainName {
		t.Errorf("feature-x = %+v, dev = %+v", fx, dev)
	}

	// Destroy the branch: its environment goes, dev and the service stay.
	pulumi("destroy", "--yes", "--skip-preview")
	take(env)
	envs := environments(t, env, dev.ServiceSID)
	if len(envs) != 1 || envs[0] != dev.EnvironmentSID {
		t.Errorf("after destroying feature-x, environments = %v, want [%s]", envs, dev.EnvironmentSID)
	}
	pulumi("stack", "select", "dev")
	if tr := take(env); tr.Writes != 0 {
		t.Errorf("selecting a stack wrote: %+v", tr)
	}
	out = pulumi("up", "--yes")
	if tr := take(env); tr.Writes != 0 {
		t.Errorf("dev changed after feature-x was destroyed: %+v\n%s", tr, out)
	}

	// A build that fails says all Twilio says of it and what changed.
	if err := os.WriteFile(hello, []byte("// "+emulator.FailBuildMarker+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := testenv.TryPulumi(t, work, penv, "up", "--yes", "--skip-preview")
	if err == nil || !strings.Contains(out, " failed (runtime node22, ") || !strings.Contains(out, "changed: functions/hello.js") {
		t.Errorf("failing build: err %v\n%s", err, out)
	}

	// Destroy the last branch: the service goes too.
	pulumi("destroy", "--yes", "--skip-preview")
	if envs := environments(t, env, dev.ServiceSID); envs != nil {
		t.Errorf("service still has environments %v", envs)
	}

}

// variables returns an environment's variables as the emulator holds them.
func variables(t *testing.T, env *emulatortest.Env, environmentSID string) map[string]string {
	t.Helper()
	vars := map[string]string{}
	for _, o := range env.Server.Inventory(env.AccountSID) {
		if o.Token == "serverless/v1:ServiceEnvironmentVariable" && o.Fields["environment_sid"] == environmentSID {
			k, _ := o.Fields["key"].(string)
			v, _ := o.Fields["value"].(string)
			vars[k] = v
		}
	}
	return vars
}

// programEnv writes the YAML program into work and returns the Pulumi
// environment: the plugin folder first on PATH, credentials and the API
// URL of the emulator.
func programEnv(tb testing.TB, work, plugins string, env *emulatortest.Env) []string {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(work, "Pulumi.yaml"), []byte(program), 0o644); err != nil {
		tb.Fatal(err)
	}
	return testenv.PulumiEnv(tb,
		"PATH="+plugins+string(os.PathListSeparator)+testenv.BinDir(tb)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"TWILIO_ACCOUNT_SID="+env.AccountSID, "TWILIO_AUTH_TOKEN="+env.AuthToken, "TWILIO_API_URL="+env.URL)
}

// BenchmarkPulumiCLI100Files is BenchmarkDeploy100Files through the real
// Pulumi CLI: one `pulumi up` per op on a generated 100-file project, the
// emulator answering with 50 ms latency. Wall time includes the engine and
// plugin start-up.
//
//	go test ./internal/serverless/deployment -run '^$' -bench PulumiCLI -benchtime 1x
func BenchmarkPulumiCLI100Files(b *testing.B) {
	plugins := pluginDir(b)
	for _, sc := range []string{"first", "one-change", "no-change"} {
		b.Run(sc, func(b *testing.B) {
			var uploads, builds, reqs int
			for b.Loop() {
				b.StopTimer()
				env := emulatortest.New(b)
				work := b.TempDir()
				deployment.GenProject(b, filepath.Join(work, "app"))
				penv := programEnv(b, work, plugins, env)
				testenv.Pulumi(b, work, penv, "stack", "init", "dev")
				testenv.Pulumi(b, work, penv, "config", "set", "--secret", "secretWord", "x")
				if sc != "first" {
					testenv.Pulumi(b, work, penv, "up", "--yes", "--skip-preview")
				}
				if sc == "one-change" {
					os.WriteFile(filepath.Join(work, "app", "functions", "group1", "fn01.protected.js"), []byte("// changed\n"), 0o644)
				}
				env.Server.ResetRequests()
				env.Server.SetFaults(emulator.Faults{Latency: 50 * time.Millisecond})
				b.StartTimer()
				testenv.Pulumi(b, work, penv, "up", "--yes", "--skip-preview")
				b.StopTimer()
				tr := take(env)
				uploads, builds, reqs = uploads+tr.Uploads, builds+tr.Builds, reqs+tr.Requests
				b.StartTimer()
			}
			b.ReportMetric(float64(uploads)/float64(b.N), "uploads/op")
			b.ReportMetric(float64(builds)/float64(b.N), "builds/op")
			b.ReportMetric(float64(reqs)/float64(b.N), "requests/op")
		})
	}
}

// environments lists the SIDs of a service's environments in the emulator
// (nil when the service is gone).
func environments(t *testing.T, env *emulatortest.Env, serviceSID string) []string {
	t.Helper()
	var sids []string
	found := false
	for _, o := range env.Server.Inventory(env.AccountSID) {
		if o.SID == serviceSID {
			found = true
		}
		if o.Token == "serverless/v1:ServiceEnvironment" && o.Fields["service_sid"] == serviceSID {
			sids = append(sids, o.SID)
		}
	}
	if !found {
		return nil
	}
	if sids == nil {
		sids = []string{}
	}
	return sids
}
