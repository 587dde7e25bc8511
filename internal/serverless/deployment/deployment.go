// Package deployment is the twilio:serverless:Deployment resource for the
// provider: it translates Pulumi's property maps to the serverless
// package's lifecycle and Twilio calls to the provider's configured API.
//
// Register it with the provider, as cmd/pulumi-resource-twilio does:
//
//	provider.Options{Resources: []provider.Resource{deployment.Resource(deployment.Options{})}}
package deployment

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/provider"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless"
)

// Options configure the resource.
type Options struct {
	// BaseDir resolves relative `path` inputs; empty means the plugin's
	// working directory, which the Pulumi engine sets to the program's
	// folder.
	BaseDir string
	// Poll and Parallelism tune the deploy (zero values are defaults).
	Poll        serverless.Poll
	Parallelism int
}

// Deployment implements provider.Resource.
type Deployment struct {
	opts Options
}

var _ provider.Resource = (*Deployment)(nil)

// Resource returns the resource for the provider's Options.Resources.
func Resource(opts Options) *Deployment { return &Deployment{opts: opts} }

// Token implements provider.Resource: serverless.Token.
func (d *Deployment) Token() string { return serverless.Token }

func (d *Deployment) core(ctx context.Context, api provider.API) *serverless.Resource {
	base := d.opts.BaseDir
	if base == "" {
		base, _ = os.Getwd()
	}
	log := p.GetLogger(ctx)
	return &serverless.Resource{
		BaseDir: base,
		NewAPI:  func() (serverless.API, error) { return providerAPI{api: api}, nil },
		Deployer: serverless.Deployer{
			Poll: d.opts.Poll, Parallelism: d.opts.Parallelism,
			Logf: func(format string, args ...any) { log.InfoStatusf(format, args...) },
		},
	}
}

// Schema implements provider.Resource.
func (d *Deployment) Schema() schema.ResourceSpec {
	str := schema.TypeSpec{Type: "string"}
	strMap := schema.TypeSpec{Type: "object", AdditionalProperties: &str}
	inputs := map[string]schema.PropertySpec{
		"path": {TypeSpec: str, Description: "The project folder, relative to the Pulumi program: Functions under `functions/` " +
			"(`*.protected.js`, `*.private.js`, others public), Assets under `assets/` (same suffixes before the extension), " +
			"an optional `.env` and `package.json`."},
		"serviceName": {TypeSpec: str, WillReplaceOnChanges: true, Description: "The Serverless Service's unique name (1-50 letters, digits, '-'); " +
			"found or created. Changing it replaces the deployment."},
		"environment": {TypeSpec: str, WillReplaceOnChanges: true, Description: "The environment's domain suffix (up to 16 lower case letters, digits, '-'). " +
			"Defaults to the stack name made URL-safe; an empty string is the production (bare) domain. Changing it replaces the deployment."},
		"variables": {TypeSpec: strMap, Secret: true, Description: "Environment variables, over those in the folder's `.env` " +
			"(ACCOUNT_SID and AUTH_TOKEN there are skipped). Stored as secrets."},
		"runtime": {TypeSpec: str, Description: "Node runtime: " + strings.Join(serverless.Runtimes, ", ") +
			" (default " + serverless.DefaultRuntime + ")."},
		"dependencies": {TypeSpec: strMap, Description: "npm dependencies (name -> version); defaults to `package.json` dependencies."},
		"files": {TypeSpec: strMap, Description: "Set by the provider, not by programs: the folder's manifest (URL path -> " +
			"\"kind visibility sha256\"), so that a preview lists added, changed and removed files."},
	}
	props := maps.Clone(inputs)
	props["serviceSid"] = schema.PropertySpec{TypeSpec: str, Description: "The Service SID (ZS...)."}
	props["environmentSid"] = schema.PropertySpec{TypeSpec: str, Description: "The Environment SID (ZE...); also the resource ID."}
	props["buildSid"] = schema.PropertySpec{TypeSpec: str, Description: "The Build deployed on the environment (ZB...)."}
	props["domainName"] = schema.PropertySpec{TypeSpec: str, Description: "The environment's domain, e.g. `my-service-1234-dev.twil.io`."}
	props["urls"] = schema.PropertySpec{TypeSpec: strMap, Description: "URL path -> https URL of every public and protected Function and Asset."}
	props["versions"] = schema.PropertySpec{TypeSpec: schema.TypeSpec{Type: "object", AdditionalProperties: &schema.TypeSpec{Ref: "pulumi.json#/Any"}},
		Description: "Internal: per path, the Function or Asset SID and the Version SID holding the deployed content."}
	props["variableSids"] = schema.PropertySpec{TypeSpec: strMap, Description: "Internal: variable key -> Variable SID."}
	props["deployedBuildSid"] = schema.PropertySpec{TypeSpec: str, Description: "Internal: the build this resource deployed; empty after a refresh found another one."}
	return schema.ResourceSpec{
		ObjectTypeSpec: schema.ObjectTypeSpec{
			Type: "object",
			Description: "Twilio Functions and Assets deployed from a folder, Serverless Toolkit style, to one environment " +
				"(one domain) of a Serverless Service. Only changed files are uploaded; an unchanged folder makes no build. " +
				"Deleting it deletes the environment, and the service when no other environment is left in it.",
			Properties: props,
			Required:   []string{"path", "serviceName", "environment", "runtime", "serviceSid", "environmentSid", "buildSid", "domainName", "urls"},
		},
		InputProperties: inputs,
		RequiredInputs:  []string{"path", "serviceName"},
	}
}

