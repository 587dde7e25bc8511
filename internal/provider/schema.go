package provider

import (
	"fmt"
	"maps"
	"sort"
	"strings"
	"unicode"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"

	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
)

var anyType = schema.TypeSpec{Ref: "pulumi.json#/Any"}

func typeSpec(typ, items string) schema.TypeSpec {
	switch typ {
	case "string", "integer", "number", "boolean":
		return schema.TypeSpec{Type: typ}
	case "array":
		it := anyType
		if items == "string" || items == "integer" || items == "number" || items == "boolean" {
			it = schema.TypeSpec{Type: items}
		}
		return schema.TypeSpec{Type: "array", Items: &it}
	}
	return anyType
}

// enumToken names the enum type of an input: "twilio:studio/v2:FlowStatus".
func enumToken(r *spec.Resource, in *spec.Input) string {
	n := []rune(in.Name)
	n[0] = unicode.ToUpper(n[0])
	return r.Token + string(n) + "Enum"
}

// resourceSchema describes a catalog resource for the package schema.
func resourceSchema(r *spec.Resource) schema.ResourceSpec {
	rs := schema.ResourceSpec{
		ObjectTypeSpec:  schema.ObjectTypeSpec{Type: "object", Description: resourceDescription(r), Properties: map[string]schema.PropertySpec{}},
		InputProperties: map[string]schema.PropertySpec{},
	}
	replaces := map[string]bool{}
	for _, in := range r.Inputs {
		ps := schema.PropertySpec{TypeSpec: typeSpec(in.Type, in.Items), Description: inputDescription(r, in), Secret: in.Secret}
		if len(in.Enum) > 0 && in.Type == "string" {
			ps.TypeSpec = schema.TypeSpec{Ref: "#/types/" + enumToken(r, in)}
		}
		if in.CreateOnly {
			ps.WillReplaceOnChanges = true
			replaces[in.Name] = true
		}
		rs.InputProperties[in.Name] = ps
		if in.Required {
			rs.RequiredInputs = append(rs.RequiredInputs, in.Name)
		}
	}
	for _, o := range r.Outputs {
		rs.Properties[o.Name] = schema.PropertySpec{
			TypeSpec: typeSpec(o.Type, o.Items), Description: o.Description, Secret: o.Secret,
			ReplaceOnChanges: replaces[o.Name],
		}
	}
	for _, in := range r.Inputs {
		if _, ok := rs.Properties[in.Name]; !ok {
			ps := rs.InputProperties[in.Name]
			ps.WillReplaceOnChanges = false
			ps.ReplaceOnChanges = replaces[in.Name]
			rs.Properties[in.Name] = ps
		}
	}
	if id := r.IDName(); id != "" {
		rs.Required = []string{id}
	}
	sort.Strings(rs.RequiredInputs)
	return rs
}

// enumTypes are the enum types of a resource's string inputs.
func enumTypes(r *spec.Resource) map[string]schema.ComplexTypeSpec {
	out := map[string]schema.ComplexTypeSpec{}
	for _, in := range r.Inputs {
		if len(in.Enum) == 0 || in.Type != "string" {
			continue
		}
		var vals []schema.EnumValueSpec
		for _, v := range in.Enum {
			vals = append(vals, schema.EnumValueSpec{Value: v, Name: enumValueName(v)})
		}
		out[enumToken(r, in)] = schema.ComplexTypeSpec{
			ObjectTypeSpec: schema.ObjectTypeSpec{Type: "string", Description: fmt.Sprintf("Values of %s.%s.", r.Token, in.Name)},
			Enum:           vals,
		}
	}
	return out
}

// enumValueName makes an identifier of an enum value ("in-progress" gives
// "In_progress"; "" gives "Empty") so every SDK can name it.
func enumValueName(v string) string {
	var b strings.Builder
	for i, c := range v {
		switch {
		case unicode.IsLetter(c) || unicode.IsDigit(c):
			if i == 0 {
				c = unicode.ToUpper(c)
			}
			b.WriteRune(c)
		default:
			b.WriteRune('_')
		}
	}
	s := b.String()
	if s == "" {
		return "Empty"
	}
	if unicode.IsDigit(rune(s[0])) || s[0] == '_' {
		s = "V" + s
	}
	return s
}

