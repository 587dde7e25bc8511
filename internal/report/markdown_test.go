package report_test

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/pgavlin/goldmark"
	"github.com/pgavlin/goldmark/extension"
	"github.com/pgavlin/goldmark/renderer/html"

	"github.com/tdeploy/twilio-deploy-action/internal/report"
	"github.com/tdeploy/twilio-deploy-action/internal/report/engine"
)

var update = flag.Bool("update", false, "rewrite the golden Markdown files under testdata/")

const marker = "<!-- twilio-deploy-action: infra dev -->"

// base is the header the Action fills in.
func base(op string) report.Report {
	return report.Report{
		Repo:        "tdeploy/ivr",
		ProgramPath: "infra",
		Stack:       "dev",
		Branch:      "feature/new-ivr",
		Environment: "FEATURE_NEW_IVR",
		Commit:      "0123456789abcdef0123456789abcdef01234567",
		Operation:   op,
		RunURL:      "https://github.com/tdeploy/ivr/actions/runs/42",
	}
}

// fromEvents builds a report from a recorded engine event log.
func fromEvents(t *testing.T, name string, b report.Report, runErr error) *report.Report {
	t.Helper()
	f, err := os.Open(filepath.Join("engine", "testdata", name+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c := engine.NewCollector(b)
	if err := c.ReadLog(f); err != nil {
		t.Fatal(err)
	}
	return c.Finish(runErr)
}

// large is a 5,000-resource diff, far over the limit before trimming.
func large() *report.Report {
	r := base(report.OpPreview)
	r.Counts = map[string]int{"create": 3000, "update": 1500, "replace": 250, "delete": 250, "same": 12}
	ops := []string{"create", "update", "replace", "delete"}
	n := map[string]int{"create": 3000, "update": 1500, "replace": 250, "delete": 250}
	i := 0
	for _, op := range ops {
		for k := 0; k < n[op]; k++ {
			i++
			res := report.Resource{
				Op:   op,
				Type: "twilio:sync/v1:ServiceSyncMap",
				Name: fmt.Sprintf("map-%04d", i),
				URN:  fmt.Sprintf("urn:pulumi:dev::ivr::twilio:sync/v1:ServiceSyncMap::map-%04d", i),
			}
			switch op {
			case "create":
				res.Diffs = []report.PropertyDiff{{Path: "uniqueName", New: fmt.Sprintf("map-%04d", i), Kind: report.KindAdd}}
			case "update":
				res.Diffs = []report.PropertyDiff{{Path: "ttl", Old: "3600", New: "7200", Kind: report.KindUpdate}}
			case "replace":
				res.Diffs = []report.PropertyDiff{{Path: "uniqueName", Old: "old", New: "new", Kind: report.KindUpdate}}
				res.ReplaceReasons = []string{"uniqueName"}
			}
			r.Resources = append(r.Resources, res)
		}
	}
	r.Result = report.ResultSucceeded
	r.Log = strings.Repeat("Previewing update (dev):\n    + twilio:sync/v1:ServiceSyncMap map create\n", 5000)
	return &r
}

// hostile has crafted text in every field a user or program controls.
func hostile(t *testing.T) *report.Report {
	b := base(report.OpPreview)
	b.Branch = "feat/<img src=x onerror=alert(1)>@octocat"
	b.Stack = "dev`|` ![x](https://evil.example/x.png)"
	b.Environment = "DEV\n\n# injected heading"
	b.ProgramPath = "infra/</details><script>alert(1)</script>"
	b.Commit = "[click](https://evil.example)"
	b.RunURL = "javascript:alert(1)"
	r := fromEvents(t, "preview-hostile", b, nil)
	r.Resources = append(r.Resources,
		report.Resource{
			Op: "update", Type: "twilio:studio/v2:Flow|evil", Name: "```\n</details>\n<details open>", URN: "urn:x::a",
			Diffs: []report.PropertyDiff{
				{Path: "definition\u202e", Old: "a\\|b", New: "c\\\\|d | e", Kind: report.KindUpdate},
				{Path: "friendlyName", Old: "@here", New: "<!-- x --> @team/admins www.evil.example https://evil.example", Kind: report.KindUpdate},
				{Path: "commands", Old: "`", New: "`` ` ``", Kind: report.KindUpdate},
			},
			ReplaceReasons: []string{"| x |\n| --- |"},
		},
		report.Resource{Op: "create<b>bold</b>", Type: "t", Name: "\x00\x1b[31mred\x1b[0m\u200b", URN: "urn:x::b"},
	)
	r.Outputs = append(r.Outputs, report.Output{Name: "![img](https://evil.example/i.png)", Value: "[a](javascript:alert(1))"})
	r.Result = report.ResultFailed
	r.Error = "error: <img src=x onerror=alert(1)> @octocat\n```\n</details>\n````\nfailed"
	r.Log = "~~~\n```\n</details>\n<script>alert(1)</script>\n@everyone\n"
	return r
}

func goldenCases(t *testing.T) []struct {
	name string
	r    *report.Report
	opt  report.Options
} {
	withLog := func(r *report.Report, log string) *report.Report { r.Log = log; return r }
	failure := fromEvents(t, "up-fail", base(report.OpUp), fmt.Errorf("exit status 255"))
	failure.Log = "Updating (fail):\n +  pulumi:pulumi:Stack rec-fail creating (0s)\n" +
		"    using token ACdeadbeefdeadbeefdeadbeefdeadbeef:s3cr3t-auth-token\n" +
		" +  pulumi:pulumi:StackReference missing reading (0s) error: unknown stack\n"
	failure.Error += "\ncredential s3cr3t-auth-token rejected"
	return []struct {
		name string
		r    *report.Report
		opt  report.Options
	}{
		{"no-changes", fromEvents(t, "preview-same", base(report.OpPreview), nil), report.Options{Marker: marker}},
		{"creates-only", fromEvents(t, "preview-create", base(report.OpPreview), nil), report.Options{Marker: marker}},
		{"mix", fromEvents(t, "preview-mix", base(report.OpPreview), nil), report.Options{Marker: marker}},
		{"mix-detailed", withLog(fromEvents(t, "preview-detailed", base(report.OpPreview), nil), "Previewing update (dev):\n ~ twilio:sync/v1:Service sync update\n"), report.Options{Marker: marker}},
		{"up-mix", fromEvents(t, "up-mix", base(report.OpUp), nil), report.Options{}},
		{"failure", failure, report.Options{Marker: marker, Secrets: []string{"ACdeadbeefdeadbeefdeadbeefdeadbeef", "s3cr3t-auth-token"}}},
		{"drift", fromEvents(t, "drift", base(report.OpDrift), nil), report.Options{}},
		{"drift-none", fromEvents(t, "drift-none", base(report.OpDrift), nil), report.Options{}},
		{"twilio-preview", fromEvents(t, "twilio-preview", base(report.OpPreview), nil), report.Options{Marker: marker}},
		{"twilio-drift", fromEvents(t, "twilio-drift", base(report.OpDrift), nil), report.Options{}},
		{"destroy", fromEvents(t, "destroy", base(report.OpDestroy), nil), report.Options{Marker: marker}},
		{"large-5000", large(), report.Options{Marker: marker}},
		{"hostile", hostile(t), report.Options{Marker: marker}},
	}
}

func TestMarkdownGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range goldenCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := report.Markdown(tc.r, tc.opt)
			golden := filepath.Join("testdata", tc.name+".md")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if d := cmp.Diff(string(want), got); d != "" {
				t.Errorf("Markdown differs from %s (-want +got):\n%s", golden, d)
			}
			if len(got) > report.DefaultLimit {
				t.Errorf("body is %d bytes, over the %d limit", len(got), report.DefaultLimit)
			}
			for _, s := range tc.opt.Secrets {
				if strings.Contains(got, s) {
					t.Errorf("secret %q appears in the body", s)
				}
			}
			// Same input, same bytes: the sticky comment relies on it.
			if again := report.Markdown(tc.r, tc.opt); again != got {
				t.Error("rendering twice gave different bodies")
			}
		})
	}
}

