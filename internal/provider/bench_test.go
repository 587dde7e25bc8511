package provider

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	rpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

// program500 is a YAML program of services Sync services with maps Sync
// maps each: the dependency chain (service, then its maps) is two deep.
func program500(services, maps int) string {
	var b strings.Builder
	b.WriteString("name: bench\nruntime: yaml\nresources:\n")
	for i := range services {
		fmt.Fprintf(&b, "  svc%d:\n    type: twilio:sync/v1:Service\n    properties:\n      friendlyName: svc-%d\n", i, i)
		for j := range maps {
			fmt.Fprintf(&b, "  map%d_%d:\n    type: twilio:sync/v1:ServiceSyncMap\n    properties:\n      serviceSid: ${svc%d.sid}\n      uniqueName: m%d\n", i, j, i, j)
		}
	}
	return b.String()
}

// BenchmarkUp500 deploys a 500-resource program (100 services with 4 maps
// each) through the real Pulumi CLI against the emulator with 50 ms of
// latency per request (BENCH_LATENCY_MS), then runs a no-op up and a
// destroy. BENCH_PARALLEL sets --parallel; BENCH_SKIP_CHECKPOINTS=1 sets
// PULUMI_SKIP_CHECKPOINTS. It reports the
// wall times, the critical-path floor (2 levels x 50 ms), the requests of
// each step and the plugin's peak RSS. Needs the tools in bin/ (make tools).
//
//	go test ./internal/provider -run '^$' -bench Up500 -benchtime 1x
func BenchmarkUp500(b *testing.B) {
	const services, maps = 100, 4
	latency := 50 * time.Millisecond
	if ms, err := strconv.Atoi(os.Getenv("BENCH_LATENCY_MS")); err == nil {
		latency = time.Duration(ms) * time.Millisecond
	}
	for range b.N {
		env := emulatortest.New(b, func(o *emulator.Options) { o.Faults.Latency = latency })
		dir := b.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte(program500(services, maps)), 0o644); err != nil {
			b.Fatal(err)
		}
		// A wrapper on PATH records the plugin's peak RSS.
		wrap := b.TempDir()
		mem := filepath.Join(b.TempDir(), "rss")
		script := fmt.Sprintf("#!/bin/sh\nexec /usr/bin/time -f '%%M %%U %%S' -o %s -a %s \"$@\"\n", mem, testenv.Bin(b, "pulumi-resource-twilio"))
		if err := os.WriteFile(filepath.Join(wrap, "pulumi-resource-twilio"), []byte(script), 0o755); err != nil {
			b.Fatal(err)
		}
		extra := []string{"TWILIO_ACCOUNT_SID=" + env.AccountSID, "TWILIO_AUTH_TOKEN=" + env.AuthToken, "TWILIO_API_URL=" + env.URL}
		if os.Getenv("BENCH_SKIP_CHECKPOINTS") != "" {
			// The file backend rewrites the whole state after every step;
			// this measures without that engine cost.
			extra = append(extra, "PULUMI_SKIP_CHECKPOINTS=true")
		}
		penv := testenv.PulumiEnv(b, extra...)
		for i, kv := range penv {
			if strings.HasPrefix(kv, "PATH=") {
				penv[i] = "PATH=" + wrap + string(os.PathListSeparator) + strings.TrimPrefix(kv, "PATH=")
			}
		}
		pulumi := func(args ...string) time.Duration {
			start := time.Now()
			testenv.Pulumi(b, dir, penv, args...)
			return time.Since(start)
		}
		pulumi("stack", "init", "dev")
		parallel := os.Getenv("BENCH_PARALLEL") // pulumi's default when empty
		upArgs := []string{"up", "--yes", "--non-interactive", "--skip-preview"}
		if parallel != "" {
			upArgs = append(upArgs, "--parallel", parallel)
		}
		env.Server.ResetRequests()
		up := pulumi(upArgs...)
		upReqs := len(env.Server.Requests())
		if n := len(env.Server.Inventory(env.AccountSID)); n != services*(1+maps) {
			b.Fatalf("%d resources after up", n)
		}
		env.Server.ResetRequests()
		noop := pulumi(upArgs...)
		noopReqs := len(env.Server.Requests())
		env.Server.ResetRequests()
		destroy := pulumi("destroy", "--yes", "--non-interactive", "--skip-preview")
		destroyReqs := len(env.Server.Requests())

		// One line per plugin process: peak RSS (KB), user and system CPU (s).
		peak, cpu := 0, 0.0
		if raw, err := os.ReadFile(mem); err == nil {
			for _, line := range strings.Split(string(raw), "\n") {
				f := strings.Fields(line)
				if len(f) != 3 {
					continue
				}
				if kb, err := strconv.Atoi(f[0]); err == nil && kb > peak {
					peak = kb
				}
				u, _ := strconv.ParseFloat(f[1], 64)
				sy, _ := strconv.ParseFloat(f[2], 64)
				cpu += u + sy
			}
		}
		floor := 2 * latency // service, then its maps
		if p, err := strconv.Atoi(parallel); err == nil || parallel == "" {
			if parallel == "" {
				p = 8 // pulumi's default
			}
			// With P operations at once, 500 requests cannot take less
			// than ceil(500/P) latencies.
			floor = max(floor, time.Duration((services*(1+maps)+p-1)/p)*latency)
		}
		b.ReportMetric(up.Seconds(), "up_s")
		b.ReportMetric(floor.Seconds(), "floor_s")
		b.ReportMetric(float64(upReqs), "up_requests")
		b.ReportMetric(noop.Seconds(), "noop_up_s")
		b.ReportMetric(float64(noopReqs), "noop_requests")
		b.ReportMetric(destroy.Seconds(), "destroy_s")
		b.ReportMetric(float64(destroyReqs), "destroy_requests")
		b.ReportMetric(float64(peak)/1024, "plugin_peak_MB")
		b.ReportMetric(cpu, "plugin_cpu_s")
		b.Logf("500 resources, %v latency, parallel=%q, skip checkpoints=%q: up %v (floor %v, %d requests; minimum %d), no-op up %v (%d requests), destroy %v (%d requests), plugin peak RSS %.1f MB, plugin CPU %.1fs over the three runs",
			latency, parallel, os.Getenv("BENCH_SKIP_CHECKPOINTS"), up.Round(time.Millisecond), floor, upReqs, services*(1+maps), noop.Round(time.Millisecond), noopReqs,
			destroy.Round(time.Millisecond), destroyReqs, float64(peak)/1024, cpu)
	}
}

// BenchmarkPluginStartup measures the time from exec to a served GetSchema,
// the first thing the engine asks for.
func BenchmarkPluginStartup(b *testing.B) {
	bin := testenv.Bin(b, "pulumi-resource-twilio")
	var total, toPort time.Duration
	for range b.N {
		start := time.Now()
		cmd := exec.Command(bin)
		out, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil {
			b.Fatal(err)
		}
		toPort += time.Since(start)
		conn, err := grpc.NewClient("127.0.0.1:"+strings.TrimSpace(line), grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			b.Fatal(err)
		}
		resp, err := rpc.NewResourceProviderClient(conn).GetSchema(context.Background(), &rpc.GetSchemaRequest{})
		if err != nil || len(resp.Schema) == 0 {
			b.Fatal(err)
		}
		total += time.Since(start)
		_, _ = rpc.NewResourceProviderClient(conn).Cancel(context.Background(), &emptypb.Empty{})
		conn.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
	b.ReportMetric(float64(toPort.Milliseconds())/float64(b.N), "ms_to_listen")
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms_to_schema")
}