// wire is the state as stored: inputs, outputs and what the next plan needs.
type wire struct {
	Path         string            `json:"path"`
	ServiceName  string            `json:"serviceName"`
	Environment  *string           `json:"environment,omitempty"`
	Variables    map[string]string `json:"variables,omitempty"`
	Runtime      string            `json:"runtime,omitempty"`
	Dependencies map[string]string `json:"dependencies,omitempty"`
	Files        map[string]string `json:"files,omitempty"`

	ServiceSID       string                 `json:"serviceSid,omitempty"`
	EnvironmentSID   string                 `json:"environmentSid,omitempty"`
	BuildSID         string                 `json:"buildSid,omitempty"`
	DomainName       string                 `json:"domainName,omitempty"`
	URLs             map[string]string      `json:"urls,omitempty"`
	Versions         map[string]wireVersion `json:"versions,omitempty"`
	VariableSIDs     map[string]string      `json:"variableSids,omitempty"`
	DeployedBuildSID string                 `json:"deployedBuildSid,omitempty"`
}

type wireVersion struct {
	Source      string `json:"source"`
	ResourceSID string `json:"resourceSid"`
	VersionSID  string `json:"versionSid"`
}

func decode(m property.Map) (wire, bool, error) {
	var w wire
	known, err := provider.DecodeProperties(m, &w)
	return w, known, err
}

func encode(w wire) (property.Map, error) {
	m, err := provider.EncodeProperties(w)
	if err != nil {
		return property.Map{}, err
	}
	// Variable values may be secrets, from the program or from .env.
	if vars, ok := m.GetOk("variables"); ok {
		m = m.Set("variables", vars.WithSecret(true))
	}
	return m, nil
}

// keepSecrets marks secret every top-level property of m that was (or held)
// a secret in from, so a secret given for any input stays one.
func keepSecrets(m, from property.Map) property.Map {
	for k, v := range from.All {
		if v.HasSecrets() {
			if x, ok := m.GetOk(k); ok {
				m = m.Set(k, x.WithSecret(true))
			}
		}
	}
	return m
}

func inputsOf(w wire) serverless.Inputs {
	return serverless.Inputs{Path: w.Path, ServiceName: w.ServiceName, Environment: w.Environment, Variables: w.Variables,
		Runtime: w.Runtime, Dependencies: w.Dependencies, Files: w.Files}
}

