package flexplugin

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/provider"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless/deployment"
)

func serverlessAPI(api provider.API) serverless.API { return deployment.ServerlessAPI(api) }

// plain turns a property value into JSON-ready values; ok is false when a
// part is unknown (preview).
func plain(v property.Value) (any, bool) {
	switch {
	case v.IsComputed():
		return nil, false
	case v.IsString():
		return v.AsString(), true
	case v.IsNumber():
		return v.AsNumber(), true
	case v.IsBool():
		return v.AsBool(), true
	case v.IsArray():
		out, known := []any{}, true
		for _, e := range v.AsArray().AsSlice() {
			x, ok := plain(e)
			known = known && ok
			out = append(out, x)
		}
		return out, known
	case v.IsMap():
		out, known := map[string]any{}, true
		for k, e := range v.AsMap().All {
			x, ok := plain(e)
			known = known && ok
			out[k] = x
		}
		return out, known
	}
	return nil, true
}

func decodeInto(m property.Map, into any) (bool, error) {
	x, known := plain(property.New(m))
	b, err := json.Marshal(x)
	if err != nil {
		return false, err
	}
	if err := json.Unmarshal(b, into); err != nil {
		return false, fmt.Errorf("decode properties: %w", err)
	}
	return known, nil
}

func encode(w any) (property.Map, error) {
	b, err := json.Marshal(w)
	if err != nil {
		return property.Map{}, err
	}
	var x map[string]any
	if err := json.Unmarshal(b, &x); err != nil {
		return property.Map{}, err
	}
	return toValue(x).AsMap(), nil
}

func toValue(x any) property.Value {
	switch x := x.(type) {
	case map[string]any:
		m := make(map[string]property.Value, len(x))
		for k, e := range x {
			m[k] = toValue(e)
		}
		return property.New(m)
	case []any:
		a := make([]property.Value, 0, len(x))
		for _, e := range x {
			a = append(a, toValue(e))
		}
		return property.New(a)
	case string:
		return property.New(x)
	case float64:
		return property.New(x)
	case bool:
		return property.New(x)
	}
	return property.New(property.Null)
}
