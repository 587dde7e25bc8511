package docs

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/tdeploy/twilio-deploy-action/internal/catalog"
	"github.com/tdeploy/twilio-deploy-action/internal/provider/spec"
)

var update = flag.Bool("update", false, "rewrite README.md's generated parts (same as make docs)")

// root is the repository root, two folders up from this package.
func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "action.yml")); err != nil {
		t.Fatalf("repository root: %v", err)
	}
	return dir
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root(t), path))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func action(t *testing.T) *Action {
	t.Helper()
	a, err := ParseAction([]byte(read(t, "action.yml")))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestReadmeUpToDate fails when action.yml or an example workflow changed
// and README.md was not regenerated (or was edited between markers).
func TestReadmeUpToDate(t *testing.T) {
	want, err := Render(os.DirFS(root(t)))
	if err != nil {
		t.Fatal(err)
	}
	have := read(t, "README.md")
	if have == want {
		return
	}
	if *update {
		if err := os.WriteFile(filepath.Join(root(t), "README.md"), []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md disagrees with action.yml or examples/workflows; run `make docs` (-have +want):\n%s", cmp.Diff(have, want))
}

// TestReadmeDocumentsAction checks the README has the generated tables and
// that every input and output of action.yml is a row of them.
func TestReadmeDocumentsAction(t *testing.T) {
	t.Parallel()
	readme := read(t, "README.md")
	a := action(t)
	parts := Parts(readme)
	for _, p := range []string{"inputs", "outputs"} {
		if !contains(parts, p) {
			t.Errorf("README.md has no generated %s table (markers %q)", p, p)
		}
	}
	if len(a.Inputs) == 0 || len(a.Outputs) == 0 {
		t.Fatalf("action.yml: %d inputs, %d outputs; want some of each", len(a.Inputs), len(a.Outputs))
	}
	for _, in := range a.Inputs {
		if !strings.Contains(readme, "| `"+in.Name+"` |") {
			t.Errorf("README.md: no row for input %s", in.Name)
		}
	}
	for _, out := range a.Outputs {
		if !strings.Contains(readme, "| `"+out.Name+"` |") {
			t.Errorf("README.md: no row for output %s", out.Name)
		}
	}
	if a.Using != "docker" || a.Image != "Dockerfile" {
		t.Errorf("action.yml runs: using %q image %q; on main want docker and Dockerfile (release.yml pins the image on tags)", a.Using, a.Image)
	}
}

// TestExamplesShownInReadme: every example workflow is shown in the README
// (TestReadmeUpToDate then proves the copy is exact).
func TestExamplesShownInReadme(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(root(t), "examples", "workflows", "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no examples/workflows/*.yml")
	}
	parts := Parts(read(t, "README.md"))
	for _, f := range files {
		name := "file examples/workflows/" + filepath.Base(f)
		if !contains(parts, name) {
			t.Errorf("README.md does not show %s (add <!-- BEGIN %s --> and END markers)", f, name)
		}
	}
}

// workflow is the part of a GitHub workflow file the checks read.
type workflow struct {
	On          yaml.Node `yaml:"on"`
	Permissions yaml.Node `yaml:"permissions"`
	Concurrency yaml.Node `yaml:"concurrency"`
	Jobs        map[string]struct {
		Permissions    yaml.Node `yaml:"permissions"`
		TimeoutMinutes int       `yaml:"timeout-minutes"`
		Steps          []struct {
			Uses string            `yaml:"uses"`
			With map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

func parseWorkflow(t *testing.T, path string) (*workflow, string) {
	t.Helper()
	text := read(t, path)
	var w workflow
	if err := yaml.Unmarshal([]byte(text), &w); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(w.Jobs) == 0 {
		t.Fatalf("%s: no jobs", path)
	}
	return &w, text
}

// pinned is an action reference by full commit SHA with a version comment.
var pinned = regexp.MustCompile(`uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*\s*$`)

// checkUses fails for any third-party action not pinned by SHA.
func checkUses(t *testing.T, path, text string) {
	t.Helper()
	for i, line := range strings.Split(text, "\n") {
		l := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "- "))
		if !strings.HasPrefix(l, "uses: ") || strings.HasPrefix(l, "uses: tdeploy/twilio-deploy-action@") {
			continue
		}
		if !pinned.MatchString(l) {
			t.Errorf("%s:%d: %q: pin actions by full commit SHA with a version comment", path, i+1, l)
		}
	}
}

// TestExampleWorkflows checks what users copy: our action at @v1 with
// inputs action.yml has, least privilege, time limits, pinned actions.
func TestExampleWorkflows(t *testing.T) {
	t.Parallel()
	a := action(t)
	files, _ := filepath.Glob(filepath.Join(root(t), "examples", "workflows", "*.yml"))
	for _, f := range files {
		path := filepath.Join("examples", "workflows", filepath.Base(f))
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			w, text := parseWorkflow(t, path)
			if w.Permissions.Kind == 0 {
				t.Errorf("%s: no top-level permissions", path)
			}
			checkUses(t, path, text)
			used := 0
			for name, job := range w.Jobs {
				if job.TimeoutMinutes <= 0 {
					t.Errorf("%s: job %s has no timeout-minutes", path, name)
				}
				for _, s := range job.Steps {
					if !strings.HasPrefix(s.Uses, "tdeploy/twilio-deploy-action@") {
						continue
					}
					used++
					if s.Uses != "tdeploy/twilio-deploy-action@v1" {
						t.Errorf("%s: uses %s; want tdeploy/twilio-deploy-action@v1", path, s.Uses)
					}
					for k := range s.With {
						if a.Input(k) == nil {
							t.Errorf("%s: with: %s is not an input of action.yml", path, k)
						}
					}
				}
			}
			if used == 0 {
				t.Errorf("%s: no step uses tdeploy/twilio-deploy-action@v1", path)
			}
		})
	}
}

// TestRepoWorkflows checks our own CI and release workflows: no default
// permissions, least privilege per job, time limits, concurrency, actions
// pinned by SHA, and CI running .ci/run.
func TestRepoWorkflows(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"ci.yml", "release.yml"} {
		path := filepath.Join(".github", "workflows", name)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w, text := parseWorkflow(t, path)
			if w.Permissions.Kind != yaml.MappingNode || len(w.Permissions.Content) != 0 {
				t.Errorf("%s: top-level permissions must be {} (jobs ask for what they need)", path)
			}
			if w.Concurrency.Kind == 0 {
				t.Errorf("%s: no concurrency group", path)
			}
			for job, j := range w.Jobs {
				if j.Permissions.Kind != yaml.MappingNode || len(j.Permissions.Content) == 0 {
					t.Errorf("%s: job %s does not declare its permissions", path, job)
				}
				if j.TimeoutMinutes <= 0 || j.TimeoutMinutes > 90 {
					t.Errorf("%s: job %s timeout-minutes %d; want 1..90", path, job, j.TimeoutMinutes)
				}
			}
			checkUses(t, path, text)
			if name == "ci.yml" && !strings.Contains(text, "bash .ci/run") {
				t.Errorf("%s does not run bash .ci/run", path)
			}
		})
	}
}

