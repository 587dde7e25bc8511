package guard

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tdeploy/twilio-deploy-action/internal/report"
)

// Policy is the on-unreviewed-change input: what an up does when its
// preview differs from the reviewed one, or when nothing was reviewed.
type Policy string

// Policies.
const (
	// Fail stops before the up: nothing changes, the run fails.
	Fail Policy = "fail"
	// Warn annotates and shows both sets, and the up proceeds. The
	// default: a fail default would break every repository that pushes
	// to an environment branch directly or comments with comment-mode
	// off on the day it upgrades; a warning shows the gap first.
	Warn Policy = "warn"
	// Ignore skips the guard (and its GitHub calls).
	Ignore Policy = "ignore"
)

// ParsePolicy reads the input; empty means Warn.
func ParsePolicy(s string) (Policy, error) {
	switch p := Policy(strings.ToLower(strings.TrimSpace(s))); p {
	case "":
		return Warn, nil
	case Fail, Warn, Ignore:
		return p, nil
	}
	return "", fmt.Errorf("on-unreviewed-change %q is not one of fail, warn, ignore", s)
}

// SideBySide is the job summary's Markdown table of the reviewed and the
// actual change, one row per URN in either set; rows that differ are
// marked. reviewed may be nil (only a digest was recorded, or nothing).
func SideBySide(reviewed Set, reviewedKnown bool, actual Set) string {
	rev, act := byURN(reviewed), byURN(actual)
	urns := map[string]bool{}
	for u := range rev {
		urns[u] = true
	}
	for u := range act {
		urns[u] = true
	}
	sorted := make([]string, 0, len(urns))
	for u := range urns {
		sorted = append(sorted, u)
	}
	sort.Strings(sorted)
	var b strings.Builder
	b.WriteString("| | resource | reviewed | actual |\n|---|---|---|---|\n")
	for _, u := range sorted {
		r, a := rev[u], act[u]
		mark := "✅"
		if !reviewedKnown {
			mark = "❔"
		} else if cell(r) != cell(a) {
			mark = "❌"
		}
		rc := cell(r)
		if !reviewedKnown {
			rc = "_(not recorded)_"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mark, report.Cell(u), rc, cell(a))
	}
	if len(sorted) == 0 {
		b.WriteString("| ✅ | _(no changes)_ | | |\n")
	}
	return b.String()
}

func byURN(s Set) map[string]*Change {
	m := map[string]*Change{}
	for i := range s {
		m[s[i].URN] = &s[i]
	}
	return m
}

func cell(c *Change) string {
	if c == nil {
		return "_(none)_"
	}
	s := report.Cell(c.Op)
	if len(c.Props) > 0 {
		s += " " + report.Cell(strings.Join(c.Props, ", "))
	}
	return s
}
