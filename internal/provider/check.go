package provider

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	p "github.com/pulumi/pulumi-go-provider"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// Type checking of inputs against the schema, for every resource, before its
// own Check. Create and update would fail on a value of the wrong type (a
// number where Twilio takes a string, a Deployment variable that is not
// text), but a resource registered after others is only created after them:
// checking here makes the preview fail on it, naming the property and the
// fix, before anything is created.
//
// Failures name the property path in the reason and leave Property empty:
// for a named property the engine prints the property's whole value beside
// the reason, secrets included.

// typeChecker checks values against the types of one package schema.
type typeChecker struct {
	// types are the named types "#/types/<token>" refers to (enums).
	types map[string]schema.ComplexTypeSpec
}

// checkInputs type-checks the inputs that the resource's schema declares;
// properties it does not declare and missing required ones are left to the
// resource's own Check. Unknown values (preview) pass, as do the contents
// of pulumi.json#/Any.
func (tc typeChecker) checkInputs(rs schema.ResourceSpec, inputs property.Map) []p.CheckFailure {
	var fails []p.CheckFailure
	for k, v := range inputs.AllStable {
		ps, ok := rs.InputProperties[k]
		if !ok {
			continue
		}
		for _, msg := range tc.check(k, ps.TypeSpec, v, ps.Secret) {
			fails = append(fails, p.CheckFailure{Reason: msg})
		}
	}
	return fails
}

// check returns one message per value of v (at path) that does not fit t.
// hidden values (secrets) are described by their kind only.
func (tc typeChecker) check(path string, t schema.TypeSpec, v property.Value, hidden bool) []string {
	hidden = hidden || v.Secret()
	if v.IsComputed() || v.IsNull() {
		return nil
	}
	if t.Ref != "" {
		return tc.checkRef(path, t.Ref, v, hidden)
	}
	if len(t.OneOf) > 0 {
		for _, o := range t.OneOf {
			if len(tc.check(path, o, v, hidden)) == 0 {
				return nil
			}
		}
		return []string{fmt.Sprintf("%s: %s does not fit any of its types", path, describe(v, hidden))}
	}
	switch t.Type {
	case "string":
		if !v.IsString() {
			return []string{fmt.Sprintf("%s: expected a string, got %s%s", path, describe(v, hidden), quoteHint(v, hidden))}
		}
	case "integer", "number":
		if !v.IsNumber() {
			return []string{fmt.Sprintf("%s: expected a %s, got %s%s", path, wantNumber(t.Type), describe(v, hidden), unquoteHint(v, hidden, t.Type == "integer"))}
		}
		if f := v.AsNumber(); t.Type == "integer" && f != float64(int64(f)) {
			return []string{fmt.Sprintf("%s: expected a whole number, got %s", path, describe(v, hidden))}
		}
	case "boolean":
		if !v.IsBool() {
			hint := "; write true or false"
			if v.IsString() && !hidden {
				if _, err := strconv.ParseBool(v.AsString()); err == nil {
					hint = "; write " + strings.ToLower(v.AsString()) + " without quotes"
				}
			}
			return []string{fmt.Sprintf("%s: expected true or false, got %s%s", path, describe(v, hidden), hint)}
		}
	case "array":
		if !v.IsArray() {
			return []string{fmt.Sprintf("%s: expected a list, got %s; write a YAML list, such as [%s]", path, describe(v, hidden), example(v, hidden))}
		}
		if t.Items == nil {
			return nil
		}
		var out []string
		for i, e := range v.AsArray().All {
			out = append(out, tc.check(fmt.Sprintf("%s[%d]", path, i), *t.Items, e, hidden)...)
		}
		return out
	case "object":
		if !v.IsMap() {
			return []string{fmt.Sprintf("%s: expected a map, got %s; write a YAML map of name: value", path, describe(v, hidden))}
		}
		if t.AdditionalProperties == nil {
			return nil
		}
		var out []string
		for k, e := range v.AsMap().AllStable {
			out = append(out, tc.check(keyPath(path, k), *t.AdditionalProperties, e, hidden)...)
		}
		return out
	}
	return nil
}

