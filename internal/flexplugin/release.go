package flexplugin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/provider"
	"github.com/tdeploy/twilio-deploy-action/internal/twilio"
)

// ReleaseToken is the release resource's token. It replaces the catalog's
// flex/v1:PluginRelease (an action there): here the release is state, the
// plugin versions an account runs.
const ReleaseToken = "twilio:flex:Release"

// Release implements provider.Resource.
type Release struct{}

var _ provider.Resource = Release{}

// Token implements provider.Resource.
func (Release) Token() string { return ReleaseToken }

// Schema implements provider.Resource.
func (Release) Schema() schema.ResourceSpec {
	str := schema.TypeSpec{Type: "string"}
	strs := schema.TypeSpec{Type: "array", Items: &str}
	inputs := map[string]schema.PropertySpec{
		"pluginVersions": {TypeSpec: strs, Description: "The plugin versions (FV..., a twilio:flex:Plugin's pluginVersionSid) the account runs."},
		"description":    {TypeSpec: str, Description: "The configuration's description."},
	}
	props := map[string]schema.PropertySpec{
		"pluginVersions":           inputs["pluginVersions"],
		"description":              inputs["description"],
		"configurationSid":         {TypeSpec: str, Description: "The plugin configuration released (FJ...)."},
		"releaseSid":               {TypeSpec: str, Description: "The release (FK...); also the resource ID."},
		"previousConfigurationSid": {TypeSpec: str, Description: "The configuration live before the first release of this resource; released again on delete."},
	}
	return schema.ResourceSpec{
		ObjectTypeSpec: schema.ObjectTypeSpec{
			Type: "object",
			Description: "The Flex plugins an account runs: a plugin configuration of the given versions, released. A change of " +
				"versions is one new configuration and one release. Deleting it releases again the configuration that was live " +
				"before it (none: the release stays, Twilio has no empty release) and archives its own configurations.",
			Properties: props,
			Required:   []string{"pluginVersions", "configurationSid", "releaseSid"},
		},
		InputProperties: inputs,
		RequiredInputs:  []string{"pluginVersions"},
	}
}

type releaseWire struct {
	PluginVersions           []string `json:"pluginVersions"`
	Description              string   `json:"description,omitempty"`
	ConfigurationSID         string   `json:"configurationSid,omitempty"`
	ReleaseSID               string   `json:"releaseSid,omitempty"`
	PreviousConfigurationSID string   `json:"previousConfigurationSid,omitempty"`
	// Configurations are every configuration this resource made, to
	// archive on delete.
	Configurations []string `json:"configurations,omitempty"`
}

// Check implements provider.Resource.
func (Release) Check(ctx context.Context, req p.CheckRequest) (p.CheckResponse, error) {
	for k := range req.Inputs.All {
		if k != "pluginVersions" && k != "description" {
			return p.CheckResponse{Inputs: req.Inputs, Failures: []p.CheckFailure{{Property: k, Reason: fmt.Sprintf("%s has no property %q", ReleaseToken, k)}}}, nil
		}
	}
	return p.CheckResponse{Inputs: req.Inputs}, nil
}

// Diff implements provider.Resource.
func (Release) Diff(ctx context.Context, req p.DiffRequest) (p.DiffResponse, error) {
	detailed := map[string]p.PropertyDiff{}
	for _, k := range []string{"pluginVersions", "description"} {
		if nv := req.Inputs.Get(k); nv.HasComputed() || !nv.Equals(req.State.Get(k)) {
			detailed[k] = p.PropertyDiff{Kind: p.Update, InputDiff: true}
		}
	}
	return p.DiffResponse{HasChanges: len(detailed) > 0, DetailedDiff: detailed}, nil
}

func computedOutputs(m property.Map) property.Map {
	return m.Set("configurationSid", property.New(property.Computed)).Set("releaseSid", property.New(property.Computed))
}

// Create implements provider.Resource.
func (Release) Create(ctx context.Context, api provider.API, req p.CreateRequest) (p.CreateResponse, error) {
	if req.DryRun {
		return p.CreateResponse{Properties: computedOutputs(req.Properties)}, nil
	}
	var w releaseWire
	if _, err := decodeInto(req.Properties, &w); err != nil {
		return p.CreateResponse{}, err
	}
	prev, err := liveConfiguration(ctx, api)
	if err != nil {
		return p.CreateResponse{}, err
	}
	w.PreviousConfigurationSID = prev
	if err := release(ctx, api, &w, req.Urn.Name()); err != nil {
		return p.CreateResponse{}, err
	}
	m, err := encode(w)
	return p.CreateResponse{ID: w.ReleaseSID, Properties: m}, err
}

