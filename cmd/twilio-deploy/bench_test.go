package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

// BenchmarkStartUp starts the provider and the YAML host as the engine
// does and reports the median time until each prints its port (it then
// serves), and the action's `--version` (the version of the CLI and the
// provider included: it starts both). The programs are the ones this
// package builds, as links to one binary, or, with TWILIO_DEPLOY_BENCH_BIN
// set, the programs of that folder (bin/ of an older build, with separate
// binaries), so that a layout can be compared with another in one run:
//
//	TWILIO_DEPLOY_BENCH_BIN=$PWD/bin go test -run '^$' -bench StartUp -benchtime 20x ./cmd/twilio-deploy
func BenchmarkStartUp(b *testing.B) {
	// PULUMI_ROOT: the folder whose bin/ holds the Pulumi CLI.
	dir, root := os.Getenv("TWILIO_DEPLOY_BENCH_BIN"), ""
	if dir != "" {
		root = filepath.Dir(dir)
	} else {
		root = filepath.Dir(testenv.BinDir(b, "pulumi"))
		var bin string
		dir, bin = build(b)
		for _, n := range []string{"action", "pulumi-resource-twilio", "pulumi-language-yaml"} {
			if err := os.Symlink(filepath.Base(bin), filepath.Join(dir, n)); err != nil {
				b.Fatal(err)
			}
		}
	}
	toPort := func(name string) time.Duration {
		cmd := exec.Command(filepath.Join(dir, name))
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		if _, err := bufio.NewReader(stdout).ReadString('\n'); err != nil {
			b.Fatalf("%s printed no port: %v", name, err)
		}
		took := time.Since(start)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return took
	}
	var provider, host, version []time.Duration
	for b.Loop() {
		provider = append(provider, toPort("pulumi-resource-twilio"))
		host = append(host, toPort("pulumi-language-yaml"))
		start := time.Now()
		cmd := exec.Command(filepath.Join(dir, "action"), "--version")
		cmd.Env = append(os.Environ(), "PULUMI_ROOT="+root)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("action --version: %v\n%s", err, out)
		}
		version = append(version, time.Since(start))
	}
	b.ReportMetric(testenv.Median(provider).Seconds()*1000, "provider-ms-p50")
	b.ReportMetric(testenv.Median(host).Seconds()*1000, "yaml-host-ms-p50")
	b.ReportMetric(testenv.Median(version).Seconds()*1000, "action-version-ms-p50")
}
