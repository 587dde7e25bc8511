package docs

import (
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/tdeploy/twilio-deploy-action/internal/container"
)

// TestImagePrograms keeps the three lists of the image's programs from
// disagreeing: the Dockerfile's final stage (its COPY lines, read with the
// contract test's parser), scripts/tools.sh (what it builds into BIN) less
// container.NotShipped, and what the contract test runs (it assembles the
// image from those COPY lines and, in TestContract, checks tools.sh's real
// output against the same reading). A program added to tools.sh must be
// copied or named in NotShipped; a COPY of something tools.sh does not
// build fails here before the image is built.
func TestImagePrograms(t *testing.T) {
	t.Parallel()
	d, err := container.Parse(read(t, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	bin := d.Stages[0].ToolsBin()
	if bin == "" {
		t.Fatal("the build stage does not run BIN=<dir> scripts/tools.sh")
	}
	tools, err := container.ToolsPrograms(root(t))
	if err != nil {
		t.Fatal(err)
	}
	for name := range container.NotShipped {
		if !slices.Contains(tools, name) {
			t.Errorf("container.NotShipped names %s, which scripts/tools.sh does not build", name)
		}
	}
	links, err := container.MultiCallNames(root(t))
	if err != nil {
		t.Fatal(err)
	}
	copied, other := container.CopiedPrograms(d, tools, links)
	if len(other) > 0 {
		t.Errorf("the final stage copies %v from the build stage, outside tools.sh's BIN %s", other, bin)
	}
	if want := container.Shipped(tools); !slices.Equal(copied, want) {
		t.Errorf("the final stage copies %v from %s; tools.sh builds %v, less NotShipped %v: want %v", copied, bin, tools, container.NotShipped, want)
	}
	final := d.Final()
	if len(final.Entrypoint) == 0 || path.Dir(final.Entrypoint[0]) != bin || !slices.Contains(copied, path.Base(final.Entrypoint[0])) {
		t.Errorf("ENTRYPOINT %v is not one of the copied programs in %s", final.Entrypoint, bin)
	}
	for _, c := range final.Copies {
		if c.From != d.Stages[0].Name {
			t.Errorf("the final stage copies %v from %q, which the contract test does not reproduce", c.Srcs, c.From)
		}
	}
	if !container.BaseImage.Matches(final.From) {
		t.Errorf("the final stage is FROM %s; the contract test models %s (container.BaseImage): update the model with the image", final.From, container.BaseImage.Image)
	}
	if !strings.HasPrefix(func() string { v, _ := final.EnvValue("PATH"); return v }(), bin+":") {
		t.Errorf("PATH does not start with %s", bin)
	}
}
