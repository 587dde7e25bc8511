package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
)

// input is a request's parameters, decoded once.
type input struct {
	form   url.Values     // query + form body (or multipart values)
	json   map[string]any // JSON body, for operations with Body "json"
	isJSON bool
	file   []byte // multipart "Content" part
	ftype  string // its content type
}

func readInput(r *http.Request) (*input, *apiError) {
	in := &input{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case r.Method == http.MethodPost && ct == "multipart/form-data":
		if err := r.ParseMultipartForm(8 << 20); err != nil { // larger parts go to temporary files
			return in, errParam("Invalid multipart body: %v", err)
		}
		in.form = url.Values{}
		for k, v := range r.URL.Query() {
			in.form[k] = v
		}
		for k, v := range r.MultipartForm.Value {
			in.form[k] = append(in.form[k], v...)
		}
		if fhs := r.MultipartForm.File["Content"]; len(fhs) > 0 {
			f, err := fhs[0].Open()
			if err != nil {
				return in, errParam("Invalid Content part: %v", err)
			}
			in.file, err = io.ReadAll(f)
			f.Close()
			if err != nil {
				return in, errParam("Invalid Content part: %v", err)
			}
			in.ftype = fhs[0].Header.Get("Content-Type")
			in.form["Content"] = nil // present, for the required-parameter check
		}
	case r.Method == http.MethodPost && ct == "application/json":
		in.isJSON = true
		in.form = r.URL.Query()
		body, err := io.ReadAll(io.LimitReader(r.Body, 32<<20))
		if err != nil {
			return in, errParam("Invalid JSON body: %v", err)
		}
		if len(strings.TrimSpace(string(body))) > 0 {
			if err := json.Unmarshal(body, &in.json); err != nil {
				return in, errParam("Invalid JSON body: %v", err)
			}
		}
	default:
		if err := r.ParseForm(); err != nil {
			return in, errParam("Invalid form body: %v", err)
		}
		in.form = r.Form
	}
	return in, nil
}

// logParams are the parameters as recorded in the request log.
func (in *input) logParams() url.Values {
	out := url.Values{}
	for k, v := range in.form {
		if v == nil {
			out[k] = []string{fmt.Sprintf("<%d bytes>", len(in.file))}
			continue
		}
		out[k] = slices.Clone(v)
	}
	for k, v := range in.json {
		b, _ := json.Marshal(v)
		out[k] = []string{string(b)}
	}
	return out
}

// call is one API request being served.
type call struct {
	s        *Server
	w        http.ResponseWriter
	r        *http.Request
	host     string
	info     *resInfo
	instance bool
	vals     []string // placeholder values, unescaped
	auth     *account // the account whose credentials were given
	acct     *account // the account acted on
	in       *input
	now      time.Time
	extra    map[string]any // fields only the create response shows
	// transient: the create is an action whose answer is not kept
	// (Studio's Flow Validate).
	transient bool
	entry     *Request // this request's log entry
}

