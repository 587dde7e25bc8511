package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
	"github.com/tdeploy/twilio-deploy-action/internal/twilio"
)

// AdoptToken is the type that configures a resource the stack does not own.
const AdoptToken = "twilio:index:AdoptedResource"

// Adopt sets some fields of an existing Twilio resource (a phone number
// bought in the Console, a service made by hand) and puts them back on
// delete. It never creates or deletes the resource itself. Settings
// objects (spec.Settings) are refused: they are resources of their own
// type, which record and restore the same way (target, in restore.go).
//
// Create reads the resource once, records the previous value of every field
// it is about to set (output "previous"), and sends one update. Update sends
// the changed fields, restores the ones no longer set, and reads the
// resource first only when a new field needs its previous value recorded.
// Delete sends one update with the recorded values.
type Adopt struct {
	Model *spec.Model
}

var _ Resource = Adopt{}

func (Adopt) Token() string { return AdoptToken }

func (Adopt) Schema() schema.ResourceSpec {
	str := schema.TypeSpec{Type: "string"}
	strMap := schema.TypeSpec{Type: "object", AdditionalProperties: &str}
	anyMap := schema.TypeSpec{Type: "object", AdditionalProperties: &anyType}
	in := map[string]schema.PropertySpec{
		"resourceType": {TypeSpec: str, WillReplaceOnChanges: true,
			Description: "The type token of the resource to configure, for example `twilio:api/v2010:IncomingPhoneNumber`."},
		"sid": {TypeSpec: str, WillReplaceOnChanges: true,
			Description: "The resource's own ID (its SID, or key/identity for the few resources keyed so). Set this or `lookup`."},
		"parents": {TypeSpec: strMap, WillReplaceOnChanges: true,
			Description: "The parent SIDs by input name (`serviceSid`); the 2010 API's `accountSid` defaults to the provider's account."},
		"lookup": {TypeSpec: strMap, WillReplaceOnChanges: true,
			Description: "Find the resource by output fields instead of `sid`, for example `{phoneNumber: \"+15017122661\"}`; exactly one must match."},
		"settings": {TypeSpec: anyMap,
			Description: "The fields to set, by input name of the resource type (`smsUrl`, `voiceUrl`). Only fields Twilio can update are allowed."},
	}
	out := map[string]schema.PropertySpec{}
	for k, v := range in {
		v.WillReplaceOnChanges = false
		out[k] = v
	}
	out["previous"] = schema.PropertySpec{TypeSpec: anyMap, Description: "The values the settings replaced; restored on delete."}
	out["sid"] = schema.PropertySpec{TypeSpec: str, Description: "The adopted resource's own ID."}
	return schema.ResourceSpec{
		ObjectTypeSpec: schema.ObjectTypeSpec{
			Type: "object",
			Description: "Configures fields of an existing Twilio resource the stack does not own, and restores their " +
				"previous values on delete. The resource itself is never created or deleted: a phone number bought in " +
				"the Console stays yours. Import ID: `{resourceType}|{parents and sid as in that type's ID}`.",
			Properties: out,
			Required:   []string{"resourceType", "sid", "settings", "previous"},
		},
		InputProperties: in,
		RequiredInputs:  []string{"resourceType", "settings"},
	}
}

func (a Adopt) resourceType(v property.Value) (*spec.Resource, error) {
	if !v.IsString() {
		return nil, fmt.Errorf("resourceType must be a type token such as twilio:api/v2010:IncomingPhoneNumber")
	}
	tok := v.AsString()
	if !strings.HasPrefix(tok, spec.Package+":") {
		tok = spec.Package + ":" + tok
	}
	r := a.Model.Resource(tok)
	if r == nil {
		if why, ok := spec.Excluded[strings.TrimPrefix(tok, spec.Package+":")]; ok {
			return nil, fmt.Errorf("resourceType %s is not offered (%s), so it cannot be adopted", tok, why)
		}
		return nil, fmt.Errorf("resourceType %q is not a twilio resource type", v.AsString())
	}
	if r.Kind == spec.Settings {
		// One way in: the settings resource records and restores the
		// same way, under its own token.
		return nil, fmt.Errorf("resourceType %s is a settings object: declare it as a resource of type %s instead, which applies its settings by update and restores the previous values on destroy", tok, tok)
	}
	if !r.Updatable() || r.Catalog.Fetch == nil {
		return nil, fmt.Errorf("resourceType %s cannot be adopted: Twilio cannot both read and update it", tok)
	}
	return r, nil
}