// TestSetUpCommands: the README's set-up is exactly make demo and make test,
// both are Make targets, and CI runs the README's test command.
func TestSetUpCommands(t *testing.T) {
	t.Parallel()
	readme := read(t, "README.md")
	i := strings.Index(readme, "\n## Set up\n")
	if i < 0 {
		t.Fatal("README.md has no \"## Set up\" section")
	}
	section := readme[i:]
	if j := strings.Index(section[1:], "\n## "); j >= 0 {
		section = section[:j+1]
	}
	blocks := codeBlocks(section, "sh")
	if len(blocks) != 1 {
		t.Fatalf("Set up has %d sh code blocks; want 1", len(blocks))
	}
	if diff := cmp.Diff("make demo\nmake test\n", blocks[0]); diff != "" {
		t.Errorf("Set up commands (-want +have):\n%s", diff)
	}
	makefile := read(t, "Makefile")
	for _, target := range []string{"demo", "test", "lint", "bench", "build", "tools"} {
		if !regexp.MustCompile(`(?m)^` + target + `:`).MatchString(makefile) {
			t.Errorf("Makefile has no %s target", target)
		}
	}
	ci := read(t, ".ci/run")
	for _, cmd := range []string{"make lint", "make test"} {
		if !regexp.MustCompile(`(?m)^` + cmd + `$`).MatchString(ci) {
			t.Errorf(".ci/run does not run %q", cmd)
		}
	}
	// The README names the test command make test runs.
	const testCmd = "go test -race -shuffle=on -count=1 -timeout 25m ./..."
	if !strings.Contains(makefile, "$(GO) "+strings.TrimPrefix(testCmd, "go ")) {
		t.Errorf("make test does not run %s", testCmd)
	}
	if !strings.Contains(strings.Join(strings.Fields(read(t, "README.md")), " "), "`"+testCmd+"`") {
		t.Errorf("the README does not name make test's command, %s", testCmd)
	}
}

