package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	api "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/tdeploy/twilio-deploy-action/examples"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
)

// BenchmarkFunctionsRedeploy times the redeploy of one edited Function of
// the Functions example (examples/twilio-app, the program `make demo`
// deploys) through the built action, the Pulumi CLI and our plugins, with
// 50 ms added to every Twilio request, next to a no-op `up` of the same
// program and stack in the same run: each iteration runs both, starting
// with a different one, so machine load hits them alike. The emulator
// finishes builds at once; a real Twilio build takes seconds more, which
// neither the tool nor this figure can shorten.
// Reported: median seconds of each arm, their ratio, and the redeploy's
// requests, uploads and builds (the goal: one upload, one build; the no-op
// writes nothing, or the benchmark fails).
//
//	go test -run '^$' -bench FunctionsRedeploy -benchtime 5x ./cmd/action
func BenchmarkFunctionsRedeploy(b *testing.B) {
	w := newWorld(b)
	w.repo = b.TempDir()
	if err := examples.Copy(w.repo, examples.Functions); err != nil {
		b.Fatal(err)
	}
	// The number main's stack config names, bought as in the Console.
	if _, err := w.emu.RestClientFor(mainSID, mainToken).Api.CreateIncomingPhoneNumber(
		(&api.CreateIncomingPhoneNumberParams{}).SetPhoneNumber("+15017122661")); err != nil {
		b.Fatal(err)
	}
	push := func() (emulator.Traffic, time.Duration) {
		w.emu.Server.ResetRequests()
		start := time.Now()
		r := w.step("push", "refs/heads/main", "", map[string]any{"ref": "refs/heads/main", "repository": repoJSON()})
		took := time.Since(start)

		if r.code != 0 {
			b.Fatalf("up: exit %d\n%s", r.code, r.stdout)
		}
		return emulator.Tally(w.emu.Server.Requests()), took
	}
	push() // the first deploy, without latency
	w.emu.Server.SetFaults(emulator.Faults{Latency: 50 * time.Millisecond})

	// The Function the demo's one-file push edits.
	edited := filepath.Join(w.repo, "app/functions/voice/greet.js")
	orig, err := os.ReadFile(edited)
	if err != nil {
		b.Fatal(err)
	}
	var redeploy, noop []time.Duration
	var sum, quiet emulator.Traffic
	arms := []func(i int){
		func(i int) {
			if err := os.WriteFile(edited, fmt.Appendf(orig, "// edit %d\n", i), 0o644); err != nil {
				b.Fatal(err)
			}
			t, took := push()
			if t.Uploads != 1 || t.Builds != 1 || t.Deployments != 1 {
				b.Fatalf("one edited Function redeployed with %s; want one upload, one build, one deployment", t)
			}
			sum.Requests, sum.Writes, sum.Uploads, sum.Builds = sum.Requests+t.Requests, sum.Writes+t.Writes, sum.Uploads+t.Uploads, sum.Builds+t.Builds
			redeploy = append(redeploy, took)
		},
		func(int) {
			t, took := push()
			if t.Writes != 0 {
				b.Fatalf("an up with nothing changed made %s; want no writes", t)
			}
			quiet.Requests += t.Requests
			noop = append(noop, took)
		},
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k := range arms {
			arms[(i+k)%len(arms)](i)
		}
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(median(redeploy), "redeploy-s-p50")
	b.ReportMetric(median(noop), "noop-s-p50")
	b.ReportMetric(median(redeploy)/median(noop), "ratio-p50")
	b.ReportMetric(float64(sum.Requests)/n, "redeploy-requests/op")
	b.ReportMetric(float64(sum.Writes)/n, "redeploy-writes/op")
	b.ReportMetric(float64(quiet.Requests)/n, "noop-requests/op")
	b.ReportMetric(float64(sum.Uploads)/n, "uploads/op")
	b.ReportMetric(float64(sum.Builds)/n, "builds/op")
}
