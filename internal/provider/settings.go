package provider

import (
	"context"
	"fmt"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
)

// settings serves a settings object (spec.Settings): an object Twilio keeps
// once per account or parent, which it can fetch and update but not create
// or delete. Create reads it, records the previous value of each input the
// program sets (output "previous") and applies the inputs in one update;
// update sends what changed; read fetches; delete restores the recorded
// values in one update. Check and Diff are the catalog resource's.
type settings struct {
	generic
}

var _ Resource = settings{}

func (s settings) Schema() schema.ResourceSpec {
	rs := resourceSchema(s.r)
	rs.Properties[spec.PreviousName] = schema.PropertySpec{
		TypeSpec:    schema.TypeSpec{Type: "object", AdditionalProperties: &anyType},
		Description: "The values the program's inputs replaced, by input name, recorded at create (or when an input is first set); destroy restores them by an update.",
	}
	rs.Required = append(rs.Required, spec.PreviousName)
	return rs
}

// body are the values of the body inputs: the settings the program sets.
func (s settings) body(vals spec.Values) spec.Values {
	out := spec.Values{}
	for k, v := range vals {
		if in := s.r.Input(k); in != nil && in.In == "body" && v != nil {
			out[k] = v
		}
	}
	return out
}

// target finds the object from its ID; an account's own settings object
// must be the provider's account's.
func (s settings) target(api API, id string, state property.Map) (target, error) {
	path, err := s.locate(api, id, state)
	if err != nil {
		return target{}, err
	}
	if s.r.AccountWide() && path[spec.AccountSidParam] != api.AccountSID() {
		return target{}, fmt.Errorf("%s %s: the ID names account %s, but the provider's credentials are for %s; configure the provider for that account",
			s.r.Token, id, path[spec.AccountSidParam], api.AccountSID())
	}
	return newTarget(s.r, path), nil
}

func (s settings) withPrevious(st property.Map, previous spec.Values, t target) property.Map {
	return st.Set(spec.PreviousName, property.New(toMap(previous, t.secret)))
}

func (s settings) Create(ctx context.Context, api API, req p.CreateRequest) (p.CreateResponse, error) {
	vals, secrets := toValues(req.Properties)
	if req.DryRun {
		st := s.state(nil, vals, secrets, true)
		return p.CreateResponse{Properties: st.Set(spec.PreviousName, property.New(property.Computed))}, nil
	}
	path, err := s.pathValues(api, vals)
	if err != nil {
		return p.CreateResponse{}, err
	}
	path[spec.AccountSidParam] = api.AccountSID() // the ID of an account's own settings
	t := newTarget(s.r, path)
	id := s.r.ID(path, "")
	previous, out, err := t.apply(ctx, api, nil, s.body(vals))
	if err != nil {
		return p.CreateResponse{}, fmt.Errorf("apply %s %s: %w", s.r.Token, id, err)
	}
	return p.CreateResponse{ID: id, Properties: s.withPrevious(s.state(out, vals, secrets, false), previous, t)}, nil
}

func (s settings) Read(ctx context.Context, api API, req p.ReadRequest) (p.ReadResponse, error) {
	t, err := s.target(api, req.ID, req.Properties)
	if err != nil {
		return p.ReadResponse{}, err
	}
	resp, err := s.generic.Read(ctx, api, req)
	if err != nil || resp.ID == "" {
		return resp, err
	}
	// An import records nothing: destroy then leaves the object as it is.
	previous, _ := toValues(mapOf(req.Properties.Get(spec.PreviousName)))
	resp.Properties = s.withPrevious(resp.Properties, previous, t)
	return resp, nil
}

func (s settings) Update(ctx context.Context, api API, req p.UpdateRequest) (p.UpdateResponse, error) {
	olds, _ := toValues(req.OldInputs)
	news, secrets := toValues(req.Inputs)
	previous, _ := toValues(mapOf(req.State.Get(spec.PreviousName)))
	if req.DryRun {
		return p.UpdateResponse{Properties: s.merge(req.State, news, secrets)}, nil
	}
	t, err := s.target(api, req.ID, req.State)
	if err != nil {
		return p.UpdateResponse{}, err
	}
	previous, out, err := t.change(ctx, api, s.body(olds), s.body(news), previous)
	if err != nil {
		return p.UpdateResponse{}, fmt.Errorf("update %s %s: %w", s.r.Token, req.ID, err)
	}
	st := s.merge(req.State, news, secrets)
	if out != nil {
		st = s.state(out, news, secrets, false)
	}
	return p.UpdateResponse{Properties: s.withPrevious(st, previous, t)}, nil
}

func (s settings) Delete(ctx context.Context, api API, req p.DeleteRequest) error {
	t, err := s.target(api, req.ID, req.Properties)
	if err != nil {
		return err
	}
	previous, _ := toValues(mapOf(req.Properties.Get(spec.PreviousName)))
	if err := t.restore(ctx, api, previous); err != nil {
		return fmt.Errorf("%s %s: %w", s.r.Token, req.ID, err)
	}
	return nil
}