func TestMarkdownLarge(t *testing.T) {
	t.Parallel()
	r := large()
	got := report.Markdown(r, report.Options{Marker: marker})
	if len(got) > report.DefaultLimit {
		t.Fatalf("body is %d bytes", len(got))
	}
	for _, want := range []string{
		marker + "\n### ✅ Twilio preview succeeded",
		"**Changes:** ➕ 3000 create · ✏️ 1500 update · 🔁 250 replace · ➖ 250 delete · ⚪ 12 same",
		"the engine log was left out",
		"[workflow run](https://github.com/tdeploy/ivr/actions/runs/42)",
		"| 🔁 replace | `twilio:sync/v1:ServiceSyncMap` | `map-4501` |", // replacements come first
	} {
		if !strings.Contains(got, want) {
			t.Errorf("body lacks %q", want)
		}
	}
	rows := strings.Count(got, "\n| ")
	m := regexp.MustCompile(`(\d+) of 5000 changed resources are listed`).FindStringSubmatch(got)
	if m == nil {
		t.Fatal("body does not say how many resources were cut")
	}
	var listed int
	fmt.Sscan(m[1], &listed)
	if rows-1 != listed { // minus the header row (the separator starts with "|-")
		t.Errorf("table has %d rows, note says %d", rows-1, listed)
	}
	if listed < 400 {
		t.Errorf("only %d rows fit in %d bytes; the table should fill the space", listed, len(got))
	}
	// The space is used: what is left is less than one more row.
	if report.DefaultLimit-len(got) > 700+200+len(r.RunURL) {
		t.Errorf("body is %d bytes: %d bytes unused", len(got), report.DefaultLimit-len(got))
	}
}