// ignore handles parameters the operation does not define: strict mode
// rejects the first (in name order); otherwise they are dropped, as
// Twilio drops them, and recorded in the request log so a user can see
// what Twilio would not have used.
func (c *call) ignore(opID string, names []string) *apiError {
	if len(names) == 0 {
		return nil
	}
	slices.Sort(names)
	if c.s.strict {
		return errParam("Parameter %s is not defined for %s (strict mode rejects what Twilio would ignore)", names[0], opID)
	}
	for _, n := range names {
		if !slices.Contains(c.entry.Ignored, n) {
			c.entry.Ignored = append(c.entry.Ignored, n)
		}
	}
	c.entry.Operation = opID
	return nil
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, entry *Request) {
	host := productHost(r.Host)
	product := strings.TrimSuffix(host, ".twilio.com")
	in, perr := readInput(r)
	entry.Params = in.logParams()

	write := r.Method != http.MethodGet && r.Method != http.MethodHead
	if write {
		s.mu.Lock()
		defer s.mu.Unlock()
	} else {
		s.mu.RLock()
		defer s.mu.RUnlock()
	}
	auth, aerr := s.authenticate(r)
	if aerr != nil {
		writeErr(w, aerr)
		return
	}
	entry.Account = auth.sid
	if perr != nil {
		writeErr(w, perr)
		return
	}
	routeProduct := product
	if product == "serverless-upload" {
		routeProduct = "serverless"
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	rt, raw := s.rt.match(routeProduct, "/"+strings.Join(parts, "/"))
	if rt == nil {
		writeErr(w, errNotFound(r.URL.Path))
		return
	}
	vals := make([]string, len(raw))
	for i, v := range raw {
		u, err := url.PathUnescape(v)
		if err != nil {
			writeErr(w, errNotFound(r.URL.Path))
			return
		}
		vals[i] = u
	}
	c := &call{s: s, w: w, r: r, host: rt.info.host, info: rt.info, instance: rt.instance,
		vals: vals, auth: auth, acct: auth, in: in, now: s.now().UTC().Truncate(time.Second), entry: entry}
	if product == "serverless-upload" {
		c.host = "serverless.twilio.com"
	}
	if e := c.serve(product == "serverless-upload"); e != nil {
		writeErr(w, e)
	}
}

// authenticate checks HTTP basic auth: an account SID with its auth token
// (or with its parent's token), or an API key SID with its secret.
func (s *Server) authenticate(r *http.Request) (*account, *apiError) {
	user, pass, ok := r.BasicAuth()
	deny := newErr(http.StatusUnauthorized, CodeAuthenticate, "Authentication Error - invalid username")
	if !ok || user == "" {
		deny.Message = "Authentication Error - No credentials provided"
		return nil, deny
	}
	if strings.HasPrefix(user, "SK") {
		k := s.keys[user]
		if k == nil || k.secret != pass || k.account.status != "active" {
			return nil, deny
		}
		return k.account, nil
	}
	a := s.accounts[user]
	if a == nil || a.status == "closed" {
		return nil, deny
	}
	if pass == a.token && a.status == "suspended" {
		// Twilio: "Account not active" for a suspended account's own
		// credentials; its parent can still act on it (to reactivate it).
		return nil, newErr(http.StatusUnauthorized, CodeAccountNotActive, "Account %s is not active (suspended)", a.sid)
	}
	if pass == a.token && a.status == "active" {
		return a, nil
	}
	if a.owner != "" {
		if p := s.accounts[a.owner]; p != nil && p.status == "active" && pass == p.token {
			return a, nil
		}
	}
	deny.Message = "Authentication Error - invalid password"
	return nil, deny
}

// canActOn reports whether credentials of auth may act on account a: its
// own, or a sub-account of it.
func canActOn(auth, a *account) bool {
	return a == auth || a.owner == auth.sid
}

func (c *call) serve(upload bool) *apiError {
	if c.info.isAccount {
		return c.serveAccount()
	}
	if upload {
		if e := c.resolveParents(); e != nil {
			return e
		}
		return c.serveUpload()
	}
	if c.info.token == tokSafelist {
		return c.serveSafelist()
	}
	op, status := c.operation()
	if op == nil {
		return newErr(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "Method %s not allowed on %s", c.r.Method, c.r.URL.Path)
	}
	if e := c.resolveParents(); e != nil {
		return e
	}
	if kind, ok := c.isNumberSearch(); ok {
		return c.searchNumbers(kind)
	}
	if c.info.res.Product == "serverless" && c.r.Method == http.MethodPost && !c.instance &&
		(c.info.token == "serverless/v1:ServiceFunctionVersion" || c.info.token == "serverless/v1:ServiceAssetVersion") {
		return newErr(http.StatusNotFound, CodeNotFound, "Versions are uploaded to serverless-upload.twilio.com")
	}
	switch {
	case c.r.Method == http.MethodGet && !c.instance:
		return c.list(op)
	case c.r.Method == http.MethodGet:
		return c.fetch(op, status)
	case c.r.Method == http.MethodPost && !c.instance:
		return c.create(op, status)
	case c.r.Method == http.MethodPost:
		return c.update(op, status)
	default:
		return c.delete(op, status)
	}
}

// operation picks the catalog operation of the request and its success
// status.
func (c *call) operation() (*catalog.Operation, int) {
	res := c.info.res
	var op *catalog.Operation
	def := http.StatusOK
	switch c.r.Method {
	case http.MethodGet:
		if c.instance {
			op = res.Fetch
		} else {
			op = res.List
		}
	case http.MethodPost:
		if c.instance {
			op = res.Update
		} else {
			op, def = res.Create, http.StatusCreated
		}
	case http.MethodDelete:
		if c.instance {
			op, def = res.Delete, http.StatusNoContent
		}
	}
	if op == nil {
		return nil, 0
	}
	if op.Status != 0 {
		def = op.Status
	}
	return op, def
}

// resolveParents checks that every parent in the path exists (in the
// account acted on) and replaces unique names by SIDs.
func (c *call) resolveParents() *apiError {
	for k := 0; k < c.info.nParents; k++ {
		p := c.info.parents[k]
		if p == nil {
			continue
		}
		if p.isAccount {
			a := c.s.accounts[c.vals[k]]
			if a == nil || a.status == "closed" || !canActOn(c.auth, a) {
				if a != nil && a.status != "closed" {
					return newErr(http.StatusUnauthorized, CodeAuthenticate, "Authentication Error - credentials cannot act on account %s", c.vals[k])
				}
				return errNotFound(c.r.URL.Path)
			}
			c.acct = a
			continue
		}
		if !p.res.Createable() {
			continue // read-only parents (usage, countries...) exist as far as we know
		}
		o := c.lookup(p, c.vals[:k+1])
		if o == nil {
			return errNotFound(c.r.URL.Path)
		}
		c.vals[k] = o.id
	}
	return nil
}

// lookup finds an instance of in by its placeholder values (the last one
// being its SID or, where allowed, unique name).
func (c *call) lookup(in *resInfo, vals []string) *object {
	st := c.acct.store
	if in.inst != nil {
		if o := st.objs[in.host+expand(in.inst, escapeAll(vals))]; o != nil {
			return o
		}
	}
	if in.uniqueAddr && in.list != nil {
		return st.findUnique(in.host+expand(in.list, escapeAll(vals[:len(vals)-1])), vals[len(vals)-1])
	}
	return nil
}

func escapeAll(vals []string) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = url.PathEscape(v)
	}
	return out
}

