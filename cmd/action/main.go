// Command action is the twilio-deploy-action entrypoint on its own: the
// same code as the image's multi-call binary (cmd/twilio-deploy) started as
// `action`. See internal/actioncmd for its flags and modes.
package main

import (
	"os"

	"github.com/tdeploy/twilio-deploy-action/internal/actioncmd"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = "dev"

func main() { os.Exit(actioncmd.Main(version, os.Args[1:])) }
