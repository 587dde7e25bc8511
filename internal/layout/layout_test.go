package layout_test

import (
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

const module = "github.com/tdeploy/twilio-deploy-action/"

// role is what a package may reach.
type role string

const (
	// pure: logic only. Reaches no outside system, not even through
	// another package of ours, so its tests need nothing but Go.
	pure role = "pure"
	// twilioAdapter is the one package that imports twilio-go.
	twilioAdapter role = "the Twilio adapter"
	// githubAdapter is the one package that imports go-github.
	githubAdapter role = "the GitHub adapter"
	// pulumi speaks Pulumi's protocols: the Automation API, the engine's
	// events, pulumi-go-provider. Twilio only through the adapter.
	pulumi role = "Pulumi"
	// flow is the action's decision flow: Pulumi's events pass through
	// it, but both adapters are handed to it by internal/actioncmd.
	flow role = "the flow"
	// command is the wiring: a main package, or the body of one that the
	// image's multi-call binary (cmd/twilio-deploy) shares.
	command role = "command"
	// testSupport is imported by tests only (the emulator's test kit
	// proves the emulator against twilio-go itself).
	testSupport role = "test support"
)

// roles gives every package of the module its role.
var roles = map[string]role{
	"examples":                       pure,
	"internal/catalog":               pure,
	"internal/creds":                 pure,
	"internal/docs":                  pure,
	"internal/dotenv":                pure,
	"internal/driftissue":            pure,
	"internal/emulator":              pure,
	"internal/event":                 pure,
	"internal/ghcomment":             pure,
	"internal/ghdeploy":              pure,
	"internal/guard":                 pure,
	"internal/handback":              pure,
	"internal/grace":                 pure,
	"internal/mask":                  pure,
	"internal/naming":                pure,
	"internal/prenv":                 pure,
	"internal/provider/spec":         pure,
	"internal/report":                pure,
	"internal/serverless":            pure,
	"internal/studio":                pure,
	"internal/twilio/wait":           pure,
	"internal/twilio":                twilioAdapter,
	"internal/github":                githubAdapter,
	"internal/provider":              pulumi,
	"internal/report/engine":         pulumi,
	"internal/serverless/deployment": pulumi,
	"internal/flexplugin":            pulumi,
	"internal/stack":                 pulumi,
	"internal/action":                flow,
	"cmd/action":                     command,
	"cmd/pulumi-resource-twilio":     command,
	"cmd/twilio-emulator":            command,
	"cmd/twilio-deploy":              command,
	"internal/actioncmd":             command,
	"internal/providercmd":           command,
	"internal/yamlhost":              command,
	"internal/catalog/gen":           command,
	"internal/docs/gen":              command,
	"internal/layout":                testSupport,
	"internal/testenv":               testSupport,
	"internal/container":             testSupport,
	"internal/catalog/catalogtest":   testSupport,
	"internal/emulator/emulatortest": testSupport,
	"internal/emulator/toolkittest":  testSupport,
	"internal/ghcomment/fakegithub":  testSupport,
}

// systems are the outside systems by import path prefix, with the roles
// that may import them directly.
var systems = []struct {
	name     string
	prefixes []string
	may      []role
}{
	{"twilio-go", []string{"github.com/twilio/twilio-go"}, []role{twilioAdapter, testSupport}},
	{"go-github", []string{"github.com/google/go-github/"}, []role{githubAdapter}},
	{"the Pulumi SDK", []string{"github.com/pulumi/pulumi/", "github.com/pulumi/pulumi-go-provider"}, []role{pulumi, flow, command, testSupport}},
}

const (
	twilioPkg = module + "internal/twilio"
	githubPkg = module + "internal/github"
)

type pkg struct {
	path          string // relative to the module
	imports, deps []string
}

// list is `go list` of the module's packages: production code only (a
// package's tests may use what its role forbids, the real engine say).
func list(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-f", `{{.ImportPath}}|{{join .Imports " "}}|{{join .Deps " "}}`, "./...")
	cmd.Dir = testenv.RepoRoot(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.SplitN(line, "|", 3)
		if len(f) != 3 {
			t.Fatalf("go list line %q", line)
		}
		pkgs = append(pkgs, pkg{strings.TrimPrefix(f[0], module), strings.Fields(f[1]), strings.Fields(f[2])})
	}
	return pkgs
}

func system(path string) (name string, may []role) {
	for _, s := range systems {
		for _, p := range s.prefixes {
			if strings.HasPrefix(path, p) {
				return s.name, s.may
			}
		}
	}
	return "", nil
}

func TestBoundaries(t *testing.T) {
	t.Parallel()
	pkgs := list(t)
	if len(pkgs) < len(roles)/2 {
		t.Fatalf("go list found %d packages; want the module's", len(pkgs))
	}
	for _, v := range violations(pkgs, roles) {
		t.Error(v)
	}
}

// TestViolations proves each rule fails on the break it is there for.
func TestViolations(t *testing.T) {
	t.Parallel()
	tw := "github.com/twilio/twilio-go/client"
	roles := map[string]role{"a": pure, "tw": twilioAdapter, "p": pulumi, "f": flow, "gh": githubAdapter}
	ok := []pkg{
		{path: "a"},
		{path: "tw", imports: []string{tw}, deps: []string{tw}},
		{path: "p", imports: []string{twilioPkg}, deps: []string{twilioPkg, tw}},
		{path: "f", imports: []string{module + "a"}},
		{path: "gh", imports: []string{"github.com/google/go-github/v60/github"}},
	}
	if v := violations(ok, roles); len(v) > 0 {
		t.Fatalf("a well-kept house: %v", v)
	}
	for _, c := range []struct {
		name string
		pkg  pkg
		want string
	}{
		{"no role", pkg{path: "new"}, "package new has no role"},
		{"pure imports twilio-go", pkg{path: "a", imports: []string{tw}, deps: []string{tw}}, "a (pure) imports github.com/twilio/twilio-go/client"},
		{"pure reaches Pulumi", pkg{path: "a", deps: []string{"github.com/pulumi/pulumi/sdk/v3/go/auto"}}, "pure package a reaches"},
		{"provider imports twilio-go", pkg{path: "p", imports: []string{tw}, deps: []string{tw}}, "p (Pulumi) imports github.com/twilio/twilio-go/client"},
		{"twilio-go around the adapter", pkg{path: "p", deps: []string{tw}}, "p reaches twilio-go, but not through internal/twilio"},
		{"flow opens GitHub", pkg{path: "f", imports: []string{githubPkg}, deps: []string{githubPkg}}, "the flow f reaches an adapter"},
		{"go-github outside its adapter", pkg{path: "p", imports: []string{"github.com/google/go-github/v60/github"}}, "only [the GitHub adapter] may import go-github"},
	} {
		pkgs := slices.Clone(ok)
		for i := range pkgs {
			if pkgs[i].path == c.pkg.path {
				pkgs[i] = c.pkg
			}
		}
		if !slices.ContainsFunc(pkgs, func(p pkg) bool { return p.path == c.pkg.path }) {
			pkgs = append(pkgs, c.pkg)
		}
		v := violations(pkgs, roles)
		if !slices.ContainsFunc(v, func(s string) bool { return strings.Contains(s, c.want) }) {
			t.Errorf("%s: violations %q; want one containing %q", c.name, v, c.want)
		}
	}
}

// violations are the breaks of the rules among pkgs, given their roles.
func violations(pkgs []pkg, roles map[string]role) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range pkgs {
		seen[p.path] = true
		r, ok := roles[p.path]
		if !ok {
			out = append(out, fmt.Sprintf("package %s has no role: give it one in internal/layout (and a line in ARCHITECTURE.md)", p.path))
			continue
		}
		for _, imp := range p.imports {
			if name, may := system(imp); name != "" && !slices.Contains(may, r) {
				out = append(out, fmt.Sprintf("%s (%s) imports %s: only %v may import %s", p.path, r, imp, may, name))
			}
		}
		var reached []string
		for _, d := range p.deps {
			if name, _ := system(d); name != "" && !slices.Contains(reached, name) {
				reached = append(reached, name)
			}
		}
		if r == pure && len(reached) > 0 {
			out = append(out, fmt.Sprintf("pure package %s reaches %s through its imports", p.path, strings.Join(reached, " and ")))
		}
		if slices.Contains(reached, "twilio-go") && r != twilioAdapter && r != testSupport && !slices.Contains(p.deps, twilioPkg) {
			out = append(out, fmt.Sprintf("%s reaches twilio-go, but not through internal/twilio", p.path))
		}
		if r == flow && (slices.Contains(p.deps, twilioPkg) || slices.Contains(p.deps, githubPkg)) {
			out = append(out, fmt.Sprintf("the flow %s reaches an adapter itself; internal/actioncmd passes them in (action.Deps)", p.path))
		}
	}
	for path := range roles {
		if !seen[path] {
			out = append(out, fmt.Sprintf("roles lists %s, which is no package of the module any more", path))
		}
	}
	return out
}
