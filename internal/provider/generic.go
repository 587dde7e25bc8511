package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
	"github.com/tdeploy/twilio-deploy-action/internal/twilio"
)

// generic serves one catalog resource: create is a POST to the list path,
// read a GET, update a POST of the changed parameters and delete a DELETE
// on the instance path.
type generic struct {
	r *spec.Resource
}

var _ Resource = generic{}

func (g generic) Token() string { return g.r.Token }

func (g generic) Schema() schema.ResourceSpec { return resourceSchema(g.r) }

func (g generic) Types() map[string]schema.ComplexTypeSpec { return enumTypes(g.r) }

func (g generic) Check(_ context.Context, req p.CheckRequest) (p.CheckResponse, error) {
	vals, _ := toValues(req.Inputs)
	var failures []p.CheckFailure
	fails := g.r.Check(vals)
	for _, in := range g.r.Inputs { // stable order
		if msg, ok := fails[in.Name]; ok {
			failures = append(failures, p.CheckFailure{Property: in.Name, Reason: msg})
			delete(fails, in.Name)
		}
	}
	for name, msg := range fails {
		failures = append(failures, p.CheckFailure{Property: name, Reason: msg})
	}
	return p.CheckResponse{Inputs: req.Inputs, Failures: failures}, nil
}

// oldInputs are the inputs of the last deployment (engines since 3.74
// send them with every diff, update and delete).
func (g generic) oldInputs(old property.Map) spec.Values {
	v, _ := toValues(old)
	return v
}

func (g generic) Diff(ctx context.Context, req p.DiffRequest) (p.DiffResponse, error) {
	olds := g.oldInputs(req.OldInputs)
	news, _ := toValues(req.Inputs)
	for _, path := range req.IgnoreChanges {
		if v, ok := olds[path]; ok {
			news[path] = v
		} else {
			delete(news, path)
		}
	}
	changes := g.r.Diff(olds, news)
	return diffResponse(ctx, g.r.Token, changes, g.deleteFirst(changes, olds, news)), nil
}

func diffResponse(ctx context.Context, token string, changes []spec.Change, deleteFirst bool) p.DiffResponse {
	resp := p.DiffResponse{DetailedDiff: map[string]p.PropertyDiff{}}
	for _, c := range changes {
		kind := map[string]p.DiffKind{"add": p.Add, "update": p.Update, "delete": p.Delete}[c.Kind]
		if c.Replace {
			kind = map[string]p.DiffKind{"add": p.AddReplace, "update": p.UpdateReplace, "delete": p.DeleteReplace}[c.Kind]
			p.GetLogger(ctx).Infof("%s: changing %s replaces the resource: %s", token, c.Name, c.Reason)
			resp.DeleteBeforeReplace = resp.DeleteBeforeReplace || deleteFirst
		}
		resp.DetailedDiff[c.Name] = p.PropertyDiff{Kind: kind, InputDiff: true}
		resp.HasChanges = true
	}
	return resp
}

// deleteFirst reports whether a replacement must delete the old resource
// before creating the new one: when it would keep a name that must be
// unique under the same parent (uniqueName, or an ID chosen by the
// program such as a map item's key).
func (g generic) deleteFirst(changes []spec.Change, olds, news spec.Values) bool {
	changed := map[string]bool{}
	for _, c := range changes {
		changed[c.Name] = true
	}
	for _, in := range g.r.Parents {
		if changed[in.Name] {
			return false
		}
	}
	for _, name := range []string{"uniqueName", g.r.IDName()} {
		if in := g.r.Input(name); in != nil && news[name] != nil && !changed[name] && olds[name] != nil {
			return true
		}
	}
	return false
}

// pathValues are the placeholders of the list path, from the inputs; the
// 2010 account defaults to the provider's.
func (g generic) pathValues(api API, vals spec.Values) (map[string]string, error) {
	out := map[string]string{}
	for _, in := range g.r.Parents {
		v, _ := vals[in.Name].(string)
		if v == "" && in.Param == spec.AccountSidParam {
			v = api.AccountSID()
		}
		if v == "" {
			return nil, fmt.Errorf("%s: %s is not set", g.r.Token, in.Name)
		}
		out[in.Param] = v
	}
	return out, nil
}

