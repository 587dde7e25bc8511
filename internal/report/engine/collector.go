// Package engine turns the Pulumi engine's event stream (what the
// Automation API delivers through optpreview.EventStreams, optup.EventStreams,
// optrefresh.EventStreams and optdestroy.EventStreams) into a report.Report.
//
// It is the only part of the report that knows Pulumi's types. Use one
// Collector per operation:
//
//	ch := make(chan events.EngineEvent)
//	col := engine.NewCollector(report.Report{Stack: ..., Operation: report.OpPreview})
//	done := make(chan struct{})
//	go func() { col.Consume(ch); close(done) }() // the SDK closes ch at the end
//	_, err := stack.Preview(ctx, optpreview.EventStreams(ch))
//	<-done
//	rep := col.Finish(err)
//
// What it reads:
//   - ResourcePreEvent / ResOutputsEvent: one report.Resource per URN, with
//     the replacement steps (create-replacement, replace, delete-replaced)
//     folded into one "replace", the property diffs (from DetailedDiff when
//     the provider gave one, else a deep comparison of the keys in Diffs),
//     and the replace reasons (Keys, plus -replace detailed diff kinds).
//     Values are display strings; Pulumi secrets (the secret signature the
//     engine writes in place of the value) become Secret diffs and are
//     never rendered. Default providers and stack-reference reads are left
//     out, as the Pulumi CLI does.
//   - Refresh steps: the outputs event's op (same, update, delete) says
//     whether the resource drifted; the diff compares old and new outputs.
//   - SummaryEvent: the result. The counts are not the summary's: the
//     engine counts its own pulumi:pulumi:Stack resource and explicit
//     providers there, which the table does not list. Report.Counts counts
//     the resources the report is about (see countable), each once, as the
//     engine does: a step that ended without failing.
//   - DiagnosticEvent with severity error, ErrorEvent: Report.Error.
//   - The pulumi:pulumi:Stack resource's outputs: Report.Outputs.
//
// LiveLog is the stream's second consumer: the job log as the events
// arrive (a group of lines, then the annotations), written through the
// narrow Commands interface (Workflow: go-githubactions).
package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/tdeploy/twilio-deploy-action/internal/report"
)

const stackType = "pulumi:pulumi:Stack"

// Collector builds a Report from engine events. It is safe for concurrent
// use; Add is usually called from one goroutine draining the channel.
type Collector struct {
	mu        sync.Mutex
	base      report.Report
	entries   map[string]*entry
	order     int
	errs      []string
	errSeen   map[string]bool
	failed    map[string]bool
	unreached []string // names the up stopped before (notReached)
	summary   *apitype.SummaryEvent
	outputs   map[string]any
	streamErr error
}

type entry struct {
	res         report.Resource
	order       int
	haveDiff    bool
	skip        bool
	fromRefresh bool // op and diffs come from a refresh step's result
	done        bool // the step of res.Op ended (its outputs event came)
}

// NewCollector returns a Collector whose reports start from base (the
// header fields: Repo, ProgramPath, Stack, Branch, Environment, Commit,
// Operation, RunURL, Log).
func NewCollector(base report.Report) *Collector {
	c := &Collector{base: base}
	c.forget()
	return c
}

// Reset forgets every event added so far, for an operation run again
// (after a lock wait): the report is the new try's alone.
func (c *Collector) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forget()
}

// forget sets every field but base to a new collector's.
func (c *Collector) forget() {
	c.entries, c.errSeen, c.failed = map[string]*entry{}, map[string]bool{}, map[string]bool{}
	c.order, c.errs, c.unreached, c.summary, c.outputs, c.streamErr = 0, nil, nil, nil, nil, nil
}

// Consume adds every event from ch until it is closed.
func (c *Collector) Consume(ch <-chan events.EngineEvent) {
	for e := range ch {
		c.Add(e)
	}
}

// Add records one event.
func (c *Collector) Add(e events.EngineEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.Error != nil {
		// A line of the event log that could not be read: the run goes
		// on, but the report may miss something, so say so.
		if c.streamErr == nil {
			c.streamErr = e.Error
		}
		return
	}
	c.addAPI(e.EngineEvent)
}

// AddAPI records one event in the apitype form (as stored in an event log).
func (c *Collector) AddAPI(e apitype.EngineEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.addAPI(e)
}

