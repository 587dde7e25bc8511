package docs

import (
	"strings"
	"testing"

	"github.com/tdeploy/twilio-deploy-action/examples"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless"
)

// TestFunctionsExampleShownInReadme: the README's "Functions and Assets"
// program is the program `make demo` deploys (examples.Functions, which
// TestDemo in cmd/action runs through the built binary), included whole
// with its main stack's config, and TestReadmeUpToDate proves the copies
// exact. The section is linked from the introduction.
func TestFunctionsExampleShownInReadme(t *testing.T) {
	t.Parallel()
	readme := read(t, "README.md")
	parts := Parts(readme)
	for _, f := range []string{"Pulumi.yaml", "Pulumi.main.yaml"} {
		name := "file examples/" + examples.Functions + "/" + f
		if !contains(parts, name) {
			t.Errorf("README.md does not show %s (add <!-- BEGIN %s --> and END markers)", name, name)
		}
	}
	section, _, _ := strings.Cut(readme[strings.Index(readme, "## Functions and Assets")+1:], "\n## ")
	for _, want := range []string{"twilio:serverless:Deployment", `${app.urls["/sms/reply"]}`, "`.env`", "package.json", "Pulumi.<stack>.yaml",
		// The runtime's default, as the code has it.
		"left out, it is `" + serverless.DefaultRuntime + "`"} {
		if !strings.Contains(section, want) {
			t.Errorf("the Functions and Assets section does not mention %s", want)
		}
	}
	intro, _, _ := strings.Cut(readme, "\n## ")
	if !strings.Contains(intro, "(#functions-and-assets)") {
		t.Error("the introduction does not link the Functions and Assets section")
	}
}
