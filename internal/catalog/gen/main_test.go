package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/catalog.golden.json")

// A small spec covers the shapes the real one has: meta paging, nested
// collections, allOf schemas, enum references, singletons, and page-shaped
// instance paths that are not resources.
func TestGenerateGolden(t *testing.T) {
	out := filepath.Join(t.TempDir(), "catalog.json")
	if err := run("testdata/spec", "fixture", out); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "catalog.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("catalog differs from %s (-want +got; go test -update to accept):\n%s", golden, d)
	}
}

func TestRunNeedsSpecs(t *testing.T) {
	if err := run("", "", "x"); err == nil {
		t.Error("run without -spec succeeded")
	}
	if err := run(t.TempDir(), "", "x"); err == nil {
		t.Error("run on an empty folder succeeded")
	}
}

func TestNaming(t *testing.T) {
	cases := []struct{ schema, product, version, module, typ string }{
		{"sync.v1.service", "sync", "v1", "sync/v1", "Service"},
		{"sync.v1.service.sync_map", "sync", "v1", "sync/v1", "ServiceSyncMap"},
		{"api.v2010.account", "api", "2010-04-01", "api/v2010", "Account"},
		{"api.v2010.account.incoming_phone_number", "api", "2010-04-01", "api/v2010", "IncomingPhoneNumber"},
		{"api.v2010.account.incoming_phone_number.incoming_phone_number_local", "api", "2010-04-01", "api/v2010", "IncomingPhoneNumberLocal"},
		{"PublicApiAccountResponse", "preview-iam", "Organizations", "preview_iam/organizations", "PublicApiAccountResponse"},
	}
	for _, c := range cases {
		m, typ := naming(c.schema, c.product, c.version)
		if m != c.module || typ != c.typ {
			t.Errorf("naming(%q) = %q, %q; want %q, %q", c.schema, m, typ, c.module, c.typ)
		}
	}
}
