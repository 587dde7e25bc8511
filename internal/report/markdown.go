package report

import (
	"fmt"
	"math"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"
)

// Per-item caps keep one huge value from crowding out the table.
const (
	maxField      = 200  // header fields, names, types
	maxValue      = 300  // one property value in the table
	maxOutput     = 1000 // one output value
	maxDiffs      = 20   // property diffs listed per resource
	maxRunURL     = 1000
	minLogBudget  = 512 // below this the log is left out, not shown as a stub
	noticeReserve = 700 // room kept for the truncation note (plus the run URL)
)

// opOrder sorts resources so the most consequential steps come first and
// survive truncation.
var opOrder = map[string]int{
	"replace": 0, "delete": 1, "create": 2, "update": 3, "import": 4,
	"read": 5, "refresh": 6, "discard": 7, "same": 8,
}

// countOrder is the order of the counts line; other ops follow sorted.
var countOrder = []string{"create", "update", "replace", "delete", "import", "read", "refresh", "discard", "same"}

var opSign = map[string]string{
	"create":  "➕",
	"update":  "✏️",
	"replace": "🔁",
	"delete":  "➖",
	"import":  "📥",
	"read":    "📖",
	"refresh": "🔄",
	"discard": "🗑️",
	"same":    "⚪",
}

func sign(op string) string {
	if s, ok := opSign[op]; ok {
		return s
	}
	return "•"
}

// Markdown renders r. See the package comment for its guarantees.
func Markdown(r *Report, opt Options) string {
	limit := opt.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	r = NewMasker(opt.Secrets).Report(r)

	head := header(r, opt.Marker)
	errSec := ""
	errCut := false
	if strings.TrimSpace(r.Error) != "" {
		// The error is shown in full unless it alone would take more than
		// half the body; then its head and tail stay.
		errSec, errCut = errorSection(r.Error, limit/2)
	}

	res := sortedResources(r.Resources)
	rows := make([]string, len(res))
	reasons := false
	for _, x := range res {
		reasons = reasons || len(x.ReplaceReasons) > 0
	}
	refreshed := r.Operation == OpDrift || r.Operation == OpRefresh
	for i, x := range res {
		rows[i] = resourceRow(x, reasons, refreshed)
	}
	outs := make([]string, len(r.Outputs))
	for i, o := range sortedOutputs(r.Outputs) {
		outs[i] = outputRow(o)
	}

	fullLog := ""
	if len(r.Log) < limit { // escaping only grows it: a longer log cannot fit whole
		fullLog, _ = logSection(r.Log, math.MaxInt)
	}
	size := len(head) + len(errSec) + len(fullLog) + len(tableHead(reasons)) + len(outputsHead) + 2
	for _, x := range rows {
		size += len(x)
	}
	for _, x := range outs {
		size += len(x)
	}
	if size <= limit && !errCut && (fullLog != "" || strings.TrimSpace(r.Log) == "") {
		return assemble(head, "", errSec, tableHead(reasons), rows, outs, fullLog)
	}

	// Too big: keep the head and the error, then as many table rows, then
	// outputs, then as much of the log's tail as the remaining room allows.
	runURL := safeURL(r.RunURL)
	budget := limit - len(head) - len(errSec) - noticeReserve - len(runURL)
	keptRows := 0
	if len(rows) > 0 {
		budget -= len(tableHead(reasons)) + 1
		for _, row := range rows {
			if len(row) > budget {
				break
			}
			budget -= len(row)
			keptRows++
		}
	}
	keptOuts := 0
	if len(outs) > 0 && keptRows == len(rows) {
		budget -= len(outputsHead) + 1
		for _, o := range outs {
			if len(o) > budget {
				break
			}
			budget -= len(o)
			keptOuts++
		}
	}
	logSec := ""
	logCut := false
	if r.Log != "" {
		if keptRows == len(rows) && keptOuts == len(outs) && budget >= minLogBudget {
			logSec, logCut = logSection(r.Log, budget)
		} else {
			logCut = true
		}
	}

	var cut []string
	if keptRows < len(rows) {
		cut = append(cut, fmt.Sprintf("%d of %d changed resources are listed", keptRows, len(rows)))
	}
	if keptOuts < len(outs) {
		cut = append(cut, fmt.Sprintf("%d of %d outputs are listed", keptOuts, len(outs)))
	}
	if errCut {
		cut = append(cut, "the error was shortened")
	}
	if logCut {
		if logSec == "" {
			cut = append(cut, "the engine log was left out")
		} else {
			cut = append(cut, "the engine log was trimmed to its end")
		}
	}
	notice := ""
	if len(cut) > 0 {
		where := "the workflow run's log"
		if runURL != "" {
			where = "the [workflow run](" + runURL + ")"
		}
		notice = "> [!WARNING]\n> This report was shortened to fit GitHub's size limit: " +
			strings.Join(cut, "; ") + ". The full details are in " + where + ".\n\n"
	}
	out := assemble(head, notice, errSec, tableHead(reasons), rows[:keptRows], outs[:keptOuts], logSec)
	if len(out) > limit {
		// Only reachable with a limit too small for the header itself.
		return clipBody(out, limit)
	}
	return out
}

