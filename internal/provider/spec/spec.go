// Package spec turns the Twilio catalog into the provider's resource model:
// which resources are offered, their input and output properties with
// camelCase names, which inputs force a replacement, which fields are
// secrets, how IDs are spelled, and how property values become request
// parameters. It is pure: no Pulumi, no HTTP. The provider package adapts
// it to the Pulumi protocol and twilio-go.
package spec

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
)

// Package is the Pulumi package name; tokens are "twilio:<Module>:<Type>".
const Package = "twilio"

// AccountSidParam is the 2010 API's account placeholder. Unlike other parent
// SIDs it is optional: it defaults to the provider's account.
const AccountSidParam = "AccountSid"

// Input is one input property of a resource.
type Input struct {
	Name  string // property name: "friendlyName"
	Param string // Twilio parameter name: "FriendlyName"
	// In is "path" for a parent SID, "body" (form or JSON) otherwise.
	In          string
	Type        string // string, integer, number, boolean, array, object
	Items       string
	Format      string
	Enum        []string
	Required    bool // required to create
	Description string
	// CreateOnly inputs (and every path input) cannot be changed in
	// place: Twilio's update does not take them, so a change replaces.
	CreateOnly bool
	// UpdateOnly inputs are sent on update only (Twilio's create does not
	// take them); a create followed by an update sets them.
	UpdateOnly bool
	// RequiredOnUpdate inputs are sent with every update, changed or not.
	RequiredOnUpdate bool
	Secret           bool
	// Field is the response field that reflects the input, "" if none;
	// refresh reads drift from it.
	Field string
}

// Output is one output property: a field of the resource's representation.
type Output struct {
	Name        string // "friendlyName"
	Field       string // "friendly_name"
	Type        string
	Items       string
	Format      string
	Enum        []string
	Secret      bool
	Description string
	// OnlyOnCreate fields are in the create response only (an API key's
	// secret); later reads keep the value recorded at create.
	OnlyOnCreate bool
}

// createOutputs are fields of a create response that the catalog, built
// from the instance representation, lacks: Twilio shows a new key's
// secret once.
var createOutputs = map[string][]*Output{
	"api/v2010:Key":        {{Name: "secret", Field: "secret", Type: "string", Secret: true, OnlyOnCreate: true, Description: "The secret of the new key; Twilio returns it only when the key is created."}},
	"api/v2010:SigningKey": {{Name: "secret", Field: "secret", Type: "string", Secret: true, OnlyOnCreate: true, Description: "The secret of the new signing key; Twilio returns it only when the key is created."}},
	"iam/v1:Key":           {{Name: "secret", Field: "secret", Type: "string", Secret: true, OnlyOnCreate: true, Description: "The secret of the new key; Twilio returns it only when the key is created."}},
}

// secretParams are parameters that hold a credential under a name the
// Sensitive rule cannot tell from a plain one: a Microvisor secret's Value
// (the API never returns it; its config twin's Value is not secret).
var secretParams = map[string]map[string]bool{
	"microvisor/v1:AccountSecret": {"Value": true},
	"microvisor/v1:DeviceSecret":  {"Value": true},
}

// Resource is one resource type the provider offers.
type Resource struct {
	Token   string // "twilio:sync/v1:ServiceSyncMap"
	Catalog *catalog.Resource
	Inputs  []*Input // path inputs first, then the rest by name
	Outputs []*Output
	// Parents are the path inputs, in path order.
	Parents []*Input

	inputs  map[string]*Input
	outputs map[string]*Output
}

// Model is every resource type generated from a catalog.
type Model struct {
	Resources []*Resource
	byToken   map[string]*Resource
}

// Build makes the model of every createable catalog resource that is not in
// Excluded. It fails on a resource it cannot manage (no instance path or ID
// field), which means it must be excluded with a reason.
func Build(c *catalog.Catalog) (*Model, error) {
	m := &Model{byToken: map[string]*Resource{}}
	for _, cr := range c.Resources {
		if !cr.Createable() {
			continue
		}
		if _, ok := Excluded[cr.Token()]; ok {
			continue
		}
		r, err := buildResource(cr)
		if err != nil {
			return nil, err
		}
		m.Resources = append(m.Resources, r)
		m.byToken[r.Token] = r
	}
	sort.Slice(m.Resources, func(i, j int) bool { return m.Resources[i].Token < m.Resources[j].Token })
	return m, nil
}

// Resource returns the resource type of a token, or nil.
func (m *Model) Resource(token string) *Resource { return m.byToken[token] }

