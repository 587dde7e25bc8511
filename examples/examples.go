// Package examples holds the example Twilio projects, embedded so that
// `action --demo` runs one without a checkout.
package examples

import "embed"

// FS holds the example programs, one folder each (twilio-ivr/Pulumi.yaml).
//
//go:embed twilio-ivr
var FS embed.FS

// Demo is the folder of the program `action --demo` deploys.
const Demo = "twilio-ivr"
