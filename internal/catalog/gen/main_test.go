package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
)

var update = flag.Bool("update", false, "rewrite testdata/catalog.golden.json")

// A small spec covers the shapes the real one has: meta paging, nested
// collections, allOf schemas, enum references, singletons, and page-shaped
// instance paths that are not resources.
func TestGenerateGolden(t *testing.T) {
	out := filepath.Join(t.TempDir(), "catalog.json")
	if err := run("testdata/spec", "fixture", out, ""); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "catalog.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("catalog differs from %s (-want +got; go test -update to accept):\n%s", golden, d)
	}
}

func TestRunNeedsSpecs(t *testing.T) {
	if err := run("", "", "x", ""); err == nil {
		t.Error("run without -spec succeeded")
	}
	if err := run(t.TempDir(), "", "x", ""); err == nil {
		t.Error("run on an empty folder succeeded")
	}
}

func TestNaming(t *testing.T) {
	cases := []struct{ schema, product, version, module, typ string }{
		{"sync.v1.service", "sync", "v1", "sync/v1", "Service"},
		{"sync.v1.service.sync_map", "sync", "v1", "sync/v1", "ServiceSyncMap"},
		{"api.v2010.account", "api", "2010-04-01", "api/v2010", "Account"},
		{"api.v2010.account.incoming_phone_number", "api", "2010-04-01", "api/v2010", "IncomingPhoneNumber"},
		{"api.v2010.account.incoming_phone_number.incoming_phone_number_local", "api", "2010-04-01", "api/v2010", "IncomingPhoneNumberLocal"},
		{"PublicApiAccountResponse", "preview-iam", "Organizations", "preview_iam/organizations", "PublicApiAccountResponse"},
		// @twilio/cli-core 9 names some schemas for the response envelope.
		{"voice.v2.configuration.recording.response", "voice", "v2", "voice/v2", "ConfigurationRecording"},
		{"messaging.v2.channels_sender_response", "messaging", "v2", "messaging/v2", "ChannelsSender"},
		{"demo.v1.response", "demo", "v1", "demo/v1", "Response"},
	}
	for _, c := range cases {
		m, typ := naming(c.schema, c.product, c.version)
		if m != c.module || typ != c.typ {
			t.Errorf("naming(%q) = %q, %q; want %q, %q", c.schema, m, typ, c.module, c.typ)
		}
	}
}

// spec is a one-file spec of a service collection and its instance, with
// the schema name and extra schema properties given.
func spec(schema, extra string) string {
	return `{"openapi": "3.0.1", "servers": [{"url": "https://demo.twilio.com"}],
  "components": {"schemas": {"` + schema + `": {"type": "object", "properties": {
    "sid": {"type": "string", "pattern": "^DS[0-9a-fA-F]{32}$"}` + extra + `}}}},
  "paths": {
    "/v1/Services": {"x-twilio": {"pathType": "list"},
      "post": {"operationId": "CreateService", "responses": {"201": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/` + schema + `"}}}}}}},
    "/v1/Services/{Sid}": {"x-twilio": {"pathType": "instance"},
      "get": {"operationId": "FetchService", "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/` + schema + `"}}}}}}}}}`
}

// generate runs the generator on files (name to content) and returns the
// catalog's tokens with their list paths.
func generate(t *testing.T, files map[string]string, keep string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "catalog.json")
	if err := run(dir, "fixture", out, keep); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Resources []struct{ Module, Type, List_Path string }
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range c.Resources {
		got[r.Module+":"+r.Type] = r.List_Path
	}
	return got
}

// conversations v2 in @twilio/cli-core 9 has "maximum": 1.0 on a float
// property; the generator failed to read it as an int.
func TestFloatMaximum(t *testing.T) {
	t.Parallel()
	got := generate(t, map[string]string{
		"twilio_demo_v1.json": spec("demo.v1.service", `, "confidence": {"type": "number", "minimum": 0.0, "maximum": 1.0}`),
	}, "")
	if _, ok := got["demo/v1:Service"]; !ok {
		t.Errorf("tokens = %v, want demo/v1:Service", got)
	}
}

// twilio_content_sdk.json repeats twilio_content_v1.json's paths: the
// versioned file's description is kept and no second resource appears.
func TestPathDescribedTwice(t *testing.T) {
	t.Parallel()
	got := generate(t, map[string]string{
		"twilio_demo_sdk.json": spec("demo.v1.service", ""),
		"twilio_demo_v1.json":  spec("demo.v1.service", `, "from_v1": {"type": "string"}`),
	}, "")
	if len(got) != 1 {
		t.Errorf("tokens = %v, want one resource", got)
	}
	if got := specOrder([]string{"a/twilio_demo_sdk.json", "a/twilio_demo_v1.json", "a/twilio_api_v2010.json"}); strings.Join(got, " ") != "a/twilio_api_v2010.json a/twilio_demo_v1.json a/twilio_demo_sdk.json" {
		t.Errorf("specOrder = %v", got)
	}
}

