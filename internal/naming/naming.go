// Package naming turns a git branch into the names the Action uses for it:
// the Pulumi stack and the prefix of the repository secrets that hold the
// branch's Twilio credentials. It is pure: no I/O, no environment.
//
// # Stack names
//
// StackName(branch) is computed in this order:
//
//  1. A leading "refs/heads/" is dropped.
//  2. ASCII letters are lowercased (stacks differ by more than case, so a
//     case-insensitive backend or file system cannot mix two of them up).
//  3. Every run of characters other than a-z, 0-9, ".", "_" and "-" becomes
//     one "-". So "feature/new-ivr" gives "feature-new-ivr", and
//     "Fix/Ünïcode  names" gives "fix-n-code-names".
//  4. Leading and trailing ".", "_" and "-" are trimmed.
//  5. A result longer than 100 characters (Pulumi's limit) is cut to 91 and
//     "-" plus the first 8 hex digits of the SHA-256 of the branch is added;
//     an empty result (a branch of only other characters) is "branch-" plus
//     those 8 digits. Both keep the name deterministic and distinct.
//
// # Secret prefixes
//
// SecretPrefix(branch) is "TWILIO_" + NAME + "_", where NAME is the branch
// (after dropping "refs/heads/") with ASCII letters uppercased, every run of
// characters other than A-Z and 0-9 replaced by one "_", and leading and
// trailing "_" trimmed: "feature/new-ivr" gives "TWILIO_FEATURE_NEW_IVR_",
// and the credentials are read from TWILIO_FEATURE_NEW_IVR_ACCOUNT_SID and
// TWILIO_FEATURE_NEW_IVR_AUTH_TOKEN (or _API_KEY and _API_SECRET). A branch
// that leaves NAME empty uses "BRANCH_" plus the 8 hex digits above. GitHub
// secret names are upper case letters, digits and "_", so every prefix is a
// valid secret name.
//
// # Branch map and explicit stack
//
// A branch-map (ParseBranchMap) gives a branch another secret NAME:
// "main=PRODUCTION" makes main read TWILIO_PRODUCTION_*. Entries are
// "BRANCH=NAME", one per line or separated by commas; NAME is normalised by
// the SecretPrefix rule (and may be written with or without the TWILIO_
// prefix and trailing "_"). The map changes secrets only; the stack still
// follows the branch unless the stack-name input is set, which replaces the
// derived stack name as is (after checking it is a valid stack name).
//
// # Collisions
//
// Two branches collide when they would share a stack or a secret prefix
// without anyone asking for it. Resolve reports, as a *CollisionError:
//
//   - two branch-map entries for branches that give the same stack name
//     (feature/a and feature-a), or the same branch twice;
//   - a branch outside the map whose derived secret prefix is one the map
//     gives to another branch (map main=PRODUCTION and a branch named
//     "production": it would deploy with main's credentials);
//   - a branch outside the map whose stack name is the stack of a mapped
//     branch (map feature/a=A and a branch named feature-a).
//
// Mapping two different branches to one NAME on purpose (main=PROD,
// release=PROD) is allowed: that is a decision, not an accident. Collisions
// between unmapped branches (feature/a and feature-a) cannot be seen from
// names alone; the Action records the branch that owns a stack as the stack
// tag twilio-deploy:branch and refuses every operation on a stack another
// branch owns
// (see package stack), unless stack-name was set explicitly.
package naming

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// MaxStackName is Pulumi's limit on stack name length.
const MaxStackName = 100

// SecretPrefixBase starts every secret prefix.
const SecretPrefixBase = "TWILIO_"

// TrimRef drops a leading refs/heads/ from a git ref.
func TrimRef(branch string) string {
	return strings.TrimPrefix(branch, "refs/heads/")
}

func shortHash(branch string) string {
	sum := sha256.Sum256([]byte(branch))
	return hex.EncodeToString(sum[:4])
}

// StackName derives the stack name of a branch (see the package comment).
func StackName(branch string) string {
	s, _ := deriveStack(branch)
	return s
}

