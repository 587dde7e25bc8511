package container

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// NotShipped are the programs scripts/tools.sh builds that the image
// leaves out, with the reason: the one list that lets the Dockerfile,
// tools.sh and this package's contract test be compared (internal/docs'
// TestImagePrograms statically, TestContract on what tools.sh really
// built).
var NotShipped = map[string]string{
	"twilio-emulator": "the local Twilio of the tests and the demo; the Action talks to Twilio",
}

// MultiCall is the image's multi-call binary: cmd/<MultiCall> answers to
// the names of its programs map, which `<MultiCall> --links` prints and
// tools.sh links to it, in BIN and alone in BIN/<LinksDir>, the folder the
// Dockerfile copies (a COPY of a folder keeps the links in it as links).
const (
	MultiCall = "twilio-deploy"
	LinksDir  = "links"
)

// MultiCallNames reads the names the multi-call binary answers to: the
// string keys of the programs map in cmd/<MultiCall>/main.go.
func MultiCallNames(repo string) ([]string, error) {
	file := filepath.Join(repo, "cmd", MultiCall, "main.go")
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		return nil, err
	}
	var names []string
	ast.Inspect(f, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok || len(spec.Names) != 1 || spec.Names[0].Name != "programs" || len(spec.Values) != 1 {
			return true
		}
		lit, ok := spec.Values[0].(*ast.CompositeLit)
		if !ok {
			return false
		}
		for _, e := range lit.Elts {
			if kv, ok := e.(*ast.KeyValueExpr); ok {
				if k, ok := kv.Key.(*ast.BasicLit); ok && k.Kind == token.STRING {
					if name, err := strconv.Unquote(k.Value); err == nil {
						names = append(names, name)
					}
				}
			}
		}
		return false
	})
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: no programs map with string keys; update MultiCallNames", file)
	}
	sort.Strings(names)
	return names, nil
}

// ToolsPrograms reads, from scripts/tools.sh and the cmd folders, the
// names of the programs it leaves in its BIN: the pinned tools
// (build_pinned NAME ...), one binary per cmd/* folder holding Go files
// (the multi-call binary among them), the names the multi-call binary
// answers to (MultiCallNames), and other links it makes there
// (ln ... "$BIN/NAME"). TestContract checks this reading against a real
// run of the script.
func ToolsPrograms(repo string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(repo, "scripts", "tools.sh"))
	if err != nil {
		return nil, err
	}
	text := string(b)
	set := map[string]bool{}
	for _, m := range pinnedRe.FindAllStringSubmatch(text, -1) {
		set[m[1]] = true
	}
	for _, m := range linkRe.FindAllStringSubmatch(text, -1) {
		set[m[1]] = true
	}
	if !strings.Contains(text, "for dir in cmd/*/") {
		return nil, fmt.Errorf("scripts/tools.sh no longer builds one binary per cmd/* folder; update ToolsPrograms")
	}
	if strings.Contains(text, "./cmd/"+MultiCall) {
		if !strings.Contains(text, `"$BIN/`+LinksDir+`/`) {
			return nil, fmt.Errorf("scripts/tools.sh builds %s but links its names in no $BIN/%s; update ToolsPrograms", MultiCall, LinksDir)
		}
		names, err := MultiCallNames(repo)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			set[n] = true
		}
	}
	dirs, err := filepath.Glob(filepath.Join(repo, "cmd", "*"))
	if err != nil {
		return nil, err
	}
	for _, d := range dirs {
		if gos, _ := filepath.Glob(filepath.Join(d, "*.go")); len(gos) > 0 {
			set[filepath.Base(d)] = true
		}
	}
	var out []string
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil, fmt.Errorf("scripts/tools.sh: no programs found")
	}
	return out, nil
}

var (
	// build_pinned NAME PACKAGE ... at the start of a line (not its definition).
	pinnedRe = regexp.MustCompile(`(?m)^\s*build_pinned\s+([A-Za-z0-9._-]+)\s`)
	// ln [-sf...] TARGET "$BIN/NAME" (or $BIN/NAME); not a hidden
	// temporary name, nor a path into a folder of BIN.
	linkRe = regexp.MustCompile(`(?m)^\s*ln\s+(?:-\w+\s+)*\S+\s+"?\$\{?BIN\}?/([A-Za-z0-9_-][A-Za-z0-9._-]*)(?:"|\s|$)`)
)

// Programs lists the programs in dir: regular files with an execute bit
// and symbolic links (a multi-call binary's names), hidden files (tools.sh's
// stamps) left out.
func Programs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			return nil, err
		}
		if fi.Mode()&os.ModeSymlink != 0 || (fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0) {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// Shipped is what the image must hold by tools.sh's list: its programs
// without NotShipped.
func Shipped(tools []string) []string {
	var out []string
	for _, n := range tools {
		if _, skip := NotShipped[n]; !skip {
			out = append(out, n)
		}
	}
	return out
}

// CopiedPrograms is what the final stage copies from the build stage's
// tools.sh BIN, statically: the file names of COPY --from=<build> sources
// in bin, for a source that is bin itself (bin, bin/, bin/*) every program
// tools.sh builds (tools), and for bin/<LinksDir> (or one name in it) the
// multi-call binary's names (links). Sources elsewhere are returned apart.
func CopiedPrograms(d *Dockerfile, tools, links []string) (names, other []string) {
	build := d.Stages[0]
	bin := strings.TrimSuffix(build.ToolsBin(), "/")
	set := map[string]bool{}
	for _, c := range d.Final().Copies {
		if c.From != build.Name {
			continue
		}
		for _, s := range c.Srcs {
			switch clean := strings.TrimSuffix(s, "/"); {
			case clean == bin || clean == bin+"/*":
				for _, n := range tools {
					set[n] = true
				}
			case clean == bin+"/"+LinksDir || clean == bin+"/"+LinksDir+"/*":
				for _, n := range links {
					set[n] = true
				}
			case filepath.Dir(clean) == bin+"/"+LinksDir && slices.Contains(links, filepath.Base(clean)):
				set[filepath.Base(clean)] = true
			case filepath.Dir(clean) == bin:
				set[filepath.Base(clean)] = true
			default:
				other = append(other, s)
			}
		}
	}
	for n := range set {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, other
}