// A schema renamed by a newer spec keeps the previous catalog's token for the
// same paths; a user's program names that token.
func TestKeepTokens(t *testing.T) {
	t.Parallel()
	prev := filepath.Join(t.TempDir(), "prev.json")
	old := `{"source": "old", "resources": [{"module": "demo/v1", "type": "Service", "product": "demo", "version": "v1",
  "schema": "demo.v1.service", "list_path": "/v1/Services", "instance_path": "/v1/Services/{ServiceSid}", "properties": []}]}`
	if err := os.WriteFile(prev, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"twilio_demo_v1.json": spec("demo.v1.service_record", "")}
	if got := generate(t, files, ""); got["demo/v1:ServiceRecord"] == "" {
		t.Errorf("without -keep: tokens = %v, want demo/v1:ServiceRecord", got)
	}
	if got := generate(t, files, prev); len(got) != 1 || got["demo/v1:Service"] != "/v1/Services" {
		t.Errorf("with -keep: tokens = %v, want demo/v1:Service at /v1/Services", got)
	}
	// A missing previous catalog is a first run, not an error.
	if got := generate(t, files, filepath.Join(t.TempDir(), "none.json")); got["demo/v1:ServiceRecord"] == "" {
		t.Errorf("missing -keep file: tokens = %v", got)
	}
}

// A representation that is oneOf two shapes (messaging's US A2P campaign in
// @twilio/cli-core 9) has the fields of both, and its SID prefix.
func TestOneOfRepresentation(t *testing.T) {
	t.Parallel()
	doc := `{"openapi": "3.0.1", "servers": [{"url": "https://demo.twilio.com"}],
  "components": {"schemas": {
    "demo.v1.campaign_response": {"oneOf": [{"$ref": "#/components/schemas/demo.v1.campaign"}, {"$ref": "#/components/schemas/demo.v1.campaign_v2"}]},
    "demo.v1.campaign": {"type": "object", "properties": {"sid": {"type": "string", "pattern": "^QE[0-9a-fA-F]{32}$"}, "description": {"type": "string"}}},
    "demo.v1.campaign_v2": {"type": "object", "properties": {"sid": {"type": "string", "pattern": "^QE[0-9a-fA-F]{32}$"}, "privacy_policy_url": {"type": "string", "format": "uri"}}}}},
  "paths": {
    "/v1/Campaigns": {"x-twilio": {"pathType": "list"},
      "post": {"operationId": "CreateCampaign", "responses": {"201": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/demo.v1.campaign_response"}}}}}}},
    "/v1/Campaigns/{Sid}": {"x-twilio": {"pathType": "instance"},
      "get": {"operationId": "FetchCampaign", "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/demo.v1.campaign_response"}}}}}}}}}`
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "twilio_demo_v1.json"), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "catalog.json")
	if err := run(dir, "fixture", out, ""); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	c, err := catalog.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Resources) != 1 {
		t.Fatalf("%d resources, want 1", len(c.Resources))
	}
	r := c.Resources[0]
	var names []string
	for _, p := range r.Properties {
		names = append(names, p.Name)
	}
	if r.Token() != "demo/v1:Campaign" || r.SIDPrefix != "QE" || strings.Join(names, " ") != "description privacy_policy_url sid" {
		t.Errorf("resource %s, SID prefix %q, properties %v; want demo/v1:Campaign, QE, description privacy_policy_url sid", r.Token(), r.SIDPrefix, names)
	}
}

// The camelCase APIs of @twilio/cli-core 9 name their instance placeholders
// otherwise than their fields; the ID field must be one the body carries.
func TestIDField(t *testing.T) {
	t.Parallel()
	props := func(names ...string) []*catalog.Property {
		var out []*catalog.Property
		for _, n := range names {
			out = append(out, &catalog.Property{Name: n})
		}
		return out
	}
	cases := []struct {
		name, path, snake string
		props             []*catalog.Property
		want              string
	}{
		{"snake field", "/v1/Services/{ServiceSid}", "service_sid", props("service_sid", "sid"), "service_sid"},
		{"sid", "/v1/Services/{Sid}", "sid", props("sid"), "sid"},
		{"Id called sid", "/v1/Schemas/{Id}", "id", props("sid"), "sid"},
		{"camelCase field", "/v2/ControlPlane/Operations/{operationId}", "operation_id", props("operationId", "status"), "operationId"},
		{"storeId is id", "/v1/ControlPlane/Stores/{storeId}", "store_id", props("id", "displayName"), "id"},
		{"IdOrUniqueName is id", "/v2/Configurations/Recording/{IdOrUniqueName}", "id_or_unique_name", props("id", "unique_name"), "id"},
		{"nothing fits", "/v1/Stores/{storeId}/TraitGroups/{traitGroupName}", "trait_group_name", props("displayName", "id"), "trait_group_name"},
	}
	for _, tc := range cases {
		r := &catalog.Resource{InstancePath: tc.path, IDField: tc.snake, Properties: tc.props}
		if got := idField(r); got != tc.want {
			t.Errorf("%s: idField = %q, want %q", tc.name, got, tc.want)
		}
	}
}
