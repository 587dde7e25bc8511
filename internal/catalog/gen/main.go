// Command gen turns twilio-oai's JSON specs into internal/catalog/catalog.json.
//
//	go run ./internal/catalog/gen -spec DIR -source @twilio/cli-core@9.0.0 -keep internal/catalog/catalog.json -out internal/catalog/catalog.json
//
// Run it through scripts/gen-catalog.sh, which fetches the spec first.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
)

func main() {
	spec := flag.String("spec", "", "folder of twilio-oai JSON specs (twilio-oai/spec/json)")
	source := flag.String("source", "", "where the specs came from, recorded in the catalog")
	out := flag.String("out", "internal/catalog/catalog.json", "file to write")
	keep := flag.String("keep", "", "a previous catalog whose tokens are kept for the same paths (usually -out itself)")
	flag.Parse()
	if err := run(*spec, *source, *out, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(specDir, source, out, keep string) error {
	if specDir == "" {
		return fmt.Errorf("-spec is required")
	}
	files, err := filepath.Glob(filepath.Join(specDir, "twilio_*.json"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no twilio_*.json in %s", specDir)
	}
	prev, err := previousTokens(keep)
	if err != nil {
		return err
	}
	var all []*catalog.Resource
	described := map[string]string{} // host and path: the file that described it first
	for _, f := range specOrder(files) {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var d doc
		if err := json.Unmarshal(b, &d); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		d.dropDescribed(described, filepath.Base(f))
		rs, err := d.resources()
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		all = append(all, rs...)
	}
	cat := &catalog.Catalog{Source: source, Resources: name(all, prev)}
	sort.Slice(cat.Resources, func(i, j int) bool { return cat.Resources[i].Token() < cat.Resources[j].Token() })
	b, err := json.MarshalIndent(cat, "", " ")
	if err != nil {
		return err
	}
	if _, err := catalog.Parse(b); err != nil {
		return err
	}
	return os.WriteFile(out, append(b, '\n'), 0o644)
}

// versioned is a spec file named for one API version (twilio_sync_v1.json,
// twilio_api_v2010.json), as opposed to another cut of an API that one
// already describes (@twilio/cli-core 9 ships twilio_content_sdk.json beside
// twilio_content_v1.json, with the same paths).
var versioned = regexp.MustCompile(`_v[0-9]+\.json$`)

// specOrder puts the versioned files first, so that where two files describe
// one path, the versioned one's description is the one kept.
func specOrder(files []string) []string {
	out := append([]string(nil), files...)
	sort.SliceStable(out, func(i, j int) bool {
		vi, vj := versioned.MatchString(out[i]), versioned.MatchString(out[j])
		if vi != vj {
			return vi
		}
		return out[i] < out[j]
	})
	return out
}

// dropDescribed removes the paths an earlier file already described on the
// same host; without it, each would be a second resource under a
// disambiguated name (Content and ContentContent for one /v1/Content).
func (d *doc) dropDescribed(described map[string]string, file string) {
	for p, item := range d.Paths {
		key := d.product(item) + " " + trimJSON(p)
		if _, ok := described[key]; ok {
			delete(d.Paths, p)
			continue
		}
		described[key] = file
	}
}

// pathKey identifies a resource across spec versions by its host and paths,
// with the placeholders' names blanked ({Sid} and {ServiceSid} alike).
func pathKey(r *catalog.Resource) string {
	return r.Product + " " + placeholderName.ReplaceAllString(r.ListPath, "{}") + " " +
		placeholderName.ReplaceAllString(r.InstancePath, "{}")
}

var placeholderName = regexp.MustCompile(`\{[^}]+\}`)

// previousTokens reads a previous catalog's tokens by path key. A token is a
// user's program's type name: when a newer spec renames a schema
// (messaging.v1.service.us_app_to_person becomes ..._response in
// @twilio/cli-core 9), the resource at the same paths keeps its token, or
// every program using it would fail on an unknown type.
func previousTokens(file string) (map[string][2]string, error) {
	if file == "" {
		return nil, nil
	}
	b, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var c catalog.Catalog
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("-keep %s: %w", file, err)
	}
	out := make(map[string][2]string, len(c.Resources))
	for _, r := range c.Resources {
		out[pathKey(r)] = [2]string{r.Module, r.Type}
	}
	return out, nil
}

// name gives each resource its token: the previous catalog's for the same
// paths, else the schema's name, disambiguated by suffixFor.
func name(all []*catalog.Resource, prev map[string][2]string) []*catalog.Resource {
	used := map[string]bool{}
	kept := map[*catalog.Resource]bool{}
	for _, r := range all {
		if t, ok := prev[pathKey(r)]; ok && !used[t[0]+":"+t[1]] {
			r.Module, r.Type = t[0], t[1]
			used[r.Token()] = true
			kept[r] = true
		}
	}
	for _, r := range all {
		if kept[r] {
			continue
		}
		base := r.Type
		for i := 2; used[r.Module+":"+r.Type]; i++ {
			r.Type = base + suffixFor(r, i)
		}
		used[r.Token()] = true
	}
	return all
}

// suffixFor disambiguates two resources that map to one name: the last
// literal segment of the path, then a counter.
func suffixFor(r *catalog.Resource, i int) string {
	p := r.ListPath
	if p == "" {
		p = r.InstancePath
	}
	segs := strings.Split(strings.TrimSuffix(p, ".json"), "/")
	for j := len(segs) - 1; j >= 0; j-- {
		if s := segs[j]; s != "" && !strings.HasPrefix(s, "{") {
			if i == 2 {
				return catalog.Pascal(s)
			}
			return catalog.Pascal(s) + strconv.Itoa(i)
		}
	}
	return strconv.Itoa(i)
}

// The subset of OpenAPI 3 that twilio-oai uses.
type doc struct {
	Servers    []server             `json:"servers"`
	Paths      map[string]*pathItem `json:"paths"`
	Components struct {
		Schemas    map[string]*schema `json:"schemas"`
		Parameters map[string]*param  `json:"parameters"`
	} `json:"components"`
}

type server struct {
	URL string `json:"url"`
}

type pathItem struct {
	Servers     []server   `json:"servers"`
	Description string     `json:"description"`
	XTwilio     xTwilio    `json:"x-twilio"`
	Get         *operation `json:"get"`
	Post        *operation `json:"post"`
	Delete      *operation `json:"delete"`
}

type xTwilio struct {
	PathType string `json:"pathType"`
}

type operation struct {
	OperationID string               `json:"operationId"`
	Parameters  []*param             `json:"parameters"`
	RequestBody *requestBody         `json:"requestBody"`
	Responses   map[string]*response `json:"responses"`
}

type param struct {
	Ref         string  `json:"$ref"`
	Name        string  `json:"name"`
	In          string  `json:"in"`
	Required    bool    `json:"required"`
	Description string  `json:"description"`
	Schema      *schema `json:"schema"`
}

type requestBody struct {
	Content map[string]struct {
		Schema *schema `json:"schema"`
	} `json:"content"`
}

type response struct {
	Content map[string]struct {
		Schema *schema `json:"schema"`
	} `json:"content"`
}

type schema struct {
	Ref         string             `json:"$ref"`
	Type        string             `json:"type"`
	Format      string             `json:"format"`
	Enum        []string           `json:"enum"`
	Pattern     string             `json:"pattern"`
	Description string             `json:"description"`
	Items       *schema            `json:"items"`
	Properties  map[string]*schema `json:"properties"`
	Required    []string           `json:"required"`
	AllOf       []*schema          `json:"allOf"`
	OneOf       []*schema          `json:"oneOf"`
	AnyOf       []*schema          `json:"anyOf"`
	// A float: OpenAPI allows any number (conversations v2 has 1.0 on a
	// confidence score); only a page size's maximum is used, as an int.
	Maximum *float64 `json:"maximum"`
}

func (d *doc) resolve(s *schema) *schema {
	for i := 0; s != nil && s.Ref != "" && i < 8; i++ {
		s = d.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
	}
	if s != nil && len(s.AllOf)+len(s.OneOf)+len(s.AnyOf) > 0 {
		// A composed schema: its properties are its members' properties.
		// For oneOf and anyOf that is every field one of the shapes may
		// carry (@twilio/cli-core 9 answers a US A2P campaign with
		// oneOf us_app_to_person, us_app_to_person_v2); only allOf's
		// members' required fields are required.
		merged := *s
		merged.Properties = map[string]*schema{}
		for k, v := range s.Properties {
			merged.Properties[k] = v
		}
		add := func(ms []*schema, required bool) {
			for _, m := range ms {
				r := d.resolve(m)
				if r == nil {
					continue
				}
				for k, v := range r.Properties {
					if _, ok := merged.Properties[k]; !ok || required {
						merged.Properties[k] = v
					}
				}
				if required {
					merged.Required = append(merged.Required, r.Required...)
				}
				if merged.Type == "" {
					merged.Type = r.Type
				}
			}
		}
		add(s.AllOf, true)
		add(s.OneOf, false)
		add(s.AnyOf, false)
		merged.AllOf, merged.OneOf, merged.AnyOf = nil, nil, nil
		return &merged
	}
	return s
}

func refName(s *schema) string {
	if s == nil {
		return ""
	}
	return strings.TrimPrefix(s.Ref, "#/components/schemas/")
}

func (d *doc) product(p *pathItem) string {
	srv := p.Servers
	if len(srv) == 0 {
		srv = d.Servers
	}
	if len(srv) == 0 {
		return ""
	}
	host := strings.TrimPrefix(srv[0].URL, "https://")
	return strings.TrimSuffix(host, ".twilio.com")
}

func trimJSON(p string) string { return strings.TrimSuffix(p, ".json") }

var lastPlaceholder = regexp.MustCompile(`/\{([^}]+)\}$`)

func (d *doc) resources() ([]*catalog.Resource, error) {
	paths := make([]string, 0, len(d.Paths))
	for p := range d.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	// Index instance paths by their collection: /v1/Services/{Sid} under /v1/Services.
	instanceOf := map[string]string{}
	for _, p := range paths {
		if d.Paths[p].XTwilio.PathType == "list" {
			continue
		}
		if m := lastPlaceholder.FindStringIndex(trimJSON(p)); m != nil {
			instanceOf[trimJSON(p)[:m[0]]] = p
		}
	}
	var out []*catalog.Resource
	taken := map[string]bool{}
	for _, p := range paths {
		item := d.Paths[p]
		if item.XTwilio.PathType != "list" {
			continue
		}
		r := &catalog.Resource{ListPath: p}
		if inst, ok := instanceOf[trimJSON(p)]; ok && !taken[inst] {
			r.InstancePath = inst
			taken[inst] = true
		}
		if err := d.fill(r); err != nil {
			return nil, err
		}
		if r != nil && r.Schema != "" {
			out = append(out, r)
		}
	}
	for _, p := range paths {
		item := d.Paths[p]
		if item.XTwilio.PathType == "list" || taken[p] {
			continue
		}
		if item.Get == nil && item.Post == nil && item.Delete == nil {
			continue
		}
		r := &catalog.Resource{InstancePath: p}
		if err := d.fill(r); err != nil {
			return nil, err
		}
		if r.Schema != "" {
			out = append(out, r)
		}
	}
	return out, nil
}

// fill completes a resource from its paths' operations and schema.
func (d *doc) fill(r *catalog.Resource) error {
	var list, inst *pathItem
	if r.ListPath != "" {
		list = d.Paths[r.ListPath]
	}
	if r.InstancePath != "" {
		inst = d.Paths[r.InstancePath]
	}
	any := list
	if any == nil {
		any = inst
	}
	r.Product = d.product(any)
	first := strings.SplitN(strings.TrimPrefix(coalesce(r.ListPath, r.InstancePath), "/"), "/", 2)[0]
	r.Version = first
	r.Description = strings.TrimSpace(any.Description)

	if list != nil {
		r.Create = d.op(list.Post, coalesce(r.ListPath))
		r.List = d.op(list.Get, r.ListPath)
	}
	if inst != nil {
		r.Fetch = d.op(inst.Get, r.InstancePath)
		r.Update = d.op(inst.Post, r.InstancePath)
		r.Delete = d.op(inst.Delete, r.InstancePath)
		if m := lastPlaceholder.FindStringSubmatch(trimJSON(r.InstancePath)); m != nil {
			r.IDField = catalog.Snake(m[1])
		}
	}

	// The representation: from fetch, create, update, or a list page's items.
	var rep *schema
	for _, o := range []*operation{opOf(inst, "get"), opOf(list, "post"), opOf(inst, "post")} {
		if s := successSchema(o); s != nil && s.Ref != "" {
			rep = s
			break
		}
	}
	if lo := opOf(list, "get"); lo != nil {
		if page := d.resolve(successSchema(lo)); page != nil {
			for k, v := range page.Properties {
				switch {
				case v.Type == "array" && v.Items != nil && v.Items.Ref != "":
					r.ListKey = k
					if rep == nil {
						rep = v.Items
					}
				case k == "meta":
					r.Paging = "meta"
				case k == "next_page_uri":
					r.Paging = "2010"
				}
			}
		}
	}
	if rep == nil {
		return nil // an action with no representation: not a resource
	}
	r.Schema = refName(rep)
	body := d.resolve(rep)
	if body == nil {
		return fmt.Errorf("%s: schema %s not found", coalesce(r.ListPath, r.InstancePath), r.Schema)
	}
	if isPage(body) {
		r.Schema = "" // a page of something else, not a resource
		return nil
	}
	names := make([]string, 0, len(body.Properties))
	for k := range body.Properties {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		p := d.property(k, body.Properties[k])
		if k == "sid" && p.SIDPrefix != "" {
			r.SIDPrefix = p.SIDPrefix
		}
		r.Properties = append(r.Properties, p)
	}
	r.IDField = idField(r)
	r.Module, r.Type = naming(r.Schema, r.Product, r.Version)
	return nil
}

// idField is the representation's field that fills the instance path's
// last placeholder: its snake spelling ({ServiceSid} is service_sid), else
// the placeholder as spelled (the camelCase APIs of @twilio/cli-core 9:
// {operationId} is operationId), else "id" where the placeholder names an
// ID those APIs carry as "id" ({storeId}, {kbId}, {IdOrUniqueName}), else
// "sid" for an {Id} the representation calls sid.
func idField(r *catalog.Resource) string {
	f := r.IDField
	if f == "" || f == "sid" || r.Property(f) != nil {
		return f
	}
	m := lastPlaceholder.FindStringSubmatch(trimJSON(r.InstancePath))
	switch {
	case m != nil && r.Property(m[1]) != nil:
		return m[1]
	case f == "id":
		return "sid"
	case r.Property("id") != nil && (strings.HasSuffix(m[1], "Id") || strings.HasPrefix(m[1], "Id")):
		return "id"
	}
	return f
}

// isPage reports whether a schema is a list page (a "meta" object beside an
// array), which some specs return from instance-shaped paths.
func isPage(s *schema) bool {
	if _, ok := s.Properties["meta"]; !ok {
		return false
	}
	for _, v := range s.Properties {
		if v.Type == "array" {
			return true
		}
	}
	return false
}

func coalesce(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func opOf(p *pathItem, m string) *operation {
	if p == nil {
		return nil
	}
	switch m {
	case "get":
		return p.Get
	case "post":
		return p.Post
	default:
		return p.Delete
	}
}

func successSchema(o *operation) *schema {
	if o == nil {
		return nil
	}
	for _, code := range []string{"200", "201", "202"} {
		if r := o.Responses[code]; r != nil {
			if c, ok := r.Content["application/json"]; ok {
				return c.Schema
			}
		}
	}
	return nil
}

func (d *doc) op(o *operation, path string) *catalog.Operation {
	if o == nil {
		return nil
	}
	out := &catalog.Operation{ID: o.OperationID}
	codes := make([]string, 0, len(o.Responses))
	for c := range o.Responses {
		if strings.HasPrefix(c, "2") {
			codes = append(codes, c)
		}
	}
	if len(codes) == 0 {
		for c := range o.Responses {
			codes = append(codes, c) // e.g. a 307 redirect to a download
		}
	}
	sort.Strings(codes)
	if len(codes) > 0 {
		out.Status, _ = strconv.Atoi(codes[0])
	}
	for _, p := range o.Parameters {
		if p.Ref != "" {
			p = d.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
		}
		if p == nil || p.In == "path" {
			continue
		}
		if p.In == "query" && (p.Name == "PageSize" || p.Name == "Page" || p.Name == "PageToken") {
			// Paging is the transport's business, not a parameter; the
			// largest page a list takes is (Sync's lists stop at 100).
			if s := d.resolve(p.Schema); p.Name == "PageSize" && s != nil && s.Maximum != nil {
				out.PageSizeMax = int(*s.Maximum)
			}
			continue
		}
		cp := d.param(p.Name, p.Schema, p.Description)
		cp.In = p.In
		cp.Required = p.Required
		out.Params = append(out.Params, cp)
	}
	if o.RequestBody != nil {
		for ct, c := range o.RequestBody.Content {
			switch {
			case ct == "application/x-www-form-urlencoded":
				out.Body = "form"
			case strings.HasSuffix(ct, "json"):
				out.Body = "json"
			}
			s := d.resolve(c.Schema)
			if s == nil {
				continue
			}
			req := map[string]bool{}
			for _, n := range s.Required {
				req[n] = true
			}
			names := make([]string, 0, len(s.Properties))
			for k := range s.Properties {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				cp := d.param(k, s.Properties[k], s.Properties[k].Description)
				cp.In = "body"
				cp.Required = req[k]
				out.Params = append(out.Params, cp)
			}
		}
	}
	return out
}

func (d *doc) param(name string, s *schema, desc string) *catalog.Param {
	p := &catalog.Param{Name: name, Description: catalog.FirstSentence(desc)}
	rs := d.resolve(s)
	if rs == nil {
		p.Type = "string"
		return p
	}
	p.Type, p.Format, p.Enum = typeOf(rs), rs.Format, rs.Enum
	if rs.Type == "array" {
		it := d.resolve(rs.Items)
		if it != nil {
			p.Items, p.Enum = typeOf(it), it.Enum
		} else {
			p.Items = "string"
		}
	}
	return p
}

func (d *doc) property(name string, s *schema) *catalog.Property {
	p := &catalog.Property{Name: name, Description: catalog.FirstSentence(s.Description)}
	rs := d.resolve(s)
	if rs == nil {
		p.Type = "object"
		return p
	}
	if p.Description == "" {
		p.Description = catalog.FirstSentence(rs.Description)
	}
	p.Type, p.Format, p.Enum = typeOf(rs), rs.Format, rs.Enum
	if rs.Type == "array" {
		if it := d.resolve(rs.Items); it != nil {
			p.Items, p.Enum = typeOf(it), it.Enum
		} else {
			p.Items = "object"
		}
	}
	if m := sidPattern.FindStringSubmatch(rs.Pattern); m != nil {
		p.SIDPrefix = m[1]
	}
	return p
}

var sidPattern = regexp.MustCompile(`^\^([A-Z]{2})\[0-9a-fA-F\]\{32\}\$$`)

func typeOf(s *schema) string {
	switch s.Type {
	case "string", "integer", "number", "boolean", "array", "object":
		return s.Type
	}
	if s.Properties != nil {
		return "object"
	}
	if len(s.Enum) > 0 {
		return "string"
	}
	return "object"
}

// naming maps a schema name to a module and type:
// "sync.v1.service.sync_map" gives "sync/v1" and "ServiceSyncMap";
// "api.v2010.account.incoming_phone_number" gives "api/v2010" and
// "IncomingPhoneNumber" (every 2010 resource lives under an account).
func naming(schemaName, product, version string) (string, string) {
	segs := strings.Split(schemaName, ".")
	if len(segs) < 3 {
		return moduleName(product) + "/" + moduleName(version), catalog.Pascal(segs[len(segs)-1])
	}
	module := segs[0] + "/" + segs[1]
	rest := segs[2:]
	// A newer spec names some schemas for the envelope:
	// "voice.v2.configuration.recording.response",
	// "messaging.v1.service.us_app_to_person_response". The resource is
	// what the response carries.
	if last := len(rest) - 1; last > 0 && rest[last] == "response" {
		rest = rest[:last]
	} else if t := strings.TrimSuffix(rest[last], "_response"); t != "" {
		rest = append(rest[:last:last], t)
	}
	if module == "api/v2010" && len(rest) > 1 && rest[0] == "account" {
		rest = rest[1:]
	}
	var b strings.Builder
	prev := ""
	for _, s := range rest {
		// "incoming_phone_number.incoming_phone_number_local" reads as
		// "IncomingPhoneNumberLocal".
		short := s
		if prev != "" && strings.HasPrefix(s, prev+"_") {
			short = strings.TrimPrefix(s, prev+"_")
		}
		b.WriteString(catalog.Pascal(short))
		prev = s
	}
	return module, b.String()
}

// moduleName makes a Pulumi module segment: lower case, underscores.
func moduleName(s string) string {
	return strings.ToLower(strings.NewReplacer("-", "_", ".", "_").Replace(s))
}
