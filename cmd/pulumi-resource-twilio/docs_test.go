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
	names := make([]string, 0, len(modules))
	for m := range modules {
		names = append(names, m)
		sort.Strings(modules[m])
	}
	sort.Strings(names)

	out := map[string][]byte{}
	var idx bytes.Buffer
	fmt.Fprintf(&idx, "# Twilio provider reference\n\n")
	fmt.Fprintf(&idx, "Generated from the provider schema (version %s); do not edit. "+
		"Design, configuration and semantics: [../provider.md](../provider.md).\n\n", ps.Version)
	fmt.Fprintf(&idx, "%d resource types in %d modules.\n\n", len(ps.Resources), len(names))
	fmt.Fprintf(&idx, "## Configuration\n\n| Key | Description |\n|---|---|\n")
	for _, k := range slices.Sorted(maps.Keys(ps.Config.Variables)) {
		v := ps.Config.Variables[k]
		sec := ""
		if v.Secret {
			sec = " (secret)"
		}
		fmt.Fprintf(&idx, "| `twilio:%s`%s | %s |\n", k, sec, cell(v.Description))
	}
	fmt.Fprintf(&idx, "\n## Modules\n\n| Module | Resource types |\n|---|---|\n")
	for _, m := range names {
		var links []string
		for _, tok := range modules[m] {
			typ := strings.Split(tok, ":")[2]
			links = append(links, fmt.Sprintf("[%s](%s#%s)", typ, fileOf(m), strings.ToLower(typ)))
		}
		fmt.Fprintf(&idx, "| `%s` | %s |\n", m, strings.Join(links, ", "))
	}
	out["README.md"] = idx.Bytes()

	for _, m := range names {
		var b bytes.Buffer
		fmt.Fprintf(&b, "# Module `%s`\n\nGenerated from the provider schema; do not edit. [Index](README.md).\n", m)
		for _, tok := range modules[m] {
			writeResource(&b, tok, ps.Resources[tok], ps.Types)
		}
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
