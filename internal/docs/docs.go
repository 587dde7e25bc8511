// Package docs keeps README.md honest: its inputs and outputs tables are
// generated from action.yml, and the example workflows it shows are copied
// from examples/workflows/. Generated parts sit between marker comments:
//
//	<!-- BEGIN inputs --> ... <!-- END inputs -->
//	<!-- BEGIN outputs --> ... <!-- END outputs -->
//	<!-- BEGIN file examples/workflows/deploy.yml --> ... <!-- END file examples/workflows/deploy.yml -->
//
// `make docs` (go run ./internal/docs/gen) rewrites them; the package's
// tests fail when README.md is not what Render would write.
package docs

//go:generate go run ./gen -root ../..

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"gopkg.in/yaml.v3"
)

// Input is one input of action.yml.
type Input struct {
	Name        string
	Description string
	Required    bool
	Default     string
}

// Output is one output of action.yml.
type Output struct {
	Name        string
	Description string
}

// Action is the part of action.yml the README documents, in file order.
type Action struct {
	Name        string
	Description string
	Inputs      []Input
	Outputs     []Output
	Using       string // runs.using
	Image       string // runs.image
}

// ParseAction reads action.yml, keeping the order of inputs and outputs.
func ParseAction(b []byte) (*Action, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("parse action.yml: %w", err)
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("parse action.yml: not a YAML map")
	}
	var a Action
	top := doc.Content[0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		key, val := top.Content[i].Value, top.Content[i+1]
		switch key {
		case "name":
			a.Name = val.Value
		case "description":
			a.Description = val.Value
		case "inputs", "outputs":
			if val.Kind != yaml.MappingNode {
				return nil, fmt.Errorf("parse action.yml: %s is not a map", key)
			}
			for j := 0; j+1 < len(val.Content); j += 2 {
				name := val.Content[j].Value
				var f struct {
					Description string  `yaml:"description"`
					Required    bool    `yaml:"required"`
					Default     *string `yaml:"default"`
				}
				if err := val.Content[j+1].Decode(&f); err != nil {
					return nil, fmt.Errorf("parse action.yml: %s %s: %w", key, name, err)
				}
				if strings.TrimSpace(f.Description) == "" {
					return nil, fmt.Errorf("parse action.yml: %s %s has no description", key, name)
				}
				if key == "outputs" {
					a.Outputs = append(a.Outputs, Output{Name: name, Description: f.Description})
					continue
				}
				in := Input{Name: name, Description: f.Description, Required: f.Required}
				if f.Default != nil {
					in.Default = *f.Default
				}
				a.Inputs = append(a.Inputs, in)
			}
		case "runs":
			var r struct {
				Using string `yaml:"using"`
				Image string `yaml:"image"`
			}
			if err := val.Decode(&r); err != nil {
				return nil, fmt.Errorf("parse action.yml: runs: %w", err)
			}
			a.Using, a.Image = r.Using, r.Image
		}
	}
	return &a, nil
}

// Input returns the named input, or nil.
func (a *Action) Input(name string) *Input {
	for i := range a.Inputs {
		if a.Inputs[i].Name == name {
			return &a.Inputs[i]
		}
	}
	return nil
}

// InputsTable renders the inputs as a Markdown table.
func InputsTable(a *Action) string {
	var b strings.Builder
	b.WriteString("| Input | Description | Default |\n|---|---|---|\n")
	for _, in := range a.Inputs {
		def := "*(empty)*"
		if in.Required {
			def = "**required**"
		} else if in.Default != "" {
			def = code(in.Default)
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", code(in.Name), cell(in.Description), def)
	}
	return b.String()
}

// OutputsTable renders the outputs as a Markdown table.
func OutputsTable(a *Action) string {
	var b strings.Builder
	b.WriteString("| Output | Description |\n|---|---|\n")
	for _, out := range a.Outputs {
		fmt.Fprintf(&b, "| %s | %s |\n", code(out.Name), cell(out.Description))
	}
	return b.String()
}

// cell makes text safe inside a table cell: one line, pipes escaped.
func cell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "|", `\|`)
}

// code renders s as inline code, with a fence long enough for any backticks
// inside it.
func code(s string) string {
	s = cell(s)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// Markers returns the BEGIN and END comments around a generated part.
func Markers(name string) (begin, end string) {
	return "<!-- BEGIN " + name + " -->", "<!-- END " + name + " -->"
}

// Splice replaces what lies between the markers of name with content (a
// newline is kept after BEGIN and before END).
func Splice(doc, name, content string) (string, error) {
	begin, end := Markers(name)
	i := strings.Index(doc, begin)
	if i < 0 {
		return "", fmt.Errorf("marker %q not found", begin)
	}
	if strings.Count(doc, begin) > 1 {
		return "", fmt.Errorf("marker %q appears twice", begin)
	}
	rest := doc[i+len(begin):]
	j := strings.Index(rest, end)
	if j < 0 {
		return "", fmt.Errorf("marker %q not found after %q", end, begin)
	}
	if !strings.HasSuffix(content, "\n") {
		content += "\n"
	}
	return doc[:i+len(begin)] + "\n" + content + rest[j:], nil
}

// Parts lists the names of every generated part of doc, in order.
func Parts(doc string) []string {
	var names []string
	for rest := doc; ; {
		i := strings.Index(rest, "<!-- BEGIN ")
		if i < 0 {
			return names
		}
		rest = rest[i+len("<!-- BEGIN "):]
		j := strings.Index(rest, " -->")
		if j < 0 {
			return names
		}
		names = append(names, rest[:j])
		rest = rest[j:]
	}
}

// Render returns README.md as it should be, given the files of the
// repository (fsys rooted at the repository): every generated part
// recomputed from action.yml and the files it includes.
func Render(fsys fs.FS) (string, error) {
	readme, err := fs.ReadFile(fsys, "README.md")
	if err != nil {
		return "", err
	}
	actionYAML, err := fs.ReadFile(fsys, "action.yml")
	if err != nil {
		return "", err
	}
	a, err := ParseAction(actionYAML)
	if err != nil {
		return "", err
	}
	doc := string(readme)
	for _, name := range Parts(doc) {
		var content string
		switch {
		case name == "inputs":
			content = InputsTable(a)
		case name == "outputs":
			content = OutputsTable(a)
		case strings.HasPrefix(name, "file "):
			path := strings.TrimPrefix(name, "file ")
			b, err := fs.ReadFile(fsys, path)
			if err != nil {
				return "", fmt.Errorf("README part %q: %w", name, err)
			}
			content = fence(path, b)
		default:
			return "", fmt.Errorf("README part %q: unknown (want inputs, outputs or file PATH)", name)
		}
		if doc, err = Splice(doc, name, content); err != nil {
			return "", fmt.Errorf("README: %w", err)
		}
	}
	return doc, nil
}

// fence wraps a file in a fenced code block tagged with its language.
func fence(path string, b []byte) string {
	lang := ""
	switch {
	case strings.HasSuffix(path, ".yml"), strings.HasSuffix(path, ".yaml"):
		lang = "yaml"
	case strings.HasSuffix(path, ".sh"):
		lang = "bash"
	}
	f := "```"
	for bytes.Contains(b, []byte(f)) {
		f += "`"
	}
	if !bytes.HasSuffix(b, []byte("\n")) {
		b = append(b, '\n')
	}
	return f + lang + "\n" + string(b) + f + "\n"
}
