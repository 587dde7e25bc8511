package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
	"github.com/tdeploy/twilio-deploy-action/internal/twilio"
)

// Buying phone numbers by search: the lookup searchAvailablePhoneNumbers
// and the resource PhoneNumber share the search criteria and the one
// request that runs them (GET AvailablePhoneNumbers/{Country}/{Type}.json).

// numberKinds maps the criteria's type to the list Twilio serves it from.
var numberKinds = map[string]string{"local": "Local", "mobile": "Mobile", "tollFree": "TollFree"}

// numberCapabilities maps a capability to Twilio's search filter.
var numberCapabilities = map[string]string{"sms": "SmsEnabled", "mms": "MmsEnabled", "voice": "VoiceEnabled", "fax": "FaxEnabled"}

// criteriaNames are the criteria's input names, in schema order.
var criteriaNames = []string{"country", "type", "areaCode", "contains", "capabilities"}

var (
	countryPattern  = regexp.MustCompile(`^[A-Z]{2}$`)
	containsPattern = regexp.MustCompile(`^\+?[0-9A-Za-z*]{2,}$`)
)

// criteria are a search for available numbers.
type criteria struct {
	Country      string   // ISO 3166-1 alpha-2: "US"
	Kind         string   // "local" (the default), "mobile", "tollFree"
	AreaCode     string   // digits; "" for any
	Contains     string   // Twilio's pattern; "" for any
	Capabilities []string // sms, mms, voice, fax: each must be enabled
}

// criteriaSchema describes the criteria's inputs.
func criteriaSchema() map[string]schema.PropertySpec {
	str := schema.TypeSpec{Type: "string"}
	return map[string]schema.PropertySpec{
		"country": {TypeSpec: str, Description: "The ISO 3166-1 alpha-2 country code of the numbers (`US`, `GB`)."},
		"type":    {TypeSpec: str, Description: "The kind of number: `local` (the default), `mobile` or `tollFree`; Twilio does not sell every kind in every country."},
		"areaCode": {TypeSpec: schema.TypeSpec{Type: "integer"},
			Description: "Only numbers in this area code (Twilio filter `AreaCode`; US and Canada)."},
		"contains": {TypeSpec: str,
			Description: "Only numbers matching this pattern (Twilio filter `Contains`): at least two characters of digits, `*` for any one digit, and letters, which stand for their keypad digits (`STORM` is 78676); a leading `+` matches from the number's start (`+1415555****`). Quote it in YAML."},
		"capabilities": {TypeSpec: schema.TypeSpec{Type: "array", Items: &str},
			Description: "Capabilities each number must have: `sms`, `mms`, `voice`, `fax` (Twilio filters `SmsEnabled`, `MmsEnabled`, ...)."},
	}
}

// parseCriteria reads the criteria from known values; the type checker has
// checked their types.
func parseCriteria(vals spec.Values) (criteria, error) {
	c := criteria{Kind: "local"}
	c.Country, _ = vals["country"].(string)
	if !countryPattern.MatchString(c.Country) {
		return c, fmt.Errorf("country %q: use the two-letter ISO code in capitals, such as US or GB", c.Country)
	}
	if k, ok := vals["type"].(string); ok {
		if numberKinds[k] == "" {
			return c, fmt.Errorf("type %q: use local, mobile or tollFree", k)
		}
		c.Kind = k
	}
	if n, ok := vals["areaCode"].(float64); ok {
		if n < 1 || n != float64(int(n)) {
			return c, fmt.Errorf("areaCode %v: use the area code's digits, such as 415", n)
		}
		c.AreaCode = strconv.Itoa(int(n))
	}
	if s, ok := vals["contains"].(string); ok {
		if !containsPattern.MatchString(s) {
			return c, fmt.Errorf("contains %q: use at least two digits, letters or *, with an optional leading +", s)
		}
		c.Contains = s
	}
	if caps, ok := vals["capabilities"].([]any); ok {
		for _, x := range caps {
			s, _ := x.(string)
			if numberCapabilities[s] == "" {
				return c, fmt.Errorf("capabilities: %q is not one of sms, mms, voice, fax", s)
			}
			c.Capabilities = append(c.Capabilities, s)
		}
	}
	return c, nil
}