func assemble(head, notice, errSec, thead string, rows, outs []string, logSec string) string {
	var b strings.Builder
	b.WriteString(head)
	b.WriteString(notice)
	b.WriteString(errSec)
	if len(rows) > 0 {
		b.WriteString(thead)
		for _, r := range rows {
			b.WriteString(r)
		}
		b.WriteString("\n")
	}
	if len(outs) > 0 {
		b.WriteString(outputsHead)
		for _, o := range outs {
			b.WriteString(o)
		}
		b.WriteString("\n")
	}
	b.WriteString(logSec)
	return b.String()
}

// clipBody cuts a body to n bytes on a line boundary.
func clipBody(s string, n int) string {
	s = s[:n]
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[:i+1]
	}
	for !utf8.ValidString(s) && len(s) > 0 {
		s = s[:len(s)-1]
	}
	return s
}

func header(r *Report, marker string) string {
	var b strings.Builder
	if m := marker; strings.HasPrefix(m, "<!--") && strings.HasSuffix(m, "-->") &&
		!strings.ContainsAny(m, "\r\n") && strings.Count(m, "-->") == 1 {
		b.WriteString(m + "\n")
	}
	b.WriteString("### " + title(r) + "\n\n")

	var meta []string
	add := func(label, v string) {
		if v != "" {
			meta = append(meta, "**"+label+"** "+code(v, maxField, false))
		}
	}
	add("Stack", r.Stack)
	add("Branch", r.Branch)
	add("Environment", r.Environment)
	commit := r.Commit
	if len(commit) == 40 {
		commit = commit[:7]
	}
	add("Commit", commit)
	prog := r.ProgramPath
	if r.Repo != "" {
		if prog == "" || prog == "." {
			prog = r.Repo
		} else {
			prog = r.Repo + "/" + strings.TrimPrefix(prog, "./")
		}
	}
	add("Program", prog)
	if len(meta) > 0 {
		b.WriteString(strings.Join(meta, " · ") + "\n\n")
	}
	b.WriteString(countsLine(r) + "\n\n")
	return b.String()
}

func title(r *Report) string {
	op := r.Operation
	if op == "" {
		op = "operation"
	}
	if op == OpDrift {
		switch {
		case r.Result == ResultFailed:
			return "❌ Twilio drift check failed"
		case r.Result == ResultCancelled:
			return "⏹️ Twilio drift check cancelled"
		case r.Result == ResultNoChanges || changed(r) == 0:
			return "✅ Twilio drift check: no drift"
		default:
			return "⚠️ Twilio drift check: drift found"
		}
	}
	switch r.Result {
	case ResultSucceeded:
		return "✅ Twilio " + opWord(op) + " succeeded"
	case ResultFailed:
		return "❌ Twilio " + opWord(op) + " failed"
	case ResultCancelled:
		return "⏹️ Twilio " + opWord(op) + " cancelled"
	case ResultNoChanges:
		return "✅ Twilio " + opWord(op) + ": no changes"
	default:
		return "Twilio " + opWord(op)
	}
}

// opWord keeps an unknown operation name from injecting Markdown in the
// title: only known words are written bare.
func opWord(op string) string {
	switch op {
	case OpPreview, OpUp, OpRefresh, OpDestroy, OpDrift, "operation":
		return op
	}
	return code(op, 40, false)
}

func changed(r *Report) int {
	n := 0
	for op, c := range r.Counts {
		if op != "same" {
			n += c
		}
	}
	if r.Counts == nil {
		for _, x := range r.Resources {
			if x.Op != "same" {
				n++
			}
		}
	}
	return n
}

func countsLine(r *Report) string {
	counts := r.Counts
	if counts == nil {
		counts = map[string]int{}
		for _, x := range r.Resources {
			counts[x.Op]++
		}
	}
	var ops []string
	for _, op := range countOrder {
		if counts[op] > 0 {
			ops = append(ops, op)
		}
	}
	var extra []string
	for op, n := range counts {
		if _, known := opSign[op]; !known && n > 0 {
			extra = append(extra, op)
		}
	}
	sort.Strings(extra)
	ops = append(ops, extra...)
	if changed(r) == 0 {
		if r.Result == ResultFailed || r.Result == ResultCancelled {
			return "**Changes:** none"
		}
		if counts["same"] > 0 {
			return fmt.Sprintf("**No changes** (%d unchanged)", counts["same"])
		}
		return "**No changes**"
	}
	parts := make([]string, 0, len(ops))
	for _, op := range ops {
		name := op
		if _, known := opSign[op]; !known {
			name = code(op, 40, false)
		}
		parts = append(parts, fmt.Sprintf("%s %d %s", sign(op), counts[op], name))
	}
	return "**Changes:** " + strings.Join(parts, " · ")
}

