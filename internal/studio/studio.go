// Package studio promotes Studio flow definitions between environments:
// a definition exported from one account's flow (JSON) has its widgets'
// properties rewritten for another (the dev Function URL, a TaskRouter
// workflow SID) by transformations that name what they match, and each
// transformation must match, so a promotion never ships a dev value by a
// typo.
package studio

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Transformation rewrites string values in the properties of the widgets
// (states) it matches. Empty matchers match anything.
type Transformation struct {
	// WidgetName matches a widget's name (a regular expression, whole
	// name); WidgetType its type exactly ("run-function").
	WidgetName, WidgetType string
	// Property matches a property's path inside the widget's properties
	// (a regular expression, whole path; nested keys joined by dots, list
	// items by index: "url", "parameters.0.value").
	Property string
	// Value matches inside the value (a regular expression); each match
	// becomes Replace ($1 for a group). Without Value, the whole value
	// becomes Replace.
	Value, Replace string
}

// Transform parses a definition (a flow's JSON, as Studio exports it),
// applies each transformation in order, and returns the definition as
// JSON decodes it (map[string]any). It fails when the JSON is not a flow
// (no states) or a transformation changes nothing, naming it.
func Transform(def []byte, ts []Transformation) (map[string]any, error) {
	var d map[string]any
	if err := json.Unmarshal(def, &d); err != nil {
		return nil, fmt.Errorf("the flow definition is not JSON: %w", err)
	}
	return Apply(d, ts)
}

// Apply is Transform on a decoded definition, which it changes in place.
func Apply(d map[string]any, ts []Transformation) (map[string]any, error) {
	states, ok := d["states"].([]any)
	if !ok {
		return nil, fmt.Errorf("the flow definition has no states list (is it a Studio flow's JSON?)")
	}
	for i, t := range ts {
		n, err := apply(states, t)
		if err != nil {
			return nil, fmt.Errorf("transformation %d: %w", i+1, err)
		}
		if n == 0 {
			return nil, fmt.Errorf("transformation %d (%s) changed nothing: no widget property matches it", i+1, t)
		}
	}
	return d, nil
}

func (t Transformation) String() string {
	var parts []string
	for _, f := range [][2]string{{"widgetName", t.WidgetName}, {"widgetType", t.WidgetType}, {"property", t.Property}, {"value", t.Value}} {
		if f[1] != "" {
			parts = append(parts, f[0]+" "+strconv.Quote(f[1]))
		}
	}
	if len(parts) == 0 {
		return "matching every property"
	}
	return strings.Join(parts, ", ")
}

// apply rewrites the matching values and returns how many it changed.
func apply(states []any, t Transformation) (int, error) {
	name, err := whole(t.WidgetName)
	if err != nil {
		return 0, fmt.Errorf("widgetName: %w", err)
	}
	prop, err := whole(t.Property)
	if err != nil {
		return 0, fmt.Errorf("property: %w", err)
	}
	var value *regexp.Regexp
	if t.Value != "" {
		if value, err = regexp.Compile(t.Value); err != nil {
			return 0, fmt.Errorf("value: %w", err)
		}
	}
	changed := 0
	for _, s := range states {
		st, _ := s.(map[string]any)
		n, _ := st["name"].(string)
		typ, _ := st["type"].(string)
		if !name.MatchString(n) || (t.WidgetType != "" && typ != t.WidgetType) {
			continue
		}
		props, _ := st["properties"].(map[string]any)
		walk(props, "", func(path, v string) (string, bool) {
			if !prop.MatchString(path) {
				return v, false
			}
			var nv string
			switch {
			case value == nil:
				nv = t.Replace
			case value.MatchString(v):
				nv = value.ReplaceAllString(v, t.Replace)
			default:
				return v, false
			}
			if nv != v {
				changed++
			}
			return nv, true
		})
	}
	return changed, nil
}

// whole compiles a pattern that must match a whole string; "" matches any.
func whole(p string) (*regexp.Regexp, error) {
	if p == "" {
		p = ".*"
	}
	return regexp.Compile("^(?:" + p + ")$")
}

// walk calls f on each string leaf under v with its dotted path, in key
// order, and sets what f returns when it says so.
func walk(v any, path string, f func(path, v string) (string, bool)) {
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if s, ok := x[k].(string); ok {
				if nv, set := f(join(k), s); set {
					x[k] = nv
				}
				continue
			}
			walk(x[k], join(k), f)
		}
	case []any:
		for i := range x {
			k := strconv.Itoa(i)
			if s, ok := x[i].(string); ok {
				if nv, set := f(join(k), s); set {
					x[i] = nv
				}
				continue
			}
			walk(x[i], join(k), f)
		}
	}
}
