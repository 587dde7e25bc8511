package emulator

import (
	"sort"
	"strings"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
)

// seg is one segment of a path template: a literal ("Services") or a
// placeholder with an optional literal prefix and suffix ("{Sid}.json").
type seg struct {
	lit    string // set when the segment is a literal
	name   string // placeholder name
	prefix string
	suffix string
}

func (s seg) isVar() bool { return s.name != "" }

func parseTemplate(t string) []seg {
	parts := strings.Split(strings.TrimPrefix(t, "/"), "/")
	out := make([]seg, len(parts))
	for i, p := range parts {
		open := strings.IndexByte(p, '{')
		end := strings.IndexByte(p, '}')
		if open < 0 || end < open {
			out[i] = seg{lit: p}
			continue
		}
		out[i] = seg{prefix: p[:open], name: p[open+1 : end], suffix: p[end+1:]}
	}
	return out
}

// normTemplate drops placeholder names so templates from different
// resources compare equal: "/v1/Services/{ServiceSid}" -> "/v1/Services/{}".
func normTemplate(segs []seg) string {
	var b strings.Builder
	for _, s := range segs {
		b.WriteByte('/')
		if s.isVar() {
			b.WriteString(s.prefix + "{}" + s.suffix)
		} else {
			b.WriteString(s.lit)
		}
	}
	return b.String()
}

// expand fills the placeholders of segs with vals, in order.
func expand(segs []seg, vals []string) string {
	var b strings.Builder
	i := 0
	for _, s := range segs {
		b.WriteByte('/')
		if s.isVar() {
			b.WriteString(s.prefix)
			if i < len(vals) {
				b.WriteString(vals[i])
			}
			b.WriteString(s.suffix)
			i++
		} else {
			b.WriteString(s.lit)
		}
	}
	return b.String()
}

// resInfo is everything the emulator derives once from a catalog resource.
type resInfo struct {
	res      *catalog.Resource
	token    string
	host     string // "sync.twilio.com"
	is2010   bool
	list     []seg // nil when the resource has no list path
	inst     []seg // nil when the resource has no instance path
	nParents int
	// parents[k] is the resource whose instance the k-th parent placeholder
	// names, or nil when the catalog does not describe it.
	parents    []*resInfo
	parentKeys []string // response field of each parent placeholder: "service_sid"
	children   []*resInfo
	prefix     string // SID prefix of generated IDs
	uniqueAddr bool   // instances may be addressed by unique_name
	singleton  bool
	isAccount  bool
	// nested: some resource lives below an instance of this one, so a
	// delete must sweep the paths under it.
	nested bool
	// propOf maps a parameter name (any case, no underscores) to the
	// response property it sets.
	propOf map[string]*catalog.Property
	props  map[string]*catalog.Property
}

// route is a leaf of the router: a template bound to a resource.
type route struct {
	info     *resInfo
	instance bool
}

type node struct {
	lits  map[string]*node
	vars  []*varEdge
	leaf  *route
	depth int
}

type varEdge struct {
	prefix, suffix string
	next           *node
}

// router maps a product to the trie of its path templates.
type router struct {
	hosts map[string]*node // by product ("sync")
	infos []*resInfo
	byTok map[string]*resInfo
	paths int
}

// uniqueNameProducts lets these products address an instance by its
// unique_name wherever Twilio documents "the SID or unique name".
var uniqueNameProducts = map[string]bool{"sync": true, "serverless": true, "conversations": true}

// sidPrefixFallback fills SID prefixes the OpenAPI description leaves out.
var sidPrefixFallback = map[string]string{
	"api/v2010:Message":       "SM",
	"intelligence/v2:Service": "GA",
}

