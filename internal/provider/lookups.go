package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
	"github.com/tdeploy/twilio-deploy-action/internal/twilio"
)

// DefaultListLimit is the most items a list function returns when the
// program sets no limit. A longer list is an error, not a silent cut.
const DefaultListLimit = 1000

// LimitArg is the list functions' cap on the number of items.
const LimitArg = "limit"

// pagingParams are a list's paging parameters: the walk sets them itself.
var pagingParams = map[string]bool{"PageSize": true, "Page": true, "PageToken": true}

// CatalogFunctions are the lookups generated from the model: for every
// resource Twilio can read back, get<Type> (one by its ID path), and for
// every one Twilio lists, list<Types> (a collection with the list's own
// filters, paged to the end).
func CatalogFunctions(m *spec.Model) []Function {
	var out []Function
	for _, r := range m.Resources {
		if r.Catalog.Fetch != nil {
			out = append(out, getFunction{r: r})
		}
		if r.Catalog.List != nil && r.Catalog.ListKey != "" {
			out = append(out, listFunction{r: r})
		}
	}
	return out
}

// functionToken is a lookup's token next to its resource's:
// "twilio:taskrouter/v1:WorkspaceActivity" gives
// "twilio:taskrouter/v1:getWorkspaceActivity".
func functionToken(resourceToken, verb, suffix string) string {
	i := strings.LastIndex(resourceToken, ":")
	return resourceToken[:i+1] + verb + resourceToken[i+1:] + suffix
}

// plural spells the plural of a type name's last word: Activity gives
// Activities, Address Addresses, Service Services.
func plural(name string) string {
	switch {
	case strings.HasSuffix(name, "y") && len(name) > 1 && !strings.ContainsRune("aeiou", rune(name[len(name)-2])):
		return name[:len(name)-1] + "ies"
	case strings.HasSuffix(name, "s"), strings.HasSuffix(name, "x"), strings.HasSuffix(name, "ch"), strings.HasSuffix(name, "sh"):
		return name + "es"
	}
	return name + "s"
}

// outputProperties are the schema properties of a representation's fields.
func outputProperties(outs []*spec.Output) map[string]schema.PropertySpec {
	props := make(map[string]schema.PropertySpec, len(outs))
	for _, o := range outs {
		props[o.Name] = schema.PropertySpec{TypeSpec: typeSpec(o.Type, o.Items), Description: o.Description, Secret: o.Secret}
	}
	return props
}

// briefProperties are outputProperties without descriptions, for the
// lookups of a resource whose schema describes the same fields: the
// package schema, which the engine reads on every run, stays a quarter
// smaller (compact JSON: 1.28 MB with them, 0.98 MB without, 0.61 MB
// before there were lookups).
func briefProperties(outs []*spec.Output) map[string]schema.PropertySpec {
	props := outputProperties(outs)
	for k, ps := range props {
		ps.Description = ""
		props[k] = ps
	}
	return props
}

// representation converts a Twilio object to the outputs, marking secret
// fields (an account's auth token) as secrets.
func representation(outs []*spec.Output, obj map[string]any) property.Map {
	m := make(map[string]property.Value, len(outs))
	for _, o := range outs {
		if o.OnlyOnCreate {
			continue // a create response's field: a read never has it
		}
		v := fromGo(obj[o.Field])
		if o.Secret && !v.IsNull() {
			v = v.WithSecret(true)
		}
		m[o.Name] = v
	}
	return property.NewMap(m)
}

func readOutputs(r *spec.Resource) []*spec.Output {
	var outs []*spec.Output
	for _, o := range r.Outputs {
		if !o.OnlyOnCreate {
			outs = append(outs, o)
		}
	}
	return outs
}

// parentArgs are the path inputs of a lookup; the 2010 account is optional.
func parentArgs(r *spec.Resource, props map[string]schema.PropertySpec) []string {
	var required []string
	for _, in := range r.Parents {
		d := fmt.Sprintf("The %s of the parent resource (`%s` in the URL).", in.Param, in.Param)
		if in.Param == spec.AccountSidParam {
			d = "The SID of the Account to look in; defaults to the provider's account."
		}
		props[in.Name] = schema.PropertySpec{TypeSpec: schema.TypeSpec{Type: "string"}, Description: d}
		if in.Required {
			required = append(required, in.Name)
		}
	}
	return required
}