func wireOf(in serverless.Inputs) wire {
	return wire{Path: in.Path, ServiceName: in.ServiceName, Environment: in.Environment, Variables: in.Variables,
		Runtime: in.Runtime, Dependencies: in.Dependencies, Files: in.Files}
}

// outputsOf rebuilds the core's outputs (and its plan state) from state.
func outputsOf(w wire) serverless.Outputs {
	st := serverless.State{
		ServiceSID: w.ServiceSID, ServiceName: w.ServiceName, EnvironmentSID: w.EnvironmentSID,
		DomainName: w.DomainName, BuildSID: w.DeployedBuildSID, Runtime: w.Runtime,
		Dependencies: serverless.DependenciesFromMap(w.Dependencies),
		Files:        map[string]serverless.Deployed{}, Variables: map[string]serverless.Variable{},
	}
	if w.Environment != nil {
		st.DomainSuffix = *w.Environment
	}
	for path, v := range w.Versions {
		f := strings.Fields(w.Files[path])
		if len(f) != 3 {
			continue // unknown entry: planned as added
		}
		st.Files[path] = serverless.Deployed{
			Entry:  serverless.Entry{Kind: serverless.Kind(f[0]), Visibility: serverless.Visibility(f[1]), SHA256: f[2]},
			Source: v.Source, ResourceSID: v.ResourceSID, VersionSID: v.VersionSID,
		}
	}
	for k, sid := range w.VariableSIDs {
		st.Variables[k] = serverless.Variable{SID: sid, Value: w.Variables[k]}
	}
	return serverless.Outputs{Inputs: inputsOf(w), ServiceSID: w.ServiceSID, EnvironmentSID: w.EnvironmentSID,
		BuildSID: w.BuildSID, DomainName: w.DomainName, URLs: w.URLs, State: st}
}

func wireOfOutputs(o serverless.Outputs) wire {
	w := wireOf(o.Inputs)
	w.ServiceSID, w.EnvironmentSID, w.BuildSID, w.DomainName, w.URLs = o.ServiceSID, o.EnvironmentSID, o.BuildSID, o.DomainName, o.URLs
	w.DeployedBuildSID = o.State.BuildSID
	w.Versions = map[string]wireVersion{}
	for path, f := range o.State.Files {
		w.Versions[path] = wireVersion{Source: f.Source, ResourceSID: f.ResourceSID, VersionSID: f.VersionSID}
	}
	w.VariableSIDs = map[string]string{}
	for k, v := range o.State.Variables {
		w.VariableSIDs[k] = v.SID
	}
	return w
}

// Check implements provider.Resource. It reads the project folder
// (never the network) and resolves every default, so the engine's diff and
// preview show the files that change.
func (d *Deployment) Check(ctx context.Context, req p.CheckRequest) (p.CheckResponse, error) {
	var fails []p.CheckFailure
	for k := range req.Inputs.All {
		switch k {
		case "path", "serviceName", "environment", "variables", "runtime", "dependencies":
		case "files": // recomputed below from the folder
		default:
			fails = append(fails, p.CheckFailure{Property: k, Reason: fmt.Sprintf("%s has no property %q", serverless.Token, k)})
		}
	}
	w, known, err := decode(req.Inputs.Delete("files"))
	if err != nil {
		return p.CheckResponse{}, err
	}
	if !known && len(fails) == 0 {
		if m, cf, ok := d.checkUnknownVariables(ctx, req); ok {
			return p.CheckResponse{Inputs: m, Failures: cf}, nil
		}
	}
	if !known || len(fails) > 0 {
		// Values from resources not created yet: check again in the update.
		return p.CheckResponse{Inputs: req.Inputs, Failures: fails}, nil
	}
	in, cf := d.core(ctx, nil).Check(inputsOf(w), req.Urn.Stack().String())
	for _, f := range cf {
		fails = append(fails, p.CheckFailure{Property: f.Property, Reason: f.Reason})
	}
	m, err := encode(wireOf(in))
	if err != nil {
		return p.CheckResponse{}, err
	}
	return p.CheckResponse{Inputs: keepSecrets(m, req.Inputs), Failures: fails}, nil
}

