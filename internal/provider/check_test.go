package provider

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

// TestTypeCheck checks values against each kind of schema type: the
// failures name the path, say what was given and what to write; unknown
// values and secrets around valid values pass; secret values are never
// shown.
func TestTypeCheck(t *testing.T) {
	t.Parallel()
	str := schema.TypeSpec{Type: "string"}
	num := schema.TypeSpec{Type: "number"}
	any := schema.TypeSpec{Ref: "pulumi.json#/Any"}
	strList := schema.TypeSpec{Type: "array", Items: &str}
	strMap := schema.TypeSpec{Type: "object", AdditionalProperties: &str}
	listOfMaps := schema.TypeSpec{Type: "array", Items: &strMap}
	tc := typeChecker{types: map[string]schema.ComplexTypeSpec{
		"twilio:x:Status": {ObjectTypeSpec: schema.ObjectTypeSpec{Type: "string"},
			Enum: []schema.EnumValueSpec{{Value: "draft"}, {Value: "published"}}},
		"twilio:x:Limits": {ObjectTypeSpec: schema.ObjectTypeSpec{Type: "object", Required: []string{"max"},
			Properties: map[string]schema.PropertySpec{
				"max":   {TypeSpec: schema.TypeSpec{Type: "integer"}},
				"token": {TypeSpec: str, Secret: true},
			}}},
	}}
	enum := schema.TypeSpec{Ref: "#/types/twilio:x:Status"}
	object := schema.TypeSpec{Ref: "#/types/twilio:x:Limits"}
	v := property.New[string]
	n := property.New[float64]
	b := property.New[bool]
	arr := func(vs ...property.Value) property.Value { return property.New(vs) }
	obj := func(m map[string]property.Value) property.Value { return property.New(m) }
	unknown := property.New(property.Computed)
	secret := func(x property.Value) property.Value { return x.WithSecret(true) }

	for name, tc2 := range map[string]struct {
		t      schema.TypeSpec
		v      property.Value
		secret bool // the schema marks the property secret
		want   []string
	}{
		"string":                 {t: str, v: v("+15017122661")},
		"digits as a number":     {t: str, v: n(15017122661), want: []string{`p: expected a string, got the number 15017122661; quote it in YAML ("15017122661"), keeping any leading + or 0`}},
		"leading zeros lost":     {t: str, v: n(123), want: []string{`p: expected a string, got the number 123; quote it in YAML ("123"), keeping any leading + or 0`}},
		"boolean for a string":   {t: str, v: b(true), want: []string{`p: expected a string, got the boolean true; quote it in YAML ("true")`}},
		"list for a string":      {t: str, v: arr(v("a")), want: []string{`p: expected a string, got a list`}},
		"integer":                {t: schema.TypeSpec{Type: "integer"}, v: n(30)},
		"fraction for integer":   {t: schema.TypeSpec{Type: "integer"}, v: n(2.5), want: []string{`p: expected a whole number, got the number 2.5`}},
		"quoted integer":         {t: schema.TypeSpec{Type: "integer"}, v: v("30"), want: []string{`p: expected a whole number, got a string "30"; write it without quotes (30)`}},
		"word for a number":      {t: num, v: v("many"), want: []string{`p: expected a number, got a string "many"`}},
		"boolean":                {t: schema.TypeSpec{Type: "boolean"}, v: b(false)},
		"quoted boolean":         {t: schema.TypeSpec{Type: "boolean"}, v: v("True"), want: []string{`p: expected true or false, got a string "True"; write true without quotes`}},
		"list of strings":        {t: strList, v: arr(v("a"), v("b"))},
		"scalar for a list":      {t: strList, v: v("a"), want: []string{`p: expected a list, got a string "a"; write a YAML list, such as ["a"]`}},
		"bad list item":          {t: strList, v: arr(v("a"), n(2)), want: []string{`p[1]: expected a string, got the number 2; quote it in YAML ("2"), keeping any leading + or 0`}},
		"map of strings":         {t: strMap, v: obj(map[string]property.Value{"PHONE": v("+15017122661")})},
		"number in a map":        {t: strMap, v: obj(map[string]property.Value{"PHONE": n(15017122661)}), want: []string{`p.PHONE: expected a string, got the number 15017122661; quote it in YAML ("15017122661"), keeping any leading + or 0`}},
		"odd map key":            {t: strMap, v: obj(map[string]property.Value{"my key": n(1)}), want: []string{`p["my key"]: expected a string, got the number 1; quote it in YAML ("1"), keeping any leading + or 0`}},
		"list for a map":         {t: strMap, v: arr(v("a")), want: []string{`p: expected a map, got a list; write a YAML map of name: value`}},
		"nested list of maps":    {t: listOfMaps, v: arr(obj(map[string]property.Value{"a": v("x")}), obj(map[string]property.Value{"b": b(true)})), want: []string{`p[1].b: expected a string, got the boolean true; quote it in YAML ("true")`}},
		"enum":                   {t: enum, v: v("draft")},
		"not in the enum":        {t: enum, v: v("live"), want: []string{`p: expected one of draft, published, got a string "live"`}},
		"number for an enum":     {t: enum, v: n(1), want: []string{`p: expected a string, got the number 1; quote it in YAML ("1"), keeping any leading + or 0`}},
		"object type":            {t: object, v: obj(map[string]property.Value{"max": n(3), "token": v("t")})},
		"object type, bad field": {t: object, v: obj(map[string]property.Value{"max": v("3"), "extra": v("x")}), want: []string{`p: twilio:x:Limits has no property "extra"`, `p.max: expected a whole number, got a string "3"; write it without quotes (3)`}},
		"object type, missing":   {t: object, v: obj(map[string]property.Value{"token": v("t")}), want: []string{`p: missing required property "max"`}},
		"secret field of object": {t: object, v: obj(map[string]property.Value{"max": n(1), "token": n(12345)}), want: []string{`p.token: expected a string, got a number (a secret, not shown); quote it in YAML, keeping any leading + or 0`}},
		"any":                    {t: any, v: arr(n(1), obj(nil))},
		"unknown":                {t: str, v: unknown},
		"unknown in a list":      {t: strList, v: arr(v("a"), unknown)},
		"unknown in a map":       {t: strMap, v: obj(map[string]property.Value{"A": unknown, "B": n(1)}), want: []string{`p.B: expected a string, got the number 1; quote it in YAML ("1"), keeping any leading + or 0`}},
		"null":                   {t: str, v: property.New(property.Null)},
		"secret string":          {t: str, v: secret(v("s3cr3t"))},
		"secret map of strings":  {t: strMap, v: secret(obj(map[string]property.Value{"TOKEN": v("s3cr3t")}))},
		"secret number":          {t: str, v: secret(n(987654)), want: []string{`p: expected a string, got a number (a secret, not shown); quote it in YAML, keeping any leading + or 0`}},
		"inside a secret map":    {t: strMap, v: secret(obj(map[string]property.Value{"PIN": n(987654)})), want: []string{`p.PIN: expected a string, got a number (a secret, not shown); quote it in YAML, keeping any leading + or 0`}},
		"schema secret":          {t: strMap, secret: true, v: obj(map[string]property.Value{"PIN": n(987654)}), want: []string{`p.PIN: expected a string, got a number (a secret, not shown); quote it in YAML, keeping any leading + or 0`}},
		"secret quoted integer":  {t: schema.TypeSpec{Type: "integer"}, v: secret(v("987654")), want: []string{`p: expected a whole number, got a string (a secret, not shown); write it without quotes`}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := tc.check("p", tc2.t, tc2.v, tc2.secret)
			if d := cmp.Diff(tc2.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestCheckInputsLeavesPropertyEmpty: the engine prints the value of a
// named failing property beside the reason, secrets included, so type
// failures name the path in the reason only.
func TestCheckInputsLeavesPropertyEmpty(t *testing.T) {
	t.Parallel()
	str := schema.TypeSpec{Type: "string"}
	rs := schema.ResourceSpec{InputProperties: map[string]schema.PropertySpec{"name": {TypeSpec: str}, "pin": {TypeSpec: str}}}
	fails := typeChecker{}.checkInputs(rs, property.NewMap(map[string]property.Value{
		"name":  property.New(5.0),
		"pin":   property.New(987654.0).WithSecret(true),
		"other": property.New(1.0), // not in the schema: the resource's Check says so
	}))
	var got []string
	for _, f := range fails {
		if f.Property != "" {
			t.Errorf("failure %q names property %q", f.Reason, f.Property)
		}
		got = append(got, f.Reason)
	}
	want := []string{
		`name: expected a string, got the number 5; quote it in YAML ("5"), keeping any leading + or 0`,
		`pin: expected a string, got a number (a secret, not shown); quote it in YAML, keeping any leading + or 0`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