// TestMarkdownLimit checks the size guarantee over many shapes and limits.
func TestMarkdownLimit(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"a", "é", "日本", "`", "|", "\\", "\n", "<", "@x", "```", "🙂", strings.Repeat("z", 500)}
	text := func(n int) string {
		var b strings.Builder
		for b.Len() < n {
			b.WriteString(words[rng.IntN(len(words))])
		}
		return b.String()
	}
	for i := 0; i < 40; i++ {
		r := base(report.OpUp)
		r.Result = report.ResultFailed
		nres := []int{0, 1, 10, 300, 1500}[rng.IntN(5)]
		for k := 0; k < nres; k++ {
			r.Resources = append(r.Resources, report.Resource{
				Op: []string{"create", "update", "replace", "delete", "weird"}[rng.IntN(5)], Type: text(20), Name: text(rng.IntN(300)),
				URN:   fmt.Sprint(k),
				Diffs: []report.PropertyDiff{{Path: text(10), Old: text(rng.IntN(400)), New: text(rng.IntN(400))}},
			})
		}
		for k := 0; k < rng.IntN(50); k++ {
			r.Outputs = append(r.Outputs, report.Output{Name: text(10), Value: text(rng.IntN(3000))})
		}
		r.Error = text([]int{0, 100, 5000, 200000}[rng.IntN(4)])
		r.Log = text([]int{0, 100, 50000, 300000}[rng.IntN(4)])
		limit := []int{200, 3000, 10000, 65536}[rng.IntN(4)]
		got := report.Markdown(&r, report.Options{Limit: limit, Marker: marker})
		if len(got) > limit {
			t.Fatalf("case %d: %d bytes over limit %d", i, len(got), limit)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("case %d: invalid UTF-8", i)
		}
		if !strings.HasPrefix(got, marker+"\n### ❌ Twilio up failed") {
			t.Fatalf("case %d: header lost:\n%.300s", i, got)
		}
		if strings.Count(got, "<details>") != strings.Count(got, "</details>\n") {
			t.Fatalf("case %d: unbalanced <details>", i)
		}
	}
}

// allowedTags are the only HTML elements a rendered report may produce
// outside code: everything else would be injected.
var allowedTags = map[string]bool{
	"h3": true, "h4": true, "p": true, "strong": true, "em": true, "code": true, "pre": true,
	"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true,
	"details": true, "summary": true, "br": true, "blockquote": true, "a": true,
}

var (
	tagRE   = regexp.MustCompile(`<(/?)([a-zA-Z0-9]+)[^>]*>`)
	codeRE  = regexp.MustCompile(`(?s)<code[^>]*>.*?</code>`)
	hrefRE  = regexp.MustCompile(`<a href="([^"]*)"`)
	atRE    = regexp.MustCompile(`@[A-Za-z0-9]`)
	tdRowRE = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
)