// checkUnknownVariables resolves inputs whose only unknown values are
// variables (a Sync SID from a resource not created yet, the usual case):
// the folder is scanned and every default resolved as in a known Check, and
// the variables keep their unknown values. Without this the preview would
// list no files, and the update's plan (recorded in the preview) would be
// violated by the files, runtime and environment the update's Check adds.
// ok is false when anything else is unknown.
func (d *Deployment) checkUnknownVariables(ctx context.Context, req p.CheckRequest) (property.Map, []p.CheckFailure, bool) {
	vars := req.Inputs.Get("variables")
	rest, restKnown, err := decode(req.Inputs.Delete("files").Delete("variables"))
	if err != nil || !restKnown || !(vars.IsComputed() || vars.IsMap()) {
		return property.Map{}, nil, false
	}
	in := inputsOf(rest)
	in.Variables = map[string]string{}
	if vars.IsMap() {
		for k, v := range vars.AsMap().All {
			if v.IsString() {
				in.Variables[k] = v.AsString()
			}
		}
	}
	out, cf := d.core(ctx, nil).Check(in, req.Urn.Stack().String())
	var fails []p.CheckFailure
	for _, f := range cf {
		fails = append(fails, p.CheckFailure{Property: f.Property, Reason: f.Reason})
	}
	m, err := encode(wireOf(out))
	if err != nil {
		return property.Map{}, nil, false
	}
	// The folder's .env and the known values, then the unknown ones (the
	// program's values win, as in a known Check); all of it secret.
	merged := vars
	if vars.IsMap() {
		vm := map[string]property.Value{}
		for k, v := range out.Variables {
			vm[k] = property.New(v)
		}
		for k, v := range vars.AsMap().All {
			if !v.IsString() {
				vm[k] = v
			}
		}
		merged = property.New(vm)
	}
	m = m.Set("variables", merged.WithSecret(true))
	return keepSecrets(m, req.Inputs), fails, true
}

// Diff implements provider.Resource: files are listed by path
// (files["/sms/reply"]) so that a preview shows what will be uploaded or
// dropped.
func (d *Deployment) Diff(ctx context.Context, req p.DiffRequest) (p.DiffResponse, error) {
	old, _, err := decode(req.State)
	if err != nil {
		return p.DiffResponse{}, err
	}
	nw, known, err := decode(req.Inputs)
	if err != nil {
		return p.DiffResponse{}, err
	}
	if !known {
		detailed := map[string]p.PropertyDiff{}
		for k, v := range req.Inputs.All {
			if v.HasComputed() || !v.Equals(req.State.Get(k)) {
				kind := p.Update
				if k == "serviceName" || k == "environment" {
					kind = p.UpdateReplace
				}
				detailed[k] = p.PropertyDiff{Kind: kind, InputDiff: true}
			}
		}
		return p.DiffResponse{HasChanges: len(detailed) > 0, DetailedDiff: detailed}, nil
	}
	diff := d.core(ctx, nil).Diff(outputsOf(old), inputsOf(nw))
	detailed := map[string]p.PropertyDiff{}
	for _, k := range diff.Replace {
		detailed[k] = p.PropertyDiff{Kind: p.UpdateReplace, InputDiff: true}
	}
	for _, k := range diff.Update {
		if k != "files" {
			detailed[k] = p.PropertyDiff{Kind: p.Update, InputDiff: true}
		}
	}
	for _, f := range diff.Added {
		detailed[filesKey(f)] = p.PropertyDiff{Kind: p.Add, InputDiff: true}
	}
	for _, f := range diff.Changed {
		detailed[filesKey(f)] = p.PropertyDiff{Kind: p.Update, InputDiff: true}
	}
	for _, f := range diff.Removed {
		detailed[filesKey(f)] = p.PropertyDiff{Kind: p.Delete, InputDiff: true}
	}
	if slices.Contains(diff.Update, "files") && len(diff.Added)+len(diff.Changed)+len(diff.Removed) == 0 {
		detailed["files"] = p.PropertyDiff{Kind: p.Update} // redeploy after drift
	}
	return p.DiffResponse{HasChanges: diff.HasChanges(), DetailedDiff: detailed}, nil
}