// codeBlocks returns the contents of the fenced code blocks of a language.
func codeBlocks(doc, lang string) []string {
	var out []string
	lines := strings.SplitAfter(doc, "\n")
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "```"+lang {
			continue
		}
		var b strings.Builder
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			b.WriteString(lines[i])
		}
		out = append(out, b.String())
	}
	return out
}

// TestReadmeProgram checks every Pulumi YAML program of the README against
// the provider's resource model: the types exist, the properties are
// inputs, and ${resource.property} references name outputs (or a
// variable of the program, a function's result).
func TestReadmeProgram(t *testing.T) {
	t.Parallel()
	var programs []string
	for _, b := range codeBlocks(read(t, "README.md"), "yaml") {
		if strings.Contains(b, "runtime: yaml") {
			programs = append(programs, b)
		}
	}
	if len(programs) == 0 {
		t.Fatal("README.md has no Pulumi YAML program (a yaml block with runtime: yaml)")
	}
	model, err := spec.Build(catalog.MustLoad())
	if err != nil {
		t.Fatal(err)
	}
	for _, program := range programs {
		checkProgram(t, model, program)
	}
}

// handWrittenTypes are the provider's resources that are not catalog types.
var handWrittenTypes = map[string]bool{
	"twilio:serverless:Deployment": true, "twilio:index:AdoptedResource": true, "twilio:index:Subaccount": true,
	"twilio:flex:Plugin": true, "twilio:flex:Release": true, "twilio:index:PhoneNumber": true, "twilio:accounts/v1:Safelist": true,
}

func checkProgram(t *testing.T, model *spec.Model, program string) {
	t.Helper()
	var p struct {
		Name      string `yaml:"name"`
		Resources map[string]struct {
			Type       string         `yaml:"type"`
			Properties map[string]any `yaml:"properties"`
		} `yaml:"resources"`
		Variables map[string]any `yaml:"variables"`
	}
	if err := yaml.Unmarshal([]byte(program), &p); err != nil {
		t.Fatalf("README program: %v", err)
	}
	types := map[string]*spec.Resource{}
	handWritten := map[string]bool{}
	for name, r := range p.Resources {
		res := model.Resource(r.Type)
		if handWrittenTypes[r.Type] {
			// Not catalog types: their programs are deployed by their
			// own tests (the Functions example by TestDemo).
			handWritten[name] = true
			continue
		}
		if res == nil {
			t.Errorf("README program %s: resource %s: type %s is not a provider resource", p.Name, name, r.Type)
			continue
		}
		types[name] = res
		for prop := range r.Properties {
			if res.Input(prop) == nil {
				t.Errorf("README program %s: %s (%s) has no input %s", p.Name, name, r.Type, prop)
			}
		}
	}
	refs := regexp.MustCompile(`\$\{(\w+)\.(\w+)\}`).FindAllStringSubmatch(program, -1)
	if len(refs) == 0 {
		t.Errorf("README program %s references no output; the example should show one resource feeding another", p.Name)
	}
	for _, m := range refs {
		if _, variable := p.Variables[m[1]]; m[1] == "pulumi" || variable || handWritten[m[1]] {
			continue
		}
		res, ok := types[m[1]]
		if !ok {
			t.Errorf("README program %s: ${%s.%s} names no resource", p.Name, m[1], m[2])
			continue
		}
		if res.Output(m[2]) == nil {
			t.Errorf("README program %s: ${%s.%s}: %s has no output %s", p.Name, m[1], m[2], res.Token, m[2])
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
