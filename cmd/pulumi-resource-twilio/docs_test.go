package main

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
)

// referenceDocs renders the package schema as Markdown: an index
// (README.md) and one file per module ("sync-v1.md"). TestDocs keeps
// docs/reference in step with the schema
// (go test ./cmd/pulumi-resource-twilio -run TestDocs -update).
func referenceDocs(ps schema.PackageSpec) map[string][]byte {
	modules := map[string][]string{}
	for tok := range ps.Resources {
		mod := strings.Split(tok, ":")[1]
		modules[mod] = append(modules[mod], tok)
	}
	functions := map[string][]string{}
	for tok := range ps.Functions {
		mod := strings.Split(tok, ":")[1]
		functions[mod] = append(functions[mod], tok)
		if _, ok := modules[mod]; !ok {
			modules[mod] = nil
		}
	}
	names := make([]string, 0, len(modules))
	for m := range modules {
		names = append(names, m)
		sort.Strings(modules[m])
		sort.Strings(functions[m])
	}
	sort.Strings(names)

	out := map[string][]byte{}
	var idx bytes.Buffer
	fmt.Fprintf(&idx, "# Twilio provider reference\n\n")
	fmt.Fprintf(&idx, "Generated from the provider schema (version %s); do not edit. "+
		"Design, configuration and semantics: [../provider.md](../provider.md).\n\n", ps.Version)
	fmt.Fprintf(&idx, "%d resource types and %d functions (lookups, for `fn::invoke`) in %d modules.\n\n", len(ps.Resources), len(ps.Functions), len(names))
	fmt.Fprintf(&idx, "## Configuration\n\n| Key | Description |\n|---|---|\n")
	for _, k := range slices.Sorted(maps.Keys(ps.Config.Variables)) {
		v := ps.Config.Variables[k]
		sec := ""
		if v.Secret {
			sec = " (secret)"
		}
		fmt.Fprintf(&idx, "| `twilio:%s`%s | %s |\n", k, sec, cell(v.Description))
	}
	fmt.Fprintf(&idx, "\n## Modules\n\n| Module | Resource types | Functions |\n|---|---|---|\n")
	for _, m := range names {
		var links []string
		for _, tok := range modules[m] {
			typ := strings.Split(tok, ":")[2]
			links = append(links, fmt.Sprintf("[%s](%s#%s)", typ, fileOf(m), strings.ToLower(typ)))
		}
		fmt.Fprintf(&idx, "| `%s` | %s | %d |\n", m, strings.Join(links, ", "), len(functions[m]))
	}
	out["README.md"] = idx.Bytes()

	for _, m := range names {
		var b bytes.Buffer
		fmt.Fprintf(&b, "# Module `%s`\n\nGenerated from the provider schema; do not edit. [Index](README.md).\n", m)
		for _, tok := range modules[m] {
			writeResource(&b, tok, ps.Resources[tok], ps.Types)
		}
		writeFunctions(&b, functions[m], ps.Functions, ps.Types)
		out[fileOf(m)] = b.Bytes()
	}
	return out
}

func fileOf(module string) string { return strings.ReplaceAll(module, "/", "-") + ".md" }

func writeResource(b *bytes.Buffer, tok string, rs schema.ResourceSpec, types map[string]schema.ComplexTypeSpec) {
	fmt.Fprintf(b, "\n## %s\n\n`%s`\n\n%s\n\n", strings.Split(tok, ":")[2], tok, rs.Description)
	req := map[string]bool{}
	for _, r := range rs.RequiredInputs {
		req[r] = true
	}
	if len(rs.InputProperties) > 0 {
		fmt.Fprintf(b, "| Input | Type | Notes | Description |\n|---|---|---|---|\n")
		for _, k := range slices.Sorted(maps.Keys(rs.InputProperties)) {
			ps := rs.InputProperties[k]
			var notes []string
			if req[k] {
				notes = append(notes, "required")
			}
			if ps.WillReplaceOnChanges {
				notes = append(notes, "replaces")
			}
			if ps.Secret {
				notes = append(notes, "secret")
			}
			fmt.Fprintf(b, "| `%s` | %s | %s | %s |\n", k, typeName(ps.TypeSpec, types), strings.Join(notes, ", "), cell(catalog.FirstSentence(ps.Description)))
		}
		b.WriteString("\n")
	}
	var outs []string
	for _, k := range slices.Sorted(maps.Keys(rs.Properties)) {
		if _, isInput := rs.InputProperties[k]; isInput {
			continue
		}
		if rs.Properties[k].Secret {
			k += " (secret)"
		}
		outs = append(outs, "`"+k+"`")
	}
	if len(outs) > 0 {
		fmt.Fprintf(b, "Outputs (besides the inputs): %s.\n", strings.Join(outs, ", "))
	}
}

func typeName(t schema.TypeSpec, types map[string]schema.ComplexTypeSpec) string {
	switch {
	case strings.HasPrefix(t.Ref, "#/types/"):
		e := types[strings.TrimPrefix(t.Ref, "#/types/")]
		var vals []string
		for _, v := range e.Enum {
			vals = append(vals, fmt.Sprint(v.Value))
		}
		if len(vals) > 8 {
			vals = append(vals[:8], "…")
		}
		return "enum: " + cell(strings.Join(vals, " \\| "))
	case t.Ref == "pulumi.json#/Any":
		return "any"
	case t.Type == "array" && t.Items != nil:
		return typeName(*t.Items, types) + "[]"
	case t.Type == "object" && t.AdditionalProperties != nil:
		return "map of " + typeName(*t.AdditionalProperties, types)
	}
	return t.Type
}

func cell(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	return strings.ReplaceAll(s, "|", "\\|")
}

// writeFunctions lists a module's functions in one table: their inputs
// (required ones marked *) and what they do.
func writeFunctions(b *bytes.Buffer, toks []string, fns map[string]schema.FunctionSpec, types map[string]schema.ComplexTypeSpec) {
	if len(toks) == 0 {
		return
	}
	fmt.Fprintf(b, "\n## Functions\n\nLookups for `fn::invoke`; they only read, and run in preview too.\n\n| Function | Inputs | Description |\n|---|---|---|\n")
	for _, tok := range toks {
		fs := fns[tok]
		req := map[string]bool{}
		for _, r := range fs.Inputs.Required {
			req[r] = true
		}
		var ins []string
		for _, k := range slices.Sorted(maps.Keys(fs.Inputs.Properties)) {
			star := ""
			if req[k] {
				star = "*"
			}
			ins = append(ins, fmt.Sprintf("`%s`%s %s", k, star, typeName(fs.Inputs.Properties[k].TypeSpec, types)))
		}
		fmt.Fprintf(b, "| `%s` | %s | %s |\n", tok, cell(strings.Join(ins, ", ")), cell(fs.Description))
	}
}
