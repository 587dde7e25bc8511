// Command gen turns twilio-oai's JSON specs into internal/catalog/catalog.json.
//
//	go run ./internal/catalog/gen -spec DIR -source @twilio-alpha/mcp@0.7.0 -out internal/catalog/catalog.json
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
	flag.Parse()
	if err := run(*spec, *source, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(specDir, source, out string) error {
	if specDir == "" {
		return fmt.Errorf("-spec is required")
	}
	files, err := filepath.Glob(filepath.Join(specDir, "twilio_*.json"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no twilio_*.json in %s", specDir)
	}
	sort.Strings(files)
	cat := &catalog.Catalog{Source: source}
	used := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var d doc
		if err := json.Unmarshal(b, &d); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		rs, err := d.resources()
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		for _, r := range rs {
			name := r.Type
			for i := 2; used[r.Module+":"+name]; i++ {
				name = r.Type + suffixFor(r, i)
			}
			r.Type = name
			used[r.Token()] = true
			cat.Resources = append(cat.Resources, r)
		}
	}
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
	Maximum     *int               `json:"maximum"`
}

func (d *doc) resolve(s *schema) *schema {
	for i := 0; s != nil && s.Ref != "" && i < 8; i++ {
		s = d.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
	}
	if s != nil && len(s.AllOf) > 0 {
		// A composed schema: its properties are its members' properties.
		merged := *s
		merged.Properties = map[string]*schema{}
		for k, v := range s.Properties {
			merged.Properties[k] = v
		}
		for _, m := range s.AllOf {
			if r := d.resolve(m); r != nil {
				for k, v := range r.Properties {
					merged.Properties[k] = v
				}
				merged.Required = append(merged.Required, r.Required...)
				if merged.Type == "" {
					merged.Type = r.Type
				}
			}
		}
		merged.AllOf = nil
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
	if r.IDField != "" && r.IDField != "sid" {
		if r.Property(r.IDField) == nil && r.IDField == "id" {
			r.IDField = "sid"
		}
	}
	r.Module, r.Type = naming(r.Schema, r.Product, r.Version)
	return nil
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
				out.PageSizeMax = *s.Maximum
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
