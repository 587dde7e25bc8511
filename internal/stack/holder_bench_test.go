package stack

import (
	"testing"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
)

// BenchmarkHolderTag: recording the run in HolderTag costs one more CLI
// start (pulumi stack tag set) beside each up that takes the lock. Each
// iteration is an up of the example with nothing to change, without and
// with a Holder; compare the two ns/op.
func BenchmarkHolderTag(b *testing.B) {
	for _, tc := range []struct {
		name   string
		holder *Holder
	}{{"without", nil}, {"with", &Holder{Repository: "tdeploy/ivr", RunID: 42, Attempt: 1}}} {
		b.Run(tc.name, func(b *testing.B) {
			emu := emulatortest.New(b)
			cmd, a, _ := concurrentRuns(b, emu)
			a.Holder = tc.holder
			if _, err := Run(b.Context(), cmd, a); err != nil { // creates the stack and its resources
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := Run(b.Context(), cmd, a); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
