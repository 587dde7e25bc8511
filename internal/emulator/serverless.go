package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Serverless tokens with behaviour beyond plain CRUD.
const (
	tokSlService     = "serverless/v1:Service"
	tokSlEnvironment = "serverless/v1:ServiceEnvironment"
	tokSlBuild       = "serverless/v1:ServiceBuild"
	tokSlBuildStatus = "serverless/v1:ServiceBuildStatus"
	tokSlDeployment  = "serverless/v1:ServiceEnvironmentDeployment"
	tokSlFnVersion   = "serverless/v1:ServiceFunctionVersion"
	tokSlAssetVer    = "serverless/v1:ServiceAssetVersion"
	tokSlFnContent   = "serverless/v1:ServiceFunctionVersionContent"
	tokAPIKey        = "api/v2010:Key"
)

var (
	// A service's unique name becomes part of its domains.
	slServiceName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,49}$`)
	slSuffix      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,15}$`)
)

func (s *Server) newEnvironment(c *call, o *object) *apiError {
	un, _ := o.fields["unique_name"].(string)
	if un == "" || len(un) > 100 {
		return errParam("Invalid UniqueName %q: use 1 to 100 characters", un)
	}
	suffix, _ := o.fields["domain_suffix"].(string)
	if suffix != "" && !slSuffix.MatchString(suffix) {
		return errParam("Invalid DomainSuffix %q: use up to 16 letters, digits and hyphens", suffix)
	}
	// https://[service unique name]-[random characters]-[optional domain
	// suffix].twil.io, the first two being the service's domain_base.
	svc := c.lookup(s.rt.byTok[tokSlService], c.vals[:1])
	domain, _ := svc.fields["domain_base"].(string)
	if suffix != "" {
		domain += "-" + suffix
	} else {
		o.fields["domain_suffix"] = nil // the toolkit finds production by a null suffix
	}
	o.fields["domain_name"] = strings.ToLower(domain) + ".twil.io"
	o.fields["build_sid"] = nil
	return nil
}

// newBuild checks the versions a build names and schedules its outcome:
// it reads "building" until BuildDelay has passed, then "completed", or
// "failed" when Options.FailBuild says so or a function's content holds
// FailBuildMarker.
func (s *Server) newBuild(c *call, o *object) *apiError {
	st := c.acct.store
	fnInfo, assetInfo := s.rt.byTok[tokSlFnVersion], s.rt.byTok[tokSlAssetVer]
	contents := map[string][]byte{}
	expandVersions := func(field string, in *resInfo) *apiError {
		sids, _ := o.fields[field].([]any)
		out := make([]any, 0, len(sids))
		for _, x := range sids {
			sid, _ := x.(string)
			v := findVersion(st, in, c.vals[0], sid)
			if v == nil {
				return errParam("Invalid %s: version %s not found in service %s", field, sid, c.vals[0])
			}
			if in == fnInfo {
				contents[v.fields["path"].(string)] = v.content
			}
			out = append(out, s.render(v))
		}
		o.fields[field] = out
		return nil
	}
	if e := expandVersions("function_versions", fnInfo); e != nil {
		return e
	}
	if e := expandVersions("asset_versions", assetInfo); e != nil {
		return e
	}
	deps, e := buildDependencies(o.fields["dependencies"])
	if e != nil {
		return e
	}
	o.fields["dependencies"] = deps
	if e := checkBuildLimits(o); e != nil {
		return e
	}
	if o.fields["runtime"] == nil {
		o.fields["runtime"] = "node22"
	}
	failed := false
	for _, b := range contents {
		failed = failed || bytes.Contains(b, []byte(FailBuildMarker))
	}
	if s.opts.FailBuild != nil && s.opts.FailBuild(o.id, contents) {
		failed = true
	}
	// From the request's own instant: o.created is truncated to the
	// second (Twilio's dates are), and counting from it ended builds up
	// to a second early.
	o.ready = s.now().UTC().Add(s.opts.BuildDelay)
	o.final = "completed"
	if failed {
		o.final = "failed"
	}
	o.fields["status"] = "building"
	return nil
}