func buildRouter(c *catalog.Catalog) *router {
	rt := &router{hosts: map[string]*node{}, byTok: map[string]*resInfo{}}
	byInst := map[string]*resInfo{} // host + normalized instance template
	for _, r := range c.Resources {
		in := &resInfo{
			res:    r,
			token:  r.Token(),
			host:   r.Host(),
			is2010: r.Version == "2010-04-01",
			prefix: r.SIDPrefix,
			props:  map[string]*catalog.Property{},
			propOf: map[string]*catalog.Property{},
		}
		if in.prefix == "" {
			in.prefix = sidPrefixFallback[in.token]
		}
		if in.prefix == "" {
			in.prefix = "XX"
		}
		if r.ListPath != "" {
			in.list = parseTemplate(r.ListPath)
		}
		if r.InstancePath != "" {
			in.inst = parseTemplate(r.InstancePath)
			byInst[r.Product+normTemplate(in.inst)] = in
		}
		in.singleton = r.ListPath == "" && r.IDField == ""
		in.isAccount = in.token == "api/v2010:Account"
		in.nParents = len(r.ParentParams())
		for _, name := range r.ParentParams() {
			in.parentKeys = append(in.parentKeys, catalog.Snake(name))
		}
		for _, p := range r.Properties {
			in.props[p.Name] = p
			in.propOf[normName(p.Name)] = p
			if p.Name == "unique_name" && uniqueNameProducts[r.Product] {
				in.uniqueAddr = true
			}
		}
		rt.infos = append(rt.infos, in)
		rt.byTok[in.token] = in
	}
	for _, in := range rt.infos {
		segs := in.list
		if segs == nil {
			segs = in.inst
		}
		in.parents = make([]*resInfo, in.nParents)
		k := 0
		for i, s := range segs {
			if !s.isVar() || k >= in.nParents {
				continue
			}
			pt := append([]seg(nil), segs[:i+1]...)
			if in.is2010 && pt[i].suffix == "" {
				pt[i].suffix = ".json"
			}
			if p := byInst[in.res.Product+normTemplate(pt)]; p != nil && p != in {
				in.parents[k] = p
			}
			k++
		}
		// Children are the lists below an instance, and the singletons
		// below it (a Build's Status, a Function Version's Content),
		// which Twilio's links name too.
		if in.nParents > 0 && (in.list != nil || in.singleton) {
			if p := in.parents[in.nParents-1]; p != nil {
				p.children = append(p.children, in)
			}
		}
	}
	templates := map[string][]string{} // product -> normalized templates
	for _, in := range rt.infos {
		for _, segs := range [][]seg{in.list, in.inst} {
			if segs != nil {
				templates[in.res.Product] = append(templates[in.res.Product], normTemplate(segs))
			}
		}
	}
	for _, in := range rt.infos {
		if in.inst == nil {
			continue
		}
		prefix := strings.TrimSuffix(normTemplate(in.inst), ".json") + "/"
		for _, t := range templates[in.res.Product] {
			if strings.HasPrefix(t, prefix) {
				in.nested = true
				break
			}
		}
	}
	for _, in := range rt.infos {
		sort.Slice(in.children, func(i, j int) bool { return in.children[i].token < in.children[j].token })
		if in.list != nil {
			rt.add(in.res.Product, in.list, &route{info: in})
		}
		if in.inst != nil {
			rt.add(in.res.Product, in.inst, &route{info: in, instance: true})
		}
	}
	return rt
}

func (rt *router) add(product string, segs []seg, r *route) {
	n := rt.hosts[product]
	if n == nil {
		n = &node{}
		rt.hosts[product] = n
	}
	for _, s := range segs {
		if !s.isVar() {
			if n.lits == nil {
				n.lits = map[string]*node{}
			}
			next := n.lits[s.lit]
			if next == nil {
				next = &node{}
				n.lits[s.lit] = next
			}
			n = next
			continue
		}
		var next *node
		for _, e := range n.vars {
			if e.prefix == s.prefix && e.suffix == s.suffix {
				next = e.next
			}
		}
		if next == nil {
			next = &node{}
			n.vars = append(n.vars, &varEdge{prefix: s.prefix, suffix: s.suffix, next: next})
			// Longer affixes first, so "{Sid}.json" wins over "{Sid}".
			sort.SliceStable(n.vars, func(i, j int) bool {
				return len(n.vars[i].prefix)+len(n.vars[i].suffix) > len(n.vars[j].prefix)+len(n.vars[j].suffix)
			})
		}
		n = next
	}
	if n.leaf == nil { // the first resource to claim a template serves it
		n.leaf = r
		rt.paths++
	}
}

// match finds the route of a request path and the placeholder values.
func (rt *router) match(product, path string) (*route, []string) {
	n := rt.hosts[product]
	if n == nil {
		return nil, nil
	}
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	vals := make([]string, 0, 4)
	return matchNode(n, parts, vals)
}

func matchNode(n *node, parts []string, vals []string) (*route, []string) {
	if len(parts) == 0 {
		if n.leaf != nil {
			return n.leaf, vals
		}
		return nil, nil
	}
	p := parts[0]
	if next := n.lits[p]; next != nil {
		if r, v := matchNode(next, parts[1:], vals); r != nil {
			return r, v
		}
	}
	for _, e := range n.vars {
		if len(p) <= len(e.prefix)+len(e.suffix) || !strings.HasPrefix(p, e.prefix) || !strings.HasSuffix(p, e.suffix) {
			continue
		}
		v := p[len(e.prefix) : len(p)-len(e.suffix)]
		if r, out := matchNode(e.next, parts[1:], append(vals, v)); r != nil {
			return r, out
		}
	}
	return nil, nil
}

// normName compares a parameter name with a property name: lower case,
// no underscores ("FriendlyName" and "friendly_name" both give
// "friendlyname").
func normName(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, "_", ""))
}
