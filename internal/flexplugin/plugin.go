// Package flexplugin is the twilio:flex:Plugin and twilio:flex:Release
// resources: a Flex plugin bundle hosted as an Asset of a Serverless
// service (the serverless package's deploy), registered as a Flex plugin
// version, and a release of a configuration of plugin versions.
package flexplugin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/provider"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless"
)

// PluginToken is the plugin resource's token.
const PluginToken = "twilio:flex:Plugin"

const flexHost = "flex-api.twilio.com"

// Bundle is a Flex plugin build folder as read: the bundle and its source
// map, and the version they get.
type Bundle struct {
	Name       string // the plugin's name, from plugin-<name>.js
	BundleFile string // the bundle's file name in the folder
	MapFile    string // "" when there is no source map
	SHA256     string // of the bundle and the source map (when hosted)
	PkgVersion string // package.json's version ("0.0.0" without one)
	// Version is what Twilio's PluginVersion gets: package.json's version
	// and the first 10 hex digits of the content hash, so that a changed
	// bundle is a new version (versions are immutable) and an unchanged
	// one is the same.
	Version string
}

// ReadBundle reads a build folder: exactly one plugin-<name>.js, its .map
// if present and withMap; package.json in the folder or its parent (the
// plugin's project, whose build/ the folder usually is). Without the map
// its content is not in the hash: a map that is not hosted makes no new
// version.
func ReadBundle(dir string, withMap bool) (Bundle, error) {
	matches, _ := filepath.Glob(filepath.Join(dir, "plugin-*.js"))
	if len(matches) != 1 {
		return Bundle{}, fmt.Errorf("%s: want exactly one plugin-<name>.js (the output of `twilio flex:plugins:build`), found %d", dir, len(matches))
	}
	b := Bundle{BundleFile: filepath.Base(matches[0])}
	b.Name = strings.TrimSuffix(strings.TrimPrefix(b.BundleFile, "plugin-"), ".js")
	h := sha256.New()
	js, err := os.ReadFile(matches[0])
	if err != nil {
		return Bundle{}, err
	}
	h.Write(js)
	if m, err := os.ReadFile(matches[0] + ".map"); err == nil && withMap {
		b.MapFile = b.BundleFile + ".map"
		h.Write([]byte{0})
		h.Write(m)
	}
	b.SHA256 = hex.EncodeToString(h.Sum(nil))
	b.PkgVersion = "0.0.0"
	for _, pj := range []string{filepath.Join(dir, "package.json"), filepath.Join(dir, "..", "package.json")} {
		raw, err := os.ReadFile(pj)
		if err != nil {
			continue
		}
		var pkg struct {
			Version string `json:"version"`
		}
		if err := json.Unmarshal(raw, &pkg); err != nil {
			return Bundle{}, fmt.Errorf("%s: %w", pj, err)
		}
		if pkg.Version != "" {
			b.PkgVersion = pkg.Version
		}
		break
	}
	b.Version = b.PkgVersion + "-" + b.SHA256[:10]
	return b, nil
}

// PluginOptions configure the resource.
type PluginOptions struct {
	BaseDir string // resolves relative paths; "" is the working directory
	Poll    serverless.Poll
}

// Plugin implements provider.Resource.
type Plugin struct{ opts PluginOptions }

var _ provider.Resource = (*Plugin)(nil)

// NewPlugin returns the plugin resource.
func NewPlugin(opts PluginOptions) *Plugin { return &Plugin{opts: opts} }

// Token implements provider.Resource.
func (*Plugin) Token() string { return PluginToken }

