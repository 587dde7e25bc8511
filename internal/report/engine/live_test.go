package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"

	"github.com/tdeploy/twilio-deploy-action/internal/report"
	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

// TestCollectorLive wires a Collector to the Automation API's event
// stream, as the Action does, and runs the real engine (bin/pulumi and the
// YAML host) through create, no-change and replace/delete previews.
func TestCollectorLive(t *testing.T) {
	t.Parallel()
	root := testenv.RepoRoot(t)
	env := map[string]string{}
	for _, kv := range testenv.PulumiEnv(t) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: root, SkipVersionCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	use := func(program string) {
		b, err := os.ReadFile(filepath.Join("testdata", "programs", program, "Pulumi.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	use("v1")
	ctx := t.Context()
	st, err := auto.UpsertStackLocalSource(ctx, "dev", dir, auto.Pulumi(cmd), auto.EnvVars(env))
	if err != nil {
		t.Fatal(err)
	}

	// run drives one operation with the Collector on the event channel.
	run := func(op string, do func(ctx context.Context, ch chan events.EngineEvent) error) *report.Report {
		t.Helper()
		col := NewCollector(report.Report{Stack: "dev", Operation: op})
		ch := make(chan events.EngineEvent)
		done := make(chan struct{})
		go func() { col.Consume(ch); close(done) }()
		err := do(ctx, ch)
		<-done // the SDK closes ch when the operation ends
		return col.Finish(err)
	}
	preview := func(ctx context.Context, ch chan events.EngineEvent) error {
		_, err := st.Preview(ctx, optpreview.EventStreams(ch))
		return err
	}

	r := run(report.OpPreview, preview)
	if r.Result != report.ResultSucceeded || r.Counts["create"] != 1 || len(r.Resources) != 1 || r.Resources[0].Op != "create" {
		t.Fatalf("first preview: %+v", r)
	}
	r = run(report.OpUp, func(ctx context.Context, ch chan events.EngineEvent) error {
		_, err := st.Up(ctx, optup.EventStreams(ch))
		return err
	})
	if r.Result != report.ResultSucceeded || r.Counts["create"] != 1 {
		t.Fatalf("up: %+v", r)
	}
	if r := run(report.OpPreview, preview); r.Result != report.ResultNoChanges {
		t.Errorf("preview after up: %+v", r)
	}
	use("v2")
	if r := run(report.OpUp, func(ctx context.Context, ch chan events.EngineEvent) error {
		_, err := st.Up(ctx, optup.EventStreams(ch))
		return err
	}); r.Result != report.ResultSucceeded || r.Counts["update"] != 1 || r.Counts["create"] != 1 {
		t.Fatalf("up v2: %+v", r)
	}
	use("v3")
	r = run(report.OpPreview, preview)
	ops := map[string]report.Resource{}
	for _, x := range r.Resources {
		ops[x.Op] = x
	}
	if rep := ops["replace"]; rep.Name != "pinned" || len(rep.ReplaceReasons) != 1 || rep.ReplaceReasons[0] != "input" {
		t.Errorf("replace: %+v", rep)
	}
	if ops["delete"].Name != "stash" || ops["create"].Name != "fresh" {
		t.Errorf("resources: %+v", r.Resources)
	}
	md := report.Markdown(r, report.Options{})
	for _, want := range []string{"🔁 replace", "`input`: `v2` → `v3`", "| `input` |"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
}
