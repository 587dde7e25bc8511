package studio

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestTransformGolden promotes the dev flow to prod: every dev Function URL
// to prod's domain (a value pattern), the Flex widget's workflow by widget
// type and property, and the greet widget's service by name.
func TestTransformGolden(t *testing.T) {
	def, err := os.ReadFile(filepath.Join("testdata", "dev-flow.json"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Transform(def, []Transformation{
		{Value: `https://twilio-app-1234-dev\.twil\.io/(.*)`, Replace: "https://twilio-app-5678-prod.twil.io/$1"},
		{WidgetType: "send-to-flex", Property: "workflow", Replace: "WW00000000000000000000000000000prd"},
		{WidgetName: "gr.*", Property: "service_sid", Replace: "ZS00000000000000000000000000000002"},
	})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(got, "", "  ")
	golden := filepath.Join("testdata", "prod-flow.golden.json")
	if *update {
		if err := os.WriteFile(golden, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != string(b)+"\n" {
		t.Errorf("promoted flow differs from %s (go test -update to accept):\n%s", golden, b)
	}
	if strings.Contains(string(b), "-dev.") || strings.Contains(string(b), "dev\"") {
		t.Errorf("a dev value survived the promotion:\n%s", b)
	}
}

func TestTransformErrors(t *testing.T) {
	def, _ := os.ReadFile(filepath.Join("testdata", "dev-flow.json"))
	for _, tc := range []struct {
		name string
		def  string
		ts   []Transformation
		want string
	}{
		{"not JSON", "{", nil, "not JSON"},
		{"not a flow", `{"a":1}`, nil, "no states list"},
		{"matches nothing", string(def), []Transformation{{WidgetName: "great", Property: "url", Replace: "x"}},
			`transformation 1 (widgetName "great", property "url") changed nothing`},
		{"already promoted", string(def), []Transformation{{Value: "prod", Replace: "prod"}}, "changed nothing"},
		{"bad pattern", string(def), []Transformation{{Property: "("}}, "transformation 1: property: error parsing regexp"},
		{"second fails", string(def), []Transformation{{Property: "url", Replace: "u"}, {WidgetType: "say-play", Replace: "x"}}, "transformation 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Transform([]byte(tc.def), tc.ts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v; want %q in it", err, tc.want)
			}
		})
	}
}

// TestPathsAndWhole: properties are matched by their whole dotted path,
// list items by index, and a widget name pattern matches a whole name.
func TestPathsAndWhole(t *testing.T) {
	def, _ := os.ReadFile(filepath.Join("testdata", "dev-flow.json"))
	got, err := Transform(def, []Transformation{{WidgetName: "greet", Property: `parameters\.1\.value`, Replace: "H"}})
	if err != nil {
		t.Fatal(err)
	}
	params := got["states"].([]any)[1].(map[string]any)["properties"].(map[string]any)["parameters"].([]any)
	if params[1].(map[string]any)["value"] != "H" || params[0].(map[string]any)["value"] != "{{trigger.call.From}}" {
		t.Errorf("parameters = %v", params)
	}
	if _, err := Transform(def, []Transformation{{WidgetName: "gree", Replace: "x"}}); err == nil {
		t.Error(`widgetName "gree" matched "greet": want whole-name matches`)
	}
}