// Schema implements provider.Resource.
func (*Plugin) Schema() schema.ResourceSpec {
	str := schema.TypeSpec{Type: "string"}
	boolean := schema.TypeSpec{Type: "boolean"}
	inputs := map[string]schema.PropertySpec{
		"path": {TypeSpec: str, Description: "The plugin's build folder (relative to the program): one `plugin-<name>.js` and its `.map`; " +
			"package.json's version is read from the folder or its parent."},
		"name": {TypeSpec: str, WillReplaceOnChanges: true, Description: "The Flex plugin's unique name (defaults to <name> of plugin-<name>.js)."},
		"private": {TypeSpec: boolean, Description: "Whether the bundle needs Flex's authorization (a protected Asset); default false. " +
			"A version's private is fixed: changing it needs a new version (bump package.json's version)."},
		"sourceMap": {TypeSpec: boolean, Description: "Whether the source map is hosted beside the bundle (`bundle.js.map`), as Twilio's " +
			"Flex plugins CLI does; default true. With false a changed bundle is one upload, and the plugin's source is not published " +
			"with a public bundle."},
		"changelog":   {TypeSpec: str, Description: "The changelog of a new version."},
		"description": {TypeSpec: str, Description: "The plugin's description."},
		"serviceName": {TypeSpec: str, WillReplaceOnChanges: true, Description: "The Serverless service hosting the bundles (default `flex-plugins`); each plugin has an environment of it."},
		"version":     {TypeSpec: str, Description: "Set by the provider: package.json's version and the bundle's content hash."},
		"sha256":      {TypeSpec: str, Description: "Set by the provider: the hash of the bundle and its source map (when hosted)."},
	}
	props := map[string]schema.PropertySpec{}
	for k, v := range inputs {
		props[k] = v
	}
	props["pluginSid"] = schema.PropertySpec{TypeSpec: str, Description: "The Flex plugin (FP...); also the resource ID."}
	props["pluginVersionSid"] = schema.PropertySpec{TypeSpec: str, Description: "The current version (FV...): what a twilio:flex:Release takes."}
	props["pluginUrl"] = schema.PropertySpec{TypeSpec: str, Description: "The hosted bundle of the current version."}
	props["state"] = schema.PropertySpec{TypeSpec: schema.TypeSpec{Ref: "pulumi.json#/Any"}, Description: "Internal: the hosting deployment and every version made."}
	return schema.ResourceSpec{
		ObjectTypeSpec: schema.ObjectTypeSpec{
			Type: "object",
			Description: "A Flex plugin deployed from its build folder, as Twilio's Flex plugins CLI does: the bundle is an Asset " +
				"`/plugins/<name>/<version>/bundle.js` of a Serverless service, registered as a Flex plugin version. A changed bundle " +
				"is one new version (earlier ones stay hosted, as Twilio keeps versions immutable); an unchanged one makes no request. " +
				"Deleting it archives its versions and the plugin (Twilio deletes neither) and deletes its hosting environment.",
			Properties: props,
			Required:   []string{"path", "name", "version", "sha256", "pluginSid", "pluginVersionSid", "pluginUrl"},
		},
		InputProperties: inputs,
		RequiredInputs:  []string{"path"},
	}
}

// pluginWire is the stored state.
type pluginWire struct {
	Path        string `json:"path"`
	Name        string `json:"name,omitempty"`
	Private     bool   `json:"private,omitempty"`
	SourceMap   *bool  `json:"sourceMap,omitempty"` // nil: true
	Changelog   string `json:"changelog,omitempty"`
	Description string `json:"description,omitempty"`
	ServiceName string `json:"serviceName,omitempty"`
	Version     string `json:"version,omitempty"`
	SHA256      string `json:"sha256,omitempty"`

	PluginSID        string       `json:"pluginSid,omitempty"`
	PluginVersionSID string       `json:"pluginVersionSid,omitempty"`
	PluginURL        string       `json:"pluginUrl,omitempty"`
	State            *pluginState `json:"state,omitempty"`
}

type pluginState struct {
	Hosting  serverless.State `json:"hosting"`
	Versions []version        `json:"versions"` // oldest first
}

type version struct {
	Version string `json:"version"`
	SID     string `json:"sid"`
	URL     string `json:"url"`
	Private bool   `json:"private,omitempty"`
}

func (w pluginWire) hostsMap() bool { return w.SourceMap == nil || *w.SourceMap }

func (pl *Plugin) dir(path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	base := pl.opts.BaseDir
	if base == "" {
		base, _ = os.Getwd()
	}
	return filepath.Join(base, path)
}

