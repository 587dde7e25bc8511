// Package catalog is the machine-readable description of Twilio's REST
// resources, generated from Twilio's OpenAPI description (twilio-oai).
//
// The emulator serves it and the provider exposes it as Pulumi resources, so
// both agree by construction on paths, parameters, SID prefixes and field
// formats. The data lives in catalog.json, written by ./gen (see
// scripts/gen-catalog.sh); this file only reads it. The spellings of
// Twilio's names (Words, Snake, Camel, Pascal) and the short form of its
// descriptions (FirstSentence) have their one home here too, so the
// generator, the emulator and the provider cannot drift apart on them.
package catalog

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
)

//go:generate sh ../../scripts/gen-catalog.sh

//go:embed catalog.json
var raw []byte

// Catalog is every resource described by one version of twilio-oai.
type Catalog struct {
	// Source names the npm package the catalog was generated from.
	Source    string      `json:"source"`
	Resources []*Resource `json:"resources"`

	ownersOnce sync.Once
	owners     map[string]*Resource // product + instance path shape
}

// Resource is one REST collection and/or instance: a list path (create,
// list) paired with its instance path (fetch, update, delete). Singletons
// such as a service's configuration have only an instance path.
type Resource struct {
	// Module and Type form the provider token "twilio:<Module>:<Type>",
	// for example "sync/v1" and "ServiceSyncMap".
	Module string `json:"module"`
	Type   string `json:"type"`
	// Product is the first label of the API host ("sync" for
	// sync.twilio.com); Version is the API version ("v1", "2010-04-01").
	Product string `json:"product"`
	Version string `json:"version"`
	// Schema is the OpenAPI component of the resource's representation.
	Schema      string `json:"schema"`
	Description string `json:"description,omitempty"`

	ListPath     string `json:"list_path,omitempty"`
	InstancePath string `json:"instance_path,omitempty"`
	// IDField is the response field that fills the instance path's last
	// placeholder ("sid" in most cases, "identity" or "key" in a few).
	IDField string `json:"id_field,omitempty"`
	// SIDPrefix is the two-letter prefix of the resource's SID ("IS").
	SIDPrefix string `json:"sid_prefix,omitempty"`
	// ListKey is the array's key in a list page ("services").
	ListKey string `json:"list_key,omitempty"`
	// Paging is "meta" for {"meta": {...}} pages, "2010" for the
	// 2010-04-01 API's page envelope.
	Paging string `json:"paging,omitempty"`

	Create *Operation `json:"create,omitempty"`
	Fetch  *Operation `json:"fetch,omitempty"`
	Update *Operation `json:"update,omitempty"`
	Delete *Operation `json:"delete,omitempty"`
	List   *Operation `json:"list,omitempty"`

	// Properties are the fields of the resource's JSON representation.
	Properties []*Property `json:"properties"`
}

// Operation is one HTTP operation on a resource.
type Operation struct {
	ID string `json:"id"`
	// Status is the documented success status (200, 201, 202, 204).
	Status int `json:"status"`
	// Body is "form" (application/x-www-form-urlencoded), "json", or "".
	Body   string   `json:"body,omitempty"`
	Params []*Param `json:"params,omitempty"`
	// PageSizeMax is the largest PageSize a list operation accepts (its
	// OpenAPI maximum: 1000 for most lists, 100 for Sync's, 5 for
	// Conversations webhooks); 0 when the operation does not page.
	PageSizeMax int `json:"pageSizeMax,omitempty"`
}

// Param is one non-path parameter of an operation.
type Param struct {
	Name        string   `json:"name"` // as sent: "FriendlyName"
	In          string   `json:"in"`   // "body", "query" or "header"
	Type        string   `json:"type"` // string, integer, number, boolean, array, object
	Items       string   `json:"items,omitempty"`
	Format      string   `json:"format,omitempty"`
	Enum        []string `json:"enum,omitempty"`
	Required    bool     `json:"required,omitempty"`
	Description string   `json:"description,omitempty"`
}

// Property is one field of a resource's JSON representation.
type Property struct {
	Name        string   `json:"name"` // as received: "friendly_name"
	Type        string   `json:"type"`
	Items       string   `json:"items,omitempty"`
	Format      string   `json:"format,omitempty"`
	Enum        []string `json:"enum,omitempty"`
	SIDPrefix   string   `json:"sid_prefix,omitempty"`
	Description string   `json:"description,omitempty"`
}

var (
	loadOnce sync.Once
	loaded   *Catalog
	loadErr  error
)

// Load returns the embedded catalog. It is parsed once and shared: callers
// must not modify it.
func Load() (*Catalog, error) {
	loadOnce.Do(func() {
		loaded, loadErr = Parse(raw)
	})
	return loaded, loadErr
}

