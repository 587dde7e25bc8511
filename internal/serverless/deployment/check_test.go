package deployment

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// TestCheckUnknownVariables: in a preview, variables that come from
// resources not created yet (a Sync SID) are unknown. Check must still
// resolve the files, runtime, environment and dependencies, so that the
// preview lists the files to upload and the update's plan (recorded in the
// preview) is not violated when the update's Check resolves them; the
// unknown variables stay unknown, the .env ones join them, all secret.
func TestCheckUnknownVariables(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	app := filepath.Join(dir, "app")
	for name, body := range map[string]string{
		"functions/sms/reply.js": "exports.handler = (c, e, cb) => cb(null, 'ok');\n",
		"assets/index.html":      "<p>hi</p>\n",
		".env":                   "OFFICE_HOURS=9-5\nGREETING=from .env\nACCOUNT_SID=ACx\n",
		"package.json":           `{"dependencies": {"twilio": "^5.0.0"}}`,
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(app, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(app, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d := Resource(Options{BaseDir: dir})
	urn := resource.NewURN("main", "twilio-app", "", "twilio:serverless:Deployment", "app")
	for _, tc := range []struct {
		name     string
		vars     property.Value
		wantVars map[string]string // known values; "?" marks an unknown one
	}{
		{"one unknown value", property.New(map[string]property.Value{
			"GREETING": property.New("hello"), "SYNC_SERVICE_SID": property.New(property.Computed),
		}), map[string]string{"GREETING": "hello", "OFFICE_HOURS": "9-5", "SYNC_SERVICE_SID": "?"}},
		{"the whole map unknown", property.New(property.Computed), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := property.NewMap(map[string]property.Value{
				"path": property.New("./app"), "serviceName": property.New("twilio-app"), "variables": tc.vars,
			})
			resp, err := d.Check(t.Context(), p.CheckRequest{Urn: urn, Inputs: in})
			if err != nil || len(resp.Failures) > 0 {
				t.Fatalf("Check: %v %v", err, resp.Failures)
			}
			got := resp.Inputs
			if env := got.Get("environment"); !env.IsString() || env.AsString() != "main" {
				t.Errorf("environment = %v, want main (the stack)", env)
			}
			if rt := got.Get("runtime"); !rt.IsString() || rt.AsString() == "" {
				t.Errorf("runtime = %v, want the default", rt)
			}
			if deps := got.Get("dependencies"); !deps.IsMap() || deps.AsMap().Get("twilio").AsString() != "^5.0.0" {
				t.Errorf("dependencies = %v, want package.json's", deps)
			}
			files := got.Get("files")
			if !files.IsMap() {
				t.Fatalf("files = %v, want the folder's manifest", files)
			}
			if keys := slices.Sorted(maps.Keys(files.AsMap().AsMap())); !slices.Equal(keys, []string{"/index.html", "/sms/reply"}) {
				t.Errorf("files = %v", keys)
			}
			vars := got.Get("variables")
			if !vars.Secret() {
				t.Error("variables are not secret")
			}
			if tc.wantVars == nil {
				if !vars.IsComputed() {
					t.Errorf("variables = %v, want unknown", vars)
				}
				return
			}
			have := map[string]string{}
			for k, v := range vars.AsMap().All {
				switch {
				case v.IsComputed():
					have[k] = "?"
				case v.IsString():
					have[k] = v.AsString()
				}
			}
			if !maps.Equal(have, tc.wantVars) {
				t.Errorf("variables = %v, want %v", have, tc.wantVars)
			}
		})
	}
}