// Update implements provider.Resource.
func (Release) Update(ctx context.Context, api provider.API, req p.UpdateRequest) (p.UpdateResponse, error) {
	if req.DryRun {
		m := req.State
		for k, v := range req.Inputs.All {
			m = m.Set(k, v)
		}
		return p.UpdateResponse{Properties: computedOutputs(m)}, nil
	}
	var old, w releaseWire
	if _, err := decodeInto(req.State, &old); err != nil {
		return p.UpdateResponse{}, err
	}
	if _, err := decodeInto(req.Inputs, &w); err != nil {
		return p.UpdateResponse{}, err
	}
	w.PreviousConfigurationSID, w.Configurations = old.PreviousConfigurationSID, old.Configurations
	if err := release(ctx, api, &w, req.Urn.Name()); err != nil {
		return p.UpdateResponse{}, err
	}
	m, err := encode(w)
	return p.UpdateResponse{Properties: m}, err
}

// release makes a configuration of w's versions and releases it: two
// writes.
func release(ctx context.Context, api provider.API, w *releaseWire, name string) error {
	form := url.Values{"Name": {fmt.Sprintf("%s-%d", name, len(w.Configurations)+1)}}
	if w.Description != "" {
		form.Set("Description", w.Description)
	}
	for _, v := range w.PluginVersions {
		b, _ := json.Marshal(map[string]any{"plugin_version": v, "phase": 3})
		form.Add("Plugins", string(b))
	}
	cfg, err := api.Do(ctx, provider.Request{Method: http.MethodPost, Host: flexHost, Path: "/v1/PluginService/Configurations", Form: form, Create: true})
	if err != nil {
		return fmt.Errorf("create plugin configuration: %w", err)
	}
	w.ConfigurationSID, _ = cfg["sid"].(string)
	w.Configurations = append(w.Configurations, w.ConfigurationSID)
	rel, err := api.Do(ctx, provider.Request{Method: http.MethodPost, Host: flexHost, Path: "/v1/PluginService/Releases",
		Form: url.Values{"ConfigurationId": {w.ConfigurationSID}}, Create: true})
	if err != nil {
		return fmt.Errorf("release plugin configuration %s: %w", w.ConfigurationSID, err)
	}
	w.ReleaseSID, _ = rel["sid"].(string)
	return nil
}

// liveConfiguration is the configuration of the account's active
// release, the latest one (Twilio keeps one active: each release replaces
// the one before), "" when there is none. Releases are read whole: the
// latest by date_created, the last listed of those created in the same
// second.
func liveConfiguration(ctx context.Context, api provider.API) (string, error) {
	var latest, sid string
	for r, err := range twilio.Items(ctx, api, provider.Request{Host: flexHost, Path: "/v1/PluginService/Releases"}, "releases", twilio.MaxPageSize) {
		if err != nil {
			return "", fmt.Errorf("find the active plugin release: %w", err)
		}
		created, _ := r["date_created"].(string)
		if t, err := time.Parse(time.RFC3339, created); err == nil {
			created = t.UTC().Format(time.RFC3339)
		}
		if created >= latest {
			latest = created
			sid, _ = r["configuration_sid"].(string)
		}
	}
	return sid, nil
}

// Read implements provider.Resource.
func (Release) Read(ctx context.Context, api provider.API, req p.ReadRequest) (p.ReadResponse, error) {
	return p.ReadResponse{ID: req.ID, Properties: req.Properties, Inputs: req.Inputs}, nil
}

// Delete implements provider.Resource: the previous configuration is
// released again (one write) and this resource's configurations archived.
func (Release) Delete(ctx context.Context, api provider.API, req p.DeleteRequest) error {
	var w releaseWire
	if _, err := decodeInto(req.Properties, &w); err != nil {
		return err
	}
	if w.PreviousConfigurationSID != "" && !slices.Contains(w.Configurations, w.PreviousConfigurationSID) {
		if _, err := api.Do(ctx, provider.Request{Method: http.MethodPost, Host: flexHost, Path: "/v1/PluginService/Releases",
			Form: url.Values{"ConfigurationId": {w.PreviousConfigurationSID}}, Create: true}); err != nil && !twilio.NotFound(err) {
			return fmt.Errorf("release the previous configuration %s: %w", w.PreviousConfigurationSID, err)
		}
	} else {
		// Nothing to go back to: the live configuration stays released.
		w.Configurations = slices.DeleteFunc(w.Configurations, func(s string) bool { return s == w.ConfigurationSID })
	}
	for _, c := range w.Configurations {
		if _, err := api.Do(ctx, provider.Request{Method: http.MethodPost, Host: flexHost,
			Path: "/v1/PluginService/Configurations/" + c + "/Archive"}); err != nil && !alreadyArchived(err) {
			return fmt.Errorf("archive plugin configuration %s: %w", c, err)
		}
	}
	return nil
}