// parentPath reads the path values of the parents from the arguments.
func parentPath(api API, r *spec.Resource, args spec.Values) (map[string]string, error) {
	return generic{r: r}.pathValues(api, args)
}

// getFunction reads one catalog resource by its ID path: one GET.
type getFunction struct{ r *spec.Resource }

func (f getFunction) Token() string { return functionToken(f.r.Token, "get", "") }

func (f getFunction) Schema() schema.FunctionSpec {
	props := map[string]schema.PropertySpec{}
	required := parentArgs(f.r, props)
	// A settings object has no own ID: its path inputs (none for an
	// account's own) address it.
	var outRequired []string
	if id := f.r.IDName(); id != "" {
		props[id] = schema.PropertySpec{TypeSpec: schema.TypeSpec{Type: "string"}, Description: fmt.Sprintf("The %s of the %s to read.", f.r.Catalog.IDField, f.r.Catalog.Type)}
		required = append(required, id)
		outRequired = []string{id}
	}
	return schema.FunctionSpec{
		Description: fmt.Sprintf("Reads one %s by its ID path (one request: GET `%s` on %s); its outputs are the resource's.", f.r.Token, f.r.Catalog.InstancePath, f.r.Catalog.Host()),
		Inputs:      &schema.ObjectTypeSpec{Type: "object", Properties: props, Required: required},
		Outputs:     &schema.ObjectTypeSpec{Type: "object", Properties: briefProperties(readOutputs(f.r)), Required: outRequired},
	}
}

func (f getFunction) Invoke(ctx context.Context, api API, args spec.Values) (property.Map, error) {
	path, err := parentPath(api, f.r, args)
	if err != nil {
		return property.Map{}, err
	}
	if id := f.r.IDName(); id != "" {
		path[f.r.Catalog.IDParam()], _ = args[id].(string)
	}
	inst, err := catalog.Expand(f.r.Catalog.InstancePath, path)
	if err != nil {
		return property.Map{}, err
	}
	out, err := api.Do(ctx, Request{Method: http.MethodGet, Host: f.r.Catalog.Host(), Path: inst})
	if err != nil {
		return property.Map{}, err
	}
	return representation(readOutputs(f.r), out), nil
}

// listFunction lists a catalog collection with its filters, every page.
type listFunction struct{ r *spec.Resource }

func (f listFunction) Token() string {
	t := f.r.Token[strings.LastIndex(f.r.Token, ":")+1:]
	return f.r.Token[:strings.LastIndex(f.r.Token, ":")+1] + "list" + plural(t)
}

// itemType names the type of one listed item: "ListWorkspaceActivitiesItem".
func (f listFunction) itemType() string {
	tok := f.Token()
	i := strings.LastIndex(tok, ":")
	n := []rune(tok[i+1:])
	n[0] = unicode.ToUpper(n[0])
	return tok[:i+1] + string(n) + "Item"
}

// filters are the list operation's query parameters, paging excepted.
func (f listFunction) filters() []*catalog.Param {
	var out []*catalog.Param
	for _, p := range f.r.Catalog.List.Params {
		if p.In == "query" && !pagingParams[p.Name] {
			out = append(out, p)
		}
	}
	return out
}

func (f listFunction) Schema() schema.FunctionSpec {
	props := map[string]schema.PropertySpec{}
	required := parentArgs(f.r, props)
	for _, p := range f.filters() {
		name := filterName(p.Name)
		if _, dup := props[name]; dup {
			continue
		}
		props[name] = schema.PropertySpec{TypeSpec: typeSpec(p.Type, p.Items),
			Description: strings.TrimSpace(p.Description + fmt.Sprintf(" (Twilio filter `%s`.)", p.Name))}
	}
	props[LimitArg] = schema.PropertySpec{TypeSpec: schema.TypeSpec{Type: "integer"},
		Description: fmt.Sprintf("The most items to return (default %d); a list with more is an error rather than a silent cut.", DefaultListLimit)}
	size := f.r.Catalog.List.PageSizeMax
	return schema.FunctionSpec{
		Description: fmt.Sprintf("Lists %s (GET `%s` on %s, every page: one request per %d items).", f.r.Token, f.r.Catalog.ListPath, f.r.Catalog.Host(), max(size, 50)),
		Inputs:      &schema.ObjectTypeSpec{Type: "object", Properties: props, Required: required},
		Outputs: &schema.ObjectTypeSpec{Type: "object", Required: []string{"items"}, Properties: map[string]schema.PropertySpec{
			"items": {TypeSpec: schema.TypeSpec{Type: "array", Items: &schema.TypeSpec{Ref: "#/types/" + f.itemType()}}, Description: "The items, in Twilio's order."},
		}},
	}
}