// request is the search: one GET of at most size numbers.
func (c criteria) request(account string, size int) Request {
	form := url.Values{"PageSize": {strconv.Itoa(size)}}
	if c.AreaCode != "" {
		form.Set("AreaCode", c.AreaCode)
	}
	if c.Contains != "" {
		form.Set("Contains", c.Contains)
	}
	for _, capability := range c.Capabilities {
		form.Set(numberCapabilities[capability], "true")
	}
	path := "/2010-04-01/Accounts/" + url.PathEscape(account) + "/AvailablePhoneNumbers/" + url.PathEscape(c.Country) + "/" + numberKinds[c.Kind] + ".json"
	return Request{Method: http.MethodGet, Host: "api.twilio.com", Path: path, Form: form}
}

// String names the search in messages.
func (c criteria) String() string {
	s := c.Kind + " numbers in " + c.Country
	if c.AreaCode != "" {
		s += " with area code " + c.AreaCode
	}
	if c.Contains != "" {
		s += " matching " + strconv.Quote(c.Contains)
	}
	if len(c.Capabilities) > 0 {
		s += " with " + strings.Join(c.Capabilities, ", ")
	}
	return s
}

// search runs the criteria: the first size numbers Twilio offers.
func (c criteria) search(ctx context.Context, api API, size int) ([]map[string]any, error) {
	out, err := api.Do(ctx, c.request(api.AccountSID(), size))
	if err != nil {
		return nil, fmt.Errorf("search %s: %w", c, err)
	}
	raw, _ := out["available_phone_numbers"].([]any)
	var items []map[string]any
	for _, x := range raw {
		if m, ok := x.(map[string]any); ok && len(items) < size {
			items = append(items, m)
		}
	}
	return items, nil
}

// DefaultSearchLimit is how many numbers searchAvailablePhoneNumbers
// returns when the program sets no limit.
const DefaultSearchLimit = 20

// SearchNumbersToken is the lookup of available numbers.
const SearchNumbersToken = "twilio:index:searchAvailablePhoneNumbers"

// SearchNumbers is the lookup of numbers the account could buy: one
// request, the first page of Twilio's search (Twilio offers a sample of
// matches, not all of them: it has no further pages to walk). outs are the
// representation of an available number (the catalog's Local one; the
// Mobile and TollFree lists have the same fields).
type SearchNumbers struct{ outs []*spec.Output }

var _ Function = SearchNumbers{}

// NewSearchNumbers builds the lookup from the catalog.
func NewSearchNumbers(c *catalog.Catalog) (SearchNumbers, error) {
	for _, r := range c.Resources {
		if r.Token() == "api/v2010:AvailablePhoneNumberCountryAvailablePhoneNumberLocal" {
			return SearchNumbers{outs: catalogOutputs(r)}, nil
		}
	}
	return SearchNumbers{}, errors.New("search numbers: the catalog lacks the AvailablePhoneNumbers Local list")
}

func (SearchNumbers) Token() string { return SearchNumbersToken }

const availableNumberType = "twilio:index:AvailablePhoneNumber"

func (f SearchNumbers) Schema() schema.FunctionSpec {
	props := criteriaSchema()
	props[LimitArg] = schema.PropertySpec{TypeSpec: schema.TypeSpec{Type: "integer"},
		Description: fmt.Sprintf("The most numbers to return (default %d, at most %d); Twilio returns a sample of the matches, in its order.", DefaultSearchLimit, twilio.MaxPageSize)}
	return schema.FunctionSpec{
		Description: "Searches the numbers the provider's account could buy (one request: GET `/2010-04-01/Accounts/{AccountSid}/AvailablePhoneNumbers/{Country}/{Local|Mobile|TollFree}.json`). It only reads, so it runs in preview too. To buy one, use twilio:index:PhoneNumber with the same criteria.",
		Inputs:      &schema.ObjectTypeSpec{Type: "object", Properties: props, Required: []string{"country"}},
		Outputs: &schema.ObjectTypeSpec{Type: "object", Required: []string{"items"}, Properties: map[string]schema.PropertySpec{
			"items": {TypeSpec: schema.TypeSpec{Type: "array", Items: &schema.TypeSpec{Ref: "#/types/" + availableNumberType}}, Description: "The numbers, in Twilio's order; empty when none matches."},
		}},
	}
}