func filesKey(path string) string {
	b, _ := json.Marshal(path)
	return "files[" + string(b) + "]"
}

// Create implements provider.Resource.
func (d *Deployment) Create(ctx context.Context, api provider.API, req p.CreateRequest) (p.CreateResponse, error) {
	w, known, err := decode(req.Properties)
	if err != nil {
		return p.CreateResponse{}, err
	}
	if req.DryRun {
		m := req.Properties
		for _, k := range []string{"serviceSid", "environmentSid", "buildSid", "domainName", "urls"} {
			m = m.Set(k, property.New(property.Computed))
		}
		return p.CreateResponse{Properties: m}, nil
	}
	if !known {
		return p.CreateResponse{}, fmt.Errorf("inputs of %s are not known", req.Urn.Name())
	}
	out, err := d.core(ctx, api).Create(ctx, inputsOf(w), false)
	if err != nil {
		return p.CreateResponse{}, err
	}
	m, err := encode(wireOfOutputs(out))
	if err != nil {
		return p.CreateResponse{}, err
	}
	return p.CreateResponse{ID: out.EnvironmentSID, Properties: keepSecrets(m, req.Properties)}, nil
}

// Update implements provider.Resource.
func (d *Deployment) Update(ctx context.Context, api provider.API, req p.UpdateRequest) (p.UpdateResponse, error) {
	old, _, err := decode(req.State)
	if err != nil {
		return p.UpdateResponse{}, err
	}
	nw, known, err := decode(req.Inputs)
	if err != nil {
		return p.UpdateResponse{}, err
	}
	if req.DryRun && !known {
		m := req.State
		for k, v := range req.Inputs.All {
			m = m.Set(k, v)
		}
		return p.UpdateResponse{Properties: m.Set("buildSid", property.New(property.Computed))}, nil
	}
	out, err := d.core(ctx, api).Update(ctx, outputsOf(old), inputsOf(nw), req.DryRun)
	if err != nil {
		return p.UpdateResponse{}, err
	}
	w := wireOfOutputs(out)
	m, err := encode(w)
	if err != nil {
		return p.UpdateResponse{}, err
	}
	if req.DryRun {
		m = m.Set("buildSid", property.New(property.Computed))
	}
	return p.UpdateResponse{Properties: keepSecrets(m, req.Inputs)}, nil
}

// Read implements provider.Resource (refresh).
func (d *Deployment) Read(ctx context.Context, api provider.API, req p.ReadRequest) (p.ReadResponse, error) {
	old, _, err := decode(req.Properties)
	if err != nil {
		return p.ReadResponse{}, err
	}
	if old.ServiceSID == "" {
		return p.ReadResponse{}, fmt.Errorf("import of %s is not supported: declare it and run `pulumi up`, which adopts an existing environment by its domain suffix", serverless.Token)
	}
	out, found, err := d.core(ctx, api).Read(ctx, outputsOf(old))
	if err != nil || !found {
		return p.ReadResponse{}, err
	}
	w := wireOfOutputs(out)
	m, err := encode(w)
	if err != nil {
		return p.ReadResponse{}, err
	}
	in, err := encode(wireOf(out.Inputs))
	if err != nil {
		return p.ReadResponse{}, err
	}
	return p.ReadResponse{ID: req.ID, Properties: m, Inputs: in}, nil
}

// Delete implements provider.Resource.
func (d *Deployment) Delete(ctx context.Context, api provider.API, req p.DeleteRequest) error {
	old, _, err := decode(req.Properties)
	if err != nil {
		return err
	}
	return d.core(ctx, api).Delete(ctx, outputsOf(old))
}