// locate finds the path values of an existing resource from its ID, with
// the account from the state when the ID leaves it out.
func (g generic) locate(api API, id string, state property.Map) (map[string]string, error) {
	path, err := g.r.ParseID(id)
	if err != nil {
		return nil, err
	}
	for _, in := range g.r.Parents {
		if _, ok := path[in.Param]; ok {
			continue
		}
		if v := state.Get(in.Name); v.IsString() && v.AsString() != "" {
			path[in.Param] = v.AsString()
		} else {
			path[in.Param] = api.AccountSID()
		}
	}
	return path, nil
}

func (g generic) instancePath(path map[string]string) (string, error) {
	return catalog.Expand(g.r.Catalog.InstancePath, path)
}

func (g generic) Create(ctx context.Context, api API, req p.CreateRequest) (p.CreateResponse, error) {
	vals, secrets := toValues(req.Properties)
	if req.DryRun {
		if err := g.preflight(ctx, api, vals); err != nil {
			return p.CreateResponse{}, err
		}
		return p.CreateResponse{Properties: g.state(nil, vals, secrets, true)}, nil
	}
	path, err := g.pathValues(api, vals)
	if err != nil {
		return p.CreateResponse{}, err
	}
	list, err := catalog.Expand(g.r.Catalog.ListPath, path)
	if err != nil {
		return p.CreateResponse{}, err
	}
	var names, later []string
	for _, in := range g.r.Inputs {
		if _, ok := vals[in.Name]; !ok || in.In == "path" {
			continue
		}
		if in.UpdateOnly {
			later = append(later, in.Name)
		} else {
			names = append(names, in.Name)
		}
	}
	body, err := g.r.Encode(g.r.Catalog.Create.Body == "json", vals, names)
	if err != nil {
		return p.CreateResponse{}, fmt.Errorf("create %s: %w", g.r.Token, err)
	}
	call := Request{Method: http.MethodPost, Host: g.r.Catalog.Host(), Path: list, Form: body.Form, JSON: body.JSON, Create: true}
	var out map[string]any
	if since, ok := interruptedSince(ctx); ok {
		// A killed run was creating it: what it made is adopted.
		if out, err = g.findCreated(ctx, api, path, vals, since); err != nil {
			return p.CreateResponse{}, fmt.Errorf("create %s: a killed run was creating it: %w", g.r.Token, err)
		}
	}
	if out == nil {
		sent := time.Now()
		out, err = api.Do(ctx, call)
		if errors.Is(err, ErrUnknownOutcome) {
			out, err = g.recoverCreate(ctx, api, path, vals, call, sent)
		}
	}
	if err != nil {
		return p.CreateResponse{}, fmt.Errorf("create %s: %w", g.r.Token, err)
	}
	own := idString(out[g.r.Catalog.IDField])
	if own == "" {
		return p.CreateResponse{}, fmt.Errorf("create %s: response has no %s", g.r.Token, g.r.Catalog.IDField)
	}
	id := g.r.ID(path, own)
	if len(later) > 0 {
		// Twilio's create does not take these; set them right away.
		path[g.r.Catalog.IDParam()] = own
		upd, err := g.send(ctx, api, path, vals, later)
		if err != nil {
			return p.CreateResponse{ID: id, Properties: g.state(out, vals, secrets, false),
				PartialState: &p.InitializationFailed{Reasons: []string{err.Error()}}}, err
		}
		out = upd
	}
	return p.CreateResponse{ID: id, Properties: g.state(out, vals, secrets, false)}, nil
}