func (f SearchNumbers) Types() map[string]schema.ComplexTypeSpec {
	return map[string]schema.ComplexTypeSpec{availableNumberType: {ObjectTypeSpec: schema.ObjectTypeSpec{
		Type: "object", Description: "A number the account could buy, as Twilio's AvailablePhoneNumbers lists show it.",
		Properties: outputProperties(f.outs),
	}}}
}

func (f SearchNumbers) Invoke(ctx context.Context, api API, args spec.Values) (property.Map, error) {
	c, err := parseCriteria(args)
	if err != nil {
		return property.Map{}, err
	}
	limit := DefaultSearchLimit
	if _, ok := args[LimitArg]; ok {
		if limit, err = limitOf(args); err != nil {
			return property.Map{}, err
		}
	}
	items, err := c.search(ctx, api, min(limit, twilio.MaxPageSize))
	if err != nil {
		return property.Map{}, err
	}
	vals := make([]property.Value, len(items))
	for i, it := range items {
		vals[i] = property.New(representation(f.outs, it))
	}
	return property.NewMap(map[string]property.Value{"items": property.New(vals)}), nil
}

// PhoneNumberToken is the number bought by search.
const PhoneNumberToken = "twilio:index:PhoneNumber"

// AllowInPREnvArg lets a program buy numbers in a pull request environment.
const AllowInPREnvArg = "allowInPullRequestEnvironment"

// PhoneNumber buys the first available number that matches its search
// criteria, once, and then manages it as an IncomingPhoneNumber: its
// settings (smsUrl, voiceUrl, ...) are updates of that number, delete
// releases it. The criteria only choose the number to buy: once bought,
// changing them changes nothing (`pulumi up --replace <urn>` buys anew).
// It is a resource of its own rather than search inputs on the
// IncomingPhoneNumber, whose phoneNumber replaces it on every change.
type PhoneNumber struct {
	// Number is the model's api/v2010:IncomingPhoneNumber.
	Number *spec.Resource
	// PREnvironment is the pull request environment the provider runs
	// in (prenv.EnvVar), "" outside one: a purchase there is refused
	// unless the program allows it.
	PREnvironment string
}

var _ Resource = PhoneNumber{}

func (n PhoneNumber) Token() string { return PhoneNumberToken }

func (n PhoneNumber) g() generic { return generic{r: n.Number} }

// notSettings are the IncomingPhoneNumber's inputs the search stands for.
var notSettings = map[string]string{
	"phoneNumber": "the search chooses the number; to manage a number you chose, use twilio:api/v2010:IncomingPhoneNumber",
	"areaCode":    "", // a criterion here
}