// buildDependencies reads CreateBuild's Dependencies: a JSON array of
// {"name", "version"} objects, given as a string. Our provider sends the
// array; Twilio's Serverless Toolkit wraps it in double quotes
// (`"[{"name":"twilio",...}]"`, serverless-api's triggerBuild), which
// Twilio accepts. Either is stored as the array, as Twilio returns it.
func buildDependencies(v any) ([]any, *apiError) {
	// The parameter reaches here typed like the property (an array): a
	// plain JSON array already parsed, anything else as one string.
	deps, _ := v.([]any)
	raw, isRaw := v.(string)
	if len(deps) == 1 {
		raw, isRaw = deps[0].(string)
	}
	switch {
	case v == nil:
		return []any{}, nil
	case isRaw:
		raw = strings.TrimSpace(raw)
		if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
			var unquoted string
			if json.Unmarshal([]byte(raw), &unquoted) == nil {
				raw = unquoted // a JSON string holding the array
			} else {
				raw = raw[1 : len(raw)-1] // the toolkit's quotes around raw JSON
			}
		}
		if err := json.Unmarshal([]byte(raw), &deps); err != nil {
			return nil, errParam("Invalid Dependencies %q: want a JSON array of {\"name\", \"version\"} objects", raw)
		}
	case deps == nil:
		return nil, errParam("Invalid Dependencies: want a JSON array of {\"name\", \"version\"} objects")
	}
	for _, d := range deps {
		m, ok := d.(map[string]any)
		if name, _ := m["name"].(string); !ok || name == "" {
			return nil, errParam("Invalid Dependencies: %v has no name; want {\"name\", \"version\"} objects", d)
		}
	}
	return deps, nil
}

// Twilio's documented limits of one build ("Functions & Assets
// (API-only)": 50 Function Versions, 1000 public or protected Asset
// Versions, 50 private ones); internal/serverless refuses the same
// before it uploads.
const (
	maxBuildFunctions     = 50
	maxBuildPublicAssets  = 1000
	maxBuildPrivateAssets = 50
)

// checkBuildLimits refuses a build over Twilio's limits, naming the
// limit (400, 20001, as Twilio answers an invalid CreateBuild).
func checkBuildLimits(o *object) *apiError {
	fns, _ := o.fields["function_versions"].([]any)
	if len(fns) > maxBuildFunctions {
		return errParam("Invalid FunctionVersions: a build can contain up to %d Function Versions, got %d", maxBuildFunctions, len(fns))
	}
	assets, _ := o.fields["asset_versions"].([]any)
	var pub, priv int
	for _, a := range assets {
		if m, _ := a.(map[string]any); m["visibility"] == "private" {
			priv++
		} else {
			pub++
		}
	}
	if pub > maxBuildPublicAssets {
		return errParam("Invalid AssetVersions: a build can contain up to %d public or protected Asset Versions, got %d", maxBuildPublicAssets, pub)
	}
	if priv > maxBuildPrivateAssets {
		return errParam("Invalid AssetVersions: a build can contain up to %d private Asset Versions, got %d", maxBuildPrivateAssets, priv)
	}
	return nil
}

// findVersion finds a function or asset version of a service by SID,
// looking under each of the service's functions (or assets).
func findVersion(st *store, in *resInfo, serviceSID, sid string) *object {
	parents := "/Functions"
	if in.token == tokSlAssetVer {
		parents = "/Assets"
	}
	col := st.colls[in.host+"/v1/Services/"+serviceSID+parents]
	if col == nil {
		return nil
	}
	for _, p := range col.items {
		if o := st.objs[in.host+p.path+"/Versions/"+sid]; o != nil && o.info == in {
			return o
		}
	}
	return nil
}

// buildStatus is a build's status at time now.
func buildStatus(o *object, now time.Time) string {
	if o.final == "" || now.Before(o.ready) {
		st, _ := o.fields["status"].(string)
		return st
	}
	return o.final
}

