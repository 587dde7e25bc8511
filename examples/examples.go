// Package examples holds the example Twilio projects, embedded so that
// `action --demo` runs one without a checkout.
package examples

import (
	"embed"
	"io/fs"
	"os"
)

// FS holds the example programs, one folder each (twilio-app/Pulumi.yaml,
// twilio-ivr/Pulumi.yaml). "all:" keeps twilio-app/app/.env, which the
// Functions example uses to show how .env reaches the deployment.
//
//go:embed all:twilio-app twilio-ivr
var FS embed.FS

// Functions is the folder of the program `action --demo` deploys: Functions
// and Assets wired to the branch's phone number, with Sync and TaskRouter
// beside them (the README's "Functions and Assets" program).
const Functions = "twilio-app"

// Demo is the folder of the Sync and TaskRouter program the action's
// end-to-end tests deploy (cmd/action/e2e_test.go's world).
const Demo = "twilio-ivr"

// Copy writes the example program in folder name (Functions, Demo) to dir,
// as a checkout would hold it.
func Copy(dir, name string) error {
	sub, err := fs.Sub(FS, name)
	if err != nil {
		return err
	}
	return os.CopyFS(dir, sub)
}
