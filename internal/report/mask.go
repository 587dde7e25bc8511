package report

import (
	"sort"
	"strings"
)

// MaskText replaces a masked value.
const MaskText = "***"

// Masker removes raw secret values (credentials the Action read) from
// strings. The zero value masks nothing.
type Masker struct {
	secrets []string
}

// NewMasker returns a Masker for the non-empty values in secrets.
func NewMasker(secrets []string) *Masker {
	m := &Masker{}
	seen := map[string]bool{}
	for _, s := range secrets {
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		m.secrets = append(m.secrets, s)
	}
	return m
}

// Mask returns s with every occurrence of the secrets replaced by ***.
func Mask(s string, secrets []string) string { return NewMasker(secrets).Mask(s) }

// Mask returns s with every occurrence of m's secrets replaced by ***.
// Overlapping occurrences of different secrets are masked as one span, so
// no fragment of either survives.
func (m *Masker) Mask(s string) string {
	if m == nil || len(m.secrets) == 0 || s == "" {
		return s
	}
	type span struct{ lo, hi int }
	var spans []span
	for _, sec := range m.secrets {
		for i := 0; ; {
			j := strings.Index(s[i:], sec)
			if j < 0 {
				break
			}
			spans = append(spans, span{i + j, i + j + len(sec)})
			i += j + 1
		}
	}
	if len(spans) == 0 {
		return s
	}
	sort.Slice(spans, func(a, b int) bool { return spans[a].lo < spans[b].lo })
	var b strings.Builder
	b.Grow(len(s))
	pos := 0
	for k := 0; k < len(spans); {
		lo, hi := spans[k].lo, spans[k].hi
		for k++; k < len(spans) && spans[k].lo <= hi; k++ {
			hi = max(hi, spans[k].hi)
		}
		b.WriteString(s[pos:lo])
		b.WriteString(MaskText)
		pos = hi
	}
	b.WriteString(s[pos:])
	return b.String()
}

// Report returns a deep copy of r with every string masked.
func (m *Masker) Report(r *Report) *Report {
	if r == nil {
		return &Report{}
	}
	c := *r
	f := m.Mask
	c.Repo, c.ProgramPath, c.Stack, c.Branch = f(r.Repo), f(r.ProgramPath), f(r.Stack), f(r.Branch)
	c.Environment, c.Commit, c.Operation, c.Result = f(r.Environment), f(r.Commit), f(r.Operation), f(r.Result)
	c.Error, c.Log, c.RunURL = f(r.Error), f(r.Log), f(r.RunURL)
	if r.Counts != nil {
		c.Counts = make(map[string]int, len(r.Counts))
		for k, v := range r.Counts {
			c.Counts[f(k)] = v
		}
	}
	c.Resources = make([]Resource, len(r.Resources))
	for i, res := range r.Resources {
		nr := Resource{Op: f(res.Op), Type: f(res.Type), Name: f(res.Name), URN: f(res.URN), Failed: res.Failed}
		for _, d := range res.Diffs {
			nr.Diffs = append(nr.Diffs, PropertyDiff{Path: f(d.Path), Old: f(d.Old), New: f(d.New), Secret: d.Secret, Kind: d.Kind})
		}
		for _, reason := range res.ReplaceReasons {
			nr.ReplaceReasons = append(nr.ReplaceReasons, f(reason))
		}
		c.Resources[i] = nr
	}
	c.Outputs = make([]Output, len(r.Outputs))
	for i, o := range r.Outputs {
		c.Outputs[i] = Output{Name: f(o.Name), Value: f(o.Value), Secret: o.Secret}
	}
	return &c
}