func (n PhoneNumber) Schema() schema.ResourceSpec {
	rs := resourceSchema(n.Number)
	delete(rs.InputProperties, "phoneNumber")
	rs.Description = "A phone number bought by search, once: on create the provider searches the numbers the account could buy " +
		"(as twilio:index:searchAvailablePhoneNumbers does) and buys the first match, in one step; the number is kept in the state. " +
		"The search criteria only choose the number to buy: changing them later buys nothing; to buy another, run `pulumi up --replace <urn>` " +
		"with the resource option deleteBeforeReplace: true (the old number is released first) or with a new friendlyName. " +
		"The other inputs are the IncomingPhoneNumber's settings, updated in place; delete releases the number. " +
		"`friendlyName` is required and marks the purchase: a purchase whose answer is lost is found by it and not made twice, and a create " +
		"fails, naming the number, when the account already has a number of that name; give every PhoneNumber its own. " +
		"In a pull request environment (pr-environments) the purchase is refused unless `allowInPullRequestEnvironment` is true. " +
		"Requests: create 3 (the name check, the search, the purchase), an unchanged up none (a refresh reads the number: 1), a settings change 1, delete 1."
	for k, ps := range criteriaSchema() {
		rs.InputProperties[k] = ps
		rs.Properties[k] = ps
	}
	allow := schema.PropertySpec{TypeSpec: schema.TypeSpec{Type: "boolean"},
		Description: "Buy even in a pull request environment (default false: there the purchase fails, as every push of every pull request would buy a number)."}
	rs.InputProperties[AllowInPREnvArg] = allow
	rs.Properties[AllowInPREnvArg] = allow
	rs.RequiredInputs = []string{"country", "friendlyName"}
	rs.Required = []string{"sid", "phoneNumber"}
	return rs
}

func (n PhoneNumber) Types() map[string]schema.ComplexTypeSpec { return enumTypes(n.Number) }

// split separates the settings (the IncomingPhoneNumber's inputs) from the
// criteria and the purchase's own inputs.
func split(m property.Map) (settings, rest property.Map) {
	s, r := map[string]property.Value{}, map[string]property.Value{}
	for k, v := range m.All {
		if slices.Contains(criteriaNames, k) || k == AllowInPREnvArg {
			r[k] = v
		} else {
			s[k] = v
		}
	}
	return property.NewMap(s), property.NewMap(r)
}

// withRest adds the criteria back into a state.
func withRest(st, rest property.Map) property.Map {
	for k, v := range rest.All {
		st = st.Set(k, v)
	}
	return st
}

func (n PhoneNumber) Check(ctx context.Context, req p.CheckRequest) (p.CheckResponse, error) {
	settings, rest := split(req.Inputs)
	resp, err := n.g().Check(ctx, p.CheckRequest{Urn: req.Urn, Inputs: settings})
	if err != nil {
		return resp, err
	}
	fails := resp.Failures[:0]
	for _, f := range resp.Failures {
		if why, ok := notSettings[f.Property]; ok && why == "" {
			continue
		}
		fails = append(fails, f)
	}
	if settings.Get("phoneNumber").IsString() || settings.Get("phoneNumber").IsComputed() {
		fails = append(fails, p.CheckFailure{Property: "phoneNumber", Reason: notSettings["phoneNumber"]})
	}
	if v := settings.Get("friendlyName"); v.IsNull() {
		fails = append(fails, p.CheckFailure{Property: "friendlyName", Reason: "required: it marks the purchase, so that a lost answer does not buy a second number; give every PhoneNumber its own"})
	}
	vals, _ := toValues(rest)
	known := true
	for _, v := range vals {
		if _, u := v.(spec.Unknown); u {
			known = false
		}
	}
	if known {
		if _, err := parseCriteria(vals); err != nil {
			fails = append(fails, p.CheckFailure{Reason: err.Error()})
		}
	}
	return p.CheckResponse{Inputs: req.Inputs, Failures: fails}, nil
}

// Diff compares the settings only; changed criteria are logged, not
// applied: the number is bought.
func (n PhoneNumber) Diff(ctx context.Context, req p.DiffRequest) (p.DiffResponse, error) {
	oldS, oldR := split(req.OldInputs)
	newS, newR := split(req.Inputs)
	resp, err := n.g().Diff(ctx, p.DiffRequest{Urn: req.Urn, ID: req.ID, OldInputs: oldS, Inputs: newS, State: req.State, IgnoreChanges: req.IgnoreChanges})
	if err != nil {
		return resp, err
	}
	for _, k := range criteriaNames {
		if !oldR.Get(k).Equals(newR.Get(k)) {
			p.GetLogger(ctx).Infof("%s %s: the search criteria changed; the number %s is bought and stays (`pulumi up --replace` buys another)",
				PhoneNumberToken, req.ID, req.State.Get("phoneNumber").AsString())
			break
		}
	}
	// A replacement (a new accountSid) releases the old number first: the
	// new one's name check would otherwise find the old number. The
	// engine asks no provider about a --replace: the program's
	// deleteBeforeReplace option decides that one.
	resp.DeleteBeforeReplace = true
	return resp, nil
}

