package docs

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tdeploy/twilio-deploy-action/internal/container"
)

// imageBin is where the image keeps its programs; the action finds the
// Pulumi CLI at <root>/bin/pulumi (auto.NewPulumiCommand) and the engine
// finds the YAML host and the provider on PATH.
const imageBin = "/opt/twilio-deploy/bin"

// TestDockerfile checks the image recipe against the repository: the build
// stage runs scripts/tools.sh (what CI runs), the final stage copies exactly
// the Pulumi CLI and our multi-call binary, whose cmd/ folder exists, and
// the folder of the names it answers to (the Action, the provider and the
// YAML host: TestImagePrograms checks those), the entrypoint is the
// Action, PATH holds the binaries,
// there is no USER line (GitHub runs Docker actions as root), and the Go
// image matches go.mod's Go version.
func TestDockerfile(t *testing.T) {
	t.Parallel()
	text := read(t, "Dockerfile")
	// Join continuation lines, drop comments.
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(text, "\\\n", " "), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, strings.Join(strings.Fields(l), " "))
		}
	}
	var stages [][]string
	for _, l := range lines {
		if strings.HasPrefix(l, "FROM ") {
			stages = append(stages, nil)
		}
		if len(stages) == 0 {
			t.Fatalf("Dockerfile: %q before the first FROM", l)
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], l)
	}
	if len(stages) < 2 {
		t.Fatalf("Dockerfile has %d stages; want a build stage and a final stage", len(stages))
	}
	build, final := strings.Join(stages[0], "\n"), stages[len(stages)-1]

	goLine := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(read(t, "go.mod"))
	if goLine == nil || !strings.HasPrefix(stages[0][0], "FROM golang:"+goLine[1]) {
		t.Errorf("build stage %q: want FROM golang:%v (go.mod's Go)", stages[0][0], goLine)
	}
	if !regexp.MustCompile(`(?m)^RUN .*BIN=` + imageBin + ` .*scripts/tools\.sh$`).MatchString(build) {
		t.Errorf("build stage does not run BIN=%s scripts/tools.sh:\n%s", imageBin, build)
	}

	var copied, folders []string
	var entrypoint, path string
	for _, l := range final {
		switch {
		case strings.HasPrefix(l, "COPY --from="):
			for _, f := range strings.Fields(l)[2:] {
				if !strings.HasSuffix(f, "/") {
					copied = append(copied, f)
				} else if f != imageBin+"/" {
					folders = append(folders, f)
				}
			}
		case strings.HasPrefix(l, "ENTRYPOINT "):
			entrypoint = strings.TrimPrefix(l, "ENTRYPOINT ")
		case strings.HasPrefix(l, "ENV "):
			if m := regexp.MustCompile(`PATH=(\S+)`).FindStringSubmatch(l); m != nil {
				path = m[1]
			}
		case strings.HasPrefix(l, "USER "):
			t.Errorf("final stage has %q; GitHub runs Docker actions as root", l)
		case strings.HasPrefix(l, "RUN "):
			t.Errorf("final stage runs %q; it should only hold binaries", l)
		}
	}
	sort.Strings(copied)
	want := []string{imageBin + "/pulumi", imageBin + "/" + container.MultiCall}
	if diff := cmp.Diff(want, copied); diff != "" {
		t.Errorf("final stage binaries (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{imageBin + "/" + container.LinksDir + "/"}, folders); diff != "" {
		t.Errorf("final stage folders (-want +got):\n%s", diff)
	}
	for _, ours := range []string{container.MultiCall} {
		if _, err := os.Stat(filepath.Join(root(t), "cmd", ours, "main.go")); err != nil {
			t.Errorf("the image copies %s, but cmd/%s/main.go: %v", ours, ours, err)
		}
	}
	if entrypoint != `["`+imageBin+`/action"]` {
		t.Errorf("ENTRYPOINT %s; want [\"%s/action\"]", entrypoint, imageBin)
	}
	if !strings.HasPrefix(path, imageBin+":") {
		t.Errorf("PATH=%s; want %s first (the engine finds plugins on PATH)", path, imageBin)
	}

	ignore := read(t, ".dockerignore")
	for _, must := range []string{".git", "bin"} {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(must) + `$`).MatchString(ignore) {
			t.Errorf(".dockerignore does not exclude %s", must)
		}
	}
}
