package emulator

import (
	"fmt"
	"net/http"
	"slices"
)

// Studio tokens with behaviour beyond plain CRUD.
const (
	tokStudioFlow     = "studio/v2:Flow"
	tokStudioValidate = "studio/v2:FlowValidate"
)

// CodeFlowInvalid is Studio's "Flow definition validation failed": the
// error's details hold the list of failures
// (https://www.twilio.com/docs/api/errors/81022).
const CodeFlowInvalid = 81022

// studioWidgets are the widget types a Studio flow definition may use (the
// `type` of a state), as Studio's editor offers them.
var studioWidgets = []string{
	"add-twiml-redirect", "capture-payments", "connect-call-to", "connect-virtual-agent",
	"enqueue-call", "fork-stream", "gather-input-on-call", "make-http-request",
	"make-outgoing-call", "record-call", "record-voicemail", "run-function", "run-subflow",
	"say-play", "send-and-wait-for-reply", "send-message", "send-to-auto-pilot", "send-to-flex",
	"set-variables", "split-based-on", "trigger",
}

// flowFailure is one entry of a failed validation's details, as Twilio
// lists them: where in the definition, and what is wrong.
type flowFailure struct {
	Message      string `json:"message"`
	PropertyPath string `json:"property_path"`
}

// validateFlow checks a definition the way Studio does before it accepts
// one: an object with an initial_state naming one of its states, states
// with unique names and known widget types, and transitions that lead to
// states that exist. It returns every failure, in definition order.
func validateFlow(def any) []flowFailure {
	d, ok := def.(map[string]any)
	if !ok {
		return []flowFailure{{"the definition must be a JSON object", "#"}}
	}
	var out []flowFailure
	states, ok := d["states"].([]any)
	if !ok {
		out = append(out, flowFailure{"states must be an array of widgets", "#/states"})
	}
	names := map[string]bool{}
	for i, s := range states {
		st, _ := s.(map[string]any)
		name, _ := st["name"].(string)
		at := fmt.Sprintf("#/states/%d", i)
		switch {
		case name == "":
			out = append(out, flowFailure{"a widget needs a name", at + "/name"})
		case names[name]:
			out = append(out, flowFailure{fmt.Sprintf("widget name %q is not unique", name), at + "/name"})
		}
		names[name] = true
		if typ, _ := st["type"].(string); !slices.Contains(studioWidgets, typ) {
			out = append(out, flowFailure{fmt.Sprintf("unknown widget type %q", typ), at + "/type"})
		}
	}
	if initial, _ := d["initial_state"].(string); !names[initial] {
		out = append(out, flowFailure{fmt.Sprintf("initial_state %q is not a widget of the flow", initial), "#/initial_state"})
	}
	for i, s := range states {
		st, _ := s.(map[string]any)
		trs, _ := st["transitions"].([]any)
		for j, t := range trs {
			tr, _ := t.(map[string]any)
			if next, _ := tr["next"].(string); next != "" && !names[next] {
				out = append(out, flowFailure{fmt.Sprintf("transition %q leads to widget %q, which does not exist", tr["event"], next),
					fmt.Sprintf("#/states/%d/transitions/%d/next", i, j)})
			}
		}
	}
	return out
}

func errFlowInvalid(fails []flowFailure) *apiError {
	e := newErr(http.StatusBadRequest, CodeFlowInvalid, "Invalid Flow Definition")
	e.Details = map[string]any{"errors": fails, "warnings": []flowFailure{}}
	return e
}

// newFlow validates a new flow: a published flow must be valid (Twilio
// refuses it with 81022), a draft is kept with its errors listed.
func newFlow(o *object) *apiError {
	fails := validateFlow(o.fields["definition"])
	if len(fails) > 0 && o.fields["status"] == "published" {
		return errFlowInvalid(fails)
	}
	setFlowValidity(o.fields, fails)
	o.fields["revision"] = 1
	o.fields["webhook_url"] = fmt.Sprintf("https://webhooks.twilio.com/v1/Accounts/%s/Flows/%s", o.fields["account_sid"], o.id)
	return nil
}

// updateFlow validates the flow an update leaves, and counts a revision
// when the definition or the status changes.
func updateFlow(o *object, fields map[string]any) *apiError {
	def, ok := fields["definition"]
	if !ok {
		def = o.fields["definition"]
	}
	status, ok := fields["status"]
	if !ok {
		status = o.fields["status"]
	}
	fails := validateFlow(def)
	if len(fails) > 0 && status == "published" {
		return errFlowInvalid(fails)
	}
	setFlowValidity(fields, fails)
	rev, _ := o.fields["revision"].(int)
	if _, d := fields["definition"]; d || status != o.fields["status"] {
		rev++
	}
	fields["revision"] = rev
	return nil
}

func setFlowValidity(fields map[string]any, fails []flowFailure) {
	errs := make([]any, 0, len(fails))
	for _, f := range fails {
		errs = append(errs, map[string]any{"message": f.Message, "property_path": f.PropertyPath})
	}
	fields["valid"] = len(fails) == 0
	fields["errors"] = errs
	fields["warnings"] = []any{}
}

// validateOnly answers Flow Validate: {"valid": true}, or 81022 with the
// failures; nothing is kept.
func validateOnly(c *call, o *object) *apiError {
	c.transient = true
	if fails := validateFlow(o.fields["definition"]); len(fails) > 0 {
		return errFlowInvalid(fails)
	}
	o.fields = map[string]any{"valid": true}
	return nil
}
