package report

import "github.com/tdeploy/twilio-deploy-action/internal/mask"

// MaskText replaces a masked value.
const MaskText = mask.Text

// Masker removes raw secret values (credentials the Action read) from
// the strings of a Report, through package mask (the masker of the job
// log too, so both agree on what a masked secret looks like). The zero
// value masks nothing.
type Masker struct {
	set *mask.Set
}

// NewMasker returns a Masker for secrets (values shorter than
// mask.MinLen are left alone).
func NewMasker(secrets []string) *Masker { return &Masker{set: mask.New(secrets...)} }

// Mask returns s with every occurrence of the secrets replaced by ***.
func Mask(s string, secrets []string) string { return NewMasker(secrets).Mask(s) }

// Mask returns s with every occurrence of m's secrets replaced by ***;
// overlapping occurrences are masked as one span.
func (m *Masker) Mask(s string) string {
	if m == nil {
		return s
	}
	return m.set.String(s)
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