// Check implements provider.Resource: it reads the folder, so the diff
// shows a new version.
func (pl *Plugin) Check(ctx context.Context, req p.CheckRequest) (p.CheckResponse, error) {
	var w pluginWire
	known, err := decodeInto(req.Inputs.Delete("version").Delete("sha256"), &w)
	if err != nil {
		return p.CheckResponse{}, err
	}
	for k := range req.Inputs.All {
		switch k {
		case "path", "name", "private", "sourceMap", "changelog", "description", "serviceName", "version", "sha256":
		default:
			return p.CheckResponse{Inputs: req.Inputs, Failures: []p.CheckFailure{{Property: k, Reason: fmt.Sprintf("%s has no property %q", PluginToken, k)}}}, nil
		}
	}
	if !known {
		return p.CheckResponse{Inputs: req.Inputs}, nil
	}
	b, err := ReadBundle(pl.dir(w.Path), w.hostsMap())
	if err != nil {
		return p.CheckResponse{Inputs: req.Inputs, Failures: []p.CheckFailure{{Property: "path", Reason: err.Error()}}}, nil
	}
	if w.Name == "" {
		w.Name = b.Name
	}
	if w.ServiceName == "" {
		w.ServiceName = "flex-plugins"
	}
	w.Version, w.SHA256 = b.Version, b.SHA256
	m, err := encode(w)
	return p.CheckResponse{Inputs: m}, err
}

// Diff implements provider.Resource.
func (pl *Plugin) Diff(ctx context.Context, req p.DiffRequest) (p.DiffResponse, error) {
	detailed := map[string]p.PropertyDiff{}
	for _, k := range []string{"path", "name", "private", "sourceMap", "changelog", "description", "serviceName", "version"} {
		nv, ov := req.Inputs.Get(k), req.State.Get(k)
		if nv.IsComputed() || !nv.Equals(ov) {
			kind := p.Update
			if k == "name" || k == "serviceName" {
				kind = p.UpdateReplace
			}
			detailed[k] = p.PropertyDiff{Kind: kind, InputDiff: true}
		}
	}
	// A changelog or path alone is no new version: it applies to the next.
	changes := false
	for k := range detailed {
		if k != "changelog" && k != "path" {
			changes = true
		}
	}
	return p.DiffResponse{HasChanges: changes, DetailedDiff: detailed}, nil
}

// Create implements provider.Resource.
func (pl *Plugin) Create(ctx context.Context, api provider.API, req p.CreateRequest) (p.CreateResponse, error) {
	var w pluginWire
	known, err := decodeInto(req.Properties, &w)
	if err != nil {
		return p.CreateResponse{}, err
	}
	if req.DryRun {
		m := req.Properties
		for _, k := range []string{"pluginSid", "pluginVersionSid", "pluginUrl"} {
			m = m.Set(k, property.New(property.Computed))
		}
		return p.CreateResponse{Properties: m}, nil
	}
	if !known {
		return p.CreateResponse{}, fmt.Errorf("inputs of %s are not known", req.Urn.Name())
	}
	w, err = pl.apply(ctx, api, w, nil)
	if err != nil {
		return p.CreateResponse{}, err
	}
	m, err := encode(w)
	return p.CreateResponse{ID: w.PluginSID, Properties: m}, err
}

// Update implements provider.Resource.
func (pl *Plugin) Update(ctx context.Context, api provider.API, req p.UpdateRequest) (p.UpdateResponse, error) {
	var old, w pluginWire
	if _, err := decodeInto(req.State, &old); err != nil {
		return p.UpdateResponse{}, err
	}
	known, err := decodeInto(req.Inputs, &w)
	if err != nil {
		return p.UpdateResponse{}, err
	}
	if req.DryRun {
		m := req.State
		for k, v := range req.Inputs.All {
			m = m.Set(k, v)
		}
		if !known || w.Version != old.Version {
			m = m.Set("pluginVersionSid", property.New(property.Computed)).Set("pluginUrl", property.New(property.Computed))
		}
		return p.UpdateResponse{Properties: m}, nil
	}
	w, err = pl.apply(ctx, api, w, &old)
	if err != nil {
		return p.UpdateResponse{}, err
	}
	m, err := encode(w)
	return p.UpdateResponse{Properties: m}, err
}

