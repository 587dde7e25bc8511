package guard

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tdeploy/twilio-deploy-action/internal/report"
)

var update = flag.Bool("update", false, "rewrite testdata goldens")

const urnA = "urn:pulumi:main::demo::twilio:sync/v1:Service::a"
const urnB = "urn:pulumi:main::demo::twilio:sync/v1:Service::b, odd name"

func sample() *report.Report {
	return &report.Report{Resources: []report.Resource{
		{Op: "update", URN: urnB, Diffs: []report.PropertyDiff{{Path: "webhookUrl", Old: "secret-old", New: "secret-new"}, {Path: "friendlyName"}}},
		{Op: "same", URN: "urn:pulumi:main::demo::twilio:sync/v1:Service::same"},
		{Op: "replace", URN: urnA, Diffs: []report.PropertyDiff{{Path: "uniqueName"}}, ReplaceReasons: []string{"uniqueName"}},
	}}
}

func TestFromReport(t *testing.T) {
	t.Parallel()
	got := FromReport(sample())
	want := Set{
		{URN: urnA, Op: "replace", Props: []string{"uniqueName"}},
		{URN: urnB, Op: "update", Props: []string{"friendlyName", "webhookUrl"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("FromReport (-want +got):\n%s", d)
	}
}

func TestEncodeGolden(t *testing.T) {
	t.Parallel()
	s := FromReport(sample())
	got := Encode(s) + "digest " + Digest(s) + "\n" + Line(s) + "\n"
	path := filepath.Join("testdata", "encoding.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Fatalf("encoding (-golden +got), rerun with -update if intended:\n%s", d)
	}
	if strings.Contains(got, "secret-") {
		t.Fatal("a property value reached the encoding")
	}
}

func TestDigestStable(t *testing.T) {
	t.Parallel()
	a := sample()
	b := sample()
	// The engine may report steps and diffs in any order.
	b.Resources[0], b.Resources[2] = b.Resources[2], b.Resources[0]
	b.Resources[2].Diffs[0], b.Resources[2].Diffs[1] = b.Resources[2].Diffs[1], b.Resources[2].Diffs[0]
	b.Resources[2].Diffs[0].New = "another value"
	tests := []struct {
		name string
		edit func(r *report.Report)
		same bool
	}{
		{"reordered, other values", func(*report.Report) {}, true},
		{"other op", func(r *report.Report) { r.Resources[0].Op = "create" }, false},
		{"other property", func(r *report.Report) { r.Resources[0].Diffs[0].Path = "x" }, false},
		{"one more resource", func(r *report.Report) {
			r.Resources = append(r.Resources, report.Resource{Op: "delete", URN: "urn:x"})
		}, false},
		{"an unchanged resource more", func(r *report.Report) {
			r.Resources = append(r.Resources, report.Resource{Op: "same", URN: "urn:y"})
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := sample()
			c.Resources[0], c.Resources[2] = c.Resources[2], c.Resources[0]
			tt.edit(c)
			if got := Digest(FromReport(c)) == Digest(FromReport(a)); got != tt.same {
				t.Fatalf("same digest = %v, want %v", got, tt.same)
			}
		})
	}
	if Digest(FromReport(a)) != Digest(FromReport(b)) {
		t.Fatal("digest depends on order or values")
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	s := FromReport(sample())
	marker := "<!-- twilio-deploy-action: . main -->"
	big := Set{{URN: strings.Repeat("u", MaxLine), Op: "create"}}
	tests := []struct {
		name   string
		body   string
		ok     bool
		err    bool
		full   bool
		digest string
	}{
		{"recorded", marker + "\n" + Line(s) + "\n## report", true, false, true, Digest(s)},
		{"CRLF", marker + "\r\n" + Line(s) + "\r\n## report", true, false, true, Digest(s)},
		{"old comment", marker + "\n## report", false, false, false, ""},
		{"too big: digest only", marker + "\n" + Line(big), true, false, false, Digest(big)},
		{"edited", marker + "\n" + strings.Replace(Line(s), "sha256=", "sha256=0", 1), true, true, false, ""},
		{"garbage", marker + "\n" + linePrefix + "x -->", true, true, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec, ok, err := Parse(tt.body)
			if ok != tt.ok || (err != nil) != tt.err || rec.Full != tt.full || rec.Digest != tt.digest {
				t.Fatalf("Parse = %+v, %v, %v", rec, ok, err)
			}
			if tt.full && !rec.Matches(s) {
				t.Fatal("recorded set does not match")
			}
		})
	}
}

func TestParsePolicy(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Policy{"": Warn, "FAIL": Fail, " warn ": Warn, "ignore": Ignore} {
		if got, err := ParsePolicy(in); err != nil || got != want {
			t.Errorf("ParsePolicy(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParsePolicy("block"); err == nil {
		t.Error("ParsePolicy(block): no error")
	}
}

func TestSideBySide(t *testing.T) {
	t.Parallel()
	reviewed := FromReport(sample())
	actual := Set{{URN: urnA, Op: "replace", Props: []string{"uniqueName"}}, {URN: "urn:c", Op: "create"}}
	got := SideBySide(reviewed, true, actual)
	want := "| | resource | reviewed | actual |\n|---|---|---|---|\n" +
		"| ❌ | `urn:c` | _(none)_ | `create` |\n" +
		"| ✅ | `" + urnA + "` | `replace` `uniqueName` | `replace` `uniqueName` |\n" +
		"| ❌ | `" + urnB + "` | `update` `friendlyName, webhookUrl` | _(none)_ |\n"
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("SideBySide (-want +got):\n%s", d)
	}
	if got := SideBySide(nil, false, actual); !strings.Contains(got, "| ❔ | `urn:c` | _(not recorded)_ | `create` |") {
		t.Fatalf("unknown review:\n%s", got)
	}
}