// MustLoad is Load for callers that cannot continue without the catalog.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// Parse decodes a catalog and checks the invariants its users rely on.
func Parse(b []byte) (*Catalog, error) {
	var c Catalog
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("parse catalog: %w", err)
	}
	seen := make(map[string]bool, len(c.Resources))
	for _, r := range c.Resources {
		tok := r.Token()
		if seen[tok] {
			return nil, fmt.Errorf("parse catalog: duplicate resource %s", tok)
		}
		seen[tok] = true
		if r.ListPath == "" && r.InstancePath == "" {
			return nil, fmt.Errorf("parse catalog: %s has no path", tok)
		}
	}
	return &c, nil
}

// Token is the resource's name without the package: "sync/v1:Service".
func (r *Resource) Token() string { return r.Module + ":" + r.Type }

// Host is the API host the resource is served on: "sync.twilio.com".
func (r *Resource) Host() string { return r.Product + ".twilio.com" }

// Createable reports whether the resource is created by a POST to its list.
func (r *Resource) Createable() bool { return r.Create != nil && r.ListPath != "" }

// Property returns the named response property, or nil.
func (r *Resource) Property(name string) *Property {
	for _, p := range r.Properties {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Param returns the named parameter, or nil.
func (o *Operation) Param(name string) *Param {
	if o == nil {
		return nil
	}
	for _, p := range o.Params {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Owner returns the resource that the placeholder param of r's list path
// (its instance path when it has no list: a singleton) names: the one whose
// instance path is the path up to param ("ServiceSid" in
// /v1/Services/{ServiceSid}/Maps is sync/v1:Service), or nil when the
// catalog has none besides r.
func (c *Catalog) Owner(r *Resource, param string) *Resource {
	c.ownersOnce.Do(func() {
		c.owners = make(map[string]*Resource, len(c.Resources))
		for _, o := range c.Resources {
			if o.InstancePath != "" {
				c.owners[shape(o.Product, o.InstancePath)] = o
			}
		}
	})
	path := r.ListPath
	if path == "" {
		path = r.InstancePath
	}
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		if !strings.HasPrefix(seg, "{"+param+"}") {
			continue
		}
		prefix := strings.Join(segs[:i+1], "/")
		if r.Version == "2010-04-01" && !strings.HasSuffix(prefix, ".json") {
			prefix += ".json"
		}
		if o := c.owners[shape(r.Product, prefix)]; o != r {
			return o
		}
		return nil
	}
	return nil
}

// shape is a path template with its placeholder names blanked, so that
// /v1/Services/{Sid} and /v1/Services/{ServiceSid} compare equal.
func shape(product, tmpl string) string {
	var b strings.Builder
	b.WriteString(product)
	for _, seg := range strings.Split(tmpl, "/") {
		if i := strings.IndexByte(seg, '{'); i >= 0 {
			j := strings.IndexByte(seg, '}')
			seg = seg[:i] + "{}" + seg[j+1:]
		}
		b.WriteString(seg + "/")
	}
	return b.String()
}

var placeholder = regexp.MustCompile(`\{([^}]+)\}`)

// PathParams returns the placeholders of a path template, in order:
// "/v1/Services/{ServiceSid}/Maps/{Sid}" gives [ServiceSid Sid].
func PathParams(path string) []string {
	m := placeholder.FindAllStringSubmatch(path, -1)
	out := make([]string, len(m))
	for i, s := range m {
		out[i] = s[1]
	}
	return out
}

// ParentParams are the placeholders shared by the list and instance paths:
// the SIDs of the resources this one lives under.
func (r *Resource) ParentParams() []string {
	if r.ListPath != "" {
		return PathParams(r.ListPath)
	}
	p := PathParams(r.InstancePath)
	if len(p) == 0 {
		return nil
	}
	if r.IDField == "" {
		return p // a singleton: every placeholder names a parent
	}
	return p[:len(p)-1]
}

// IDParam is the instance path's own placeholder ("Sid"), or "" for a
// singleton or a list-only resource.
func (r *Resource) IDParam() string {
	if r.InstancePath == "" || r.IDField == "" {
		return ""
	}
	p := PathParams(r.InstancePath)
	return p[len(p)-1]
}

// Expand fills a path template. It returns an error naming the first
// placeholder without a value.
func Expand(path string, values map[string]string) (string, error) {
	var missing string
	out := placeholder.ReplaceAllStringFunc(path, func(m string) string {
		name := m[1 : len(m)-1]
		v, ok := values[name]
		if !ok || v == "" {
			if missing == "" {
				missing = name
			}
			return m
		}
		return escapeSegment(v)
	})
	if missing != "" {
		return "", fmt.Errorf("path %s: no value for {%s}", path, missing)
	}
	return out, nil
}

// escapeSegment escapes the few characters that would change a path's
// shape; Twilio identifiers (SIDs, unique names) rarely contain them.
func escapeSegment(s string) string {
	r := strings.NewReplacer("%", "%25", "/", "%2F", "?", "%3F", "#", "%23", " ", "%20")
	return r.Replace(s)
}
