package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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

// BenchmarkPreview compares the action's wall time for a pull request
// preview (event parsing, credential check, stack select, preview, report,
// comment, outputs) with a bare `bin/pulumi preview` of the same deployed
// program and stack, at 0 and 200 resources. Each iteration runs both, one
// after the other and in turns first, so machine load hits them alike.
// Reported: seconds per run of each and their ratio (goal: at most 1.10).
//
//	go test -run '^$' -bench Preview -benchtime 5x ./cmd/action
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
	// Deploy once so both previews see an up-to-date stack.
	r := w.step("push", "refs/heads/main", "", map[string]any{"ref": "refs/heads/main", "repository": repoJSON()})
	if r.code != 0 {
		b.Fatalf("setup up: exit %d\n%s", r.code, r.stdout)
	}
	bareEnv := append(append([]string{}, w.base...),
		"TWILIO_ACCOUNT_SID="+mainSID, "TWILIO_AUTH_TOKEN="+mainToken, "TWILIO_API_URL="+w.emu.URL)
	pulumi := testenv.Bin(b, "pulumi")
	var bare, act time.Duration
	b.ResetTimer()
	runBare := func() {
		start := time.Now()
		cmd := exec.Command(pulumi, "preview", "--stack", "main", "--non-interactive")
		cmd.Dir, cmd.Env = w.repo, bareEnv
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("pulumi preview: %v\n%s", err, out)
		}
		bare += time.Since(start)
	}
	runAction := func() {
		start := time.Now()
		r := w.step("pull_request", "refs/pull/7/merge", "main", prPayload("synchronize", 7, repoJSON()))
		act += time.Since(start)
		if r.code != 0 || r.outputs["changes"] != "{}" {
			b.Fatalf("action preview: exit %d, changes %s\n%s", r.code, r.outputs["changes"], r.stdout)
		}
	}
	for i := 0; i < b.N; i++ {
		// Alternate which runs first, so neither always follows the other.
		if i%2 == 0 {
			runBare()
			runAction()
		} else {
			runAction()
			runBare()
		}
	}
	b.StopTimer()
	b.ReportMetric(bare.Seconds()/float64(b.N), "pulumi-s/op")
	b.ReportMetric(act.Seconds()/float64(b.N), "action-s/op")
	b.ReportMetric(act.Seconds()/bare.Seconds(), "ratio")
}