func buildResource(cr *catalog.Resource) (*Resource, error) {
	tok := Package + ":" + cr.Token()
	if cr.InstancePath == "" || cr.IDField == "" {
		return nil, fmt.Errorf("%s: no instance path or ID field; add it to spec.Excluded with a reason", tok)
	}
	r := &Resource{Token: tok, Catalog: cr, inputs: map[string]*Input{}, outputs: map[string]*Output{}}
	for _, p := range cr.Properties {
		o := &Output{
			Name: PropertyName(p.Name), Field: p.Name, Type: p.Type, Items: p.Items, Format: p.Format,
			Enum: p.Enum, Secret: Sensitive(p.Name), Description: p.Description,
		}
		if _, dup := r.outputs[o.Name]; dup {
			continue
		}
		r.Outputs = append(r.Outputs, o)
		r.outputs[o.Name] = o
	}
	for _, o := range createOutputs[cr.Token()] {
		if _, dup := r.outputs[o.Name]; !dup {
			o := *o
			r.Outputs = append(r.Outputs, &o)
			r.outputs[o.Name] = &o
		}
	}
	for _, name := range cr.ParentParams() {
		in := &Input{
			Name: PropertyName(name), Param: name, In: "path", Type: "string",
			Required: name != AccountSidParam, CreateOnly: true,
			Description: parentDescription(name),
		}
		r.Parents = append(r.Parents, in)
		r.add(in)
	}
	update := map[string]*catalog.Param{}
	if cr.Update != nil {
		for _, p := range cr.Update.Params {
			update[p.Name] = p
		}
	}
	var body []*Input
	for _, p := range cr.Create.Params {
		if p.In == "header" {
			continue // webhook toggles and metadata headers are not configuration
		}
		up := update[p.Name]
		body = append(body, newInput(p, up == nil, false, up != nil && up.Required))
	}
	if cr.Update != nil {
		for _, p := range cr.Update.Params {
			if p.In == "header" || cr.Create.Param(p.Name) != nil {
				continue
			}
			body = append(body, newInput(p, false, true, p.Required))
		}
	}
	for _, in := range body {
		in.Secret = in.Secret || secretParams[cr.Token()][in.Param]
	}
	sort.Slice(body, func(i, j int) bool { return body[i].Name < body[j].Name })
	for _, in := range body {
		if _, dup := r.inputs[in.Name]; dup {
			// A path parameter wins over a body parameter of the same
			// name (the 2010 update's AccountSid moves a number to
			// another account; we do not offer that).
			continue
		}
		r.add(in)
	}
	for _, in := range r.Inputs {
		if o := r.outputs[in.Name]; o != nil {
			in.Field = o.Field
		}
	}
	return r, nil
}

func newInput(p *catalog.Param, createOnly, updateOnly, requiredOnUpdate bool) *Input {
	return &Input{
		Name: PropertyName(p.Name), Param: p.Name, In: "body", Type: p.Type, Items: p.Items,
		Format: p.Format, Enum: p.Enum, Required: p.Required && !updateOnly, Description: p.Description,
		CreateOnly: createOnly, UpdateOnly: updateOnly, RequiredOnUpdate: requiredOnUpdate,
		Secret: Sensitive(p.Name),
	}
}

func (r *Resource) add(in *Input) {
	r.Inputs = append(r.Inputs, in)
	r.inputs[in.Name] = in
}

func parentDescription(param string) string {
	if param == AccountSidParam {
		return "The SID of the Account the resource belongs to; defaults to the provider's account. Changing it replaces the resource."
	}
	return fmt.Sprintf("The %s of the parent resource (`%s` in the URL). Changing it replaces the resource.", param, param)
}

// Input returns the named input, or nil.
func (r *Resource) Input(name string) *Input { return r.inputs[name] }

// Output returns the named output, or nil.
func (r *Resource) Output(name string) *Output { return r.outputs[name] }

// IDName is the output that holds the resource's own ID ("sid", "key").
func (r *Resource) IDName() string { return PropertyName(r.Catalog.IDField) }

// Deletable reports whether Twilio can delete the resource; the others are
// only removed from the stack.
func (r *Resource) Deletable() bool { return r.Catalog.Delete != nil }

// Updatable reports whether any input can change in place.
func (r *Resource) Updatable() bool { return r.Catalog.Update != nil }

// IDFormat documents the ID a resource is imported with: the parent SIDs and
// its own ID joined by "/", without the 2010 API's account, which defaults
// to the provider's: "{serviceSid}/{mapSid}/{key}".
func (r *Resource) IDFormat() string {
	var parts []string
	for _, p := range r.Parents {
		if p.Param == AccountSidParam {
			continue
		}
		parts = append(parts, "{"+p.Name+"}")
	}
	return strings.Join(append(parts, "{"+r.IDName()+"}"), "/")
}

// ID spells a resource's ID from its parents' values (by Twilio name) and its
// own ID value. Each part is path-escaped, so a map item key with a "/" stays
// one part.
func (r *Resource) ID(parents map[string]string, own string) string {
	var parts []string
	for _, p := range r.Parents {
		if p.Param == AccountSidParam {
			continue
		}
		parts = append(parts, url.PathEscape(parents[p.Param]))
	}
	return strings.Join(append(parts, url.PathEscape(own)), "/")
}

// ParseID is the inverse of ID. A 2010 API ID may also start with the account
// SID ("AC.../PN..."), to import from another account. It returns the path
// values by Twilio name, the resource's own ID included under its placeholder.
func (r *Resource) ParseID(id string) (map[string]string, error) {
	raw := strings.Split(id, "/")
	parts := make([]string, len(raw))
	for i, s := range raw {
		u, err := url.PathUnescape(s)
		if err != nil || u == "" {
			return nil, fmt.Errorf("ID %q of %s: want %s", id, r.Token, r.IDFormat())
		}
		parts[i] = u
	}
	var names []string
	for _, p := range r.Parents {
		names = append(names, p.Param)
	}
	names = append(names, r.Catalog.IDParam())
	if len(names) > 0 && names[0] == AccountSidParam && len(parts) == len(names)-1 {
		names = names[1:]
	}
	if len(parts) != len(names) {
		return nil, fmt.Errorf("ID %q of %s: want %s", id, r.Token, r.IDFormat())
	}
	out := make(map[string]string, len(names))
	for i, n := range names {
		out[n] = parts[i]
	}
	return out, nil
}