// TestMarkdownSafe renders every golden case with a GFM parser and checks
// the HTML: only our own elements, links only to the run, no @mention
// outside code, and every table row with exactly its columns.
func TestMarkdownSafe(t *testing.T) {
	t.Parallel()
	md := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe()))
	for _, tc := range goldenCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body := report.Markdown(tc.r, tc.opt)
			var out bytes.Buffer
			if err := md.Convert([]byte(body), &out); err != nil {
				t.Fatal(err)
			}
			h := out.String()
			outside := codeRE.ReplaceAllString(h, "<code></code>")
			for _, m := range tagRE.FindAllStringSubmatch(outside, -1) {
				if !allowedTags[strings.ToLower(m[2])] {
					t.Errorf("element <%s%s> in the rendered report", m[1], m[2])
				}
			}
			for _, m := range hrefRE.FindAllStringSubmatch(h, -1) {
				if m[1] != tc.r.RunURL {
					t.Errorf("link to %q", m[1])
				}
			}
			if strings.Count(h, "<details>") > 1 || strings.Count(h, "<details>") != strings.Count(h, "</details>") {
				t.Errorf("details opened %d times, closed %d", strings.Count(h, "<details>"), strings.Count(h, "</details>"))
			}
			text := tagRE.ReplaceAllString(outside, "")
			if m := atRE.FindString(text); m != "" {
				t.Errorf("mention %q outside code", m)
			}
			// Each table row has as many cells as its header.
			for _, table := range strings.Split(h, "<table>")[1:] {
				table = table[:strings.Index(table, "</table>")]
				rows := tdRowRE.FindAllStringSubmatch(table, -1)
				cols := strings.Count(rows[0][1], "<th")
				for _, row := range rows[1:] {
					if n := strings.Count(row[1], "<td"); n != cols {
						t.Errorf("row with %d cells in a %d-column table: %s", n, cols, row[1])
					}
				}
			}
			if tc.name == "hostile" {
				if n := len(tdRowRE.FindAllString(h, -1)); n != 1+3+1+2 { // header+3 resources, header+2 outputs
					t.Errorf("hostile report has %d table rows, want 7", n)
				}
			}
		})
	}
}

func TestMask(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in string
		secrets  []string
		want     string
	}{
		{"none", "token abcd", nil, "token abcd"},
		{"empty secret ignored", "token abcd", []string{""}, "token abcd"},
		{"every occurrence", "abcd-abcd abcd", []string{"abcd"}, "***-*** ***"},
		{"longest wins", "sk_live_123", []string{"sk_l", "sk_live_123"}, "***"},
		{"overlap masked as one", "xxABCDEFyy", []string{"ABCDE", "CDEF"}, "xx***yy"},
		{"adjacent spans merge", "ABCDEFGH", []string{"ABCD", "EFGH"}, "***"},
		{"repeated secret list", "a1234b1234", []string{"1234", "1234"}, "a***b***"},
		// Package mask's minimum: shorter values would garble the text.
		{"too short to mask", "a1b1", []string{"1"}, "a1b1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := report.Mask(tc.in, tc.secrets); got != tc.want {
				t.Errorf("Mask(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestMarkdownMasksEveryField puts a credential in every string field.
func TestMarkdownMasksEveryField(t *testing.T) {
	t.Parallel()
	const sec = "SK0123456789abcdef0123456789abcdef"
	r := &report.Report{
		Repo: sec, ProgramPath: sec, Stack: sec, Branch: sec, Environment: sec, Commit: sec,
		Operation: report.OpUp, Result: report.ResultFailed, Counts: map[string]int{sec: 1},
		Resources: []report.Resource{{Op: "update", Type: sec, Name: sec, URN: sec,
			Diffs:          []report.PropertyDiff{{Path: sec, Old: sec, New: "x" + sec + "y", Kind: report.KindUpdate}},
			ReplaceReasons: []string{sec}}},
		Outputs: []report.Output{{Name: sec, Value: sec}},
		Error:   sec, Log: sec, RunURL: "https://github.com/" + sec,
	}
	for _, limit := range []int{0, 1500} {
		got := report.Markdown(r, report.Options{Secrets: []string{sec}, Limit: limit})
		if strings.Contains(got, sec) || strings.Contains(got, sec[:20]) {
			t.Errorf("limit %d: secret in body:\n%s", limit, got)
		}
		if !strings.Contains(got, "***") {
			t.Errorf("limit %d: nothing masked:\n%s", limit, got)
		}
	}
}

// BenchmarkMarkdown5000 renders the 5,000-resource diff with its log.
func BenchmarkMarkdown5000(b *testing.B) {
	r := large()
	b.ReportAllocs()
	for b.Loop() {
		report.Markdown(r, report.Options{Marker: marker})
	}
}
