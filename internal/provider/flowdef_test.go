package provider

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
)

func TestFlowDefinitionInvoke(t *testing.T) {
	flow := `{"initial_state":"Trigger","states":[{"name":"Trigger","type":"trigger","properties":{"url":"https://dev.example/x"},"transitions":[]}]}`
	tr := []any{map[string]any{"property": "url", "value": "dev", "replace": "prod"}}
	for _, tc := range []struct {
		name string
		args spec.Values
		want string // in the error; "" for success
	}{
		{"json", spec.Values{"json": flow, "transformations": tr}, ""},
		{"object", spec.Values{"definition": map[string]any{"states": []any{map[string]any{"name": "a", "properties": map[string]any{"url": "dev"}}}}, "transformations": tr}, ""},
		{"no transformations", spec.Values{"json": flow}, ""},
		{"both", spec.Values{"json": flow, "definition": map[string]any{}}, "one of them"},
		{"neither", spec.Values{}, "one of them"},
		{"unknown key", spec.Values{"json": flow, "transformations": []any{map[string]any{"widget": "x", "replace": "y"}}}, `unknown key "widget"`},
		{"no replace", spec.Values{"json": flow, "transformations": []any{map[string]any{"property": "url"}}}, "has no replace"},
		{"matches nothing", spec.Values{"json": flow, "transformations": []any{map[string]any{"property": "uri", "replace": "y"}}}, "changed nothing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := FlowDefinition{}.Invoke(t.Context(), nil, tc.args)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("err = %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("err = %v; want %q", err, tc.want)
			case tc.want == "":
				def := toGo(out.Get("definition"))
				_, rewritten := tc.args["transformations"]
				if b, _ := json.Marshal(def); strings.Contains(string(b), "dev") == rewritten || len(b) < 10 {
					t.Errorf("definition %v: want dev rewritten exactly when transformations are given", def)
				}
			}
		})
	}
}