func sortedResources(in []Resource) []Resource {
	out := make([]Resource, 0, len(in))
	for _, x := range in {
		if x.Op == "same" {
			continue // counted, not listed
		}
		out = append(out, x)
	}
	rank := func(op string) int {
		if n, ok := opOrder[op]; ok {
			return n
		}
		return len(opOrder)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if ra, rb := rank(a.Op), rank(b.Op); ra != rb {
			return ra < rb
		}
		if a.URN != b.URN {
			return a.URN < b.URN
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.Name < b.Name
	})
	return out
}

func sortedOutputs(in []Output) []Output {
	out := append([]Output(nil), in...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func tableHead(reasons bool) string {
	if reasons {
		return "| | Type | Name | Changes | Replaced because |\n|---|---|---|---|---|\n"
	}
	return "| | Type | Name | Changes |\n|---|---|---|---|\n"
}

// resourceRow renders one table row. After a refresh (refreshed), a
// delete is a resource that no longer exists in Twilio.
func resourceRow(x Resource, reasons, refreshed bool) string {
	var b strings.Builder
	op := x.Op
	opName := op
	if _, known := opSign[op]; !known {
		opName = code(op, 40, true)
	}
	if x.Failed {
		opName += " ❌"
	}
	b.WriteString("| " + sign(op) + " " + opName + " | " + code(shortType(x.Type), maxField, true) +
		" | " + code(x.Name, maxField, true) + " | ")
	if refreshed && op == "delete" && len(x.Diffs) == 0 {
		b.WriteString("_no longer exists in Twilio_")
	}
	diffs := append([]PropertyDiff(nil), x.Diffs...)
	sort.SliceStable(diffs, func(i, j int) bool { return diffs[i].Path < diffs[j].Path })
	for i, d := range diffs {
		if i == maxDiffs {
			fmt.Fprintf(&b, "<br>… and %d more", len(diffs)-maxDiffs)
			break
		}
		if i > 0 {
			b.WriteString("<br>")
		}
		b.WriteString(diffCell(d))
	}
	if reasons {
		b.WriteString(" | ")
		for i, p := range x.ReplaceReasons {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(code(p, maxField, true))
		}
	}
	b.WriteString(" |\n")
	return b.String()
}

// shortType keeps the type token readable; the full URN is not shown.
func shortType(t string) string { return t }

func diffCell(d PropertyDiff) string {
	p := code(d.Path, maxField, true) + ": "
	if d.Secret {
		return p + "`[secret]`"
	}
	switch d.Kind {
	case KindAdd:
		return p + "_added_ " + code(d.New, maxValue, true)
	case KindDelete:
		return p + code(d.Old, maxValue, true) + " _removed_"
	default:
		return p + code(d.Old, maxValue, true) + " → " + code(d.New, maxValue, true)
	}
}

const outputsHead = "#### Outputs\n\n| Name | Value |\n|---|---|\n"

func outputRow(o Output) string {
	v := "`[secret]`"
	if !o.Secret {
		v = code(o.Value, maxOutput, true)
	}
	return "| " + code(o.Name, maxField, true) + " | " + v + " |\n"
}

// errorSection renders the error in a fence; above max bytes it keeps the
// head and the tail, which carry the operation and the cause.
func errorSection(e string, max int) (string, bool) {
	cut := false
	if len(e) > max {
		half := max / 2
		lo := half
		for lo > 0 && !utf8.RuneStart(e[lo]) {
			lo--
		}
		hi := len(e) - half
		for hi < len(e) && !utf8.RuneStart(e[hi]) {
			hi++
		}
		e = e[:lo] + fmt.Sprintf("\n… %d bytes cut …\n", hi-lo) + e[hi:]
		cut = true
	}
	return "#### Error\n\n" + fence(e) + "\n", cut
}

// logSection renders the log's tail in a collapsed section of at most
// max bytes, or nothing when even a useful tail does not fit.
func logSection(log string, max int) (string, bool) {
	if strings.TrimSpace(log) == "" {
		return "", false
	}
	wrap := func(summary, body string) string {
		return "<details><summary>" + summary + "</summary>\n\n" + fence(body) + "\n</details>\n"
	}
	s := wrap("Engine log", log)
	if len(s) <= max {
		return s, false
	}
	// Escaping can only grow the text, so cut the raw log by the overflow
	// and retry until it fits.
	keep := len(log)
	for keep > 0 {
		keep -= len(s) - max + 64
		if keep <= 0 {
			break
		}
		start := len(log) - keep
		for start < len(log) && !utf8.RuneStart(log[start]) {
			start++
		}
		if i := strings.IndexByte(log[start:], '\n'); i >= 0 && i < 200 {
			start += i + 1
		}
		tail := log[start:]
		s = wrap(fmt.Sprintf("Engine log (last %d of %d bytes)", len(tail), len(log)), tail)
		if len(s) <= max {
			return s, true
		}
	}
	return "", true
}

// safeURL returns u if it is an absolute http(s) URL, escaped for use as a
// Markdown link destination, else "".
func safeURL(u string) string {
	if u == "" || len(u) > maxRunURL {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		return ""
	}
	s := p.String()
	// Characters that end or break a link destination.
	r := strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E", "\"", "%22", "`", "%60", "|", "%7C", "[", "%5B", "]", "%5D")
	return r.Replace(s)
}
