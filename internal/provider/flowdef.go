package provider

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
	"github.com/tdeploy/twilio-deploy-action/internal/studio"
)

// FlowDefinition is twilio:studio/v2:transformFlowDefinition: a Studio
// flow's definition, exported from one environment (JSON, as
// fn::readFile gives it, or an object), rewritten for this one by
// transformations (internal/studio), for a Flow's definition input. A
// function rather than inputs on the Flow: the promoted definition is a
// value the program can also show, compare or pass to more than one flow,
// and the Flow resource stays Twilio's. It reads nothing from Twilio.
type FlowDefinition struct{}

var _ offline = FlowDefinition{}

func (FlowDefinition) Token() string { return "twilio:studio/v2:transformFlowDefinition" }

func (FlowDefinition) offline() {}

func (FlowDefinition) Schema() schema.FunctionSpec {
	str := func(desc string) schema.PropertySpec {
		return schema.PropertySpec{TypeSpec: schema.TypeSpec{Type: "string"}, Description: desc}
	}
	return schema.FunctionSpec{
		Description: "A Studio flow's definition exported from another environment, its widgets' properties rewritten for this one. " +
			"Every transformation must change something (a promotion never ships a dev value by a typo). Reads nothing from Twilio.",
		Inputs: &schema.ObjectTypeSpec{Type: "object", Properties: map[string]schema.PropertySpec{
			"json":       str("The definition as Studio exports it (JSON text): `fn::readFile: ./flows/ivr.json`. Give this or `definition`."),
			"definition": {TypeSpec: schema.TypeSpec{Type: "object", AdditionalProperties: &schema.TypeSpec{Ref: "pulumi.json#/Any"}}, Description: "The definition as an object. Give this or `json`."},
			"transformations": {TypeSpec: schema.TypeSpec{Type: "array", Items: &schema.TypeSpec{Type: "object", AdditionalProperties: &schema.TypeSpec{Type: "string"}}},
				Description: "Applied in order. Each has `replace` and any of: `widgetName` (a regular expression matching a widget's whole name), " +
					"`widgetType` (exactly: `run-function`), `property` (a regular expression matching the property's whole path in the widget's properties: " +
					"`url`, `parameters.0.value`), `value` (a regular expression; each match in the value becomes `replace`, `$1` for a group; " +
					"without it the whole value does)."},
		}},
		Outputs: &schema.ObjectTypeSpec{Type: "object", Properties: map[string]schema.PropertySpec{
			"definition": {TypeSpec: schema.TypeSpec{Type: "object", AdditionalProperties: &schema.TypeSpec{Ref: "pulumi.json#/Any"}}, Description: "The rewritten definition, for a Flow's `definition`."},
		}, Required: []string{"definition"}},
	}
}

func (FlowDefinition) Invoke(_ context.Context, _ API, args spec.Values) (property.Map, error) {
	var ts []studio.Transformation
	list, _ := args["transformations"].([]any)
	for i, x := range list {
		m, _ := x.(map[string]any)
		var t studio.Transformation
		for k, v := range m {
			s, _ := v.(string)
			switch k {
			case "widgetName":
				t.WidgetName = s
			case "widgetType":
				t.WidgetType = s
			case "property":
				t.Property = s
			case "value":
				t.Value = s
			case "replace":
				t.Replace = s
			default:
				return property.Map{}, fmt.Errorf("transformation %d: unknown key %q (widgetName, widgetType, property, value, replace)", i+1, k)
			}
		}
		if _, ok := m["replace"]; !ok {
			return property.Map{}, fmt.Errorf("transformation %d has no replace", i+1)
		}
		ts = append(ts, t)
	}
	text, hasJSON := args["json"].(string)
	obj, hasObj := args["definition"].(map[string]any)
	var def map[string]any
	var err error
	switch {
	case hasJSON == hasObj:
		return property.Map{}, fmt.Errorf("give the definition as json or as definition, one of them")
	case hasJSON:
		def, err = studio.Transform([]byte(text), ts)
	default:
		def, err = studio.Apply(obj, ts)
	}
	if err != nil {
		return property.Map{}, err
	}
	return property.NewMap(map[string]property.Value{"definition": fromGo(def)}), nil
}