// checkRef checks a value against a named type: an enum, or an object
// type with properties. pulumi.json#/Any takes anything.
func (tc typeChecker) checkRef(path, ref string, v property.Value, hidden bool) []string {
	tok, ok := strings.CutPrefix(ref, "#/types/")
	if !ok {
		return nil // pulumi.json#/Any, assets, archives
	}
	ct, ok := tc.types[tok]
	if !ok {
		return nil
	}
	if len(ct.Enum) > 0 {
		if msgs := tc.check(path, schema.TypeSpec{Type: ct.Type}, v, hidden); len(msgs) > 0 {
			return msgs
		}
		var allowed []string
		for _, e := range ct.Enum {
			if e.Value == toGo(v) {
				return nil
			}
			allowed = append(allowed, fmt.Sprint(e.Value))
		}
		return []string{fmt.Sprintf("%s: expected one of %s, got %s", path, strings.Join(allowed, ", "), describe(v, hidden))}
	}
	if ct.Type != "object" {
		return tc.check(path, schema.TypeSpec{Type: ct.Type}, v, hidden)
	}
	if !v.IsMap() {
		return []string{fmt.Sprintf("%s: expected a map, got %s; write a YAML map of name: value", path, describe(v, hidden))}
	}
	var out []string
	m := v.AsMap()
	for k, e := range m.AllStable {
		ps, ok := ct.Properties[k]
		if !ok {
			out = append(out, fmt.Sprintf("%s: %s has no property %q", path, tok, k))
			continue
		}
		out = append(out, tc.check(keyPath(path, k), ps.TypeSpec, e, hidden || ps.Secret)...)
	}
	for _, k := range ct.Required {
		if !m.Get(k).IsComputed() && m.Get(k).IsNull() {
			out = append(out, fmt.Sprintf("%s: missing required property %q", path, k))
		}
	}
	return out
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// keyPath is the path of a map entry: variables.PHONE, or
// variables["my key"] for a key that is not an identifier.
func keyPath(path, key string) string {
	if identRE.MatchString(key) {
		return path + "." + key
	}
	return path + "[" + strconv.Quote(key) + "]"
}

func wantNumber(typ string) string {
	if typ == "integer" {
		return "whole number"
	}
	return "number"
}

// number spells a number as YAML would need it: 15017122661, never the
// exponent form (1.5017122661e+10) a float prints by default.
func number(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// describe names a value's kind, and the value itself unless it is hidden
// (a secret) or long.
func describe(v property.Value, hidden bool) string {
	kind := "a value"
	switch {
	case v.IsString():
		kind = "a string"
	case v.IsNumber():
		kind = "a number"
	case v.IsBool():
		kind = "a boolean"
	case v.IsArray():
		return "a list"
	case v.IsMap():
		return "a map"
	case v.IsAsset(), v.IsArchive():
		return "an asset"
	case v.IsResourceReference():
		return "a resource"
	}
	if hidden {
		return kind + " (a secret, not shown)"
	}
	s := shown(v)
	if len(s) > 40 {
		return kind
	}
	if v.IsString() {
		return kind + " " + strconv.Quote(s)
	}
	return "the " + strings.TrimPrefix(kind, "a ") + " " + s
}

func shown(v property.Value) string {
	switch {
	case v.IsString():
		return v.AsString()
	case v.IsNumber():
		return number(v.AsNumber())
	case v.IsBool():
		return strconv.FormatBool(v.AsBool())
	}
	return ""
}

// quoteHint tells how to write a scalar as a string. A number has already
// lost what made it text (the + of +15017122661, the 0 of 02134), so the
// hint cannot give the value back, only say what to keep.
func quoteHint(v property.Value, hidden bool) string {
	switch {
	case v.IsBool() && !hidden:
		return fmt.Sprintf("; quote it in YAML (%q)", shown(v))
	case v.IsBool():
		return "; quote it in YAML"
	case !v.IsNumber():
		return ""
	case hidden:
		return "; quote it in YAML, keeping any leading + or 0"
	}
	return fmt.Sprintf("; quote it in YAML (%q), keeping any leading + or 0", shown(v))
}

// unquoteHint tells how to write a quoted number as a number.
func unquoteHint(v property.Value, hidden, whole bool) string {
	if !v.IsString() {
		return ""
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v.AsString()), 64)
	switch {
	case err != nil:
		return ""
	case hidden:
		return "; write it without quotes"
	case whole && f != float64(int64(f)):
		return ""
	}
	return "; write it without quotes (" + number(f) + ")"
}

// example is a one-item list's content for a hint.
func example(v property.Value, hidden bool) string {
	if hidden || v.IsArray() || v.IsMap() {
		return "..."
	}
	s := shown(v)
	if v.IsString() {
		s = strconv.Quote(s)
	}
	if s == "" || len(s) > 40 {
		return "..."
	}
	return s
}
