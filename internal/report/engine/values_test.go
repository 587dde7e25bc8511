package engine

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/sig"

	"github.com/tdeploy/twilio-deploy-action/internal/report"
)

// secret is how the engine serializes a secret in events; with
// --show-secrets it carries the plaintext, which must still not show.
func secret(plaintext string) map[string]any {
	m := map[string]any{sig.Key: sig.Secret, "ciphertext": "[secret]"}
	if plaintext != "" {
		m = map[string]any{sig.Key: sig.Secret, "plaintext": plaintext}
	}
	return m
}

func TestDisplay(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   any
		want string
	}{
		{"string as is", "a <b> c", "a <b> c"},
		{"null", nil, "null"},
		{"number", 3.5, "3.5"},
		{"bool", true, "true"},
		{"unknown", computed, "[unknown]"},
		{"blinded secret", secret(""), "[secret]"},
		{"shown secret", secret(`"hunter2"`), "[secret]"},
		{"nested secret", map[string]any{"a": []any{1.0, secret(`"hunter2"`)}}, `{"a":[1,"[secret]"]}`},
		{"asset", map[string]any{sig.Key: sig.AssetSig, "path": "fn.js", "hash": "abc"}, "asset(fn.js)"},
		{"archive", map[string]any{sig.Key: sig.ArchiveSig, "hash": "abc"}, "archive(abc)"},
		{"resource reference", map[string]any{sig.Key: sig.ResourceReference, "urn": "urn:x"}, "resource(urn:x)"},
		{"other signature", map[string]any{sig.Key: "803fd3297a5875dc03ca845dda5d2a98", "value": "AAE="}, "[value]"},
		{"no HTML escaping", map[string]any{"u": "a&b<c>"}, `{"u":"a&b<c>"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := display(tc.in); got != tc.want {
				t.Errorf("display = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestStepDiffs(t *testing.T) {
	t.Parallel()
	state := func(in, out map[string]any) *apitype.StepEventStateMetadata {
		return &apitype.StepEventStateMetadata{Inputs: in, Outputs: out}
	}
	for _, tc := range []struct {
		name string
		md   apitype.StepEventMetadata
		want []report.PropertyDiff
	}{
		{
			name: "keys only: deep leaves, blinded secret change reported as secret",
			md: apitype.StepEventMetadata{Op: apitype.OpUpdate, Diffs: []string{"cfg", "token"},
				Old: state(map[string]any{"cfg": map[string]any{"a": 1.0, "b": []any{"x"}}, "token": secret("")}, nil),
				New: state(map[string]any{"cfg": map[string]any{"a": 2.0, "b": []any{"x", "y"}, "c d": true}, "token": secret("")}, nil)},
			want: []report.PropertyDiff{
				{Path: "cfg.a", Old: "1", New: "2", Kind: report.KindUpdate},
				{Path: "cfg.b[1]", New: "y", Kind: report.KindAdd},
				{Path: `cfg["c d"]`, New: "true", Kind: report.KindAdd},
				{Path: "token", Secret: true, Kind: report.KindUpdate},
			},
		},
		{
			name: "detailed diff: old outputs unless inputDiff, path inside a secret is secret",
			md: apitype.StepEventMetadata{Op: apitype.OpUpdate,
				DetailedDiff: map[string]apitype.PropertyDiff{
					"name":       {Kind: apitype.DiffUpdate},
					"creds.key":  {Kind: apitype.DiffUpdateReplace, InputDiff: true},
					"tags[0]":    {Kind: apitype.DiffDelete, InputDiff: true},
					"voiceUrl":   {Kind: apitype.DiffAdd, InputDiff: true},
					"missing.at": {Kind: apitype.DiffUpdate, InputDiff: true},
				},
				Old: state(map[string]any{"name": "in", "creds": secret(""), "tags": []any{"t"}}, map[string]any{"name": "out"}),
				New: state(map[string]any{"name": "new", "creds": secret(""), "voiceUrl": "https://v"}, nil)},
			want: []report.PropertyDiff{
				{Path: "creds.key", Secret: true, Kind: report.KindUpdate},
				{Path: "missing.at", Kind: report.KindUpdate},
				{Path: "name", Old: "out", New: "new", Kind: report.KindUpdate},
				{Path: "tags[0]", Old: "t", Kind: report.KindDelete},
				{Path: "voiceUrl", New: "https://v", Kind: report.KindAdd},
			},
		},
		{
			name: "create lists inputs, not engine bookkeeping",
			md: apitype.StepEventMetadata{Op: apitype.OpCreate,
				New: state(map[string]any{"friendlyName": "x", "__defaults": []any{}, "authToken": secret(`"p"`)}, nil)},
			want: []report.PropertyDiff{
				{Path: "authToken", Secret: true, Kind: report.KindAdd},
				{Path: "friendlyName", New: "x", Kind: report.KindAdd},
			},
		},
		{
			name: "create lists a map too long for one cell by key, a short one whole",
			md: apitype.StepEventMetadata{Op: apitype.OpCreate,
				New: state(map[string]any{
					"files": map[string]any{
						"/sms/reply":   "function public " + strings.Repeat("a", 64),
						"/voice/greet": "function public " + strings.Repeat("b", 64),
						"/index.html":  "asset public " + strings.Repeat("c", 64),
						"/hours.json":  "asset private " + strings.Repeat("d", 64),
					},
					"lookup": map[string]any{"phoneNumber": "+15017122661"},
				}, nil)},
			want: []report.PropertyDiff{
				{Path: `files["/hours.json"]`, New: "asset private " + strings.Repeat("d", 64), Kind: report.KindAdd},
				{Path: `files["/index.html"]`, New: "asset public " + strings.Repeat("c", 64), Kind: report.KindAdd},
				{Path: `files["/sms/reply"]`, New: "function public " + strings.Repeat("a", 64), Kind: report.KindAdd},
				{Path: `files["/voice/greet"]`, New: "function public " + strings.Repeat("b", 64), Kind: report.KindAdd},
				{Path: "lookup", New: `{"phoneNumber":"+15017122661"}`, Kind: report.KindAdd},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := stepDiffs(tc.md)
			if !ok {
				t.Fatal("stepDiffs not ok")
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}
