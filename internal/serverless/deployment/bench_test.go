package deployment

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
	"github.com/tdeploy/twilio-deploy-action/internal/provider"
	"github.com/tdeploy/twilio-deploy-action/internal/serverless"
)

// genProject writes a 100-file project: 40 functions (a Twilio build holds
// at most 50) in three visibilities and 60 assets.
func genProject(tb testing.TB, dir string) {
	tb.Helper()
	for i := range 40 {
		name := fmt.Sprintf("functions/group%d/fn%02d%s.js", i%4, i, []string{"", ".protected", ".private"}[i%3])
		writeFile(tb, dir, name, fmt.Sprintf("exports.handler = (c, e, cb) => cb(null, %d);\n", i))
	}
	for i := range 60 {
		name := fmt.Sprintf("assets/static/file%02d%s.css", i, []string{"", ".protected", ".private"}[i%3])
		writeFile(tb, dir, name, fmt.Sprintf("body{--n:%d}\n%s", i, strings.Repeat("/* pad */\n", 200)))
	}
	writeFile(tb, dir, "package.json", `{"dependencies":{"twilio":"5.3.0"}}`)
}

func writeFile(tb testing.TB, dir, name, content string) {
	tb.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkDeploy100Files deploys a generated 100-file project through the
// resource's lifecycle and the provider's real API stack (twilio-go,
// retries, multipart uploads) against the in-process emulator with 50 ms
// latency per request, and reports, per scenario, the uploads, builds and
// requests counted from the emulator's request log:
//
//	go test ./internal/serverless/deployment -run '^$' -bench Deploy100 -benchtime 3x
//
// Goal: 100 / 1 / 0 uploads and 1 / 1 / 0 builds for first deploy, one
// changed file, no change.
func BenchmarkDeploy100Files(b *testing.B) {
	for _, sc := range []string{"first", "one-change", "no-change"} {
		b.Run(sc, func(b *testing.B) {
			var uploads, builds, reqs int
			for b.Loop() {
				b.StopTimer()
				env := emulatortest.New(b, func(o *emulator.Options) { o.BuildDelay = 0 })
				api, err := provider.NewAPI(provider.Config{AccountSID: env.AccountSID, AuthToken: env.AuthToken, APIURL: env.URL}, nil)
				if err != nil {
					b.Fatal(err)
				}
				dir := b.TempDir()
				genProject(b, dir)
				r := &serverless.Resource{BaseDir: dir, NewAPI: func() (serverless.API, error) { return providerAPI{api: api}, nil },
					Deployer: serverless.Deployer{Poll: serverless.Poll{Initial: 250 * time.Millisecond}}}
				in, fails := r.Check(serverless.Inputs{Path: ".", ServiceName: "bench"}, "dev")
				if len(fails) > 0 {
					b.Fatal(fails)
				}
				var prev serverless.Outputs
				if sc != "first" {
					if prev, err = r.Create(b.Context(), in, false); err != nil {
						b.Fatal(err)
					}
					if sc == "one-change" {
						writeFile(b, dir, "functions/group1/fn01.protected.js", "exports.handler = (c, e, cb) => cb(null, 'changed');\n")
					}
					if in, fails = r.Check(in, "dev"); len(fails) > 0 {
						b.Fatal(fails)
					}
				}
				env.Server.ResetRequests()
				env.Server.SetFaults(emulator.Faults{Latency: 50 * time.Millisecond})
				b.StartTimer()

				if sc == "first" {
					_, err = r.Create(b.Context(), in, false)
				} else if d := r.Diff(prev, in); d.HasChanges() {
					_, err = r.Update(b.Context(), prev, in, false)
				}
				if err != nil {
					b.Fatal(err)
				}

				b.StopTimer()
				t := emulator.Tally(env.Server.Requests())
				reqs, uploads, builds = reqs+t.Requests, uploads+t.Uploads, builds+t.Builds
				b.StartTimer()
			}
			b.ReportMetric(float64(uploads)/float64(b.N), "uploads/op")
			b.ReportMetric(float64(builds)/float64(b.N), "builds/op")
			b.ReportMetric(float64(reqs)/float64(b.N), "requests/op")
		})
	}
}
