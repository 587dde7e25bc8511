package actioncmd

import (
	"context"
	"debug/buildinfo"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

var ldflagsVersion = regexp.MustCompile(`-X[= ]'?main\.version=([^' ]+)`)

// printVersion runs `pulumi version` and reads the provider's version from
// its build information (the -X main.version the build stamped), so
// nothing has to start the plugin.
func printVersion(ctx context.Context, w io.Writer, version, root string) error {
	bin := filepath.Join(root, "bin")
	fmt.Fprintf(w, "twilio-deploy-action %s\n", version)
	out, err := exec.CommandContext(ctx, filepath.Join(bin, "pulumi"), "version").Output()
	if err != nil {
		return fmt.Errorf("run %s version: %w; set PULUMI_ROOT to the folder that holds bin/pulumi", filepath.Join(bin, "pulumi"), err)
	}
	fmt.Fprintf(w, "pulumi %s\n", strings.TrimSpace(string(out)))
	prov := filepath.Join(bin, "pulumi-resource-twilio")
	info, err := buildinfo.ReadFile(prov)
	if err != nil {
		return fmt.Errorf("read the provider's version from %s: %w", prov, err)
	}
	v := ""
	for _, s := range info.Settings {
		if s.Key == "-ldflags" {
			if m := ldflagsVersion.FindStringSubmatch(s.Value); m != nil {
				v = m[1]
			}
		}
	}
	if v == "" {
		v = "unstamped " + info.Main.Version + " (built without -X main.version; scripts/tools.sh stamps it)"
	}
	fmt.Fprintf(w, "pulumi-resource-twilio %s\n", v)
	return nil
}
