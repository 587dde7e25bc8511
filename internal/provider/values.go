package provider

import (
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/property"

	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
)

// toGo converts a property value to a plain Go value; an unknown value (or
// one containing unknowns) becomes spec.Unknown.
func toGo(v property.Value) any {
	switch {
	case v.IsComputed():
		return spec.Unknown{}
	case v.IsNull():
		return nil
	case v.IsString():
		return v.AsString()
	case v.IsNumber():
		return v.AsNumber()
	case v.IsBool():
		return v.AsBool()
	case v.IsArray():
		a := v.AsArray()
		out := make([]any, 0, a.Len())
		for _, e := range a.All {
			g := toGo(e)
			if _, u := g.(spec.Unknown); u {
				return spec.Unknown{}
			}
			out = append(out, g)
		}
		return out
	case v.IsMap():
		out := map[string]any{}
		for k, e := range v.AsMap().All {
			g := toGo(e)
			if _, u := g.(spec.Unknown); u {
				return spec.Unknown{}
			}
			out[k] = g
		}
		return out
	}
	return nil
}

// toValues converts a property map, and reports which keys held secrets.
func toValues(m property.Map) (spec.Values, map[string]bool) {
	vals := spec.Values{}
	secret := map[string]bool{}
	for k, v := range m.All {
		vals[k] = toGo(v)
		if v.Secret() || v.HasSecrets() {
			secret[k] = true
		}
	}
	return vals, secret
}

// fromGo converts a plain Go value (as decoded from JSON) to a property value.
func fromGo(v any) property.Value {
	switch x := v.(type) {
	case nil:
		return property.New(property.Null)
	case spec.Unknown:
		return property.New(property.Computed)
	case string:
		return property.New(x)
	case float64:
		return property.New(x)
	case int:
		return property.New(float64(x))
	case bool:
		return property.New(x)
	case []any:
		out := make([]property.Value, len(x))
		for i, e := range x {
			out[i] = fromGo(e)
		}
		return property.New(out)
	case map[string]any:
		out := make(map[string]property.Value, len(x))
		for k, e := range x {
			out[k] = fromGo(e)
		}
		return property.New(out)
	}
	return property.New(property.Null)
}

// toMap converts values to a property map, marking the secret keys.
func toMap(vals spec.Values, secret func(string) bool) property.Map {
	out := make(map[string]property.Value, len(vals))
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := fromGo(vals[k])
		if secret(k) && !v.IsNull() {
			v = v.WithSecret(true)
		}
		out[k] = v
	}
	return property.NewMap(out)
}