// apply hosts the bundle and registers its version unless that version
// exists already (the same content): then nothing is written.
func (pl *Plugin) apply(ctx context.Context, api provider.API, w pluginWire, old *pluginWire) (pluginWire, error) {
	dir := pl.dir(w.Path)
	b, err := ReadBundle(dir, w.hostsMap())
	if err != nil {
		return w, err
	}
	if b.Version != w.Version {
		return w, errors.New("the plugin's build folder changed after it was checked; run the update again")
	}
	st := &pluginState{}
	if old != nil {
		w.PluginSID = old.PluginSID
		if old.State != nil {
			st = old.State
		}
	}
	w.State = st
	if old != nil && old.Description != w.Description && w.PluginSID != "" {
		if _, err := api.Do(ctx, provider.Request{Method: http.MethodPost, Host: flexHost,
			Path: "/v1/PluginService/Plugins/" + w.PluginSID, Form: url.Values{"Description": {w.Description}}}); err != nil {
			return w, fmt.Errorf("update plugin %s: %w", w.Name, err)
		}
	}
	if i := slices.IndexFunc(st.Versions, func(v version) bool { return v.Version == b.Version }); i >= 0 {
		if st.Versions[i].Private != w.Private {
			return w, fmt.Errorf("plugin %s: version %s exists with private=%v, and Twilio's versions are immutable: "+
				"to change private, bump the version in package.json", w.Name, b.Version, st.Versions[i].Private)
		}
		w.PluginVersionSID, w.PluginURL = st.Versions[i].SID, st.Versions[i].URL
		return w, nil // immutable and already there: nothing to write
	}
	// Host: every version made so far stays (a release may still run it);
	// only the new one is uploaded, the others are kept by their hashes.
	vis := serverless.Public
	if w.Private {
		vis = serverless.Protected
	}
	want := serverless.Desired{
		Dir: dir, ServiceName: w.ServiceName, DomainSuffix: serverless.DomainSuffixFor(w.Name),
		Runtime: serverless.DefaultRuntime, Variables: map[string]string{},
	}
	for path, f := range st.Hosting.Files {
		want.Files = append(want.Files, serverless.File{Path: path, Kind: f.Kind, Visibility: f.Visibility, Source: f.Source, SHA256: f.SHA256})
	}
	prefix := "/plugins/" + w.Name + "/" + b.Version + "/"
	add := func(name, src, ctype string) error {
		raw, err := os.ReadFile(filepath.Join(dir, src))
		if err != nil {
			return err
		}
		sum := sha256.Sum256(raw)
		want.Files = append(want.Files, serverless.File{Path: prefix + name, Kind: serverless.KindAsset, Visibility: vis,
			Source: src, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(raw)), ContentType: ctype})
		return nil
	}
	if err := add("bundle.js", b.BundleFile, "application/javascript"); err != nil {
		return w, err
	}
	if b.MapFile != "" {
		if err := add("bundle.js.map", b.MapFile, "application/json"); err != nil {
			return w, err
		}
	}
	slices.SortFunc(want.Files, func(a, b serverless.File) int { return strings.Compare(a.Path, b.Path) })
	log := p.GetLogger(ctx)
	dep := serverless.Deployer{API: serverlessAPI(api), Poll: pl.opts.Poll,
		Logf: func(format string, args ...any) { log.InfoStatusf(format, args...) }}
	var prev *serverless.State
	if st.Hosting.ServiceSID != "" {
		prev = &st.Hosting
	}
	hosted, err := dep.Deploy(ctx, want, prev)
	if err != nil {
		return w, fmt.Errorf("host plugin %s: %w", w.Name, err)
	}
	st.Hosting = *hosted
	pluginURL := "https://" + hosted.DomainName + prefix + "bundle.js"

	if w.PluginSID == "" {
		sid, err := ensurePlugin(ctx, api, w)
		if err != nil {
			return w, err
		}
		w.PluginSID = sid
	}
	form := url.Values{"Version": {b.Version}, "PluginUrl": {pluginURL}, "Private": {fmt.Sprint(w.Private)}, "CliVersion": {"twilio-deploy"}}
	if w.Changelog != "" {
		form.Set("Changelog", w.Changelog)
	}
	got, err := api.Do(ctx, provider.Request{Method: http.MethodPost, Host: flexHost, Create: true,
		Path: "/v1/PluginService/Plugins/" + w.PluginSID + "/Versions", Form: form})
	if err != nil {
		return w, fmt.Errorf("create version %s of plugin %s: %w", b.Version, w.Name, err)
	}
	sid, _ := got["sid"].(string)
	st.Versions = append(st.Versions, version{Version: b.Version, SID: sid, URL: pluginURL, Private: w.Private})
	w.PluginVersionSID, w.PluginURL = sid, pluginURL
	return w, nil
}

