package emulator_test

import (
	"errors"
	"testing"

	"github.com/twilio/twilio-go/client"
	flex "github.com/twilio/twilio-go/rest/flex/v1"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
)

// TestFlexPlugins: Twilio's Flex Plugins API rules. A version is unique
// per plugin (immutable); a configuration lists versions that exist; a
// release makes a configuration live, the latest release being the
// active one; archive is once, and what is archived takes nothing new.
func TestFlexPlugins(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	c := env.RestClient().FlexV1
	status := func(err error) int {
		var re *client.TwilioRestError
		if errors.As(err, &re) {
			return re.Status
		}
		return 0
	}
	pl, err := c.CreatePlugin((&flex.CreatePluginParams{}).SetUniqueName("agent-tools"))
	if err != nil {
		t.Fatal(err)
	}
	version := func(v string) (*flex.FlexV1PluginVersion, error) {
		return c.CreatePluginVersion(*pl.Sid, (&flex.CreatePluginVersionParams{}).SetVersion(v).SetPluginUrl("https://x.twil.io/"+v+"/bundle.js"))
	}
	v1, err := version("1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	if v1.Archived == nil || *v1.Archived {
		t.Errorf("a new version: archived %v, want false", v1.Archived)
	}
	if _, err := version("1.0.0"); status(err) != 409 {
		t.Errorf("the same version again: %v, want 409", err)
	}
	v2, err := version("1.1.0")
	if err != nil {
		t.Fatal(err)
	}
	config := func(sids ...string) (*flex.FlexV1PluginConfiguration, error) {
		var plugins []any
		for _, s := range sids {
			plugins = append(plugins, map[string]any{"plugin_version": s, "phase": 3})
		}
		return c.CreatePluginConfiguration((&flex.CreatePluginConfigurationParams{}).SetName("c").SetPlugins(plugins))
	}
	if _, err := config("FV00000000000000000000000000000000"); status(err) != 404 {
		t.Errorf("a configuration of a missing version: %v, want 404", err)
	}
	c1, err := config(*v1.Sid)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := config(*v2.Sid)
	if err != nil {
		t.Fatal(err)
	}
	release := func(cfg string) error {
		_, err := c.CreatePluginRelease((&flex.CreatePluginReleaseParams{}).SetConfigurationId(cfg))
		return err
	}
	if err := release("FJ00000000000000000000000000000000"); status(err) != 404 {
		t.Errorf("a release of a missing configuration: %v, want 404", err)
	}
	for _, cfg := range []string{*c1.Sid, *c2.Sid} {
		if err := release(cfg); err != nil {
			t.Fatal(err)
		}
	}
	rels, err := c.ListPluginRelease(&flex.ListPluginReleaseParams{})
	if err != nil || len(rels) != 2 || *rels[1].ConfigurationSid != *c2.Sid || *rels[0].ConfigurationSid != *c1.Sid {
		t.Fatalf("releases: %d, %v; want c1 then c2 (the active one, the latest)", len(rels), err)
	}

	// Archive, not delete: once; then nothing new on what is archived.
	if _, err := c.UpdatePluginVersionArchive(*pl.Sid, *v1.Sid, &flex.UpdatePluginVersionArchiveParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdatePluginVersionArchive(*pl.Sid, *v1.Sid, &flex.UpdatePluginVersionArchiveParams{}); status(err) != 400 {
		t.Errorf("archiving twice: %v, want 400", err)
	}
	got, err := c.FetchPluginVersion(*pl.Sid, *v1.Sid, &flex.FetchPluginVersionParams{})
	if err != nil || got.Archived == nil || !*got.Archived {
		t.Errorf("an archived version reads archived: %v", err)
	}
	if _, err := config(*v1.Sid); status(err) != 400 {
		t.Errorf("a configuration of an archived version: %v, want 400", err)
	}
	if _, err := c.UpdatePluginConfigurationArchive(*c1.Sid, &flex.UpdatePluginConfigurationArchiveParams{}); err != nil {
		t.Fatal(err)
	}
	if err := release(*c1.Sid); status(err) != 400 {
		t.Errorf("a release of an archived configuration: %v, want 400", err)
	}
	if _, err := c.UpdatePluginArchive(*pl.Sid, &flex.UpdatePluginArchiveParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := version("2.0.0"); status(err) != 400 {
		t.Errorf("a version of an archived plugin: %v, want 400", err)
	}
	if _, err := c.UpdatePluginArchive("FP00000000000000000000000000000000", &flex.UpdatePluginArchiveParams{}); status(err) != 404 {
		t.Errorf("archiving a missing plugin: %v, want 404", err)
	}
}