func (n PhoneNumber) Create(ctx context.Context, api API, req p.CreateRequest) (p.CreateResponse, error) {
	settings, rest := split(req.Properties)
	restVals, _ := toValues(rest)
	if n.PREnvironment != "" && restVals[AllowInPREnvArg] != true {
		return p.CreateResponse{}, fmt.Errorf("%s: refusing to buy a phone number in pull request environment %s: every pull request would buy one. "+
			"Keep the PhoneNumber out of pull request stacks (a config value only the production stack sets), or set %s: true to buy one here", PhoneNumberToken, n.PREnvironment, AllowInPREnvArg)
	}
	c, err := parseCriteria(restVals)
	if err != nil {
		return p.CreateResponse{}, fmt.Errorf("%s: %w", PhoneNumberToken, err)
	}
	g := n.g()
	vals, secrets := toValues(settings)
	if req.DryRun {
		return p.CreateResponse{Properties: withRest(g.state(nil, vals, secrets, true), rest)}, nil
	}
	path, err := g.pathValues(api, vals)
	if err != nil {
		return p.CreateResponse{}, err
	}
	// The name marks one purchase. A number that bears it already is
	// not taken: it may be another resource's (a replacement creates
	// before it deletes), or a purchase whose answer died with the
	// plugin, which only the program's author can tell apart.
	name, _ := vals["friendlyName"].(string)
	have, err := n.findByName(ctx, api, path, name)
	if err != nil {
		return p.CreateResponse{}, err
	}
	if have != nil {
		return p.CreateResponse{}, fmt.Errorf("%s: the account already has a number named %q (%v, %v), so buying another could make two of one purchase. "+
			"If it is this resource's (a purchase whose answer was lost), adopt it: `pulumi import %s <name> %v`; "+
			"if it is the one this resource replaces, set the resource option deleteBeforeReplace: true; else give this PhoneNumber another friendlyName",
			PhoneNumberToken, name, have["phone_number"], have["sid"], PhoneNumberToken, have["sid"])
	}
	out, err := n.buy(ctx, api, c, path, vals)
	if err != nil {
		return p.CreateResponse{}, err
	}
	sid := idString(out["sid"])
	return p.CreateResponse{ID: g.r.ID(path, sid), Properties: withRest(g.state(out, vals, secrets, false), rest)}, nil
}

// settingNames are the settings to send: the body inputs the program set.
func settingNames(r *spec.Resource, vals spec.Values) []string {
	var names []string
	for _, in := range r.Inputs {
		if _, ok := vals[in.Name]; ok && in.In == "body" && in.Name != "areaCode" {
			names = append(names, in.Name)
		}
	}
	return names
}

// findByName is the number of the account named name (nil: none); two
// are an error, for the program cannot say which is its own.
func (n PhoneNumber) findByName(ctx context.Context, api API, path map[string]string, name string) (map[string]any, error) {
	items, err := listItems(ctx, api, n.Number.Catalog, path, url.Values{"FriendlyName": {name}}, DefaultListLimit)
	if err != nil {
		return nil, fmt.Errorf("%s: look for a number named %q: %w", PhoneNumberToken, name, err)
	}
	var found []map[string]any
	for _, it := range items {
		if it["friendly_name"] == name {
			found = append(found, it)
		}
	}
	switch len(found) {
	case 0:
		return nil, nil
	case 1:
		return found[0], nil
	}
	return nil, fmt.Errorf("%s: %d numbers of the account are named %q; give this PhoneNumber a name of its own", PhoneNumberToken, len(found), name)
}

// buyCandidates is how many matches one search returns: another buyer may
// take the first between the search and the purchase (21422).
const buyCandidates = 3

