package provider

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// DecodeProperties decodes m into the struct into by its JSON tags, for
// the resources whose inputs are Go types (the Serverless deployment, the
// Flex plugin and release). known is false when a part of m is not known
// yet (preview); that part decodes as its zero value.
func DecodeProperties(m property.Map, into any) (known bool, err error) {
	x, known := plainJSON(property.New(m))
	b, err := json.Marshal(x)
	if err != nil {
		return false, err
	}
	if err := json.Unmarshal(b, into); err != nil {
		return false, fmt.Errorf("decode properties: %w", err)
	}
	return known, nil
}

// EncodeProperties is DecodeProperties' inverse: v's JSON form as a
// property map.
func EncodeProperties(v any) (property.Map, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return property.Map{}, err
	}
	var x map[string]any
	if err := json.Unmarshal(b, &x); err != nil {
		return property.Map{}, err
	}
	return fromGo(x).AsMap(), nil
}

// plainJSON turns a property value into values json.Marshal takes; ok is
// false when a part is not known yet (it becomes null).
func plainJSON(v property.Value) (any, bool) {
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
			x, ok := plainJSON(e)
			known = known && ok
			out = append(out, x)
		}
		return out, known
	case v.IsMap():
		out, known := map[string]any{}, true
		for k, e := range v.AsMap().All {
			x, ok := plainJSON(e)
			known = known && ok
			out[k] = x
		}
		return out, known
	}
	return nil, true // null
}