// ensurePlugin creates the plugin, or finds it by unique name when a
// failed run (or another stack) made it.
func ensurePlugin(ctx context.Context, api provider.API, w pluginWire) (string, error) {
	form := url.Values{"UniqueName": {w.Name}, "FriendlyName": {w.Name}}
	if w.Description != "" {
		form.Set("Description", w.Description)
	}
	got, err := api.Do(ctx, provider.Request{Method: http.MethodPost, Host: flexHost, Path: "/v1/PluginService/Plugins", Form: form, Create: true})
	var ae *provider.APIError
	if errors.As(err, &ae) && (ae.Status == http.StatusConflict || ae.Status == http.StatusBadRequest) {
		found, ferr := api.Do(ctx, provider.Request{Method: http.MethodGet, Host: flexHost, Path: "/v1/PluginService/Plugins/" + url.PathEscape(w.Name)})
		if ferr == nil {
			got, err = found, nil
		}
	}
	if err != nil {
		return "", fmt.Errorf("create plugin %s: %w", w.Name, err)
	}
	sid, _ := got["sid"].(string)
	return sid, nil
}

// Read implements provider.Resource: the state is kept as is (versions
// are immutable).
func (pl *Plugin) Read(ctx context.Context, api provider.API, req p.ReadRequest) (p.ReadResponse, error) {
	return p.ReadResponse{ID: req.ID, Properties: req.Properties, Inputs: req.Inputs}, nil
}

// Delete implements provider.Resource: Twilio deletes no plugin or
// version, so each version and then the plugin is archived; the hosting
// environment is deleted.
func (pl *Plugin) Delete(ctx context.Context, api provider.API, req p.DeleteRequest) error {
	var w pluginWire
	if _, err := decodeInto(req.Properties, &w); err != nil {
		return err
	}
	if w.State == nil {
		return nil
	}
	for _, v := range w.State.Versions {
		if _, err := api.Do(ctx, provider.Request{Method: http.MethodPost, Host: flexHost,
			Path: "/v1/PluginService/Plugins/" + w.PluginSID + "/Versions/" + v.SID + "/Archive"}); err != nil && !alreadyArchived(err) {
			return fmt.Errorf("archive version %s of plugin %s: %w", v.Version, w.Name, err)
		}
	}
	if _, err := api.Do(ctx, provider.Request{Method: http.MethodPost, Host: flexHost,
		Path: "/v1/PluginService/Plugins/" + w.PluginSID + "/Archive"}); err != nil && !alreadyArchived(err) {
		return fmt.Errorf("archive plugin %s: %w", w.Name, err)
	}
	if w.State.Hosting.ServiceSID == "" {
		return nil
	}
	dep := serverless.Deployer{API: serverlessAPI(api), Poll: pl.opts.Poll}
	return dep.Destroy(ctx, &w.State.Hosting)
}

// alreadyArchived: archiving twice is refused by Twilio with a 400; a
// destroy run again after a failure goes on.
func alreadyArchived(err error) bool {
	var ae *provider.APIError
	return errors.As(err, &ae) && (ae.Status == http.StatusNotFound || strings.Contains(strings.ToLower(ae.Message), "archived"))
}
