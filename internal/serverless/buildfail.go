package serverless

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Build is a Build as Twilio returns it (GET
// /v1/Services/{ServiceSid}/Builds/{Sid}). It is all Twilio says about a
// failed build: the Build and its Status resource carry a status and no
// reason, and the API has no build log (the environment's Logs resource
// holds what deployed Functions print, and a failed build is never
// deployed). So a failure is reported with everything here plus what
// changed since the last build that worked.
type Build struct {
	SID              string
	Status           string
	Runtime          string
	Dependencies     []Dependency
	FunctionVersions int
	AssetVersions    int
	Created, Updated time.Time
}

// DependencyChange is a package.json dependency that differs from the last
// build: From is "" when added, To is "" when removed.
type DependencyChange struct {
	Name, From, To string
}

// BuildError is a build that ended "failed" (or never ended).
type BuildError struct {
	BuildSID string
	// Status is "failed", or `still "building" after 10m0s`.
	Status string
	// Build is Twilio's Build resource; nil when fetching it failed too
	// (FetchErr says why).
	Build    *Build
	FetchErr error
	// What this build changed from the last one that worked: source files
	// added and changed, URL paths removed, the runtime ("" when the same)
	// and the dependencies.
	Added, Changed, Removed []string
	PrevRuntime             string
	Dependencies            []DependencyChange
}

// Files are the sources uploaded for this build: the likely culprits.
func (e *BuildError) Files() []string {
	return slices.Sorted(slices.Values(append(slices.Clone(e.Added), e.Changed...)))
}

func (e *BuildError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Twilio build %s %s", e.BuildSID, e.Status)
	if bd := e.Build; bd != nil {
		fmt.Fprintf(&b, " (runtime %s, %d functions, %d assets, %d dependencies", orNone(bd.Runtime), bd.FunctionVersions, bd.AssetVersions, len(bd.Dependencies))
		if !bd.Created.IsZero() && bd.Updated.After(bd.Created) {
			fmt.Fprintf(&b, ", ended %s after it started", bd.Updated.Sub(bd.Created).Round(time.Second))
		}
		b.WriteString(")")
	}
	b.WriteString(".\nChanged in this build:")
	changes := 0
	line := func(label string, items []string) {
		if len(items) > 0 {
			fmt.Fprintf(&b, "\n  %s: %s", label, strings.Join(items, ", "))
			changes++
		}
	}
	line("added", e.Added)
	line("changed", e.Changed)
	line("removed", e.Removed)
	if e.PrevRuntime != "" && e.Build != nil && e.PrevRuntime != e.Build.Runtime {
		line("runtime", []string{e.PrevRuntime + " -> " + orNone(e.Build.Runtime)})
	}
	var deps []string
	for _, d := range e.Dependencies {
		switch {
		case d.From == "":
			deps = append(deps, fmt.Sprintf("+%s %s", d.Name, d.To))
		case d.To == "":
			deps = append(deps, fmt.Sprintf("-%s %s", d.Name, d.From))
		default:
			deps = append(deps, fmt.Sprintf("%s %s -> %s", d.Name, d.From, d.To))
		}
	}
	line("dependencies", deps)
	if changes == 0 {
		b.WriteString(" nothing (the first build of this environment)")
	}
	if e.Build != nil && len(e.Build.Dependencies) > 0 {
		var all []string
		for _, d := range e.Build.Dependencies {
			all = append(all, d.Name+" "+d.Version)
		}
		fmt.Fprintf(&b, "\nDependencies of this build: %s", strings.Join(all, ", "))
	}
	if e.FetchErr != nil {
		fmt.Fprintf(&b, "\nThe build's details could not be read: %v", e.FetchErr)
	}
	b.WriteString("\nTwilio gives no reason for a failed build (its API has no build log). ")
	b.WriteString("The usual causes: a dependency npm cannot install (a name or version that does not exist, ")
	b.WriteString("or one that does not support the runtime), or a runtime Twilio no longer builds. ")
	b.WriteString("Fix the change above, then deploy again.")
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// dependencyChanges lists what differs between two dependency lists, by name.
func dependencyChanges(prev, want []Dependency) []DependencyChange {
	old := map[string]string{}
	for _, d := range prev {
		old[d.Name] = d.Version
	}
	var out []DependencyChange
	seen := map[string]bool{}
	for _, d := range want {
		seen[d.Name] = true
		if v, ok := old[d.Name]; !ok || v != d.Version {
			out = append(out, DependencyChange{Name: d.Name, From: v, To: d.Version})
		}
	}
	for _, d := range prev {
		if !seen[d.Name] {
			out = append(out, DependencyChange{Name: d.Name, From: d.Version})
		}
	}
	slices.SortFunc(out, func(a, b DependencyChange) int { return strings.Compare(a.Name, b.Name) })
	return out
}