func (c *Collector) addAPI(e apitype.EngineEvent) {
	switch {
	case e.ResourcePreEvent != nil:
		c.step(e.ResourcePreEvent.Metadata, false)
	case e.ResOutputsEvent != nil:
		c.step(e.ResOutputsEvent.Metadata, true)
	case e.ResOpFailedEvent != nil:
		c.failed[e.ResOpFailedEvent.Metadata.URN] = true
	case e.DiagnosticEvent != nil:
		d := e.DiagnosticEvent
		if d.Severity != "error" {
			return
		}
		msg := strings.TrimRight(report.StripColor(d.Message), "\n")
		if urn, ok := notReached(msg); ok {
			c.unreached = append(c.unreached, urnName(urn))
			return
		}
		if d.URN != "" {
			c.failed[d.URN] = true
			u := resource.URN(d.URN)
			if u.IsValid() {
				msg = string(u.Type()) + " (" + u.Name() + "): " + msg
			}
		}
		c.addError(msg)
	case e.ErrorEvent != nil:
		c.addError(strings.TrimRight(report.StripColor(e.ErrorEvent.Error), "\n"))
	case e.SummaryEvent != nil:
		s := *e.SummaryEvent
		c.summary = &s
	}
}

func (c *Collector) addError(msg string) {
	if msg == "" || c.errSeen[msg] {
		return
	}
	c.errSeen[msg] = true
	c.errs = append(c.errs, msg)
}

func (c *Collector) step(md apitype.StepEventMetadata, outputs bool) {
	if md.Type == stackType {
		if outputs && md.New != nil {
			c.outputs = md.New.Outputs
		}
		return
	}
	e := c.entries[md.URN]
	if e == nil {
		c.order++
		e = &entry{order: c.order, res: report.Resource{Type: md.Type, URN: md.URN, Name: urnName(md.URN)}}
		c.entries[md.URN] = e
		e.skip = !countable(md.Type)
	}
	op := string(md.Op)
	switch apitype.OpType(op) {
	case apitype.OpReplace, apitype.OpCreateReplacement, apitype.OpDeleteReplaced,
		apitype.OpDiscardReplaced, apitype.OpImportReplacement, apitype.OpReadReplacement:
		op = "replace"
	case apitype.OpRemovePendingReplace:
		return
	case apitype.OpRefresh:
		// The pre event of a refresh says nothing yet; its outputs event
		// carries the result op.
		if e.res.Op == "" {
			e.res.Op = "refresh"
		}
		return
	}
	// Each event of a resource's steps replaces the last one's; only an
	// outputs event says the step ended.
	e.done = outputs
	if e.res.Op == "refresh" && outputs {
		// Result of a refresh: same, update (drifted) or delete (gone).
		e.res.Op = op
		e.fromRefresh = true
		if op == "update" || op == "delete" {
			e.res.Diffs = refreshDiffs(md)
			e.haveDiff = true
		}
		return
	}
	if e.fromRefresh {
		// A preview or up with refresh: after the refresh comes the plan
		// for the same resource, which is what the run will do.
		e.fromRefresh = false
		e.res.Op, e.res.Diffs, e.haveDiff = "", nil, false
	}
	if e.res.Op != "replace" {
		e.res.Op = op
	}
	for _, k := range md.Keys {
		e.res.ReplaceReasons = appendUnique(e.res.ReplaceReasons, k)
	}
	for k, d := range md.DetailedDiff {
		if strings.HasSuffix(string(d.Kind), "-replace") {
			e.res.ReplaceReasons = appendUnique(e.res.ReplaceReasons, k)
		}
	}
	if !e.haveDiff {
		if diffs, ok := stepDiffs(md); ok {
			e.res.Diffs = diffs
			e.haveDiff = true
		}
	}
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// notReachedRE is the engine's error, at the end of a failed up that
// follows an update plan, for each planned resource it stopped before:
// not that resource's failure, but another's consequence.
var notReachedRE = regexp.MustCompile(`^expected resource operations for (\S+) but none were seen$`)

// notReached reads that error: the resource's URN.
func notReached(msg string) (urn string, ok bool) {
	m := notReachedRE.FindStringSubmatch(msg)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// unreachedLine says, once, which planned changes the up did not reach.
func unreachedLine(names []string) string {
	return fmt.Sprintf("not reached (the up stopped first, so nothing was changed there): %s", strings.Join(names, ", "))
}

func urnName(urn string) string {
	u := resource.URN(urn)
	if u.IsValid() {
		return u.Name()
	}
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}

// countable reports whether a resource type is one the report lists and
// counts: the program's own resources (Twilio's), not the engine's
// providers (default or explicit), which configure them.
// pulumi:pulumi:Stack never gets here (step keeps only its outputs).
func countable(typ string) bool {
	return !strings.HasPrefix(typ, "pulumi:providers:")
}

// Finish returns the report, with the operation's error (the one the
// Automation API returned) folded in: a non-nil err makes the result
// failed (or cancelled for context.Canceled), and its text becomes the
// error when no diagnostic said more.
func (c *Collector) Finish(err error) *report.Report {
	r := c.Report()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			r.Result = report.ResultCancelled
		} else {
			r.Result = report.ResultFailed
		}
		if strings.TrimSpace(r.Error) == "" {
			r.Error = report.StripColor(err.Error())
		}
	}
	return r
}

