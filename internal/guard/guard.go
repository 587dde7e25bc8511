// Package guard is the reviewed-change guard's pure half: the change set
// of a preview, its canonical encoding and digest, the hidden comment line
// that records them, and the comparison a push's up makes against them.
//
// A change set lists, for each resource a preview would touch, its URN,
// its operation and the names of its changed properties, never their
// values (values can hold secrets). It is sorted by URN, and property
// names are sorted and deduplicated, so the same change previewed again
// on the same base encodes to the same bytes and the same digest,
// whatever order the engine reported the steps in.
//
//	set := guard.FromReport(previewReport)
//	line := guard.Line(set) // written right after the sticky comment's marker
//	reviewed, ok, err := guard.Parse(commentBody)
//	if ok && !guard.Same(reviewed, actual) { /* per Policy */ }
package guard

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/tdeploy/twilio-deploy-action/internal/report"
)

// Change is one resource's planned step.
type Change struct {
	URN   string
	Op    string   // create, update, replace, delete, ...
	Props []string // changed property paths, sorted, no values
}

// Set is a change set, sorted by URN (FromReport and Decode make it so).
type Set []Change

// ignoredOps are steps that change nothing in Twilio.
var ignoredOps = map[string]bool{"same": true, "read": true, "refresh": true, "": true}

// FromReport is the change set of a preview's report: every resource whose
// step would change something, with its diffed and replace-forcing
// property paths.
func FromReport(r *report.Report) Set {
	var out Set
	for _, res := range r.Resources {
		if ignoredOps[res.Op] {
			continue
		}
		var props []string
		for _, d := range res.Diffs {
			props = append(props, d.Path)
		}
		props = append(props, res.ReplaceReasons...)
		out = append(out, Change{URN: res.URN, Op: res.Op, Props: props})
	}
	return normalize(out)
}

func normalize(s Set) Set {
	for i := range s {
		p := slices.Clone(s[i].Props)
		sort.Strings(p)
		s[i].Props = slices.Compact(p)
	}
	sort.SliceStable(s, func(i, j int) bool {
		if s[i].URN != s[j].URN {
			return s[i].URN < s[j].URN
		}
		return s[i].Op < s[j].Op
	})
	return s
}

// Encode is the canonical text of a set: one line per resource, "op URN
// prop,prop", each field percent-encoded where it could hold a space,
// comma or newline.
func Encode(s Set) string {
	var b strings.Builder
	for _, c := range s {
		props := make([]string, len(c.Props))
		for i, p := range c.Props {
			props[i] = esc(p)
		}
		fmt.Fprintf(&b, "%s %s %s\n", esc(c.Op), esc(c.URN), strings.Join(props, ","))
	}
	return b.String()
}

// Decode parses Encode's text.
func Decode(text string) (Set, error) {
	var out Set
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if line == "" {
			continue
		}
		f := strings.Split(line, " ")
		if len(f) != 3 {
			return nil, fmt.Errorf("change set line %q: want 3 fields", line)
		}
		c := Change{Op: unesc(f[0]), URN: unesc(f[1])}
		if f[2] != "" {
			for _, p := range strings.Split(f[2], ",") {
				c.Props = append(c.Props, unesc(p))
			}
		}
		out = append(out, c)
	}
	return normalize(out), nil
}

// Digest is the short (16 hex digits of SHA-256) digest of Encode(s).
func Digest(s Set) string {
	sum := sha256.Sum256([]byte(Encode(s)))
	return hex.EncodeToString(sum[:8])
}

// Same reports whether two sets are the same change.
func Same(a, b Set) bool { return Encode(a) == Encode(b) }

// linePrefix starts the hidden line; it differs from the sticky comment's
// marker ("<!-- twilio-deploy-action: ") so marker matching ignores it.
const linePrefix = "<!-- twilio-deploy-action-changes: v1 "

// MaxLine bounds the hidden line; a bigger set records its digest only.
const MaxLine = 16 << 10

// Line is the hidden HTML comment that records a set in the sticky
// comment, right after its marker line: the digest and the base64url
// encoding (which cannot form "-->"), or the digest alone when the
// encoding would pass MaxLine.
func Line(s Set) string {
	enc := base64.RawURLEncoding.EncodeToString([]byte(Encode(s)))
	if len(enc)+len(linePrefix)+40 > MaxLine {
		enc = "-"
	}
	return linePrefix + "sha256=" + Digest(s) + " " + enc + " -->"
}

// Recorded is what a comment's hidden line holds.
type Recorded struct {
	Digest string
	Set    Set  // nil when only the digest was recorded
	Full   bool // Set holds the whole reviewed set
}

// ErrBadLine is a hidden line that does not parse or whose set does not
// match its digest (edited by hand).
var ErrBadLine = errors.New("the comment's change-set line is damaged")

// Parse finds the hidden line in a comment body. ok is false for a
// comment without one (written before the guard existed).
func Parse(body string) (rec Recorded, ok bool, err error) {
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, linePrefix) || !strings.HasSuffix(line, " -->") {
			continue
		}
		f := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(line, linePrefix), " -->"))
		if len(f) != 2 || !strings.HasPrefix(f[0], "sha256=") {
			return Recorded{}, true, ErrBadLine
		}
		rec.Digest = strings.TrimPrefix(f[0], "sha256=")
		if f[1] == "-" {
			return rec, true, nil
		}
		raw, err := base64.RawURLEncoding.DecodeString(f[1])
		if err != nil {
			return Recorded{}, true, ErrBadLine
		}
		s, err := Decode(string(raw))
		if err != nil || Digest(s) != rec.Digest {
			return Recorded{}, true, ErrBadLine
		}
		rec.Set, rec.Full = s, true
		return rec, true, nil
	}
	return Recorded{}, false, nil
}

// Matches reports whether actual is the recorded change.
func (r Recorded) Matches(actual Set) bool { return r.Digest == Digest(actual) }

func esc(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == ',' || c == '%' || c >= 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func unesc(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if c, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(c))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
