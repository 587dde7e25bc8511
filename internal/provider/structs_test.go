package provider

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pulumi/pulumi/sdk/v3/go/property"
)

func TestPropertiesRoundTrip(t *testing.T) {
	type inner struct {
		N float64 `json:"n"`
	}
	type w struct {
		Path  string            `json:"path"`
		Vars  map[string]string `json:"vars,omitempty"`
		List  []inner           `json:"list,omitempty"`
		Flag  bool              `json:"flag"`
		Empty *string           `json:"empty"`
	}
	in := w{Path: "./app", Vars: map[string]string{"A": "1"}, List: []inner{{N: 2}}, Flag: true}
	m, err := EncodeProperties(in)
	if err != nil {
		t.Fatal(err)
	}
	var out w
	known, err := DecodeProperties(m, &out)
	if err != nil || !known {
		t.Fatalf("decode: %v, known %v", err, known)
	}
	if d := cmp.Diff(in, out); d != "" {
		t.Errorf("round trip (-in +out):\n%s", d)
	}
	// A part not known yet: known is false, the part decodes as zero.
	m = m.Set("path", property.New(property.Computed))
	out = w{}
	known, err = DecodeProperties(m, &out)
	if err != nil || known || out.Path != "" || out.Vars["A"] != "1" {
		t.Errorf("with an unknown path: %+v, known %v, err %v", out, known, err)
	}
	// A value of the wrong shape is an error naming the decode.
	if _, err := DecodeProperties(property.NewMap(map[string]property.Value{"flag": property.New("yes")}), &out); err == nil {
		t.Error("a string decoded into a bool")
	}
}