// buy searches and buys the first match with the settings. A purchase
// whose answer was lost is looked up by name: found, it is the number;
// not found, it was not made and is sent once more.
func (n PhoneNumber) buy(ctx context.Context, api API, c criteria, path map[string]string, vals spec.Values) (map[string]any, error) {
	items, err := c.search(ctx, api, buyCandidates)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", PhoneNumberToken, err)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%s: Twilio has no %s to sell; widen the criteria (see twilio:index:searchAvailablePhoneNumbers)", PhoneNumberToken, c)
	}
	g := n.g()
	list, err := catalog.Expand(g.r.Catalog.ListPath, path)
	if err != nil {
		return nil, err
	}
	body, err := g.r.Encode(false, vals, settingNames(g.r, vals))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", PhoneNumberToken, err)
	}
	var last error
	for _, it := range items {
		number, _ := it["phone_number"].(string)
		form := url.Values{"PhoneNumber": {number}}
		for k, v := range body.Form {
			form[k] = v
		}
		call := Request{Method: http.MethodPost, Host: g.r.Catalog.Host(), Path: list, Form: form, Create: true}
		out, err := api.Do(ctx, call)
		if errors.Is(err, ErrUnknownOutcome) {
			name, _ := vals["friendlyName"].(string)
			if out, err = n.findByName(ctx, api, path, name); err == nil && out == nil {
				out, err = api.Do(ctx, call)
			}
		}
		var ae *APIError
		if errors.As(err, &ae) && ae.Code == 21422 {
			last = err // taken since the search: try the next
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: buy %s: %w", PhoneNumberToken, number, err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s: every %s found was taken before it could be bought: %w", PhoneNumberToken, c, last)
}

func (n PhoneNumber) Read(ctx context.Context, api API, req p.ReadRequest) (p.ReadResponse, error) {
	inS, inR := split(req.Inputs)
	stS, stR := split(req.Properties)
	resp, err := n.g().Read(ctx, api, p.ReadRequest{Urn: req.Urn, ID: req.ID, Properties: stS, Inputs: inS})
	if err != nil || resp.ID == "" {
		return resp, err
	}
	// The search chose the number: it is no input of the PhoneNumber.
	resp.Inputs = resp.Inputs.Delete("phoneNumber")
	if req.Properties.Len() == 0 {
		resp.Inputs = withoutDefaults(n.Number, resp.Inputs)
	}
	resp.Inputs = withRest(resp.Inputs, inR)
	resp.Properties = withRest(resp.Properties, stR)
	return resp, nil
}

func (n PhoneNumber) Update(ctx context.Context, api API, req p.UpdateRequest) (p.UpdateResponse, error) {
	oldS, _ := split(req.OldInputs)
	newS, newR := split(req.Inputs)
	stS, _ := split(req.State)
	resp, err := n.g().Update(ctx, api, p.UpdateRequest{Urn: req.Urn, ID: req.ID, OldInputs: oldS, Inputs: newS, State: stS, DryRun: req.DryRun, IgnoreChanges: req.IgnoreChanges})
	if err != nil {
		return resp, err
	}
	resp.Properties = withRest(resp.Properties, newR)
	return resp, nil
}

// withoutDefaults drops the values Twilio fills in by itself (callback
// methods POST, the API version) from an import's inputs: a program that
// never set them would otherwise clear them on its first up.
func withoutDefaults(r *spec.Resource, inputs property.Map) property.Map {
	for k, v := range inputs.All {
		in := r.Input(k)
		if in == nil || !v.IsString() {
			continue
		}
		if in.Format == "http-method" && v.AsString() == http.MethodPost || k == "apiVersion" && v.AsString() == "2010-04-01" {
			inputs = inputs.Delete(k)
		}
	}
	return inputs
}

// Delete releases the number (DELETE of the IncomingPhoneNumber).
func (n PhoneNumber) Delete(ctx context.Context, api API, req p.DeleteRequest) error {
	stS, _ := split(req.Properties)
	return n.g().Delete(ctx, api, p.DeleteRequest{Urn: req.Urn, ID: req.ID, Properties: stS})
}
