package provider

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	flex "github.com/twilio/twilio-go/rest/flex/v1"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

// TestPulumiCLIFlexPlugin deploys testdata/flex (the README's program)
// through the real CLI: a plugin bundle hosted, a version, a release;
// an unchanged bundle writes nothing; a changed one is one new version and
// one release, with one upload when the source map is not hosted; destroy
// archives.
func TestPulumiCLIFlexPlugin(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the Pulumi CLI")
	}
	t.Parallel()
	env := emulatortest.New(t)
	dir := filepath.Join(t.TempDir(), "flex")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "flex"))); err != nil {
		t.Fatal(err)
	}
	penv := testenv.PulumiEnv(t,
		"TWILIO_ACCOUNT_SID="+env.AccountSID, "TWILIO_AUTH_TOKEN="+env.AuthToken, "TWILIO_API_URL="+env.URL)
	pulumi := func(args ...string) string { return testenv.Pulumi(t, dir, penv, args...) }
	type counts struct {
		emulator.Traffic
		versions, releases, configs, archives int
	}
	take := func(step string) counts {
		c := counts{Traffic: emulator.Tally(env.Server.Requests())}
		for _, r := range env.Server.Requests() {
			if testing.Verbose() {
				t.Logf("  %s %s %s %d", r.Method, r.Host, r.Path, r.Status)
			}
			if r.Method != "POST" || r.Status >= 400 {
				continue
			}
			switch {
			case strings.HasSuffix(r.Path, "/Archive"):
				c.archives++
			case strings.HasSuffix(r.Path, "/Versions") && strings.Contains(r.Path, "PluginService"):
				c.versions++
			case r.Path == "/v1/PluginService/Releases":
				c.releases++
			case r.Path == "/v1/PluginService/Configurations":
				c.configs++
			}
		}
		t.Logf("%s: %d requests, %d writes, %d uploads, %d builds, %d plugin versions, %d configurations, %d releases, %d archives",
			step, c.Requests, c.Writes, c.Uploads, c.Builds, c.versions, c.configs, c.releases, c.archives)
		env.Server.ResetRequests()
		return c
	}
	type outs struct {
		Version, PluginSid, PluginVersionSid, PluginUrl, ConfigurationSid, ReleaseSid string
	}
	outputs := func() outs {
		var o outs
		if err := json.Unmarshal([]byte(pulumi("stack", "output", "--json")), &o); err != nil {
			t.Fatal(err)
		}
		return o
	}
	// What the account ran before this stack: another plugin's release,
	// which destroy releases again.
	before := preexistingRelease(t, env)
	env.Server.ResetRequests()
	pulumi("stack", "init", "dev")
	pulumi("preview", "--non-interactive")
	if c := take("preview"); c.Writes != 0 {
		t.Errorf("preview wrote %d times", c.Writes)
	}
	pulumi("up", "--yes", "--skip-preview", "--non-interactive")
	c := take("first up")
	// 13 is the least (service, environment, 2 Assets, 2 uploads, build,
	// its status, deployment, plugin, version, configuration, release);
	// the deployer's 3 look-ups and the active release's make 17.
	if c.Requests > 17 {
		t.Errorf("first up: %d requests, want at most 17", c.Requests)
	}
	if c.Uploads != 2 || c.Builds != 1 || c.versions != 1 || c.configs != 1 || c.releases != 1 {
		t.Errorf("first up: %+v; want 2 uploads (bundle, map), 1 build, 1 version, 1 configuration, 1 release", c)
	}
	first := outputs()
	if !strings.HasPrefix(first.Version, "1.2.0-") || !strings.HasSuffix(first.PluginUrl, "/plugins/agent-tools/"+first.Version+"/bundle.js") {
		t.Errorf("first outputs: %+v", first)
	}
	live := activeRelease(t, env)
	if live["configuration_sid"] != first.ConfigurationSid {
		t.Errorf("active release %v, want configuration %s", live, first.ConfigurationSid)
	}

	pulumi("up", "--yes", "--skip-preview", "--non-interactive")
	if c := take("unchanged up"); c.Requests != 0 {
		t.Errorf("unchanged up made requests: %+v", c)
	}

	bundle := filepath.Join(dir, "agent-tools", "build", "plugin-agent-tools.js")
	if err := os.WriteFile(bundle, []byte("(function(){window.agentTools=\"v2\";})();\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The preview names the new version and writes nothing.
	if out := pulumi("preview", "--diff", "--non-interactive"); !strings.Contains(out, "version") || !strings.Contains(out, first.Version) {
		t.Errorf("the preview of a changed bundle does not show the version change:\n%s", out)
	}
	if c := take("preview of the change"); c.Writes != 0 {
		t.Errorf("preview wrote: %+v", c)
	}
	pulumi("up", "--yes", "--skip-preview", "--non-interactive")
	c = take("changed bundle")
	if c.Requests > 11 {
		t.Errorf("changed bundle: %d requests, want at most 11", c.Requests)
	}
	// The new version's bundle and its source map, at the version's path.
	if c.Uploads != 2 || c.Builds != 1 || c.versions != 1 || c.configs != 1 || c.releases != 1 {
		t.Errorf("changed bundle: %+v; want 2 uploads, 1 build, 1 version, 1 configuration, 1 release", c)
	}
	second := outputs()
	if second.Version == first.Version || second.PluginVersionSid == first.PluginVersionSid {
		t.Errorf("a changed bundle kept its version: %+v then %+v", first, second)
	}
	if live := activeRelease(t, env); live["configuration_sid"] != second.ConfigurationSid {
		t.Errorf("active release %v, want configuration %s", live, second.ConfigurationSid)
	}

	// Without the hosted source map a changed bundle is exactly one upload.
	program := filepath.Join(dir, "Pulumi.yaml")
	yaml, err := os.ReadFile(program)
	if err != nil {
		t.Fatal(err)
	}
	yaml = []byte(strings.Replace(string(yaml), "      changelog: Built by CI\n", "      changelog: Built by CI\n      sourceMap: false\n", 1))
	if err := os.WriteFile(program, yaml, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bundle, []byte("(function(){window.agentTools=\"v3\";})();\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pulumi("up", "--yes", "--skip-preview", "--non-interactive")
	c = take("changed bundle, no source map")
	// Two fewer than with the map: its Asset version and its upload.
	if c.Requests > 9 {
		t.Errorf("changed bundle without its map: %d requests, want at most 9", c.Requests)
	}
	if c.Uploads != 1 || c.Builds != 1 || c.versions != 1 || c.configs != 1 || c.releases != 1 {
		t.Errorf("changed bundle without its map: %+v; want 1 upload, 1 build, 1 version, 1 configuration, 1 release", c)
	}
	third := outputs()
	if third.Version == second.Version {
		t.Errorf("a changed bundle kept its version %s", third.Version)
	}

	pulumi("destroy", "--yes", "--skip-preview", "--non-interactive")
	c = take("destroy")
	// The configuration live before is released again; the stack's three
	// configurations, three versions and the plugin are archived.
	if c.releases != 1 || c.archives != 7 {
		t.Errorf("destroy: %+v; want 1 release, 7 archives", c)
	}
	if live := activeRelease(t, env); live["configuration_sid"] != before {
		t.Errorf("after destroy the active release is %v, want the configuration live before, %s", live, before)
	}
	versions, err := env.RestClient().FlexV1.ListPluginVersion(first.PluginSid, &flex.ListPluginVersionParams{})
	if err != nil || len(versions) != 3 {
		t.Fatalf("versions after destroy: %d, %v", len(versions), err)
	}
	for _, v := range versions {
		if v.Archived == nil || !*v.Archived {
			t.Errorf("version %v not archived after destroy", *v.Version)
		}
	}
}

// activeRelease is the account's latest release, as Twilio lists it; its
// requests are not counted.
func activeRelease(t *testing.T, env *emulatortest.Env) map[string]any {
	t.Helper()
	defer env.Server.ResetRequests()
	rels, err := env.RestClient().FlexV1.ListPluginRelease(&flex.ListPluginReleaseParams{})
	if err != nil || len(rels) == 0 {
		t.Fatalf("no release: %v", err)
	}
	sid := "" // the emulator lists oldest first: the latest is last
	if last := rels[len(rels)-1]; last.ConfigurationSid != nil {
		sid = *last.ConfigurationSid
	}
	return map[string]any{"configuration_sid": sid, "count": len(rels)}
}

// preexistingRelease makes what the Flex plugins CLI would have: a plugin,
// a version, a configuration of it, released; it returns the configuration.
func preexistingRelease(t *testing.T, env *emulatortest.Env) string {
	t.Helper()
	api := env.RestClient().FlexV1
	pl, err := api.CreatePlugin((&flex.CreatePluginParams{}).SetUniqueName("crm-panel"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := api.CreatePluginVersion(*pl.Sid, (&flex.CreatePluginVersionParams{}).SetVersion("0.9.0").
		SetPluginUrl("https://example.twil.io/plugins/crm-panel/0.9.0/bundle.js"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := api.CreatePluginConfiguration((&flex.CreatePluginConfigurationParams{}).SetName("crm").
		SetPlugins([]any{map[string]any{"plugin_version": *v.Sid, "phase": 3}}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreatePluginRelease((&flex.CreatePluginReleaseParams{}).SetConfigurationId(*cfg.Sid)); err != nil {
		t.Fatal(err)
	}
	return *cfg.Sid
}