// recoverCreate finds out whether a create whose connection dropped
// happened (findCreated, in the window since the request was first sent).
// If it did not, the create is sent once more; if it cannot tell, it fails
// rather than risk a duplicate.
func (g generic) recoverCreate(ctx context.Context, api API, path map[string]string, vals spec.Values, call Request, sent time.Time) (map[string]any, error) {
	found, err := g.findCreated(ctx, api, path, vals, sent)
	if err != nil || found != nil {
		return found, err
	}
	return api.Do(ctx, call)
}

// findByField pages through the list for an item whose field equals value.
func (g generic) findByField(ctx context.Context, api API, path map[string]string, field, value string) (map[string]any, error) {
	list, err := catalog.Expand(g.r.Catalog.ListPath, path)
	if err != nil {
		return nil, err
	}
	for m, err := range twilio.Items(ctx, api, Request{Host: g.r.Catalog.Host(), Path: list}, g.r.Catalog.ListKey, g.r.Catalog.List.PageSizeMax) {
		if err != nil {
			return nil, err
		}
		if m[field] == value {
			return m, nil
		}
	}
	return nil, nil
}

func copyPath(m map[string]string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// send posts the named inputs to the instance path (an update).
func (g generic) send(ctx context.Context, api API, path map[string]string, vals spec.Values, names []string) (map[string]any, error) {
	inst, err := g.instancePath(path)
	if err != nil {
		return nil, err
	}
	body, err := g.r.Encode(g.r.Catalog.Update.Body == "json", vals, names)
	if err != nil {
		return nil, err
	}
	return api.Do(ctx, Request{Method: http.MethodPost, Host: g.r.Catalog.Host(), Path: inst, Form: body.Form, JSON: body.JSON})
}

func idString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return fmt.Sprintf("%.0f", x)
	}
	return ""
}

// state is the resource's Pulumi state: every output (from the response)
// plus the inputs no response field reflects. In preview (out is nil)
// outputs are unknown unless an input gives them.
func (g generic) state(out map[string]any, inputs spec.Values, inputSecret map[string]bool, preview bool) property.Map {
	st := spec.Values{}
	for _, o := range g.r.Outputs {
		switch {
		case preview:
			st[o.Name] = spec.Unknown{}
			if v, ok := inputs[o.Name]; ok {
				st[o.Name] = v
			}
		default:
			st[o.Name] = out[o.Field]
		}
	}
	for k, v := range inputs {
		if g.r.Output(k) == nil {
			st[k] = v
		}
	}
	return toMap(st, func(k string) bool {
		if inputSecret[k] {
			return true
		}
		if o := g.r.Output(k); o != nil && o.Secret {
			return true
		}
		in := g.r.Input(k)
		return in != nil && in.Secret
	})
}

func (g generic) Read(ctx context.Context, api API, req p.ReadRequest) (p.ReadResponse, error) {
	path, err := g.locate(api, req.ID, req.Properties)
	if err != nil {
		return p.ReadResponse{}, err
	}
	if g.r.Catalog.Fetch == nil {
		// Nothing to read: Twilio has no GET for it. Keep the state.
		return p.ReadResponse{ID: req.ID, Properties: req.Properties, Inputs: req.Inputs}, nil
	}
	inst, err := g.instancePath(path)
	if err != nil {
		return p.ReadResponse{}, err
	}
	out, err := api.Do(ctx, Request{Method: http.MethodGet, Host: g.r.Catalog.Host(), Path: inst})
	if twilio.NotFound(err) {
		return p.ReadResponse{}, nil // gone: the engine drops it from the stack
	}
	if err != nil {
		return p.ReadResponse{}, fmt.Errorf("read %s %s: %w", g.r.Token, req.ID, err)
	}
	inputs, secrets := toValues(req.Inputs)
	// An import has no state yet; a refresh has (its inputs may be empty).
	importing := req.Properties.Len() == 0
	for _, in := range g.r.Inputs {
		if in.In == "path" {
			if _, had := inputs[in.Name]; had || (importing && (in.Param != spec.AccountSidParam || strings.Count(req.ID, "/") == len(g.r.Parents))) {
				inputs[in.Name] = path[in.Param]
			}
			continue
		}
		if in.Field == "" {
			continue
		}
		v := spec.FromResponse(in, out[in.Field])
		if _, had := inputs[in.Name]; had {
			inputs[in.Name] = v
		} else if importing && v != nil && v != "" && !in.UpdateOnly {
			inputs[in.Name] = v
		}
	}
	st := g.state(out, inputs, secrets, false)
	for _, o := range g.r.Outputs {
		if _, ok := out[o.Field]; !ok && o.OnlyOnCreate {
			st = st.Set(o.Name, req.Properties.Get(o.Name)) // shown once, at create
		}
	}
	return p.ReadResponse{ID: req.ID, Properties: st, Inputs: toMap(inputs, func(k string) bool {
		in := g.r.Input(k)
		return secrets[k] || (in != nil && in.Secret)
	})}, nil
}

