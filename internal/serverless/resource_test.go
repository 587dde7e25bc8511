package serverless

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
)

func TestDomainSuffixFor(t *testing.T) {
	t.Parallel()
	tests := []struct{ stack, want string }{
		{"dev", "dev"},
		{"feature-x", "feature-x"},
		{"Feature_New.IVR", "feature-new-ivr"},
		{"--a--", "a"},
		{"release-2026-11-23", "release-202-" + DomainSuffixFor("release-2026-11-23")[12:]},
	}
	for _, tc := range tests {
		got := DomainSuffixFor(tc.stack)
		if got != tc.want || len(got) > 16 || !suffixRE.MatchString(got) {
			t.Errorf("DomainSuffixFor(%q) = %q, want %q (valid, <= 16)", tc.stack, got, tc.want)
		}
	}
	if DomainSuffixFor("very-long-branch-name-a") == DomainSuffixFor("very-long-branch-name-b") {
		t.Error("long stack names collide")
	}
}

func ptr(s string) *string { return &s }

func TestCheck(t *testing.T) {
	t.Parallel()
	r := &Resource{BaseDir: "testdata"}
	tests := []struct {
		name  string
		in    Inputs
		stack string
		fails []string // "property: substring"
		check func(t *testing.T, out Inputs)
	}{
		{
			name: "defaults", in: Inputs{Path: "project", ServiceName: "dict"}, stack: "feature/Login",
			check: func(t *testing.T, out Inputs) {
				if *out.Environment != "feature-login" || out.Runtime != DefaultRuntime {
					t.Errorf("environment %q runtime %q", *out.Environment, out.Runtime)
				}
				if !cmp.Equal(out.Dependencies, map[string]string{"twilio": "5.3.0", "@twilio/runtime-handler": "2.0.3"}) {
					t.Errorf("dependencies = %v", out.Dependencies)
				}
				if out.Variables["GREETING"] != "Ahoy" || len(out.Files) != 7 ||
					!strings.HasPrefix(out.Files["/sms/reply"], "function protected ") {
					t.Errorf("variables %v files %v", out.Variables, out.Files)
				}
			},
		},
		{
			name: "program wins over .env; explicit production", stack: "dev",
			in: Inputs{Path: "project", ServiceName: "dict", Environment: ptr(""), Variables: map[string]string{"GREETING": "Hi"},
				Dependencies: map[string]string{}, Runtime: "node20"},
			check: func(t *testing.T, out Inputs) {
				if *out.Environment != "" || out.Variables["GREETING"] != "Hi" || len(out.Dependencies) != 0 || out.Runtime != "node20" {
					t.Errorf("out = %+v", out)
				}
			},
		},
		{
			name: "invalid inputs", stack: "dev",
			in: Inputs{Path: "project", ServiceName: "bad name", Environment: ptr("Has_Upper"), Runtime: "node12",
				Variables: map[string]string{"BAD-KEY": "x", "BIG": strings.Repeat("v", 451)}},
			fails: []string{`serviceName: serviceName "bad name" must be 1 to 50`, `environment: environment "Has_Upper" must be empty (production) or up to 16`,
				`runtime: runtime "node12" is not one of node18, node20, node22, node24`,
				`variables: variable name "BAD-KEY"`, "variables: variable BIG is 451 bytes"},
		},
		{name: "missing folder", in: Inputs{Path: "nope", ServiceName: "dict"}, stack: "dev", fails: []string{"path: project folder testdata/nope does not exist"}},
		{name: "empty folder", in: Inputs{Path: ".", ServiceName: "dict"}, stack: "dev", fails: []string{"path: . holds no functions/*.js"}},
		{name: "no path", in: Inputs{ServiceName: "dict"}, stack: "dev", fails: []string{"path: path is required"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, fails := r.Check(tc.in, tc.stack)
			var got []string
			for _, f := range fails {
				got = append(got, f.Property+": "+f.Reason)
				if strings.Contains(f.Reason, strings.Repeat("v", 20)) {
					t.Errorf("failure shows a variable value")
				}
			}
			if len(got) != len(tc.fails) {
				t.Fatalf("failures = %q, want %q", got, tc.fails)
			}
			for i, want := range tc.fails {
				if !strings.Contains(got[i], want) {
					t.Errorf("failure %d = %q, want it to contain %q", i, got[i], want)
				}
			}
			if tc.check != nil {
				tc.check(t, out)
			}
		})
	}
}

