// Command twilio-deploy is the image's one binary: the action, our provider
// plugin and the Pulumi YAML language host, which the Pulumi CLI starts by
// name from PATH. It does what the name it is started as says (the image and
// scripts/tools.sh make the three names links to it), so the three share
// one copy of the Go runtime, gRPC and the Pulumi SDK instead of carrying
// one each (see ARCHITECTURE.md, "The image"):
//
//	action ...                   the action (internal/actioncmd)
//	pulumi-resource-twilio ...   the provider plugin (internal/providercmd)
//	pulumi-language-yaml ...     the YAML language host (internal/yamlhost)
//	twilio-deploy NAME ...       the same, by subcommand
//	twilio-deploy --links        the names above, one a line (tools.sh links them)
//
// The Pulumi CLI stays a binary of its own: it is built from another
// module graph (tools/go.mod pins pkg/v3 at the CLI's version).
package main

import (
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/tdeploy/twilio-deploy-action/internal/actioncmd"
	"github.com/tdeploy/twilio-deploy-action/internal/providercmd"
	"github.com/tdeploy/twilio-deploy-action/internal/yamlhost"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3". The
// action and the provider report it (the action reads the provider's from
// this binary's build information).
var version string

// programs are the names the binary answers to. The provider and the YAML
// host read the engine's arguments from os.Args themselves (global flags),
// so they get none here.
var programs = map[string]func(args []string) int{
	"action":                 func(args []string) int { return actioncmd.Main(version, args) },
	"pulumi-resource-twilio": func([]string) int { return providercmd.Main(version) },
	"pulumi-language-yaml":   func([]string) int { return yamlhost.Main() },
}

func main() { os.Exit(run(os.Args, os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	if f, ok := programs[name(args[0])]; ok {
		return f(args[1:])
	}
	if len(args) > 1 && args[1] == "--links" {
		for _, n := range slices.Sorted(maps.Keys(programs)) {
			fmt.Fprintln(stdout, n)
		}
		return 0
	}
	if len(args) > 1 {
		if f, ok := programs[args[1]]; ok {
			// As if started by that name: what reads os.Args (the
			// provider's and the host's flags) sees the engine's
			// arguments only.
			os.Args = args[1:]
			return f(args[2:])
		}
	}
	fmt.Fprintf(stderr, "twilio-deploy: start me as one of %s (a link named so), or `twilio-deploy NAME ARGS...`\n",
		strings.Join(slices.Sorted(maps.Keys(programs)), ", "))
	return 2
}

// name is the program name argv[0] gives: its base, without a Windows
// ".exe".
func name(argv0 string) string {
	return strings.TrimSuffix(filepath.Base(argv0), ".exe")
}
