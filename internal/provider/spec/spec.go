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

// Kind is how the provider manages a resource type.
type Kind int

const (
	// Owned resources are created by a POST to their list and deleted on
	// destroy (when Twilio can delete them).
	Owned Kind = iota
	// Settings objects exist once per account or per parent (a
	// Conversations service's configuration) and Twilio can only fetch
	// and update them: create records the values the program replaces
	// and updates, destroy puts those values back by an update.
	Settings
)

// Resource is one resource type the provider offers.
type Resource struct {
	Token   string // "twilio:sync/v1:ServiceSyncMap"
	Kind    Kind
	Catalog *catalog.Resource
	Inputs  []*Input // path inputs first, then the rest by name
	Outputs []*Output
	// Parents are the path inputs, in path order. A settings object's
	// are every placeholder of its instance path.
	Parents []*Input

	inputs  map[string]*Input
	outputs map[string]*Output
}

// Model is every resource type generated from a catalog.
type Model struct {
	Resources []*Resource
	byToken   map[string]*Resource
}

// Managed reports whether the model must account for a catalog resource:
// offer it or exclude it with a reason. Those are the createable ones and
// the ones Twilio updates but cannot create (settings objects; runtime
// objects and actions to exclude). The rest are read-only (usage records,
// call logs, pricing): no program configures them.
func Managed(cr *catalog.Resource) bool { return cr.Createable() || cr.Update != nil }

// isSettings reports whether Twilio can fetch and update cr at its instance
// path but not create it: the fetch is what records the values to restore.
func isSettings(cr *catalog.Resource) bool {
	return !cr.Createable() && cr.InstancePath != "" && cr.Fetch != nil && cr.Update != nil
}

