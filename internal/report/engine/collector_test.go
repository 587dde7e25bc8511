package engine

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/tdeploy/twilio-deploy-action/internal/report"
)

var update = flag.Bool("update", false, "rewrite the golden reports under testdata/")

// load reads an event log as the Automation API does: one JSON
// apitype.EngineEvent per line.
func load(t *testing.T, name string) []events.EngineEvent {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []events.EngineEvent
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var e apitype.EngineEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, events.EngineEvent{EngineEvent: e})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// collect feeds the events through a channel, as the Action does.
func collect(t *testing.T, name string, op string, runErr error) *report.Report {
	t.Helper()
	c := NewCollector(report.Report{Stack: "dev", Operation: op})
	ch := make(chan events.EngineEvent)
	done := make(chan struct{})
	go func() { c.Consume(ch); close(done) }()
	for _, e := range load(t, name) {
		ch <- e
	}
	close(ch)
	<-done
	return c.Finish(runErr)
}

func TestCollectorGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, op string
		err      error
	}{
		{"preview-create", report.OpPreview, nil},
		{"up-create", report.OpUp, nil},
		{"preview-same", report.OpPreview, nil},
		{"preview-update", report.OpPreview, nil},
		{"preview-mix", report.OpPreview, nil},
		{"up-mix", report.OpUp, nil},
		{"refresh", report.OpRefresh, nil},
		{"destroy", report.OpDestroy, nil},
		{"up-fail", report.OpUp, errors.New("exit status 255")},
		{"preview-hostile", report.OpPreview, nil},
		{"drift", report.OpDrift, nil},
		{"preview-detailed", report.OpPreview, nil},
		{"drift-none", report.OpDrift, nil},
		{"preview-refresh", report.OpPreview, nil},
		{"twilio-preview", report.OpPreview, nil},
		{"twilio-up", report.OpUp, nil},
		{"twilio-drift", report.OpDrift, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := collect(t, tc.name, tc.op, tc.err)
			b, err := json.MarshalIndent(got, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			b = append(b, '\n')
			golden := filepath.Join("testdata", tc.name+".report.json")
			if *update {
				if err := os.WriteFile(golden, b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if d := cmp.Diff(string(want), string(b)); d != "" {
				t.Errorf("report differs from %s (-want +got):\n%s", golden, d)
			}
			// The header's counts are the table's rows: every op but same
			// counts the resources listed with it that did not fail.
			rows := map[string]int{}
			for _, x := range got.Resources {
				if !x.Failed && x.Op != "same" {
					rows[x.Op]++
				}
			}
			if d := cmp.Diff(rows, got.Changes()); d != "" {
				t.Errorf("counts disagree with the listed resources (-rows +counts):\n%s", d)
			}
			// Whatever the scenario, blinded secrets never turn into values.
			if strings.Contains(string(b), "ciphertext") || strings.Contains(string(b), "1b47061264138c4ac30d75fd1eb44270") {
				t.Errorf("a serialized secret leaked into the report:\n%s", b)
			}
		})
	}
}

// TestCollectorCountsProgramResources: the engine's own resources (the
// stack, default and explicit providers) are neither listed nor counted,
// though the engine's summary counts the stack and explicit providers.
func TestCollectorCountsProgramResources(t *testing.T) {
	t.Parallel()
	step := func(op apitype.OpType, typ, name string) apitype.StepEventMetadata {
		urn := "urn:pulumi:dev::ivr::" + typ + "::" + name
		return apitype.StepEventMetadata{Op: op, URN: urn, Type: typ, New: &apitype.StepEventStateMetadata{Type: typ, URN: urn}}
	}
	c := NewCollector(report.Report{Stack: "dev", Operation: report.OpUp})
	for _, md := range []apitype.StepEventMetadata{
		step(apitype.OpCreate, "pulumi:pulumi:Stack", "ivr-dev"),
		step(apitype.OpCreate, "pulumi:providers:twilio", "default_0_1_0"),
		step(apitype.OpCreate, "pulumi:providers:twilio", "subaccount"),
		step(apitype.OpCreate, "twilio:sync/v1:Service", "sync"),
		step(apitype.OpCreate, "twilio:sync/v1:ServiceSyncMap", "orders"),
	} {
		c.AddAPI(apitype.EngineEvent{ResourcePreEvent: &apitype.ResourcePreEvent{Metadata: md}})
		if md.Type == "twilio:sync/v1:ServiceSyncMap" {
			// Still creating when the engine stopped: not created.
			continue
		}
		c.AddAPI(apitype.EngineEvent{ResOutputsEvent: &apitype.ResOutputsEvent{Metadata: md}})
	}
	c.AddAPI(apitype.EngineEvent{SummaryEvent: &apitype.SummaryEvent{
		ResourceChanges: map[apitype.OpType]int{apitype.OpCreate: 3}, Result: apitype.OperationResultSucceeded}})
	r := c.Finish(nil)
	if d := cmp.Diff(map[string]int{"create": 1}, r.Counts); d != "" {
		t.Errorf("counts (-want +got):\n%s", d)
	}
	var listed []string
	for _, x := range r.Resources {
		listed = append(listed, x.Type)
	}
	if d := cmp.Diff([]string{"twilio:sync/v1:Service", "twilio:sync/v1:ServiceSyncMap"}, listed); d != "" {
		t.Errorf("listed (-want +got):\n%s", d)
	}
}

// TestCollectorReset: an up refused by a lock is previewed again; the
// report is the second preview's alone, not the two merged: a change the
// other run made meanwhile is gone from it, and so is the first's error.
func TestCollectorReset(t *testing.T) {
	t.Parallel()
	step := func(name string) apitype.StepEventMetadata {
		urn := "urn:pulumi:dev::ivr::twilio:sync/v1:Service::" + name
		return apitype.StepEventMetadata{Op: apitype.OpCreate, URN: urn, Type: "twilio:sync/v1:Service"}
	}
	preview := func(c *Collector, names ...string) {
		for _, n := range names {
			c.AddAPI(apitype.EngineEvent{ResourcePreEvent: &apitype.ResourcePreEvent{Metadata: step(n)}})
		}
		c.AddAPI(apitype.EngineEvent{SummaryEvent: &apitype.SummaryEvent{
			ResourceChanges: map[apitype.OpType]int{apitype.OpCreate: len(names)}, Result: apitype.OperationResultSucceeded}})
	}
	c := NewCollector(report.Report{Stack: "dev", Operation: report.OpPreview})
	preview(c, "state", "orders")
	c.AddAPI(apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{Severity: "error", Message: "first try's error"}})
	c.Reset()
	preview(c, "orders")
	r := c.Finish(nil)
	var listed []string
	for _, x := range r.Resources {
		listed = append(listed, x.Name)
	}
	if d := cmp.Diff([]string{"orders"}, listed); d != "" {
		t.Errorf("listed (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string]int{"create": 1}, r.Counts); d != "" {
		t.Errorf("counts (-want +got):\n%s", d)
	}
	if r.Error != "" || r.Stack != "dev" {
		t.Errorf("error %q, stack %q: want none from the first try, and the header kept", r.Error, r.Stack)
	}
}

// TestCollectorCountsTruncated: a preview of 2000 Twilio resources too big
// for one comment says 2000 in the header and in the "N of M listed" note,
// as the engine's summary (2001, with the stack) does not.
func TestCollectorCountsTruncated(t *testing.T) {
	t.Parallel()
	c := NewCollector(report.Report{Stack: "dev", Operation: report.OpPreview})
	add := func(typ, name string) {
		urn := "urn:pulumi:dev::ivr::" + typ + "::" + name
		md := apitype.StepEventMetadata{Op: apitype.OpCreate, URN: urn, Type: typ,
			New: &apitype.StepEventStateMetadata{Type: typ, URN: urn, Inputs: map[string]any{"friendlyName": strings.Repeat("x", 40)}}}
		c.AddAPI(apitype.EngineEvent{ResourcePreEvent: &apitype.ResourcePreEvent{Metadata: md}})
		c.AddAPI(apitype.EngineEvent{ResOutputsEvent: &apitype.ResOutputsEvent{Metadata: md}})
	}
	add("pulumi:pulumi:Stack", "ivr-dev")
	add("pulumi:providers:twilio", "default")
	for i := range 2000 {
		add("twilio:sync/v1:Service", fmt.Sprintf("svc%04d", i))
	}
	c.AddAPI(apitype.EngineEvent{SummaryEvent: &apitype.SummaryEvent{
		ResourceChanges: map[apitype.OpType]int{apitype.OpCreate: 2001}, Result: apitype.OperationResultSucceeded}})
	md := report.Markdown(c.Finish(nil), report.Options{})
	if !strings.Contains(md, "**Changes:** ➕ 2000 create\n") {
		t.Errorf("header does not count 2000 creates:\n%.400s", md)
	}
	m := regexp.MustCompile(`(\d+) of (\d+) changed resources are listed`).FindStringSubmatch(md)
	if m == nil || m[2] != "2000" || strings.Count(md, "| ➕ create |") != mustAtoi(t, m[1]) {
		t.Errorf("truncation note %q, %d rows listed", m, strings.Count(md, "| ➕ create |"))
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
