package emulator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
	"github.com/tdeploy/twilio-deploy-action/internal/catalog/catalogtest"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
)

// apiClient sends hand-built requests to an emulator, as a product host.
type apiClient struct {
	t    testing.TB
	env  *emulatortest.Env
	user string
	pass string
}

func newAPIClient(t testing.TB, env *emulatortest.Env) *apiClient {
	return &apiClient{t: t, env: env, user: env.AccountSID, pass: env.AuthToken}
}

// do sends a request and decodes a JSON answer (nil for an empty body).
func (c *apiClient) do(method, host, path string, form url.Values, jsonBody any) (int, map[string]any, http.Header) {
	c.t.Helper()
	var body io.Reader
	ctype := ""
	u := c.env.URL + path
	switch {
	case jsonBody != nil:
		b, _ := json.Marshal(jsonBody)
		body, ctype = bytes.NewReader(b), "application/json"
	case method == http.MethodPost:
		body, ctype = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
	case len(form) > 0:
		u += "?" + form.Encode()
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Host = host
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.user != "" {
		req.SetBasicAuth(c.user, c.pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s%s: %v", method, host, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out); err != nil {
			c.t.Fatalf("%s %s%s: %d: decode %q: %v", method, host, path, resp.StatusCode, b, err)
		}
	}
	return resp.StatusCode, out, resp.Header
}

// encode adds a sample value to a form as twilio-go would send it.
func encode(form url.Values, p *catalog.Param, v any) {
	switch x := v.(type) {
	case []any, map[string]any:
		if arr, ok := x.([]any); ok && p.Type == "array" {
			for _, e := range arr {
				if str, ok := e.(string); ok {
					form.Add(p.Name, str)
					continue
				}
				b, _ := json.Marshal(e)
				form.Add(p.Name, string(b))
			}
			return
		}
		b, _ := json.Marshal(x)
		form.Set(p.Name, string(b))
	default:
		form.Set(p.Name, fmt.Sprint(x))
	}
}

// requiredParams builds the required parameters of op (plus those named
// in extra) with sample values.
func requiredParams(op *catalog.Operation, extra ...string) (url.Values, map[string]any) {
	form, js := url.Values{}, map[string]any{}
	for _, p := range op.Params {
		if p.In == "header" {
			continue
		}
		want := p.Required
		for _, e := range extra {
			want = want || p.Name == e
		}
		if !want {
			continue
		}
		v := catalogtest.Sample(p)
		if p.In == "body" && op.Body == "json" {
			js[p.Name] = v
			continue
		}
		encode(form, p, v)
	}
	return form, js
}

// creator creates instances of catalog resources, parents first.
type creator struct {
	c    *apiClient
	cat  *catalog.Catalog
	acct string
	// lastValues are the path values of the last instance created per token.
	lastValues map[string]map[string]string
	// lastIDs are the IDs of the last instance created per token.
	lastIDs map[string]string
}

// refersTo are body parameters that must name an instance of another
// token (Twilio answers 404 otherwise): the last one created.
var refersTo = map[string]map[string]string{
	"flex/v1:PluginRelease": {"ConfigurationId": "flex/v1:PluginConfiguration"},
}

func newCreator(c *apiClient, cat *catalog.Catalog) *creator {
	return &creator{c: c, cat: cat, acct: c.env.AccountSID}
}

// parentValues fills the parent placeholders of r's list path, creating
// the parents it can.
func (cr *creator) parentValues(r *catalog.Resource) (map[string]string, error) {
	vals := map[string]string{}
	for _, name := range catalog.PathParams(r.ListPath) {
		if name == "AccountSid" {
			vals[name] = cr.acct
			continue
		}
		parent := cr.cat.Owner(r, name)
		if parent == nil || !parent.Createable() {
			vals[name] = "ZZ0123456789abcdef0123456789abcdef" // unknown parents are not checked
			continue
		}
		_, id, err := cr.create(parent)
		if err != nil {
			return nil, fmt.Errorf("parent %s: %w", parent.Token(), err)
		}
		// the parent's own values are a prefix of ours
		pv := cr.lastValues[parent.Token()]
		for k, v := range pv {
			vals[k] = v
		}
		vals[name] = id
	}
	return vals, nil
}

// create makes one instance of r; it returns the response and the ID.
func (cr *creator) create(r *catalog.Resource) (map[string]any, string, error) {
	vals, err := cr.parentValues(r)
	if err != nil {
		return nil, "", err
	}
	path, err := catalog.Expand(r.ListPath, vals)
	if err != nil {
		return nil, "", err
	}
	var extra []string
	if r.IDField != "" && r.IDField != "sid" {
		for _, p := range r.Create.Params {
			if strings.EqualFold(strings.ReplaceAll(r.IDField, "_", ""), p.Name) {
				extra = append(extra, p.Name)
			}
		}
	}
	form, js := requiredParams(r.Create, extra...)
	for param, tok := range refersTo[r.Token()] {
		form.Set(param, cr.lastIDs[tok])
	}
	if r.Token() == "api/v2010:IncomingPhoneNumber" {
		// Twilio requires PhoneNumber or AreaCode, which the
		// description cannot say: buy any number of an area code.
		form.Set("AreaCode", "415")
	}
	var body any
	if r.Create.Body == "json" {
		body = js
	}
	status, out, _ := cr.c.do(http.MethodPost, r.Host(), path, form, body)
	if status != r.Create.Status && !(r.Create.Status == 0 && status == 201) {
		return out, "", fmt.Errorf("create %s: status %d (want %d): %v", path, status, r.Create.Status, out)
	}
	if cr.lastValues == nil {
		cr.lastValues = map[string]map[string]string{}
	}
	cr.lastValues[r.Token()] = vals
	id := ""
	if r.IDField != "" {
		id = fmt.Sprint(out[r.IDField])
	}
	if cr.lastIDs == nil {
		cr.lastIDs = map[string]string{}
	}
	cr.lastIDs[r.Token()] = id
	return out, id, nil
}

func TestCatalogLifecycle(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	client := newAPIClient(t, env)
	cr := newCreator(client, cat)
	n := 0
	var fetched, updated, deleted int
	for _, r := range cat.Resources {
		if !r.Createable() {
			continue
		}
		n++
		t.Run(r.Token(), func(t *testing.T) {
			client.t = t
			out, id, err := cr.create(r)
			if err != nil {
				t.Fatal(err)
			}
			if sid, ok := out["sid"].(string); ok && r.SIDPrefix != "" && (!sidRE.MatchString(sid) || sid[:2] != r.SIDPrefix) {
				t.Errorf("sid %q: want %s + 32 hex digits", sid, r.SIDPrefix)
			}
			for _, p := range r.Properties {
				if _, ok := out[p.Name]; !ok {
					t.Errorf("response lacks property %s", p.Name)
				}
			}
			if r.InstancePath == "" || r.IDField == "" || r.Property(r.IDField) == nil {
				return // created into a list only: nothing to address
			}
			vals := cr.lastValues[r.Token()]
			vals[r.IDParam()] = id
			inst, err := catalog.Expand(r.InstancePath, vals)
			if err != nil {
				t.Fatal(err)
			}
			if r.Fetch != nil {
				if st, got, _ := client.do(http.MethodGet, r.Host(), inst, nil, nil); st != http.StatusOK || fmt.Sprint(got[r.IDField]) != id {
					t.Fatalf("fetch %s: %d %v", inst, st, got)
				}
				fetched++
			}
			if r.Update != nil {
				form, js := requiredParams(r.Update)
				var body any
				if r.Update.Body == "json" {
					body = js
				}
				if st, got, _ := client.do(http.MethodPost, r.Host(), inst, form, body); st != r.Update.Status {
					t.Fatalf("update %s: %d (want %d) %v", inst, st, r.Update.Status, got)
				}
				updated++
			}
			if r.Delete != nil {
				if st, got, _ := client.do(http.MethodDelete, r.Host(), inst, nil, nil); st != r.Delete.Status {
					t.Fatalf("delete %s: %d (want %d) %v", inst, st, r.Delete.Status, got)
				}
				if r.Fetch != nil {
					if st, got, _ := client.do(http.MethodGet, r.Host(), inst, nil, nil); st != http.StatusNotFound || got["code"] != float64(20404) {
						t.Fatalf("fetch after delete %s: %d %v", inst, st, got)
					}
				}
				deleted++
			}
		})
	}
	t.Logf("%d createable resources created; %d fetched, %d updated, %d deleted by ID", n, fetched, updated, deleted)
	if n < 200 {
		t.Errorf("only %d createable resources exercised", n)
	}
}