func (c *call) parentVals() []string { return c.vals[:c.info.nParents] }

func (c *call) collKey() string {
	if c.info.list == nil {
		return ""
	}
	return c.info.host + expand(c.info.list, escapeAll(c.parentVals()))
}

// params validates the request's parameters against op and converts them
// to response fields (keyed by property name, or the snake-case parameter
// name when no property matches).
func (c *call) params(op *catalog.Operation, list bool) (map[string]any, *apiError) {
	out := map[string]any{}
	known := map[string]bool{}
	where := "in the post body"
	if c.r.Method != http.MethodPost {
		where = "in the request"
	}
	jsonOpen := c.in.isJSON && len(op.Params) == 0 // body schema not described: accept it
	for _, p := range op.Params {
		if p.In == "header" {
			continue
		}
		known[p.Name] = true
		var v any
		var present bool
		if c.in.isJSON && p.In == "body" {
			v, present = c.in.json[p.Name]
		} else if vs, ok := c.in.form[p.Name]; ok {
			present = true
			if p.Name == "Content" && vs == nil {
				continue // multipart file, handled by the upload code
			}
			var e *apiError
			if v, e = convertParam(p, vs); e != nil {
				return nil, e
			}
		}
		if !present {
			if p.Required {
				return nil, errParam("Missing required parameter %s %s", p.Name, where)
			}
			continue
		}
		if e := checkEnum(p, v); e != nil {
			return nil, e
		}
		prop := c.info.propOf[normName(p.Name)]
		if prop != nil {
			out[prop.Name] = toProperty(prop, v)
		} else {
			out[catalog.Snake(p.Name)] = v
		}
	}
	var unknown []string
	for k := range c.in.form {
		if known[k] || list && (k == "PageSize" || k == "Page" || k == "PageToken") {
			continue
		}
		unknown = append(unknown, k)
	}
	if c.in.isJSON && !jsonOpen {
		for k := range c.in.json {
			if !known[k] {
				unknown = append(unknown, k)
			}
		}
	}
	if e := c.ignore(op.ID, unknown); e != nil {
		return nil, e
	}
	if jsonOpen {
		for k, v := range c.in.json {
			if prop := c.info.propOf[normName(k)]; prop != nil {
				out[prop.Name] = v
			} else {
				out[k] = v
			}
		}
	}
	return out, nil
}

