// Package catalogtest holds test helpers over the catalog that the
// emulator's and the provider's tests share.
package catalogtest

import (
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
)

var seq atomic.Int64

// Sample is a valid value for p, shaped as JSON decodes it (string,
// float64, bool, []any, map[string]any): what a Pulumi program writes, and
// what a form encoder takes. Free-form strings carry a sequence number, so
// unique names stay unique.
func Sample(p *catalog.Param) any {
	if len(p.Enum) > 0 {
		if p.Type == "array" {
			return []any{p.Enum[0]}
		}
		return p.Enum[0]
	}
	if p.Name == "Definition" && p.Type == "object" {
		return StudioFlow()
	}
	switch p.Type {
	case "boolean":
		return true
	case "integer":
		return 7.0
	case "number":
		return 1.5
	case "object":
		return map[string]any{"k": "v"}
	case "array":
		if p.Items == "object" {
			return []any{map[string]any{"k": "v"}}
		}
		return []any{"item-" + strings.ToLower(p.Name)}
	}
	switch p.Format {
	case "uri":
		return "https://example.com/" + strings.ToLower(p.Name)
	case "phone-number":
		return "+15005550006"
	case "date-time":
		return "2026-01-02T03:04:05Z"
	case "http-method":
		return "POST"
	}
	return fmt.Sprintf("v-%s-%d", strings.ToLower(p.Name), seq.Add(1))
}

// StudioFlow is the smallest definition Studio accepts (the Definition of
// studio/v2 Flow and FlowValidate): a trigger that leads nowhere.
func StudioFlow() map[string]any {
	return map[string]any{
		"description":   "sample",
		"initial_state": "Trigger",
		"flags":         map[string]any{"allow_concurrent_calls": true},
		"states": []any{map[string]any{
			"name": "Trigger", "type": "trigger", "properties": map[string]any{}, "transitions": []any{},
		}},
	}
}