// Report returns the report built from the events so far.
func (c *Collector) Report() *report.Report {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.base
	r.Resources = nil
	list := make([]*entry, 0, len(c.entries))
	for _, e := range c.entries {
		list = append(list, e)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].order < list[j].order })
	changed := 0
	// A preview counts what it planned; the other operations count the
	// steps that ended, as the engine does (a failed or unfinished create
	// created nothing).
	planned := r.Operation == report.OpPreview
	r.Counts = map[string]int{}
	for _, e := range list {
		res := e.res
		if e.skip || res.Op == "" || res.Op == "refresh" {
			continue
		}
		// A read of a stack reference or an existing resource changes
		// nothing; it is listed only when it failed, and never counted.
		if res.Op == "read" && !c.failed[res.URN] {
			continue
		}
		res.Failed = c.failed[res.URN]
		if (e.done || planned) && !res.Failed && res.Op != "read" {
			r.Counts[res.Op]++
		}
		sort.Strings(res.ReplaceReasons)
		res.Diffs = append([]report.PropertyDiff(nil), res.Diffs...)
		res.ReplaceReasons = append([]string(nil), res.ReplaceReasons...)
		if res.Op != "same" {
			changed++
		}
		r.Resources = append(r.Resources, res)
	}

	if c.summary != nil {
		switch c.summary.Result {
		case apitype.OperationResultFailed:
			r.Result = report.ResultFailed
		case apitype.OperationResultCanceled:
			r.Result = report.ResultCancelled
		default:
			r.Result = report.ResultSucceeded
			if len(r.Changes()) == 0 {
				r.Result = report.ResultNoChanges
			}
		}
	} else if r.Result == "" {
		// No summary: the engine stopped early (or is still running).
		r.Result = report.ResultFailed
		if len(c.errs) == 0 && changed == 0 && c.streamErr == nil {
			r.Result = ""
		}
	}
	if r.Result == report.ResultSucceeded && len(c.errs) > 0 {
		r.Result = report.ResultFailed
	}

	errs := append([]string(nil), c.errs...)
	if len(c.unreached) > 0 {
		errs = append(errs, unreachedLine(c.unreached))
	}
	if c.streamErr != nil {
		errs = append(errs, "reading the engine's events: "+c.streamErr.Error())
	}
	if len(errs) > 0 {
		if r.Error != "" {
			errs = append([]string{r.Error}, errs...)
		}
		r.Error = strings.Join(errs, "\n")
	}

	if c.outputs != nil {
		r.Outputs = nil
		for _, k := range slices.Sorted(maps.Keys(c.outputs)) {
			v := c.outputs[k]
			o := report.Output{Name: k, Secret: isSecret(v)}
			if !o.Secret {
				o.Value = display(v)
			}
			r.Outputs = append(r.Outputs, o)
		}
	}
	return &r
}

// ReadLog adds the events of an engine event log (one JSON
// apitype.EngineEvent per line, the file `pulumi --event-log` writes).
func (c *Collector) ReadLog(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var e apitype.EngineEvent
		err := dec.Decode(&e)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read engine event log: %w", err)
		}
		c.AddAPI(e)
	}
}