// Build makes the model of every managed catalog resource that is not in
// Excluded: a createable one as Owned, the others as Settings. It fails on
// a resource it cannot manage (no instance path or ID field), which means
// it must be excluded with a reason.
func Build(c *catalog.Catalog) (*Model, error) {
	m := &Model{byToken: map[string]*Resource{}}
	for _, cr := range c.Resources {
		if !Managed(cr) {
			continue
		}
		if _, ok := Excluded[cr.Token()]; ok {
			continue
		}
		build := buildResource
		if !cr.Createable() {
			build = buildSettings
		}
		r, err := build(cr)
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
	r := newResource(tok, Owned, cr)
	for _, name := range cr.ParentParams() {
		r.addParent(name)
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
	r.addBody(body)
	return r, nil
}

// newResource is a resource with cr's outputs and no inputs yet.
func newResource(tok string, kind Kind, cr *catalog.Resource) *Resource {
	r := &Resource{Token: tok, Kind: kind, Catalog: cr, inputs: map[string]*Input{}, outputs: map[string]*Output{}}
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
	return r
}

func (r *Resource) addParent(name string) {
	in := &Input{
		Name: PropertyName(name), Param: name, In: "path", Type: "string",
		Required: name != AccountSidParam, CreateOnly: true,
		Description: parentDescription(name),
	}
	r.Parents = append(r.Parents, in)
	r.add(in)
}

// addBody adds the body inputs by name, after the path inputs, and links
// every input to the response field that reflects it.
func (r *Resource) addBody(body []*Input) {
	for _, in := range body {
		in.Secret = in.Secret || secretParams[r.Catalog.Token()][in.Param]
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
}

// settingsSkipped are update parameters a settings object does not offer,
// each with the reason.
var settingsSkipped = map[string]map[string]string{
	// It picks the account the update applies to; the provider's
	// credentials pick it for every other resource, and the fetch that
	// records the previous values would read another account's.
	"insights/v1:AccountSettings": {"SubaccountSid": "configure a provider with the sub-account's credentials instead"},
}

// PreviousName is a settings object's output of the values its create
// replaced, which destroy restores.
const PreviousName = "previous"

// buildSettings models an object Twilio can fetch and update but not
// create. Every placeholder of its instance path is a path input (its ID is
// made of them; see ID), and its body inputs are the update's parameters
// that a fetch returns: the previous value of each is recorded at create
// and restored on destroy, so a parameter no field reflects
// ("NewMessage.Enabled" under new_message) is left out.
func buildSettings(cr *catalog.Resource) (*Resource, error) {
	tok := Package + ":" + cr.Token()
	if !isSettings(cr) {
		return nil, fmt.Errorf("%s: Twilio updates it but cannot fetch it, so the values an update replaces could not be recorded; add it to spec.Excluded with a reason", tok)
	}
	r := newResource(tok, Settings, cr)
	if r.outputs[PreviousName] != nil {
		return nil, fmt.Errorf("%s: a field named %q clashes with the recorded previous values; add it to spec.Excluded with a reason", tok, PreviousName)
	}
	for _, name := range catalog.PathParams(cr.InstancePath) {
		r.addParent(name)
		r.inputs[PropertyName(name)].Description = fmt.Sprintf("Whose settings these are (`%s` in the URL). "+
			"Changing it replaces the resource: the new one's settings are applied, the old one's previous values restored.", name)
	}
	var body []*Input
	for _, p := range cr.Update.Params {
		if p.In == "header" || settingsSkipped[cr.Token()][p.Name] != "" {
			continue
		}
		in := newInput(p, false, false, p.Required)
		if r.outputs[in.Name] == nil {
			continue // not readable: its previous value could not be restored
		}
		body = append(body, in)
	}
	r.addBody(body)
	if len(r.Inputs) == len(r.Parents) {
		return nil, fmt.Errorf("%s: no update parameter that a fetch returns; add it to spec.Excluded with a reason", tok)
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

// IDName is the output that holds the resource's own ID ("sid", "key"); ""
// for a settings object, whose ID is made of its path inputs.
func (r *Resource) IDName() string {
	if r.Kind == Settings {
		return ""
	}
	return PropertyName(r.Catalog.IDField)
}

// Deletable reports whether Twilio can delete the resource; the others are
// only removed from the stack.
func (r *Resource) Deletable() bool { return r.Catalog.Delete != nil }

// Updatable reports whether any input can change in place.
func (r *Resource) Updatable() bool { return r.Catalog.Update != nil }

// AccountWide reports whether the resource is a settings object of the
// account itself: no placeholder in its path (Conversations' account
// configuration). Its ID is the account's SID.
func (r *Resource) AccountWide() bool { return r.Kind == Settings && len(r.Parents) == 0 }

// idNames are the path placeholders an ID is made of, in order: the
// parents and the resource's own ID, or a settings object's every
// placeholder.
func (r *Resource) idNames() []string {
	var names []string
	for _, p := range r.Parents {
		names = append(names, p.Param)
	}
	if r.Kind == Settings {
		if len(names) == 0 {
			return []string{AccountSidParam}
		}
		return names
	}
	return append(names, r.Catalog.IDParam())
}

// IDFormat documents the ID a resource is imported with: the parent SIDs and
// its own ID joined by "/", without the 2010 API's account, which defaults
// to the provider's: "{serviceSid}/{mapSid}/{key}". A settings object's is
// its path inputs ("{chatServiceSid}"), or "{accountSid}" for one of the
// account itself.
func (r *Resource) IDFormat() string {
	var parts []string
	for _, p := range r.Parents {
		if p.Param == AccountSidParam {
			continue
		}
		parts = append(parts, "{"+p.Name+"}")
	}
	switch {
	case r.AccountWide():
		return "{accountSid}"
	case r.Kind == Settings:
		return strings.Join(parts, "/")
	}
	return strings.Join(append(parts, "{"+r.IDName()+"}"), "/")
}

// ID spells a resource's ID from its parents' values (by Twilio name) and its
// own ID value. Each part is path-escaped, so a map item key with a "/" stays
// one part. A settings object has no own ID (own is ignored): its ID is its
// path values, or the account SID (parents[AccountSid]) for one of the
// account itself, which is stable and says whose settings they are.
func (r *Resource) ID(parents map[string]string, own string) string {
	if r.AccountWide() {
		return url.PathEscape(parents[AccountSidParam])
	}
	var parts []string
	for _, p := range r.Parents {
		if p.Param == AccountSidParam {
			continue
		}
		parts = append(parts, url.PathEscape(parents[p.Param]))
	}
	if r.Kind == Settings {
		return strings.Join(parts, "/")
	}
	return strings.Join(append(parts, url.PathEscape(own)), "/")
}

// ParseID is the inverse of ID. A 2010 API ID may also start with the account
// SID ("AC.../PN..."), to import from another account. It returns the path
// values by Twilio name, the resource's own ID included under its placeholder
// (an account-wide settings object's account under AccountSid).
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
	names := r.idNames()
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