func (a Adopt) Check(_ context.Context, req p.CheckRequest) (p.CheckResponse, error) {
	var fails []p.CheckFailure
	fail := func(prop, format string, args ...any) {
		fails = append(fails, p.CheckFailure{Property: prop, Reason: fmt.Sprintf(format, args...)})
	}
	for k := range req.Inputs.All {
		switch k {
		case "resourceType", "sid", "parents", "lookup", "settings":
		default:
			fail(k, "%s has no property %q", AdoptToken, k)
		}
	}
	rt := req.Inputs.Get("resourceType")
	if rt.IsComputed() {
		return p.CheckResponse{Inputs: req.Inputs, Failures: fails}, nil
	}
	r, err := a.resourceType(rt)
	if err != nil {
		fail("resourceType", "%s", err)
		return p.CheckResponse{Inputs: req.Inputs, Failures: fails}, nil
	}
	sid, lookup := req.Inputs.Get("sid"), req.Inputs.Get("lookup")
	if sid.IsNull() == lookup.IsNull() {
		fail("sid", "set exactly one of sid and lookup")
	}
	if !lookup.IsNull() && r.Catalog.List == nil {
		fail("lookup", "%s cannot be listed; give its sid", r.Token)
	}
	parents := req.Inputs.Get("parents")
	if parents.IsMap() {
		for k := range parents.AsMap().All {
			if in := r.Input(k); in == nil || in.In != "path" {
				fail("parents", "%s has no parent %q", r.Token, k)
			}
		}
	}
	for _, in := range r.Parents {
		if in.Required && !(parents.IsMap() && parents.AsMap().Get(in.Name).IsString()) && !parents.IsComputed() {
			fail("parents", "parents.%s is required for %s", in.Name, r.Token)
		}
	}
	settings := req.Inputs.Get("settings")
	if settings.IsMap() {
		vals, _ := toValues(settings.AsMap())
		for k := range vals {
			in := r.Input(k)
			switch {
			case in == nil || in.In != "body":
				fail("settings", "%s has no input %q", r.Token, k)
			case in.CreateOnly:
				fail("settings", "%s.%s cannot be updated, so it cannot be adopted", r.Token, k)
			case in.Field == "":
				fail("settings", "%s.%s is not readable, so its previous value cannot be restored", r.Token, k)
			}
		}
		// The settings are inputs of the target type: check them as its
		// own inputs would be (the provider type-checked only the map).
		target := resourceSchema(r)
		tc := typeChecker{types: enumTypes(r)}
		for k, v := range settings.AsMap().AllStable {
			if in := r.Input(k); in == nil || in.In != "body" {
				continue
			}
			ps := target.InputProperties[k]
			for _, msg := range tc.check(keyPath("settings", k), ps.TypeSpec, v, ps.Secret || settings.Secret()) {
				fails = append(fails, p.CheckFailure{Reason: msg})
			}
		}
	} else if !settings.IsComputed() {
		fail("settings", "settings must be a map of %s inputs", r.Token)
	}
	return p.CheckResponse{Inputs: req.Inputs, Failures: fails}, nil
}

