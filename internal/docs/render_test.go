package docs

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

const sampleAction = `name: Sample
description: A sample.
inputs:
  zeta:
    description: Comes first in the file, so first in the table.
    required: true
  pipe:
    description: |
      Has a | pipe
      and two lines.
    default: "a|b"
  token:
    description: A token.
    default: ${{ github.token }}
  empty:
    description: Empty default.
    default: ""
outputs:
  stack:
    description: The stack.
runs:
  using: docker
  image: Dockerfile
`

func TestParseAction(t *testing.T) {
	t.Parallel()
	a, err := ParseAction([]byte(sampleAction))
	if err != nil {
		t.Fatal(err)
	}
	want := &Action{
		Name:        "Sample",
		Description: "A sample.",
		Inputs: []Input{
			{Name: "zeta", Description: "Comes first in the file, so first in the table.", Required: true},
			{Name: "pipe", Description: "Has a | pipe\nand two lines.\n", Default: "a|b"},
			{Name: "token", Description: "A token.", Default: "${{ github.token }}"},
			{Name: "empty", Description: "Empty default."},
		},
		Outputs: []Output{{Name: "stack", Description: "The stack."}},
		Using:   "docker",
		Image:   "Dockerfile",
	}
	if diff := cmp.Diff(want, a); diff != "" {
		t.Errorf("ParseAction (-want +got):\n%s", diff)
	}
}

func TestParseActionErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"not yaml", "a: [", "parse action.yml"},
		{"not a map", "- a\n- b\n", "not a YAML map"},
		{"inputs not a map", "inputs: [a]\n", "inputs is not a map"},
		{"input without description", "inputs:\n  a:\n    default: x\n", "inputs a has no description"},
		{"output without description", "outputs:\n  a: {}\n", "outputs a has no description"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseAction([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParseAction(%q) error %v; want one containing %q", tc.yaml, err, tc.want)
			}
		})
	}
}

func TestTables(t *testing.T) {
	t.Parallel()
	a, err := ParseAction([]byte(sampleAction))
	if err != nil {
		t.Fatal(err)
	}
	wantInputs := "| Input | Description | Default |\n|---|---|---|\n" +
		"| `zeta` | Comes first in the file, so first in the table. | **required** |\n" +
		"| `pipe` | Has a \\| pipe and two lines. | `a\\|b` |\n" +
		"| `token` | A token. | `${{ github.token }}` |\n" +
		"| `empty` | Empty default. | *(empty)* |\n"
	if diff := cmp.Diff(wantInputs, InputsTable(a)); diff != "" {
		t.Errorf("InputsTable (-want +got):\n%s", diff)
	}
	wantOutputs := "| Output | Description |\n|---|---|\n| `stack` | The stack. |\n"
	if diff := cmp.Diff(wantOutputs, OutputsTable(a)); diff != "" {
		t.Errorf("OutputsTable (-want +got):\n%s", diff)
	}
}

func TestCode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"plain", "`plain`"},
		{"a`b", "``a`b``"},
		{"has `tick`", "`` has `tick` ``"},
		{"`edge", "`` `edge ``"},
	} {
		if got := code(tc.in); got != tc.want {
			t.Errorf("code(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestSplice(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, doc, want, err string
	}{
		{
			name: "fills empty part",
			doc:  "a\n<!-- BEGIN x -->\n<!-- END x -->\nb\n",
			want: "a\n<!-- BEGIN x -->\nNEW\n<!-- END x -->\nb\n",
		},
		{
			name: "replaces stale part",
			doc:  "<!-- BEGIN x -->\nold\nlines\n<!-- END x -->",
			want: "<!-- BEGIN x -->\nNEW\n<!-- END x -->",
		},
		{name: "no begin", doc: "<!-- END x -->", err: "not found"},
		{name: "no end", doc: "<!-- BEGIN x -->\n", err: "not found after"},
		{name: "twice", doc: "<!-- BEGIN x --><!-- END x --><!-- BEGIN x --><!-- END x -->", err: "appears twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Splice(tc.doc, "x", "NEW")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Splice error %v; want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Splice (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRender shows a stale README being rewritten and a drifted one
// detected: the mechanism TestReadmeUpToDate relies on.
func TestRender(t *testing.T) {
	t.Parallel()
	readme := "# T\n<!-- BEGIN inputs -->\nstale\n<!-- END inputs -->\n" +
		"<!-- BEGIN outputs -->\n<!-- END outputs -->\n" +
		"<!-- BEGIN file ex/w.yml -->\n<!-- END file ex/w.yml -->\n"
	fsys := fstest.MapFS{
		"README.md":  {Data: []byte(readme)},
		"action.yml": {Data: []byte(sampleAction)},
		"ex/w.yml":   {Data: []byte("on: push\n")},
	}
	got, err := Render(fsys)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| `zeta` |", "| `stack` | The stack. |", "```yaml\non: push\n```\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("Render: no %q in\n%s", want, got)
		}
	}
	if strings.Contains(got, "stale") {
		t.Errorf("Render kept the stale table:\n%s", got)
	}
	// Rendering the result again changes nothing.
	fsys["README.md"] = &fstest.MapFile{Data: []byte(got)}
	again, err := Render(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if again != got {
		t.Errorf("Render is not idempotent (-first +second):\n%s", cmp.Diff(got, again))
	}
	// A new input in action.yml makes the README stale.
	fsys["action.yml"] = &fstest.MapFile{Data: []byte(strings.Replace(sampleAction, "outputs:", "  added:\n    description: New.\noutputs:", 1))}
	changed, err := Render(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if changed == got || !strings.Contains(changed, "| `added` | New. |") {
		t.Errorf("a new action.yml input did not change the rendered README:\n%s", changed)
	}
	// An unknown part and a missing file are errors.
	for name, doc := range map[string]string{
		"unknown part": "<!-- BEGIN nope -->\n<!-- END nope -->\n",
		"missing file": "<!-- BEGIN file ex/none.yml -->\n<!-- END file ex/none.yml -->\n",
	} {
		fsys["README.md"] = &fstest.MapFile{Data: []byte(doc)}
		if _, err := Render(fsys); err == nil {
			t.Errorf("%s: Render succeeded; want an error", name)
		}
	}
}