// deriveStack is StackName, and whether rule 5 replaced part or all of the
// name with a hash (so the name no longer reads as the branch).
func deriveStack(branch string) (string, bool) {
	branch = TrimRef(branch)
	var b strings.Builder
	dash := false
	for i := 0; i < len(branch); i++ {
		c := branch[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') || c == '.' || c == '_' || c == '-' {
			b.WriteByte(c)
			dash = false
			continue
		}
		if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.Trim(b.String(), "._-")
	switch {
	case s == "":
		return "branch-" + shortHash(branch), true
	case len(s) > MaxStackName:
		return strings.TrimRight(s[:MaxStackName-9], "._-") + "-" + shortHash(branch), true
	}
	return s, false
}

// secretName normalises s to upper case letters, digits and single "_".
func secretName(s string) string {
	var b strings.Builder
	under := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') {
			b.WriteByte(c)
			under = false
			continue
		}
		if !under {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.Trim(b.String(), "_")
}

// SecretPrefix derives the secret prefix of a branch, "TWILIO_<NAME>_".
func SecretPrefix(branch string) string {
	branch = TrimRef(branch)
	name := secretName(branch)
	if name == "" {
		name = "BRANCH_" + strings.ToUpper(shortHash(branch))
	}
	return SecretPrefixBase + name + "_"
}

// ValidStackName reports whether s is usable as a Pulumi stack name given
// by the user (letters, digits, ".", "_", "-"; at most 100 characters).
// Qualified names (org/project/stack) are allowed for Pulumi Cloud.
func ValidStackName(s string) error {
	parts := strings.Split(s, "/")
	if s == "" || len(parts) > 3 {
		return fmt.Errorf("stack name %q: want NAME or ORG/PROJECT/NAME", s)
	}
	for _, p := range parts {
		if p == "" {
			return fmt.Errorf("stack name %q: empty part", s)
		}
		for i := 0; i < len(p); i++ {
			c := p[i]
			if !(('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || c == '.' || c == '_' || c == '-') {
				return fmt.Errorf("stack name %q: only letters, digits, '.', '_' and '-' are allowed", s)
			}
		}
	}
	if len(parts[len(parts)-1]) > MaxStackName {
		return fmt.Errorf("stack name %q: longer than %d characters", s, MaxStackName)
	}
	return nil
}

// BranchMap maps branches (without refs/heads/) to secret NAMEs.
type BranchMap map[string]string

// ParseBranchMap reads "BRANCH=NAME" entries separated by newlines or
// commas. Blank entries and lines starting with "#" are skipped. It fails on
// a malformed entry, a NAME with nothing usable in it, the same branch twice,
// and two branches with the same stack name.
func ParseBranchMap(s string) (BranchMap, error) {
	m := BranchMap{}
	byStack := map[string]string{}
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' || r == '\r' }) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		branch, name, ok := strings.Cut(line, "=")
		branch, name = TrimRef(strings.TrimSpace(branch)), strings.TrimSpace(name)
		if !ok || branch == "" || name == "" {
			return nil, fmt.Errorf("branch-map entry %q: want BRANCH=NAME (main=PRODUCTION)", line)
		}
		norm := secretName(strings.TrimPrefix(strings.ToUpper(name), SecretPrefixBase))
		if norm == "" {
			return nil, fmt.Errorf("branch-map entry %q: NAME needs letters or digits", line)
		}
		if _, dup := m[branch]; dup {
			return nil, &CollisionError{Branches: []string{branch, branch}, Name: branch, Kind: "branch-map entry"}
		}
		st := StackName(branch)
		if other, dup := byStack[st]; dup {
			return nil, &CollisionError{Branches: []string{other, branch}, Name: st, Kind: "stack"}
		}
		byStack[st] = branch
		m[branch] = norm
	}
	return m, nil
}

// CollisionError says two branches would share a stack or secret prefix.
type CollisionError struct {
	Branches []string // the two branches, the one being resolved last
	Name     string   // the shared stack name or secret prefix
	Kind     string   // "stack", "secret prefix" or "branch-map entry"
}

func (e *CollisionError) Error() string {
	return fmt.Sprintf("branches %q and %q collide on the %s %s; rename one, give it its own entry in branch-map, or set stack-name",
		e.Branches[0], e.Branches[1], e.Kind, e.Name)
}

// ErrNoBranch is returned by Resolve for an empty branch.
var ErrNoBranch = errors.New("no branch to deploy")

// Target is what a branch resolves to.
type Target struct {
	Branch       string // without refs/heads/
	Stack        string
	SecretPrefix string // TWILIO_<NAME>_
	// ExplicitStack is true when the stack came from the stack-name input;
	// the stack ownership check is skipped then.
	ExplicitStack bool
	Mapped        bool // the secret prefix came from the branch map
	// Hashed is true when the derived stack name was cut (or, for a branch
	// of no usable characters, replaced) and ends in a hash of the branch:
	// the run says so, since the name no longer reads as the branch.
	Hashed bool
}

// Resolve names the stack and secret prefix of branch, given the branch-map
// and an explicit stack name (empty to derive it). See the package comment
// for what counts as a collision.
func Resolve(branch string, m BranchMap, stackName string) (Target, error) {
	branch = TrimRef(branch)
	if branch == "" {
		return Target{}, ErrNoBranch
	}
	t := Target{Branch: branch, SecretPrefix: SecretPrefix(branch)}
	t.Stack, t.Hashed = deriveStack(branch)
	if name, ok := m[branch]; ok {
		t.SecretPrefix, t.Mapped = SecretPrefixBase+name+"_", true
	} else {
		// Sorted so the error names the same branch every time.
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, other := range keys {
			if SecretPrefixBase+m[other]+"_" == t.SecretPrefix {
				return Target{}, &CollisionError{Branches: []string{other, branch}, Name: t.SecretPrefix, Kind: "secret prefix"}
			}
			if StackName(other) == t.Stack && stackName == "" {
				return Target{}, &CollisionError{Branches: []string{other, branch}, Name: t.Stack, Kind: "stack"}
			}
		}
	}
	if stackName != "" {
		if err := ValidStackName(stackName); err != nil {
			return Target{}, fmt.Errorf("stack-name input: %w", err)
		}
		t.Stack, t.ExplicitStack, t.Hashed = stackName, true, false
	}
	return t, nil
}

// HashNote explains a stack name that ends in a hash of the branch (see
// Hashed), for the run's log; it is empty for every other name.
func (t Target) HashNote() string {
	if !t.Hashed {
		return ""
	}
	if t.Stack == "branch-"+shortHash(t.Branch) {
		return fmt.Sprintf("Branch %q has no letters or digits a stack name can use, so its stack is %s, after a hash of the branch name; set the stack-name input to choose another.",
			t.Branch, t.Stack)
	}
	return fmt.Sprintf("Branch %q gives a stack name longer than Pulumi's %d characters, so its stack is %s: the name's first %d characters at most, plus a hash of the branch name that keeps it distinct; set the stack-name input to choose another.",
		t.Branch, MaxStackName, t.Stack, MaxStackName-9)
}
