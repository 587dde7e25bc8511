package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
)

// Finders are the lookups that are not a plain fetch and that programs
// reach for first: a number by its E.164 string, a TaskRouter activity by
// its friendly name (Twilio creates "Offline", "Available" and
// "Unavailable" in every workspace, so a program cannot know their SIDs),
// and the account of the provider's credentials. m must hold
// api/v2010:IncomingPhoneNumber and taskrouter/v1:WorkspaceActivity; c is
// the catalog the account's representation comes from.
func Finders(m *spec.Model, c *catalog.Catalog) ([]Function, error) {
	number := m.Resource("twilio:api/v2010:IncomingPhoneNumber")
	activity := m.Resource("twilio:taskrouter/v1:WorkspaceActivity")
	var account *catalog.Resource
	for _, r := range c.Resources {
		if r.Token() == "api/v2010:Account" {
			account = r
		}
	}
	if number == nil || activity == nil || account == nil {
		return nil, fmt.Errorf("finders: the catalog lacks IncomingPhoneNumber, WorkspaceActivity or Account")
	}
	return []Function{
		findOne{
			token: "twilio:index:getIncomingPhoneNumber", r: number, filter: "PhoneNumber", field: "phone_number",
			arg: "phoneNumber", argDesc: "The number in E.164 form (+15017122661).",
			desc: "Finds the account's IncomingPhoneNumber by its E.164 number (one request: the list filtered by PhoneNumber). Fails unless exactly one number matches.",
		},
		findOne{
			token: "twilio:taskrouter/v1:getWorkspaceActivityByName", r: activity, filter: "FriendlyName", field: "friendly_name",
			arg: "friendlyName", argDesc: "The Activity's friendly name: \"Offline\", \"Available\" and \"Unavailable\" exist in every workspace.",
			desc: "Finds a workspace's Activity by its friendly name (one request: the list filtered by FriendlyName). Fails unless exactly one Activity matches.",
		},
		getAccount{outs: catalogOutputs(account)},
	}, nil
}

// findOne lists a collection filtered by one parameter and returns the one
// item whose field equals the argument exactly (Twilio's filters may match
// in part: a PhoneNumber filter matches any number that contains it).
type findOne struct {
	token, desc   string
	r             *spec.Resource
	filter, field string // Twilio's filter parameter and the field it matches
	arg, argDesc  string
}

func (f findOne) Token() string { return f.token }

func (f findOne) Schema() schema.FunctionSpec {
	props := map[string]schema.PropertySpec{}
	required := append(parentArgs(f.r, props), f.arg)
	props[f.arg] = schema.PropertySpec{TypeSpec: schema.TypeSpec{Type: "string"}, Description: f.argDesc}
	return schema.FunctionSpec{
		Description: f.desc,
		Inputs:      &schema.ObjectTypeSpec{Type: "object", Properties: props, Required: required},
		Outputs:     &schema.ObjectTypeSpec{Type: "object", Properties: outputProperties(readOutputs(f.r)), Required: []string{f.r.IDName()}},
	}
}

func (f findOne) Invoke(ctx context.Context, api API, args spec.Values) (property.Map, error) {
	path, err := parentPath(api, f.r, args)
	if err != nil {
		return property.Map{}, err
	}
	want, _ := args[f.arg].(string)
	if want == "" {
		return property.Map{}, fmt.Errorf("%s is empty", f.arg)
	}
	// The cap is generous: a partial match may list many numbers, and
	// only the exact one counts.
	items, err := listItems(ctx, api, f.r.Catalog, path, url.Values{f.filter: {want}}, DefaultListLimit)
	if err != nil {
		return property.Map{}, err
	}
	var found []map[string]any
	for _, it := range items {
		if it[f.field] == want {
			found = append(found, it)
		}
	}
	switch len(found) {
	case 0:
		return property.Map{}, fmt.Errorf("no %s with %s %q at %s", f.r.Catalog.Type, f.field, want, where(path))
	case 1:
		return representation(readOutputs(f.r), found[0]), nil
	}
	return property.Map{}, fmt.Errorf("%d of %s have %s %q at %s; look it up by SID instead", len(found), f.r.Catalog.Type, f.field, want, where(path))
}

func where(path map[string]string) string {
	if len(path) == 0 {
		return "the account"
	}
	return fmt.Sprint(path)
}

// getAccount reads the provider's account (or another it may read): one
// GET. The auth token in the representation comes back as a secret.
type getAccount struct{ outs []*spec.Output }

func (getAccount) Token() string { return "twilio:index:getAccount" }

func (a getAccount) Schema() schema.FunctionSpec {
	return schema.FunctionSpec{
		Description: "Reads the Account of the provider's credentials, or the one named (one request: GET `/2010-04-01/Accounts/{Sid}.json`).",
		Inputs: &schema.ObjectTypeSpec{Type: "object", Properties: map[string]schema.PropertySpec{
			"sid": {TypeSpec: schema.TypeSpec{Type: "string"}, Description: "The Account SID; defaults to the provider's account."},
		}},
		Outputs: &schema.ObjectTypeSpec{Type: "object", Properties: outputProperties(a.outs), Required: []string{"sid"}},
	}
}

func (a getAccount) Invoke(ctx context.Context, api API, args spec.Values) (property.Map, error) {
	sid, _ := args["sid"].(string)
	if sid == "" {
		sid = api.AccountSID()
	}
	out, err := api.Do(ctx, Request{Method: http.MethodGet, Host: "api.twilio.com", Path: "/2010-04-01/Accounts/" + url.PathEscape(sid) + ".json"})
	if err != nil {
		return property.Map{}, err
	}
	return representation(a.outs, out), nil
}

// catalogOutputs are the outputs of a catalog resource the model does not
// offer as a resource (the Account, served as Subaccount).
func catalogOutputs(cr *catalog.Resource) []*spec.Output {
	var outs []*spec.Output
	seen := map[string]bool{}
	for _, p := range cr.Properties {
		name := spec.PropertyName(p.Name)
		if seen[name] {
			continue
		}
		seen[name] = true
		outs = append(outs, &spec.Output{Name: name, Field: p.Name, Type: p.Type, Items: p.Items, Format: p.Format,
			Enum: p.Enum, Secret: spec.Sensitive(p.Name), Description: p.Description})
	}
	return outs
}
