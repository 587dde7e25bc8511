package container

import (
	"testing"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

// BenchmarkImageStart runs the image's entrypoint as GitHub's runner runs
// it (the contract test's world: mounts, -e list, workdir, root, in mount
// and PID namespaces) for an event the action does not act on, and reports
// the median time from the run's start to the action's first line of
// output, and to its exit: what every job pays before any work.
//
//	sudo go test -run '^$' -bench ImageStart -benchtime 20x ./internal/container
func BenchmarkImageStart(b *testing.B) {
	needNamespaces(b)
	text, df := readDockerfile(b)
	stage := buildStage(b, df)
	img, _, err := assemble(b, text, stage)
	if err != nil {
		b.Fatal(err)
	}
	w := newWorld(b, img)
	var first, exit []time.Duration
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		r, err := w.step("watch", "refs/heads/main", "", map[string]any{"action": "started", "repository": repoJSON()})
		if err != nil {
			b.Fatal(err)
		}
		if r.code != 0 || r.firstLine == 0 {
			b.Fatalf("watch event: exit %d, first line after %v\n%s\n%s", r.code, r.firstLine, r.stdout, r.stderr)
		}
		first, exit = append(first, r.firstLine), append(exit, time.Since(start))
	}
	b.StopTimer()
	b.ReportMetric(testenv.Median(first).Seconds()*1000, "first-line-ms-p50")
	b.ReportMetric(testenv.Median(exit).Seconds()*1000, "exit-ms-p50")
}
