package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

// program is a Pulumi YAML program with n Sync services.
func program(n int) string {
	var b strings.Builder
	b.WriteString("name: bench\nruntime: yaml\nresources:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  svc%d:\n    type: twilio:sync/v1:Service\n    properties:\n      friendlyName: bench-%d\n", i, i)
	}
	if n == 0 {
		b.WriteString("  {}\n")
	}
	b.WriteString("outputs:\n  count: " + fmt.Sprint(n) + "\n")
	return b.String()
}

// mainEnv is the environment a program outside the action gets to preview
// main's stack: Pulumi's, and main's Twilio account for the provider.
func (w *world) mainEnv() []string {
	return append(append([]string{}, w.base...),
		"TWILIO_ACCOUNT_SID="+mainSID, "TWILIO_AUTH_TOKEN="+mainToken, "TWILIO_API_URL="+w.emu.URL)
}

// TestSDKPreviewFloor runs the benchmark's Automation API arm once, so a
// change that breaks it fails CI rather than the next benchmark run: on a
// deployed stack it previews every resource as unchanged, from the engine
// events it streamed.
func TestSDKPreviewFloor(t *testing.T) {
	w := newWorld(t)
	if r := w.step("push", "refs/heads/main", "", map[string]any{"ref": "refs/heads/main", "repository": repoJSON()}); r.code != 0 {
		t.Fatalf("up: exit %d\n%s", r.code, r.stdout)
	}
	cmd := exec.Command(shippedBinary(t, "./testdata/sdkpreview"), filepath.Dir(testenv.BinDir(t)), w.repo, "main")
	cmd.Dir = w.repo
	cmd.Env = w.mainEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sdkpreview: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`^(\d+) events, changes map\[same:\d+\]\n$`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("sdkpreview printed %q; want the engine events it streamed and only unchanged resources", out)
	}
	if n, _ := strconv.Atoi(m[1]); n < 3 {
		t.Errorf("sdkpreview printed %q; want the engine events it streamed and only unchanged resources", out)
	}
}

// BenchmarkPreview compares the action's wall time for a pull request
// preview (event parsing, credential check, stack select, preview, report,
// comment, outputs) with a bare `bin/pulumi preview` of the same deployed
// program and stack, at 0 and 200 resources. A third arm, testdata/
// sdkpreview, is the least an Automation API program does for the same
// preview (with the action's CLI adapter): it tells the SDK's share of the
// overhead (process start-up, the engine event stream over gRPC) from the
// action's own. Each iteration runs the three in turn, starting with a
// different one, so machine load hits them alike.
// Reported: mean seconds per run of each arm; ratio = action/bare (goal: at
// most 1.10) and sdk-ratio = sdkpreview/bare, of the means; the same two of
// the medians (-p50); own-ms-p50 = the action's median minus sdkpreview's.
//
//	go test -run '^$' -bench Preview -benchtime 10x ./cmd/action
func BenchmarkPreview(b *testing.B) {
	for _, n := range []int{0, 200} {
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			benchPreview(b, n)
		})
	}
}

func benchPreview(b *testing.B, n int) {
	w := newWorld(b)
	if err := os.WriteFile(filepath.Join(w.repo, "Pulumi.yaml"), []byte(program(n)), 0o644); err != nil {
		b.Fatal(err)
	}
	// Deploy once so every preview sees an up-to-date stack.
	r := w.step("push", "refs/heads/main", "", map[string]any{"ref": "refs/heads/main", "repository": repoJSON()})
	if r.code != 0 {
		b.Fatalf("setup up: exit %d\n%s", r.code, r.stdout)
	}
	bareEnv := w.mainEnv()
	pulumi := testenv.Bin(b, "pulumi")
	sdkpreview := shippedBinary(b, "./testdata/sdkpreview")
	command := func(name string, args ...string) func() {
		return func() {
			cmd := exec.Command(name, args...)
			cmd.Dir, cmd.Env = w.repo, bareEnv
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("%s: %v\n%s", filepath.Base(name), err, out)
			}
		}
	}
	arms := []struct {
		run  func()
		took []time.Duration
	}{
		{run: command(pulumi, "preview", "--stack", "main", "--non-interactive")},
		{run: command(sdkpreview, filepath.Dir(testenv.BinDir(b)), w.repo, "main")},
		{run: func() {
			r := w.step("pull_request", "refs/pull/7/merge", "main", prPayload("synchronize", 7, repoJSON()))
			if r.code != 0 || r.outputs["changes"] != "{}" {
				b.Fatalf("action preview: exit %d, changes %s\n%s", r.code, r.outputs["changes"], r.stdout)
			}
		}},
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k := range arms {
			a := &arms[(i+k)%len(arms)]
			start := time.Now()
			a.run()
			a.took = append(a.took, time.Since(start))
		}
	}
	b.StopTimer()
	bare, sdk, act := arms[0].took, arms[1].took, arms[2].took
	b.ReportMetric(mean(bare), "pulumi-s/op")
	b.ReportMetric(mean(sdk), "sdk-s/op")
	b.ReportMetric(mean(act), "action-s/op")
	b.ReportMetric(mean(act)/mean(bare), "ratio")
	b.ReportMetric(mean(sdk)/mean(bare), "sdk-ratio")
	// Medians too: in one 20-run measurement a single stalled action run
	// moved the mean by 40 ms.
	b.ReportMetric(median(act)/median(bare), "ratio-p50")
	b.ReportMetric(median(sdk)/median(bare), "sdk-ratio-p50")
	b.ReportMetric((median(act)-median(sdk))*1000, "own-ms-p50")
}

// mean of ds, in seconds.
func mean(ds []time.Duration) float64 {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum.Seconds() / float64(len(ds))
}

// median of ds, in seconds.
func median(ds []time.Duration) float64 { return testenv.Median(ds).Seconds() }