// convertParam parses form values by the parameter's declared type.
func convertParam(p *catalog.Param, vs []string) (any, *apiError) {
	if p.Type == "array" {
		if len(vs) == 1 && vs[0] == "" {
			return []any{}, nil // one empty value clears a list
		}
		if len(vs) == 1 && strings.HasPrefix(strings.TrimSpace(vs[0]), "[") {
			var arr []any // some clients send a JSON array
			if err := json.Unmarshal([]byte(vs[0]), &arr); err == nil {
				return arr, nil
			}
		}
		out := make([]any, 0, len(vs))
		for _, v := range vs {
			if p.Items == "object" {
				var x any
				if err := json.Unmarshal([]byte(v), &x); err != nil {
					return nil, errParam("Invalid value %q for parameter %s: want a JSON object", v, p.Name)
				}
				out = append(out, x)
				continue
			}
			out = append(out, v)
		}
		return out, nil
	}
	v := ""
	if len(vs) > 0 {
		v = vs[len(vs)-1]
	}
	switch p.Type {
	case "boolean":
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, errParam("Invalid value %q for parameter %s: want true or false", v, p.Name)
		}
		return b, nil
	case "integer":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, errParam("Invalid value %q for parameter %s: want an integer", v, p.Name)
		}
		return n, nil
	case "number":
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return nil, errParam("Invalid value %q for parameter %s: want a number", v, p.Name)
		}
		return f, nil
	case "object":
		var x any
		if err := json.Unmarshal([]byte(v), &x); err != nil {
			return nil, errParam("Invalid value for parameter %s: want JSON", p.Name)
		}
		return x, nil
	}
	return v, nil
}

func checkEnum(p *catalog.Param, v any) *apiError {
	if len(p.Enum) == 0 {
		return nil
	}
	check := func(x any) *apiError {
		s, ok := x.(string)
		if !ok || !slices.Contains(p.Enum, s) {
			return errParam("Invalid value %v for parameter %s: want one of %s", x, p.Name, strings.Join(p.Enum, ", "))
		}
		return nil
	}
	if arr, ok := v.([]any); ok {
		for _, x := range arr {
			if e := check(x); e != nil {
				return e
			}
		}
		return nil
	}
	return check(v)
}

// toProperty types a parameter value like the response property.
func toProperty(prop *catalog.Property, v any) any {
	switch prop.Type {
	case "string":
		switch x := v.(type) {
		case string:
			return x
		case []any:
			if len(x) == 1 {
				if s, ok := x[0].(string); ok {
					return s
				}
			}
		}
		if v == nil {
			return nil
		}
		b, _ := json.Marshal(v)
		return string(b)
	case "object":
		if s, ok := v.(string); ok {
			var x any
			if json.Unmarshal([]byte(s), &x) == nil {
				return x
			}
		}
	case "array":
		if s, ok := v.(string); ok {
			var arr []any
			if strings.HasPrefix(strings.TrimSpace(s), "[") && json.Unmarshal([]byte(s), &arr) == nil {
				return arr
			}
			return []any{s}
		}
	case "boolean":
		if s, ok := v.(string); ok {
			if b, err := strconv.ParseBool(s); err == nil {
				return b
			}
		}
	case "integer":
		if s, ok := v.(string); ok {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				return n
			}
		}
	}
	return v
}

func (c *call) create(op *catalog.Operation, status int) *apiError {
	fields, e := c.params(op, false)
	if e != nil {
		return e
	}
	o, e := c.newObject(fields)
	if e != nil {
		return e
	}
	if e := c.s.afterCreate(c, o); e != nil {
		return e
	}
	if !c.transient {
		c.acct.store.put(o)
	}
	out := c.s.render(o)
	for k, v := range c.extra {
		out[k] = v
	}
	writeJSON(c.w, status, out)
	return nil
}