func (f listFunction) Types() map[string]schema.ComplexTypeSpec {
	return map[string]schema.ComplexTypeSpec{f.itemType(): {ObjectTypeSpec: schema.ObjectTypeSpec{
		Type: "object", Description: fmt.Sprintf("One %s in a list; its fields are the resource's outputs.", f.r.Token),
		Properties: briefProperties(readOutputs(f.r)),
	}}}
}

func (f listFunction) Invoke(ctx context.Context, api API, args spec.Values) (property.Map, error) {
	path, err := parentPath(api, f.r, args)
	if err != nil {
		return property.Map{}, err
	}
	form := url.Values{}
	for _, p := range f.filters() {
		if v, ok := args[filterName(p.Name)]; ok && v != nil {
			vs, err := queryValues(v)
			if err != nil {
				return property.Map{}, fmt.Errorf("%s: %w", filterName(p.Name), err)
			}
			form[p.Name] = vs
		}
	}
	limit, err := limitOf(args)
	if err != nil {
		return property.Map{}, err
	}
	items, err := listItems(ctx, api, f.r.Catalog, path, form, limit)
	if err != nil {
		return property.Map{}, err
	}
	outs := readOutputs(f.r)
	vals := make([]property.Value, len(items))
	for i, it := range items {
		vals[i] = property.New(representation(outs, it))
	}
	return property.NewMap(map[string]property.Value{"items": property.New(vals)}), nil
}

// filterName is a filter's argument name: Twilio's range filters
// "DateCreated<" and "DateCreated>" become dateCreatedBefore and
// dateCreatedAfter next to dateCreated.
func filterName(param string) string {
	switch {
	case strings.HasSuffix(param, "<"):
		return spec.PropertyName(strings.TrimSuffix(param, "<")) + "Before"
	case strings.HasSuffix(param, ">"):
		return spec.PropertyName(strings.TrimSuffix(param, ">")) + "After"
	}
	return spec.PropertyName(param)
}

func limitOf(args spec.Values) (int, error) {
	v, ok := args[LimitArg]
	if !ok || v == nil {
		return DefaultListLimit, nil
	}
	n, ok := v.(float64)
	if !ok || n < 1 || n != float64(int(n)) {
		return 0, fmt.Errorf("%s must be a positive integer, got %v", LimitArg, v)
	}
	return int(n), nil
}

// listItems walks a list to its end with the largest page it accepts (so
// most lists take one request) and fails on the item past limit.
func listItems(ctx context.Context, api API, cr *catalog.Resource, path map[string]string, form url.Values, limit int) ([]map[string]any, error) {
	list, err := catalog.Expand(cr.ListPath, path)
	if err != nil {
		return nil, err
	}
	size := twilio.MaxPageSize
	if cr.List != nil && cr.List.PageSizeMax > 0 {
		size = cr.List.PageSizeMax
	}
	size = min(size, limit+1)
	var out []map[string]any
	for m, err := range twilio.Items(ctx, api, Request{Host: cr.Host(), Path: list, Form: form}, cr.ListKey, size) {
		if err != nil {
			return nil, err
		}
		if len(out) == limit {
			return nil, fmt.Errorf("more than %d items at %s; narrow the filters or raise %s", limit, list, LimitArg)
		}
		out = append(out, m)
	}
	return out, nil
}

// queryValues spells a filter's value as Twilio's query takes it.
func queryValues(v any) ([]string, error) {
	switch x := v.(type) {
	case string:
		return []string{x}, nil
	case bool:
		return []string{strconv.FormatBool(x)}, nil
	case float64:
		return []string{strconv.FormatFloat(x, 'f', -1, 64)}, nil
	case []any:
		var out []string
		for _, e := range x {
			s, err := queryValues(e)
			if err != nil {
				return nil, err
			}
			out = append(out, s...)
		}
		return out, nil
	}
	return nil, fmt.Errorf("cannot send %T as a filter", v)
}
