package serverless

import (
	"fmt"
	"maps"
	"slices"
	"sort"
)

// Entry is what the manifest records for one URL path: enough to tell
// whether a file needs a new version.
type Entry struct {
	Kind       Kind       `json:"kind"`
	Visibility Visibility `json:"visibility"`
	SHA256     string     `json:"sha256"`
}

// Manifest maps URL path -> Entry.
type Manifest map[string]Entry

// ManifestOf computes the manifest of scanned files.
func ManifestOf(files []File) Manifest {
	m := make(Manifest, len(files))
	for _, f := range files {
		m[f.Path] = Entry{Kind: f.Kind, Visibility: f.Visibility, SHA256: f.SHA256}
	}
	return m
}

// Deployed is one file as deployed: its entry plus the Twilio SIDs of its
// Function or Asset (ZH...) and of the version holding this content (ZN...).
type Deployed struct {
	Entry
	Source      string `json:"source,omitempty"`
	ResourceSID string `json:"resourceSid"`
	VersionSID  string `json:"versionSid"`
}

// State is everything a deployment remembers between runs.
type State struct {
	ServiceSID     string `json:"serviceSid"`
	ServiceName    string `json:"serviceName"`
	EnvironmentSID string `json:"environmentSid"`
	DomainSuffix   string `json:"domainSuffix"`
	DomainName     string `json:"domainName"`
	// BuildSID is the build deployed last; empty forces a new build (after
	// a refresh found another build on the environment).
	BuildSID      string              `json:"buildSid"`
	DeploymentSID string              `json:"deploymentSid"`
	Runtime       string              `json:"runtime"`
	Dependencies  []Dependency        `json:"dependencies"`
	Files         map[string]Deployed `json:"files"`
	// Variables hold values (secrets): the adapter stores them as Pulumi
	// secrets and never logs them.
	Variables map[string]Variable `json:"variables"`
}

// Manifest returns the state's manifest.
func (s *State) Manifest() Manifest {
	m := make(Manifest, len(s.Files))
	for p, d := range s.Files {
		m[p] = d.Entry
	}
	return m
}

// Desired is what a deployment should become.
type Desired struct {
	Dir          string // the scanned project folder
	ServiceName  string
	DomainSuffix string // "" is the production (bare) domain
	Files        []File
	Runtime      string
	Dependencies []Dependency
	Variables    map[string]string
}

// FileChange is one line of the plan shown in a preview.
type FileChange struct {
	Path   string
	Kind   Kind
	Reason string // "content", "visibility public -> protected", "kind"
}

// Plan is what Deploy will do, computed without any API call.
type Plan struct {
	Added, Changed []FileChange
	Removed        []string
	Unchanged      []string
	// Upload lists the paths that need a new version (added or changed).
	Upload []string
	// Build is true when a new build is needed: files were added, changed
	// or removed, the runtime or dependencies changed, or there is no
	// build yet.
	Build bool
	// SetVariables (new or changed values) and DeleteVariables are keys.
	SetVariables, DeleteVariables []string
	// Deploy is true when a new deployment is needed: a new build, or
	// changed variables (Twilio applies variables on deployment).
	Deploy bool
}

// NoChange reports whether applying the plan makes no call that writes.
func (p *Plan) NoChange() bool { return !p.Build && !p.Deploy }

// Summary lists the file changes for a human, one per line.
func (p *Plan) Summary() []string {
	var out []string
	for _, c := range p.Added {
		out = append(out, fmt.Sprintf("+ %s (%s)", c.Path, c.Kind))
	}
	for _, c := range p.Changed {
		out = append(out, fmt.Sprintf("~ %s (%s: %s)", c.Path, c.Kind, c.Reason))
	}
	for _, r := range p.Removed {
		out = append(out, "- "+r)
	}
	return out
}

// MakePlan compares the desired deployment with the previous state (nil
// for a first deployment). It is pure.
func MakePlan(prev *State, want Desired) *Plan {
	p := &Plan{}
	var old map[string]Deployed
	if prev != nil {
		old = prev.Files
	}
	seen := make(map[string]bool, len(want.Files))
	for _, f := range want.Files {
		seen[f.Path] = true
		d, ok := old[f.Path]
		switch {
		case !ok:
			p.Added = append(p.Added, FileChange{Path: f.Path, Kind: f.Kind})
		case d.Kind != f.Kind:
			p.Changed = append(p.Changed, FileChange{Path: f.Path, Kind: f.Kind, Reason: "kind " + string(d.Kind) + " -> " + string(f.Kind)})
		case d.VersionSID == "":
			p.Changed = append(p.Changed, FileChange{Path: f.Path, Kind: f.Kind, Reason: "no version yet"})
		case d.Visibility != f.Visibility:
			p.Changed = append(p.Changed, FileChange{Path: f.Path, Kind: f.Kind, Reason: "visibility " + string(d.Visibility) + " -> " + string(f.Visibility)})
		case d.SHA256 != f.SHA256:
			p.Changed = append(p.Changed, FileChange{Path: f.Path, Kind: f.Kind, Reason: "content"})
		default:
			p.Unchanged = append(p.Unchanged, f.Path)
		}
	}
	for path := range old {
		if !seen[path] {
			p.Removed = append(p.Removed, path)
		}
	}
	sort.Strings(p.Removed)
	for _, c := range p.Added {
		p.Upload = append(p.Upload, c.Path)
	}
	for _, c := range p.Changed {
		p.Upload = append(p.Upload, c.Path)
	}
	sort.Strings(p.Upload)

	p.Build = prev == nil || prev.BuildSID == "" || len(p.Upload) > 0 || len(p.Removed) > 0 ||
		prev.Runtime != want.Runtime || !slices.Equal(prev.Dependencies, want.Dependencies)

	var oldVars map[string]Variable
	if prev != nil {
		oldVars = prev.Variables
	}
	for _, k := range slices.Sorted(maps.Keys(want.Variables)) {
		if v, ok := oldVars[k]; !ok || v.SID == "" || v.Value != want.Variables[k] {
			p.SetVariables = append(p.SetVariables, k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(oldVars)) {
		if _, ok := want.Variables[k]; !ok {
			p.DeleteVariables = append(p.DeleteVariables, k)
		}
	}
	p.Deploy = p.Build || len(p.SetVariables) > 0 || len(p.DeleteVariables) > 0
	return p
}
