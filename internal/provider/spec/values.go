package spec

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"reflect"
	"slices"
	"strconv"
)

// Unknown stands for a value not known yet (an output of a resource still
// to be created, during preview).
type Unknown struct{}

// Values are property values by property name, as plain Go values: string,
// float64, bool, []any, map[string]any, nil or Unknown.
type Values map[string]any

// Request is what one create or update sends.
type Request struct {
	Form url.Values // form-encoded body
	JSON []byte     // JSON body, for the few operations that take one
}

// Encode builds the body of an operation from the named inputs' values. Form
// bodies repeat array parameters ("Permission=a&Permission=b") and carry
// objects as JSON text, as Twilio expects; JSON bodies keep Twilio's names.
func (r *Resource) Encode(json bool, vals Values, names []string) (Request, error) {
	if json {
		return r.encodeJSON(vals, names)
	}
	form := url.Values{}
	for _, n := range names {
		in := r.inputs[n]
		v, ok := vals[n]
		if in == nil || in.In == "path" || !ok {
			continue
		}
		strs, err := formValues(in, v)
		if err != nil {
			return Request{}, fmt.Errorf("%s: %w", n, err)
		}
		for _, s := range strs {
			form.Add(in.Param, s)
		}
	}
	return Request{Form: form}, nil
}

func (r *Resource) encodeJSON(vals Values, names []string) (Request, error) {
	body := map[string]any{}
	for _, n := range names {
		in := r.inputs[n]
		v, ok := vals[n]
		if in == nil || in.In == "path" || !ok {
			continue
		}
		body[in.Param] = v
	}
	b, err := json.Marshal(body)
	return Request{JSON: b}, err
}

func formValues(in *Input, v any) ([]string, error) {
	if v == nil {
		// A removed input clears the field: Twilio takes an empty
		// value as "unset" for URLs and names.
		return []string{""}, nil
	}
	if in.Type == "array" {
		arr, ok := v.([]any)
		if !ok {
			arr = []any{v}
		}
		if len(arr) == 0 {
			// A form cannot spell an empty list: one empty value
			// clears it, as an empty value clears a URL.
			return []string{""}, nil
		}
		out := make([]string, 0, len(arr))
		for _, x := range arr {
			s, err := scalar(x)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := scalar(v)
	return []string{s}, err
}

func scalar(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case int:
		return strconv.Itoa(x), nil
	case map[string]any, []any:
		b, err := json.Marshal(x)
		return string(b), err
	case Unknown:
		return "", fmt.Errorf("value is not known yet")
	default:
		return "", fmt.Errorf("unsupported value %T", v)
	}
}

// Check validates what the schema's types cannot say: required inputs
// present (path inputs included; the 2010 account excepted) and no
// property the resource does not have. The provider type-checks every
// value against the schema (nested values and enums included) beside it.
// It returns one message per property.
func (r *Resource) Check(vals Values) map[string]string {
	fail := map[string]string{}
	for _, in := range r.Inputs {
		if v, ok := vals[in.Name]; (!ok || v == nil) && in.Required {
			fail[in.Name] = fmt.Sprintf("missing required property %q (Twilio parameter %s)", in.Name, in.Param)
		}
	}
	for name := range vals {
		if r.inputs[name] == nil {
			fail[name] = fmt.Sprintf("%s has no property %q", r.Token, name)
		}
	}
	return fail
}

// Change is how one input differs between two sets of inputs.
type Change struct {
	Name    string
	Kind    string // "add", "update" or "delete"
	Replace bool
	// Reason says why a change replaces the resource.
	Reason string
}

// Diff compares old and new inputs. A change to a path input or a
// create-only input replaces the resource; any other change updates it in
// place. An unknown new value counts as a change.
func (r *Resource) Diff(olds, news Values) []Change {
	names := map[string]bool{}
	for n := range olds {
		names[n] = true
	}
	for n := range news {
		names[n] = true
	}
	var out []Change
	for _, n := range slices.Sorted(maps.Keys(names)) {
		o, hasO := olds[n]
		v, hasN := news[n]
		if hasO && o == nil {
			hasO = false
		}
		if hasN && v == nil {
			hasN = false
		}
		c := Change{Name: n}
		switch {
		case !hasO && !hasN:
			continue
		case !hasO:
			c.Kind = "add"
		case !hasN:
			c.Kind = "delete"
		default:
			if Equal(o, v) {
				continue
			}
			c.Kind = "update"
		}
		in := r.inputs[n]
		switch {
		case in == nil:
		case in.In == "path":
			c.Replace, c.Reason = true, fmt.Sprintf("%s is the parent's SID in the URL", n)
		case in.CreateOnly && !r.Updatable():
			c.Replace, c.Reason = true, fmt.Sprintf("%s has no update operation", r.Token)
		case in.CreateOnly:
			c.Replace, c.Reason = true, fmt.Sprintf("Twilio's update does not take %s", in.Param)
		}
		out = append(out, c)
	}
	return out
}

// Equal compares two plain values; numbers compare by value and JSON text
// compares equal to the object it encodes.
func Equal(a, b any) bool {
	if _, ok := a.(Unknown); ok {
		return false
	}
	if _, ok := b.(Unknown); ok {
		return false
	}
	return reflect.DeepEqual(normalize(a), normalize(b))
}

func normalize(v any) any {
	switch x := v.(type) {
	case int:
		return float64(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalize(e)
		}
		return out
	}
	return v
}

// FromResponse converts a response field's value to the type of the input it
// reflects, so refresh compares like with like: "5" for an integer input
// gives 5, JSON text for an object input gives the object, a scalar for an
// array input gives a one-element list.
func FromResponse(in *Input, v any) any {
	if v == nil {
		return nil
	}
	switch in.Type {
	case "integer", "number":
		if s, ok := v.(string); ok {
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				return f
			}
		}
	case "boolean":
		if s, ok := v.(string); ok {
			if b, err := strconv.ParseBool(s); err == nil {
				return b
			}
		}
	case "string":
		switch x := v.(type) {
		case float64, bool:
			s, _ := scalar(x)
			return s
		}
	case "object":
		if s, ok := v.(string); ok {
			var obj any
			if json.Unmarshal([]byte(s), &obj) == nil {
				return obj
			}
		}
	case "array":
		if _, ok := v.([]any); !ok {
			return []any{v}
		}
	}
	return v
}
