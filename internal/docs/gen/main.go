// Command gen rewrites the generated parts of README.md (inputs and outputs
// tables from action.yml, example workflows from examples/workflows/).
// Run it with `make docs` from the repository root.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/tdeploy/twilio-deploy-action/internal/docs"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "docs:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("gen", flag.ContinueOnError)
	root := fl.String("root", ".", "repository root (holds README.md and action.yml)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	want, err := docs.Render(os.DirFS(*root))
	if err != nil {
		return err
	}
	path := filepath.Join(*root, "README.md")
	have, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if string(have) == want {
		fmt.Fprintln(stdout, "docs: README.md is up to date")
		return nil
	}
	if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
		return fmt.Errorf("write README: %w", err)
	}
	fmt.Fprintln(stdout, "docs: rewrote README.md")
	return nil
}