func (a Adopt) Diff(_ context.Context, req p.DiffRequest) (p.DiffResponse, error) {
	olds := req.OldInputs
	resp := p.DiffResponse{DetailedDiff: map[string]p.PropertyDiff{}}
	for _, k := range []string{"resourceType", "sid", "parents", "lookup"} {
		o, n := olds.Get(k), req.Inputs.Get(k)
		if !o.Equals(n) || n.HasComputed() {
			resp.DetailedDiff[k] = p.PropertyDiff{Kind: p.UpdateReplace, InputDiff: true}
			resp.HasChanges = true
			// The old adoption restores its values before the new one
			// records them, in case both name the same resource.
			resp.DeleteBeforeReplace = true
		}
	}
	o, _ := toValues(mapOf(olds.Get("settings")))
	n, _ := toValues(mapOf(req.Inputs.Get("settings")))
	keys := map[string]bool{}
	for k := range o {
		keys[k] = true
	}
	for k := range n {
		keys[k] = true
	}
	for k := range keys {
		ov, oh := o[k]
		nv, nh := n[k]
		switch {
		case oh && nh && spec.Equal(ov, nv):
		case !oh:
			resp.DetailedDiff["settings."+k] = p.PropertyDiff{Kind: p.Add, InputDiff: true}
		case !nh:
			resp.DetailedDiff["settings."+k] = p.PropertyDiff{Kind: p.Delete, InputDiff: true}
		default:
			resp.DetailedDiff["settings."+k] = p.PropertyDiff{Kind: p.Update, InputDiff: true}
		}
	}
	if req.Inputs.Get("settings").IsComputed() && !olds.Get("settings").IsComputed() {
		resp.DetailedDiff["settings"] = p.PropertyDiff{Kind: p.Update, InputDiff: true}
	}
	resp.HasChanges = len(resp.DetailedDiff) > 0
	return resp, nil
}

func mapOf(v property.Value) property.Map {
	if v.IsMap() {
		return v.AsMap()
	}
	return property.NewMap(nil)
}

func strMap(v property.Value) map[string]string {
	out := map[string]string{}
	for k, e := range mapOf(v).All {
		if e.IsString() {
			out[k] = e.AsString()
		}
	}
	return out
}

// resolve finds the target: by sid, or by listing and matching lookup.
// found is the resource's representation when resolving had to read it.
func (a Adopt) resolve(ctx context.Context, api API, inputs property.Map) (t target, found map[string]any, err error) {
	r, err := a.resourceType(inputs.Get("resourceType"))
	if err != nil {
		return t, nil, err
	}
	t = newTarget(r, nil)
	parents := strMap(inputs.Get("parents"))
	vals := spec.Values{}
	for k, v := range parents {
		vals[k] = v
	}
	t.path, err = t.g.pathValues(api, vals)
	if err != nil {
		return t, nil, err
	}
	if sid := inputs.Get("sid"); sid.IsString() {
		t.path[r.Catalog.IDParam()] = sid.AsString()
		return t, nil, nil
	}
	lookup := strMap(inputs.Get("lookup"))
	list, err := catalog.Expand(r.Catalog.ListPath, t.path)
	if err != nil {
		return t, nil, err
	}
	var matches []map[string]any
	for m, err := range twilio.Items(ctx, api, Request{Host: r.Catalog.Host(), Path: list, Form: listQuery(r, lookup)}, r.Catalog.ListKey, r.Catalog.List.PageSizeMax) {
		if err != nil {
			return t, nil, fmt.Errorf("look up %s: %w", r.Token, err)
		}
		if matchAll(r, m, lookup) {
			matches = append(matches, m)
		}
	}
	if len(matches) != 1 {
		return t, nil, fmt.Errorf("look up %s by %v: %d resources match, want exactly 1", r.Token, lookup, len(matches))
	}
	t.path[r.Catalog.IDParam()] = idString(matches[0][r.Catalog.IDField])
	return t, matches[0], nil
}

// listQuery passes lookup fields the list operation can filter on
// (PhoneNumber, FriendlyName), which keeps the answer to one page.
func listQuery(r *spec.Resource, lookup map[string]string) map[string][]string {
	q := map[string][]string{}
	for k, v := range lookup {
		for _, prm := range r.Catalog.List.Params {
			if catalog.Camel(prm.Name) == k && prm.In == "query" {
				q[prm.Name] = []string{v}
			}
		}
	}
	return q
}

func matchAll(r *spec.Resource, m map[string]any, lookup map[string]string) bool {
	for k, v := range lookup {
		o := r.Output(k)
		if o == nil || idString(m[o.Field]) != v {
			return false
		}
	}
	return true
}

func (a Adopt) state(inputs property.Map, t target, previous spec.Values) property.Map {
	st := inputs.Set("sid", property.New(t.path[t.r.Catalog.IDParam()]))
	return st.Set("previous", property.New(toMap(previous, t.secret)))
}

func (a Adopt) id(t target) string {
	return t.r.Token + "|" + t.r.ID(t.path, t.path[t.r.Catalog.IDParam()])
}