func (g generic) Update(ctx context.Context, api API, req p.UpdateRequest) (p.UpdateResponse, error) {
	olds := g.oldInputs(req.OldInputs)
	news, secrets := toValues(req.Inputs)
	var names []string
	changed := false
	for _, c := range g.r.Diff(olds, news) {
		if in := g.r.Input(c.Name); in != nil && !c.Replace && in.In == "body" {
			names = append(names, c.Name)
			changed = true
			if c.Kind == "delete" {
				news[c.Name] = nil // clears the field
			}
		}
	}
	if !changed {
		return p.UpdateResponse{Properties: g.merge(req.State, news, secrets)}, nil
	}
	for _, in := range g.r.Inputs {
		if in.RequiredOnUpdate && !contains(names, in.Name) && news[in.Name] != nil {
			names = append(names, in.Name)
		}
	}
	if req.DryRun {
		if err := g.preflight(ctx, api, news); err != nil {
			return p.UpdateResponse{}, err
		}
		return p.UpdateResponse{Properties: g.merge(req.State, news, secrets)}, nil
	}
	path, err := g.locate(api, req.ID, req.State)
	if err != nil {
		return p.UpdateResponse{}, err
	}
	out, err := g.send(ctx, api, path, news, names)
	if err != nil {
		return p.UpdateResponse{}, fmt.Errorf("update %s %s: %w", g.r.Token, req.ID, err)
	}
	for k, v := range news {
		if v == nil {
			delete(news, k)
		}
	}
	st := g.state(out, news, secrets, false)
	for _, o := range g.r.Outputs {
		if _, ok := out[o.Field]; !ok && o.OnlyOnCreate {
			st = st.Set(o.Name, req.State.Get(o.Name))
		}
	}
	return p.UpdateResponse{Properties: st}, nil
}

// merge overlays new inputs on the old state, for updates that send nothing.
func (g generic) merge(state property.Map, news spec.Values, secrets map[string]bool) property.Map {
	st, stSecret := toValues(state)
	for k, v := range news {
		if v != nil {
			st[k] = v
		}
	}
	return toMap(st, func(k string) bool {
		o, in := g.r.Output(k), g.r.Input(k)
		return secrets[k] || stSecret[k] || (o != nil && o.Secret) || (in != nil && in.Secret)
	})
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func (g generic) Delete(ctx context.Context, api API, req p.DeleteRequest) error {
	if !g.r.Deletable() {
		p.GetLogger(ctx).Warningf("%s %s: Twilio has no DELETE for this resource; it is removed from the stack and left in Twilio", g.r.Token, req.ID)
		return nil
	}
	path, err := g.locate(api, req.ID, req.Properties)
	if err != nil {
		return err
	}
	inst, err := g.instancePath(path)
	if err != nil {
		return err
	}
	_, err = api.Do(ctx, Request{Method: http.MethodDelete, Host: g.r.Catalog.Host(), Path: inst})
	if err != nil && !twilio.NotFound(err) {
		return fmt.Errorf("delete %s %s: %w", g.r.Token, req.ID, err)
	}
	return nil
}