func TestResourceDiff(t *testing.T) {
	t.Parallel()
	base := Inputs{Path: "p", ServiceName: "s", Environment: ptr("dev"), Runtime: "node22",
		Variables: map[string]string{"A": "1"}, Dependencies: map[string]string{},
		Files: map[string]string{"/a": "function public 1", "/b": "asset public 2"}}
	old := Outputs{Inputs: base, ServiceSID: "ZS1", State: State{BuildSID: "ZB1"}}
	with := func(f func(*Inputs)) Inputs {
		in := base
		in.Files = map[string]string{"/a": "function public 1", "/b": "asset public 2"}
		in.Variables = map[string]string{"A": "1"}
		f(&in)
		return in
	}
	tests := []struct {
		name string
		old  Outputs
		in   Inputs
		want Diff
	}{
		{"none", old, base, Diff{}},
		{"environment replaces", old, with(func(i *Inputs) { i.Environment = ptr("") }), Diff{Replace: []string{"environment"}}},
		{"service replaces", old, with(func(i *Inputs) { i.ServiceName = "t" }), Diff{Replace: []string{"serviceName"}}},
		{"variables update", old, with(func(i *Inputs) { i.Variables["A"] = "2" }), Diff{Update: []string{"variables"}}},
		{
			"files by path", old,
			with(func(i *Inputs) {
				i.Files["/a"] = "function private 1"
				delete(i.Files, "/b")
				i.Files["/c"] = "asset public 3"
			}),
			Diff{Update: []string{"files"}, Added: []string{"/c"}, Changed: []string{"/a"}, Removed: []string{"/b"}},
		},
		{"refresh found another build", Outputs{Inputs: base, ServiceSID: "ZS1"}, base, Diff{Update: []string{"files"}}},
	}
	r := &Resource{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, r.Diff(tc.old, tc.in)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestResourceLifecycle(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeTreeAt(t, dir, map[string]string{"functions/a.js": "a", "assets/x.private.json": "{}"})
	api := newFake()
	r := &Resource{BaseDir: dir, NewAPI: func() (API, error) { return api, nil }, Deployer: Deployer{sleep: noSleep}}
	ctx := context.Background()
	in, fails := r.Check(Inputs{Path: ".", ServiceName: "svc"}, "dev")
	if len(fails) > 0 {
		t.Fatal(fails)
	}
	if _, err := r.Create(ctx, in, true); err != nil || len(api.calls) != 0 {
		t.Fatalf("dry-run create called %v (%v)", api.calls, err)
	}
	out, err := r.Create(ctx, in, false)
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(out.URLs, map[string]string{"/a": "https://svc-1234-dev.twil.io/a"}) {
		t.Errorf("urls = %v", out.URLs)
	}
	// Someone deploys another build: refresh notices, the next diff redeploys.
	api.deployed[out.EnvironmentSID] = "ZBother"
	ref, found, err := r.Read(ctx, out)
	if err != nil || !found {
		t.Fatal(found, err)
	}
	if d := r.Diff(ref, in); !d.HasChanges() {
		t.Error("no redeploy after drift")
	}
	api.reset()
	if _, err := r.Update(ctx, ref, in, false); err != nil {
		t.Fatal(err)
	}
	if api.n("CreateBuild") != 1 || api.n("UploadFunctionVersion")+api.n("UploadAssetVersion") != 0 {
		t.Errorf("redeploy calls %v", api.calls)
	}
	// The folder changes between check and update: refuse.
	os.WriteFile(filepath.Join(dir, "functions", "a.js"), []byte("b"), 0o644)
	if _, err := r.Update(ctx, ref, in, false); err == nil || !strings.Contains(err.Error(), "changed after it was checked") {
		t.Errorf("stale inputs: %v", err)
	}
	if err := r.Delete(ctx, out); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := r.Read(ctx, out); found {
		t.Error("found after delete")
	}
}

func writeTreeAt(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Runtimes stays inside what Twilio's spec says a Build's runtime can be,
// and DefaultRuntime is one of them.
func TestRuntimesInCatalog(t *testing.T) {
	t.Parallel()
	var enum []string
	for _, r := range catalog.MustLoad().Resources {
		if r.Token() == "serverless/v1:ServiceBuild" {
			if p := r.Property("runtime"); p != nil {
				enum = p.Enum
			}
		}
	}
	if len(enum) == 0 {
		t.Fatal("the catalog's serverless/v1:ServiceBuild has no runtime enum")
	}
	for _, rt := range Runtimes {
		if !slices.Contains(enum, rt) {
			t.Errorf("runtime %s is not in the catalog's Build runtime enum %v", rt, enum)
		}
	}
	if !slices.Contains(Runtimes, DefaultRuntime) {
		t.Errorf("DefaultRuntime %s is not one of %v", DefaultRuntime, Runtimes)
	}
	if !slices.Contains(Runtimes, "node24") {
		t.Error("node24, in @twilio/cli-core 9's spec, is not accepted")
	}
}