func inputDescription(r *spec.Resource, in *spec.Input) string {
	d := in.Description
	if in.Param != "" && in.In == "body" {
		d = strings.TrimSpace(d + fmt.Sprintf(" (Twilio parameter `%s`.)", in.Param))
	}
	switch {
	case in.In == "path":
	case in.CreateOnly && !r.Updatable():
		d += " Changing it replaces the resource (it has no update)."
	case in.CreateOnly:
		d += " Changing it replaces the resource (Twilio's update does not take it)."
	case in.UpdateOnly:
		d += " Set by an update right after create (Twilio's create does not take it)."
	}
	return d
}

func resourceDescription(r *spec.Resource) string {
	var b strings.Builder
	if r.Catalog.Description != "" {
		b.WriteString(r.Catalog.Description)
		b.WriteString(".\n\n")
	}
	if r.Kind == spec.Settings {
		fmt.Fprintf(&b, "A settings object: Twilio keeps one %s and cannot create or delete it. "+
			"Applied by update; previous values restored on destroy (create records the value of each input the program sets). "+
			"Twilio API: `%s` on %s. Import ID: `%s` (an import records no previous values; destroy then leaves the object as it is).",
			settingsOwner(r), r.Catalog.InstancePath, r.Catalog.Host(), r.IDFormat())
		return b.String()
	}
	fmt.Fprintf(&b, "Twilio API: `%s` on %s. Import ID: `%s`", r.Catalog.ListPath, r.Catalog.Host(), r.IDFormat())
	if len(r.Parents) > 0 && r.Parents[0].Param == spec.AccountSidParam {
		b.WriteString(" (or `{accountSid}/...` for another account)")
	}
	b.WriteString(".")
	if !r.Deletable() {
		b.WriteString(" Twilio cannot delete it: deleting it only removes it from the stack.")
	}
	if r.Catalog.Fetch == nil {
		b.WriteString(" Twilio cannot read it back: refresh keeps the recorded state.")
	}
	if !r.Updatable() {
		b.WriteString(" It has no update: any change replaces it.")
	}
	return b.String()
}

// settingsOwner says what a settings object exists once per.
func settingsOwner(r *spec.Resource) string {
	if r.AccountWide() {
		return "per account"
	}
	var names []string
	for _, in := range r.Parents {
		names = append(names, "`"+in.Name+"`")
	}
	return "for each " + strings.Join(names, " and ")
}

// packageSchema is the provider's schema: its resources and the
// configuration.
func packageSchema(version string, resources []Resource, functions ...Function) schema.PackageSpec {
	ps := schema.PackageSpec{
		Name:        spec.Package,
		DisplayName: "Twilio",
		Version:     version,
		Description: "Twilio configuration as code: every configuration resource of Twilio's REST API, generated from twilio-oai.",
		Keywords:    []string{"twilio", "category/cloud", "kind/native"},
		License:     "Apache-2.0",
		Config:      schema.ConfigSpec{Variables: map[string]schema.PropertySpec{}},
		Provider: &schema.ResourceSpec{
			ObjectTypeSpec:  schema.ObjectTypeSpec{Type: "object", Description: "The Twilio provider. Every setting may come from its environment variable instead."},
			InputProperties: map[string]schema.PropertySpec{},
		},
		Types:     map[string]schema.ComplexTypeSpec{},
		Resources: map[string]schema.ResourceSpec{},
		Language: map[string]schema.RawMessage{
			"go": schema.RawMessage(`{"importBasePath":"github.com/tdeploy/twilio-deploy-action/sdk/go/twilio"}`),
		},
	}
	for _, k := range ConfigKeys {
		prop := schema.PropertySpec{
			TypeSpec:    schema.TypeSpec{Type: "string"},
			Description: fmt.Sprintf("%s Environment variable: `%s`.", k.Description, k.Env),
			Secret:      k.Secret,
			DefaultInfo: &schema.DefaultSpec{Environment: []string{k.Env}},
		}
		ps.Config.Variables[k.Key] = prop
		ps.Provider.InputProperties[k.Key] = prop
	}
	for _, r := range resources {
		ps.Resources[r.Token()] = r.Schema()
		maps.Copy(ps.Types, complexTypes(r))
	}
	addFunctions(&ps, functions)
	return ps
}