// newObject builds (but does not store) an instance of the call's
// resource from request fields.
func (c *call) newObject(fields map[string]any) (*object, *apiError) {
	in := c.info
	st := c.acct.store
	collKey := c.collKey()
	idField := in.res.IDField
	var id string
	switch {
	case idField == "" || idField == "sid":
		id = c.s.newSID(in.prefix)
	case fields[idField] != nil:
		id = fmt.Sprint(fields[idField])
	case idField == "index":
		col := st.coll(collKey)
		id = strconv.FormatInt(col.nextIndex, 10)
		col.nextIndex++
	default:
		prefix := in.prefix
		if p := in.props[idField]; p != nil && p.SIDPrefix != "" {
			prefix = p.SIDPrefix
		}
		id = c.s.newSID(prefix)
	}
	if idField != "" {
		if p := in.props[idField]; p != nil && p.Type == "integer" {
			n, _ := strconv.ParseInt(id, 10, 64)
			fields[idField] = n
		} else {
			fields[idField] = id
		}
	}
	if _, ok := in.props["sid"]; ok && fields["sid"] == nil {
		fields["sid"] = c.s.newSID(in.prefix)
	}
	if un, ok := fields["unique_name"].(string); ok && un != "" && st.findUnique(collKey, un) != nil {
		return nil, newErr(http.StatusConflict, CodeConflict, "Unique name already exists: %s", un)
	}
	vals := append(slices.Clone(c.parentVals()), id)
	var path string
	if in.inst != nil {
		path = expand(in.inst, escapeAll(vals))
	} else {
		path = expand(in.list, escapeAll(c.parentVals())) + "/" + url.PathEscape(id)
	}
	key := c.host + path
	if st.objs[key] != nil {
		return nil, newErr(http.StatusConflict, CodeConflict, "%s %s already exists", idField, id)
	}
	c.fillParents(fields)
	fillDefaults(in, fields)
	c.s.seq++
	return &object{info: in, key: key, path: path, vals: vals, id: id, seq: c.s.seq, coll: collKey,
		fields: fields, created: c.now, updated: c.now}, nil
}

// fillDefaults sets the values Twilio fills in when a create leaves them
// out: callback methods default to POST, 2010 resources carry their API
// version.
func fillDefaults(in *resInfo, fields map[string]any) {
	for _, p := range in.res.Properties {
		if fields[p.Name] != nil {
			continue
		}
		switch {
		case p.Format == "http-method":
			fields[p.Name] = "POST"
		case p.Name == "api_version" && in.is2010:
			fields[p.Name] = "2010-04-01"
		}
	}
}

// fillParents sets account_sid and the parent SIDs named by the path.
func (c *call) fillParents(fields map[string]any) {
	if _, ok := c.info.props["account_sid"]; ok {
		fields["account_sid"] = c.acct.sid
	}
	for k, name := range c.info.parentKeys {
		if _, ok := c.info.props[name]; ok {
			fields[name] = c.vals[k]
		}
	}
}

func (c *call) fetch(op *catalog.Operation, status int) *apiError {
	if _, e := c.params(op, false); e != nil {
		return e
	}
	o := c.find()
	if o == nil {
		return errNotFound(c.r.URL.Path)
	}
	return c.writeObject(status, o)
}

// writeObject answers with o as it reads now.
func (c *call) writeObject(status int, o *object) *apiError {
	extra, e := c.readTime(o)
	if e != nil {
		return e
	}
	writeJSON(c.w, status, c.s.renderWith(o, extra))
	return nil
}

// find returns the addressed instance; a singleton or settings object that
// was never written is returned with its default fields (not stored).
func (c *call) find() *object {
	if o := c.lookup(c.info, c.vals); o != nil {
		return o
	}
	fields := settingsFields(c.info, c.acct.sid, c.vals)
	if fields == nil && !c.info.singleton {
		return nil
	}
	if fields == nil {
		fields = map[string]any{}
	}
	c.fillParents(fields)
	path := expand(c.info.inst, escapeAll(c.vals))
	var id string
	if c.info.res.IDField != "" {
		id = c.vals[len(c.vals)-1] // a settings object keyed by its path (a number's route)
	}
	return &object{info: c.info, key: c.host + path, path: path, vals: slices.Clone(c.vals), id: id,
		fields: fields, created: c.acct.created, updated: c.acct.created}
}

func (c *call) update(op *catalog.Operation, status int) *apiError {
	fields, e := c.params(op, false)
	if e != nil {
		return e
	}
	o := c.find()
	if o == nil {
		return errNotFound(c.r.URL.Path)
	}
	if un, ok := fields["unique_name"].(string); ok && un != "" && un != o.fields["unique_name"] {
		if other := c.acct.store.findUnique(o.coll, un); other != nil && other != o {
			return newErr(http.StatusConflict, CodeConflict, "Unique name already exists: %s", un)
		}
	}
	if e := c.s.beforeUpdate(c, o, fields); e != nil {
		return e
	}
	oldName := uniqueName(o)
	for k, v := range fields {
		if k == c.info.res.IDField {
			continue // IDs never change
		}
		o.fields[k] = v
	}
	o.updated = c.now
	if c.acct.store.objs[o.key] == nil { // first write of a singleton
		c.acct.store.put(o)
	} else if uniqueName(o) != oldName {
		c.acct.store.setUnique(o, oldName)
	}
	return c.writeObject(status, o)
}

