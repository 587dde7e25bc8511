package stack

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
)

func TestParseConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    []ConfigValue
		wantErr string
	}{
		{"empty", "  \n", nil, ""},
		{"scalars sorted", "b: 2\na: hello\nc: true\nd: 1.5\ne:\n", []ConfigValue{
			{Key: "a", Value: "hello"}, {Key: "b", Value: "2"}, {Key: "c", Value: "true"}, {Key: "d", Value: "1.5"}, {Key: "e", Value: ""}}, ""},
		{"secret", "twilio:region: ie1\npin: {secret: 1234}\n", []ConfigValue{
			{Key: "pin", Value: "1234", Secret: true}, {Key: "twilio:region", Value: "ie1"}}, ""},
		{"structured as JSON", "menu:\n  - a\n  - b\nopts: {x: 1, y: 2}\n", []ConfigValue{
			{Key: "menu", Value: `["a","b"]`}, {Key: "opts", Value: `{"x":1,"y":2}`}}, ""},
		{"map with secret and more is plain", "v: {secret: a, other: b}", []ConfigValue{{Key: "v", Value: `{"other":"b","secret":"a"}`}}, ""},
		// YAML alone would turn these into 15017122661, 10 (octal),
		// 1.2345678912e+10, 31 and 1.5.
		{"scalars as written", "phone: +15017122661\npin: 0012\naccount: 012345678912\nhex: 0x1F\nrate: 1.50\nquoted: \"+15017122661\"\n", []ConfigValue{
			{Key: "account", Value: "012345678912"}, {Key: "hex", Value: "0x1F"}, {Key: "phone", Value: "+15017122661"},
			{Key: "pin", Value: "0012"}, {Key: "quoted", Value: "+15017122661"}, {Key: "rate", Value: "1.50"}}, ""},
		{"secret as written", "pin: {secret: 0012}", []ConfigValue{{Key: "pin", Value: "0012", Secret: true}}, ""},
		{"nested numbers only in JSON spelling", "vars: {CALLER_ID: +15017122661, PIN: 0012, N: 3, BIG: 1048576, OK: true, Q: \"7\", NONE: null, L: [0012, 1.5]}", []ConfigValue{
			{Key: "vars", Value: `{"BIG":1048576,"CALLER_ID":"+15017122661","L":["0012",1.5],"N":3,"NONE":null,"OK":true,"PIN":"0012","Q":"7"}`}}, ""},
		{"alias", "a: &n +1\nb: *n\n", []ConfigValue{{Key: "a", Value: "+1"}, {Key: "b", Value: "+1"}}, ""},
		{"not a map", "- a\n- b", nil, "not a YAML map"},
		{"a bare value", "s3cret-token-value", nil, "not a YAML map"},
		{"a bad line", "greeting: hello\npin: {secret: s3cret-token-value\n", nil, "not a YAML map (KEY: VALUE per line): yaml: line"},
		{"scalar", "just text", nil, "not a YAML map"},
		{"key twice", "a: 1\na: 2\n", nil, "a is given twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseConfig(tt.in)
			if err != nil && strings.Contains(err.Error(), "s3cret") {
				t.Errorf("err = %v: shows the input", err)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestParseEnvFile(t *testing.T) {
	t.Parallel()
	// The same format as the Functions' .env (package dotenv): an inline
	// comment after a bare value is not part of it.
	in := "# comment\n\nA=1\nexport B = two words \nC=\"quoted \\\"x\\\"\\nnext\"\nD='single $x'\nE=a=b\nF=https://staging.example # staging\n"
	got, err := ParseEnvFile(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"A": "1", "B": "two words", "C": "quoted \"x\"\nnext", "D": "single $x", "E": "a=b", "F": "https://staging.example"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	for _, bad := range []string{"NOEQUALS", "1A=x", "A-B=x"} {
		if _, err := ParseEnvFile(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("ParseEnvFile(%q) err = %v", bad, err)
		}
	}
	if _, err := ParseEnvFile(strings.NewReader("A=" + strings.Repeat("x", maxEnvFile))); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversized env file: err = %v", err)
	}
	if EnvFileName("feature-new-ivr") != ".feature-new-ivr.env" {
		t.Error(EnvFileName("feature-new-ivr"))
	}
}

func TestParseList(t *testing.T) {
	t.Parallel()
	got := ParseList("urn:a, urn:b\n\n urn:c ,")
	if d := cmp.Diff([]string{"urn:a", "urn:b", "urn:c"}, got); d != "" {
		t.Error(d)
	}
}

// The option builders are tested as data: apply them to the SDK's option
// structs and compare fields (channels and writers aside).
var ignoreStreams = cmpopts.IgnoreFields(optpreview.Options{}, "EventStreams")

func TestOptions(t *testing.T) {
	t.Parallel()
	ch := make(chan events.EngineEvent)
	full := Settings{Refresh: true, Parallel: 4, Targets: []string{"urn:a"}, ExpectNoChanges: true, Message: "m", RemoveStack: true}

	var pre optpreview.Options
	for _, o := range full.previewOptions(ch) {
		o.ApplyOption(&pre)
	}
	if d := cmp.Diff(optpreview.Options{Refresh: true, Parallel: 4, Target: []string{"urn:a"}, ExpectNoChanges: true, Color: "never"}, pre, ignoreStreams); d != "" {
		t.Errorf("preview (-want +got):\n%s", d)
	}
	if len(pre.EventStreams) != 1 {
		t.Errorf("preview event streams = %d", len(pre.EventStreams))
	}
	var none optpreview.Options
	for _, o := range (Settings{}).previewOptions(ch) {
		o.ApplyOption(&none)
	}
	if d := cmp.Diff(optpreview.Options{Color: "never"}, none, ignoreStreams); d != "" {
		t.Errorf("default preview (-want +got):\n%s", d)
	}

	var up optup.Options
	for _, o := range full.upOptions(ch) {
		o.ApplyOption(&up)
	}
	if d := cmp.Diff(optup.Options{Refresh: true, Parallel: 4, Target: []string{"urn:a"}, ExpectNoChanges: true, Message: "m", Color: "never"}, up,
		cmpopts.IgnoreFields(optup.Options{}, "EventStreams")); d != "" {
		t.Errorf("up (-want +got):\n%s", d)
	}

	var ref optrefresh.Options
	for _, o := range full.refreshOptions(ch) {
		o.ApplyOption(&ref)
	}
	if d := cmp.Diff(optrefresh.Options{Parallel: 4, Target: []string{"urn:a"}, ExpectNoChanges: true, Message: "m", Color: "never"}, ref,
		cmpopts.IgnoreFields(optrefresh.Options{}, "EventStreams")); d != "" {
		t.Errorf("refresh (-want +got):\n%s", d)
	}

	var des optdestroy.Options
	for _, o := range full.destroyOptions(ch) {
		o.ApplyOption(&des)
	}
	if d := cmp.Diff(optdestroy.Options{Refresh: true, Parallel: 4, Target: []string{"urn:a"}, Message: "m", Color: "never", Remove: true}, des,
		cmpopts.IgnoreFields(optdestroy.Options{}, "EventStreams")); d != "" {
		t.Errorf("destroy (-want +got):\n%s", d)
	}
}

func TestStackOutputsOf(t *testing.T) {
	t.Parallel()
	if got := outputsText(t, map[string]any{"a": "x", "b": map[string]any{"k": 1.0}}); got != "a=x b={\"k\":1}" {
		t.Error(got)
	}
	if !isSecret(map[string]any{secretSig: "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "[secret]"}) || isSecret("x") {
		t.Error("isSecret")
	}
}

func outputsText(t *testing.T, m map[string]any) string {
	t.Helper()
	var parts []string
	for _, k := range []string{"a", "b"} {
		s, err := outputText(m[k])
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, k+"="+s)
	}
	return strings.Join(parts, " ")
}

func TestPulumiHome(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"PULUMI_HOME wins", map[string]string{"PULUMI_HOME": "/github/home/.pulumi", "HOME": "/x"}, "/github/home/.pulumi"},
		{"else HOME, not /etc/passwd's home", map[string]string{"HOME": "/github/home"}, "/github/home/.pulumi"},
		{"an empty PULUMI_HOME is unset", map[string]string{"PULUMI_HOME": "", "HOME": "/h"}, "/h/.pulumi"},
		{"neither: the CLI's default", map[string]string{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := PulumiHome(tc.env); got != tc.want {
				t.Errorf("PulumiHome(%v) = %q, want %q", tc.env, got, tc.want)
			}
		})
	}
}
