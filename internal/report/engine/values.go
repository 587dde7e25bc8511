package engine

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/sig"

	"github.com/tdeploy/twilio-deploy-action/internal/report"
)

// computed is the engine's placeholder for a value known only after the
// update (the serialized form of an unknown).
const computed = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

const (
	secretText  = "[secret]"
	unknownText = "[unknown]"
	maxLeaves   = 50 // property diffs kept per resource
	// wholeMapBytes is the longest map input a create shows as one JSON
	// value: report's table clips a value at 300 bytes.
	wholeMapBytes = 300
	maxDepth      = 8 // deeper values are compared as a whole
)

// isSecret reports whether v is a serialized Pulumi secret. The engine
// writes secrets in events as {sig: secretSig, ciphertext: "[secret]"}
// (or with a plaintext when secrets are shown); either way the value is
// never read.
func isSecret(v any) bool {
	m, ok := v.(map[string]any)
	return ok && m[sig.Key] == sig.Secret
}

// display is the string shown for a value: strings as they are, other
// values as compact JSON with secrets, unknowns and assets replaced.
func display(v any) string {
	v = clean(v)
	if s, ok := v.(string); ok {
		return s
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// clean replaces the engine's signature objects by readable strings.
func clean(v any) any {
	switch x := v.(type) {
	case string:
		if x == computed {
			return unknownText
		}
		return x
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = clean(e)
		}
		return out
	case map[string]any:
		switch x[sig.Key] {
		case nil:
		case sig.Secret:
			return secretText
		case sig.AssetSig:
			return "asset(" + firstString(x, "path", "uri", "hash") + ")"
		case sig.ArchiveSig:
			return "archive(" + firstString(x, "path", "uri", "hash") + ")"
		case sig.ResourceReference:
			return "resource(" + firstString(x, "urn") + ")"
		default:
			return "[value]"
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = clean(e)
		}
		return out
	}
	return v
}

func firstString(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := m[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

func inputs(s *apitype.StepEventStateMetadata) map[string]any {
	if s == nil {
		return nil
	}
	return s.Inputs
}

func outputsOf(s *apitype.StepEventStateMetadata) map[string]any {
	if s == nil {
		return nil
	}
	return s.Outputs
}

// stepDiffs returns the property diffs of a step, or false when the event
// lacks the states they need (a later event of the same URN may have them).
func stepDiffs(md apitype.StepEventMetadata) ([]report.PropertyDiff, bool) {
	switch md.Op {
	case apitype.OpCreate, apitype.OpImport:
		if md.New == nil {
			return nil, false
		}
		// A new resource: its inputs, so the reviewer sees what will exist.
		var out []report.PropertyDiff
		for _, k := range slices.Sorted(maps.Keys(md.New.Inputs)) {
			if strings.HasPrefix(k, "__") {
				continue // engine bookkeeping such as __defaults
			}
			v := md.New.Inputs[k]
			if m, ok := v.(map[string]any); ok && !isSecret(m) && len(display(m)) > wholeMapBytes {
				// Too long for one table cell (a Deployment's files, a
				// big settings map): one line per key, so the reviewer
				// sees every key instead of a clipped JSON object.
				for _, kk := range slices.Sorted(maps.Keys(m)) {
					out = append(out, leaf(pathKey(k, kk), nil, m[kk], false, true))
				}
				continue
			}
			out = append(out, leaf(k, nil, v, false, true))
		}
		return capDiffs(out), true
	case apitype.OpSame, apitype.OpRead, apitype.OpDelete, apitype.OpDeleteReplaced, apitype.OpDiscardReplaced:
		return nil, md.Op != apitype.OpDeleteReplaced && md.Op != apitype.OpDiscardReplaced
	}
	if md.Old == nil || md.New == nil {
		return nil, false
	}
	var out []report.PropertyDiff
	if md.DetailedDiff != nil {
		for _, p := range slices.Sorted(maps.Keys(md.DetailedDiff)) {
			d := md.DetailedDiff[p]
			oldSrc := md.Old.Outputs
			if d.InputDiff {
				oldSrc = md.Old.Inputs
			}
			ov, hasOld := lookup(oldSrc, p)
			if !hasOld && !d.InputDiff {
				ov, hasOld = lookup(md.Old.Inputs, p)
			}
			nv, hasNew := lookup(md.New.Inputs, p)
			pd := leaf(p, ov, nv, hasOld, hasNew)
			switch strings.TrimSuffix(string(d.Kind), "-replace") {
			case "add":
				pd.Kind = report.KindAdd
			case "delete":
				pd.Kind = report.KindDelete
			default:
				pd.Kind = report.KindUpdate
			}
			out = append(out, pd)
		}
		return capDiffs(out), true
	}
	for _, k := range md.Diffs {
		ov, hasOld := md.Old.Inputs[k]
		if !hasOld {
			ov, hasOld = md.Old.Outputs[k]
		}
		nv, hasNew := md.New.Inputs[k]
		n := len(out)
		deepDiff(&out, pathKey("", k), ov, nv, hasOld, hasNew, 0)
		if len(out) == n {
			// The engine says the key changed but the values look the
			// same: the change is inside a secret, which events blind.
			out = append(out, report.PropertyDiff{Path: k, Secret: true, Kind: report.KindUpdate})
		}
	}
	return capDiffs(out), true
}

// refreshDiffs compares a refreshed resource's recorded and actual outputs.
func refreshDiffs(md apitype.StepEventMetadata) []report.PropertyDiff {
	if md.New == nil {
		return nil
	}
	var out []report.PropertyDiff
	if md.DetailedDiff != nil {
		for _, p := range slices.Sorted(maps.Keys(md.DetailedDiff)) {
			ov, hasOld := lookup(outputsOf(md.Old), p)
			nv, hasNew := lookup(md.New.Outputs, p)
			out = append(out, leaf(p, ov, nv, hasOld, hasNew))
		}
		return capDiffs(out)
	}
	deepDiffMaps(&out, "", outputsOf(md.Old), md.New.Outputs, 0)
	return capDiffs(out)
}

func capDiffs(d []report.PropertyDiff) []report.PropertyDiff {
	if len(d) > maxLeaves {
		return d[:maxLeaves]
	}
	return d
}

// leaf makes one PropertyDiff from the values on each side.
func leaf(path string, ov, nv any, hasOld, hasNew bool) report.PropertyDiff {
	d := report.PropertyDiff{Path: path, Kind: report.KindUpdate}
	switch {
	case !hasOld:
		d.Kind = report.KindAdd
	case !hasNew:
		d.Kind = report.KindDelete
	}
	if (hasOld && isSecret(ov)) || (hasNew && isSecret(nv)) {
		d.Secret = true
		return d
	}
	if hasOld {
		d.Old = display(ov)
	}
	if hasNew {
		d.New = display(nv)
	}
	return d
}

// deepDiff appends the leaf differences between ov and nv under path.
func deepDiff(out *[]report.PropertyDiff, path string, ov, nv any, hasOld, hasNew bool, depth int) {
	if len(*out) >= maxLeaves {
		return
	}
	if !hasOld || !hasNew || isSecret(ov) || isSecret(nv) || depth >= maxDepth {
		if hasOld && hasNew && isSecret(ov) && isSecret(nv) {
			return // both blinded: equal as far as anyone can see
		}
		if !hasOld || !hasNew || !reflect.DeepEqual(ov, nv) {
			*out = append(*out, leaf(path, ov, nv, hasOld, hasNew))
		}
		return
	}
	om, ook := ov.(map[string]any)
	nm, nok := nv.(map[string]any)
	if ook && nok && om[sig.Key] == nil && nm[sig.Key] == nil {
		deepDiffMaps(out, path, om, nm, depth+1)
		return
	}
	oa, ook := ov.([]any)
	na, nok := nv.([]any)
	if ook && nok {
		for i := 0; i < max(len(oa), len(na)); i++ {
			var o, n any
			if i < len(oa) {
				o = oa[i]
			}
			if i < len(na) {
				n = na[i]
			}
			deepDiff(out, fmt.Sprintf("%s[%d]", path, i), o, n, i < len(oa), i < len(na), depth+1)
		}
		return
	}
	if !reflect.DeepEqual(ov, nv) {
		*out = append(*out, leaf(path, ov, nv, true, true))
	}
}

func deepDiffMaps(out *[]report.PropertyDiff, path string, om, nm map[string]any, depth int) {
	keys := map[string]bool{}
	for k := range om {
		keys[k] = true
	}
	for k := range nm {
		keys[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		o, hasOld := om[k]
		n, hasNew := nm[k]
		deepDiff(out, pathKey(path, k), o, n, hasOld, hasNew, depth)
	}
}

var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// pathKey appends a map key to a property path in Pulumi's syntax.
func pathKey(path, k string) string {
	if identRE.MatchString(k) {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	q, _ := json.Marshal(k)
	return path + "[" + string(q) + "]"
}

// lookup finds the value at a Pulumi property path (a.b[0]["c.d"]).
func lookup(m map[string]any, path string) (any, bool) {
	if m == nil {
		return nil, false
	}
	if v, ok := m[path]; ok {
		return v, true
	}
	pp, err := resource.ParsePropertyPath(path)
	if err != nil || len(pp) == 0 {
		return nil, false
	}
	var cur any = m
	for _, el := range pp {
		if isSecret(cur) {
			return cur, true // inside a secret: the whole value is secret
		}
		switch k := el.(type) {
		case string:
			cm, ok := cur.(map[string]any)
			if !ok {
				return nil, false
			}
			if cur, ok = cm[k]; !ok {
				return nil, false
			}
		case int:
			ca, ok := cur.([]any)
			if !ok || k < 0 || k >= len(ca) {
				return nil, false
			}
			cur = ca[k]
		default:
			return nil, false
		}
	}
	return cur, true
}