func (c *call) delete(op *catalog.Operation, status int) *apiError {
	if _, e := c.params(op, false); e != nil {
		return e
	}
	o := c.lookup(c.info, c.vals)
	if o == nil {
		return errNotFound(c.r.URL.Path)
	}
	c.acct.store.remove(o)
	if k := c.s.keys[o.id]; k != nil && o.info.token == tokAPIKey && k.account == c.acct {
		delete(c.s.keys, o.id)
	}
	if status == http.StatusNoContent {
		c.w.WriteHeader(status)
		return nil
	}
	writeJSON(c.w, status, c.s.render(o))
	return nil
}

const (
	fmtISO     = "2006-01-02T15:04:05Z"
	fmtRFC2822 = "Mon, 02 Jan 2006 15:04:05 +0000"
)

// render is the JSON representation of o: every catalog property, null
// when unknown.
func (s *Server) render(o *object) map[string]any { return s.renderWith(o, nil) }

// renderWith renders o with some fields replaced (values computed at read
// time, which must not be written to a stored object under a read lock).
func (s *Server) renderWith(o *object, extra map[string]any) map[string]any {
	in := o.info
	out := make(map[string]any, len(in.res.Properties))
	for _, p := range in.res.Properties {
		v, ok := extra[p.Name]
		if !ok {
			v = o.fields[p.Name] // nil when absent
		}
		switch p.Name {
		case "date_created":
			v = formatTime(o.created, p.Format)
		case "date_updated":
			v = formatTime(o.updated, p.Format)
		case "url":
			v = "https://" + in.host + o.path
		case "uri":
			v = o.path
		case "links":
			v = s.links(o, "https://"+in.host)
		case "subresource_uris":
			v = s.links(o, "")
		}
		out[p.Name] = v
	}
	return out
}

func formatTime(t time.Time, format string) any {
	if t.IsZero() {
		return nil
	}
	if format == "date-time-rfc-2822" {
		return t.UTC().Format(fmtRFC2822)
	}
	return t.UTC().Format(fmtISO)
}

// singletonLinks are the links keys Twilio gives singleton children
// where they are not the path's last segment in snake case (a Workspace's
// /Statistics is "statistics", a Build's /Status is "build_status"), as
// Twilio's API reference shows them.
var singletonLinks = map[string]string{
	"serverless/v1:ServiceBuildStatus":            "build_status",
	"serverless/v1:ServiceFunctionVersionContent": "function_version_content",
	"studio/v1:FlowEngagementContext":             "engagement_context",
	"studio/v1:FlowEngagementStepContext":         "step_context",
	"studio/v1:FlowExecutionContext":              "execution_context",
	"studio/v1:FlowExecutionStepContext":          "step_context",
	"studio/v2:FlowExecutionContext":              "execution_context",
	"studio/v2:FlowExecutionStepContext":          "step_context",
}

// links maps each child collection, and each singleton right below the
// instance, to its address.
func (s *Server) links(o *object, base string) map[string]any {
	if len(o.info.children) == 0 {
		return map[string]any{}
	}
	out := make(map[string]any, len(o.info.children))
	esc := escapeAll(o.vals)
	for _, ch := range o.info.children {
		if ch.nParents != len(esc) {
			continue
		}
		if ch.list == nil {
			// A singleton right below the instance (a Build's Status;
			// not Workers/Statistics below a Workspace).
			if len(ch.inst) != len(o.info.inst)+1 {
				continue
			}
			key := singletonLinks[ch.token]
			if key == "" {
				key = catalog.Snake(strings.TrimSuffix(ch.inst[len(ch.inst)-1].lit, ".json"))
			}
			out[key] = base + expand(ch.inst, esc)
			continue
		}
		key := ch.res.ListKey
		if key == "" {
			last := ch.list[len(ch.list)-1]
			key = catalog.Snake(strings.TrimSuffix(last.lit, ".json"))
		}
		out[key] = base + expand(ch.list, esc)
	}
	return out
}