func (a Adopt) Create(ctx context.Context, api API, req p.CreateRequest) (p.CreateResponse, error) {
	if req.DryRun {
		st := req.Properties
		if !st.Get("sid").IsString() {
			st = st.Set("sid", property.New(property.Computed))
		}
		return p.CreateResponse{Properties: st.Set("previous", property.New(property.Computed))}, nil
	}
	t, out, err := a.resolve(ctx, api, req.Properties)
	if err != nil {
		return p.CreateResponse{}, err
	}
	settings, _ := toValues(mapOf(req.Properties.Get("settings")))
	previous, _, err := t.apply(ctx, api, out, settings)
	if err != nil {
		return p.CreateResponse{}, fmt.Errorf("adopt %s: %w", a.id(t), err)
	}
	return p.CreateResponse{ID: a.id(t), Properties: a.state(req.Properties, t, previous)}, nil
}

// target rebuilds the target from an ID and the recorded state.
func (a Adopt) target(api API, id string, state property.Map) (target, error) {
	tok, rest, ok := strings.Cut(id, "|")
	if !ok {
		return target{}, fmt.Errorf("ID %q of %s: want {resourceType}|{ID of that type}", id, AdoptToken)
	}
	r, err := a.resourceType(property.New(tok))
	if err != nil {
		return target{}, err
	}
	parents := property.NewMap(nil)
	for k, v := range strMap(state.Get("parents")) {
		parents = parents.Set(k, property.New(v))
	}
	path, err := generic{r: r}.locate(api, rest, parents)
	if err != nil {
		return target{}, err
	}
	return newTarget(r, path), nil
}

func (a Adopt) Read(ctx context.Context, api API, req p.ReadRequest) (p.ReadResponse, error) {
	t, err := a.target(api, req.ID, req.Properties)
	if err != nil {
		return p.ReadResponse{}, err
	}
	out, err := t.fetch(ctx, api)
	if twilio.NotFound(err) {
		return p.ReadResponse{}, nil
	}
	if err != nil {
		return p.ReadResponse{}, fmt.Errorf("read %s: %w", req.ID, err)
	}
	inputs := req.Inputs
	if inputs.Len() == 0 { // import: adopt nothing yet
		inputs = property.NewMap(map[string]property.Value{
			"resourceType": property.New(t.r.Token),
			"sid":          property.New(t.path[t.r.Catalog.IDParam()]),
			"settings":     property.New(property.NewMap(nil)),
		})
	}
	settings, secrets := toValues(mapOf(inputs.Get("settings")))
	cur := t.current(out, slices.Sorted(maps.Keys(settings)))
	inputs = inputs.Set("settings", property.New(toMap(cur, func(k string) bool { return secrets[k] || t.secret(k) })))
	previous, _ := toValues(mapOf(req.Properties.Get("previous")))
	st := a.state(inputs, t, previous)
	return p.ReadResponse{ID: req.ID, Properties: st, Inputs: inputs}, nil
}

func (a Adopt) Update(ctx context.Context, api API, req p.UpdateRequest) (p.UpdateResponse, error) {
	if req.DryRun {
		return p.UpdateResponse{Properties: req.State.Set("settings", req.Inputs.Get("settings"))}, nil
	}
	t, err := a.target(api, req.ID, req.State)
	if err != nil {
		return p.UpdateResponse{}, err
	}
	o, _ := toValues(mapOf(req.OldInputs.Get("settings")))
	n, _ := toValues(mapOf(req.Inputs.Get("settings")))
	previous, _ := toValues(mapOf(req.State.Get("previous")))
	previous, _, err = t.change(ctx, api, o, n, previous)
	if err != nil {
		return p.UpdateResponse{}, fmt.Errorf("update %s: %w", req.ID, err)
	}
	return p.UpdateResponse{Properties: a.state(req.Inputs, t, previous)}, nil
}

func (a Adopt) Delete(ctx context.Context, api API, req p.DeleteRequest) error {
	t, err := a.target(api, req.ID, req.Properties)
	if err != nil {
		return err
	}
	previous, _ := toValues(mapOf(req.Properties.Get("previous")))
	if err := t.restore(ctx, api, previous); err != nil {
		return fmt.Errorf("%s: %w", req.ID, err)
	}
	return nil
}