func (s *Server) newDeployment(c *call, o *object) *apiError {
	env := c.lookup(s.rt.byTok[tokSlEnvironment], c.vals[:2])
	buildSID, _ := o.fields["build_sid"].(string)
	if buildSID != "" {
		b := c.lookup(s.rt.byTok[tokSlBuild], []string{c.vals[0], buildSID})
		if b == nil {
			return errParam("Invalid BuildSid: build %s not found in service %s", buildSID, c.vals[0])
		}
		if st := buildStatus(b, s.now()); st != "completed" {
			return errParam("Invalid BuildSid: build %s is %s; only completed builds can be deployed", buildSID, st)
		}
	}
	if env != nil {
		if buildSID == "" {
			env.fields["build_sid"] = nil
		} else {
			env.fields["build_sid"] = buildSID
		}
		env.updated = c.now
	}
	return nil
}

// readTime computes the fields of special resources that depend on the
// time of reading or on another object.
func (c *call) readTime(o *object) (map[string]any, *apiError) {
	switch o.info.token {
	case tokSlBuild:
		return map[string]any{"status": buildStatus(o, c.s.now())}, nil
	case tokSlBuildStatus:
		b := c.lookup(c.s.rt.byTok[tokSlBuild], c.vals[:2])
		if b == nil {
			return nil, errNotFound(c.r.URL.Path)
		}
		return map[string]any{"status": buildStatus(b, c.s.now())}, nil
	case tokSlFnContent:
		v := c.lookup(c.s.rt.byTok[tokSlFnVersion], c.vals[:3])
		if v == nil {
			return nil, errNotFound(c.r.URL.Path)
		}
		return map[string]any{"content": string(v.content), "sid": v.id}, nil
	}
	return nil, nil
}

// serveUpload serves serverless-upload.twilio.com: multipart uploads of
// Function and Asset Versions (fields Path, Visibility and the file part
// Content).
func (c *call) serveUpload() *apiError {
	tok := c.info.token
	if c.r.Method != http.MethodPost || c.instance || (tok != tokSlFnVersion && tok != tokSlAssetVer) {
		return errNotFound(c.r.URL.Path)
	}
	content := c.in.file
	if content == nil && c.in.form.Get("Content") != "" {
		content = []byte(c.in.form.Get("Content")) // sent as a plain field
	}
	if _, ok := c.in.form["Content"]; !ok {
		return errParam("Missing required parameter Content in the post body")
	}
	path := c.in.form.Get("Path")
	if path == "" {
		return errParam("Missing required parameter Path in the post body")
	}
	if !strings.HasPrefix(path, "/") {
		return errParam("Invalid Path %q: it must start with /", path)
	}
	if int64(len(content)) > c.s.opts.MaxUploadBytes {
		return errParam("Invalid Content for %s: %d bytes is over the limit of %d bytes", path, len(content), c.s.opts.MaxUploadBytes)
	}
	vis := c.in.form.Get("Visibility")
	if vis == "" {
		return errParam("Missing required parameter Visibility in the post body")
	}
	if !slices.Contains([]string{"public", "protected", "private"}, vis) {
		return errParam("Invalid value %s for parameter Visibility: want one of public, protected, private", vis)
	}
	var unknown []string
	for k := range c.in.form {
		if k != "Path" && k != "Visibility" && k != "Content" {
			unknown = append(unknown, k)
		}
	}
	opID := "CreateFunctionVersion"
	if tok == tokSlAssetVer {
		opID = "CreateAssetVersion"
	}
	if e := c.ignore(opID, unknown); e != nil {
		return e
	}
	o, e := c.newObject(map[string]any{"path": path, "visibility": vis})
	if e != nil {
		return e
	}
	o.content, o.ctype = content, c.in.ftype
	c.acct.store.put(o)
	writeJSON(c.w, http.StatusCreated, c.s.render(o))
	return nil
}
