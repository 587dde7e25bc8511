// Package stack runs one Pulumi operation on one stack through the
// Automation API, with the CLI the Action ships (bin/pulumi).
//
// Everything the run needs is plain data in Settings; the Automation API
// options are built from it by small functions the tests check field by
// field, and Run drives the real engine (tested in integration tests).
//
// Stack lifecycle: preview and up create the stack when it does not exist;
// refresh, drift and destroy never create one and report Missing instead.
// The stack is not selected up front (`pulumi stack select` would cost one
// CLI start per run): every command names it with --stack, and a missing
// stack surfaces as the first command's "no stack named" error, after which
// the stack is created (`pulumi stack init`) and the command run again.
// Plain config values are written straight into Pulumi.<stack>.yaml; secret
// ones go through `pulumi config set-all` (they need the secrets provider). A destroy for a deleted branch also removes the
// stack (optdestroy.Remove). The branch that owns a stack is recorded in the
// stack tag twilio-deploy:branch when the Action creates it (or first runs
// up on it); every operation (preview, up, refresh, drift, destroy) refuses
// a stack whose tag names another branch, which is how two branches that
// derive one stack name (feature/a and feature-a) are caught, unless the
// stack was named explicitly (the stack-name input: sharing it is then a
// decision, as for branches mapped to one secret name).
//
// Environment: the Pulumi CLI, the YAML language host and the provider run
// with Settings.Env (the Action's environment without the secrets input and
// other branches' credentials, completed by PrepareEnv, then the branch's
// env file (ReadEnvFile), then the Twilio variables the Action sets, in
// increasing precedence). What else the Action knows of Pulumi is here
// too: where the CLI is (Root, NewCLI, the Engine the flow drives), what
// makes a folder a project (HasProject), where the CLI keeps its login
// (PulumiHome).
package stack

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/tdeploy/twilio-deploy-action/internal/event"
)

// OwnerTag is the stack tag that names the branch owning a stack.
const OwnerTag = "twilio-deploy:branch"

// Settings describe one run.
type Settings struct {
	WorkDir         string // folder of Pulumi.yaml
	Stack           string
	Branch          string
	CheckOwner      bool // enforce OwnerTag (false when stack-name was given)
	Env             map[string]string
	SecretsProvider string
	Config          []ConfigValue

	Operation       event.Operation
	Refresh         bool
	Parallel        int
	Targets         []string
	ExpectNoChanges bool
	Message         string
	RemoveStack     bool // destroy only: remove the stack afterwards
	// PreviewFirst makes up run a preview first and stop, changing
	// nothing, when it fails (a *PreviewError). The engine checks a
	// resource's inputs only when the program registers it, and creates
	// the resources registered before it meanwhile; a preview checks
	// them all. The Automation API's up always skips the preview the
	// CLI's `pulumi up` runs.
	PreviewFirst bool
	// PreviewSinks receive the events of that preview.
	PreviewSinks []Sink `json:"-"`
	// BeforeUp, when set, is called between that preview and the up (once
	// PreviewSinks have every event); its error stops the run before
	// anything changes, and Run returns it (the reviewed-change guard).
	BeforeUp func() error `json:"-"`
	// NoPlan turns off the update plan: by default that preview saves one
	// and the up follows it (optpreview.Plan, optup.Plan), so the engine
	// refuses any step the preview did not show. An up with Refresh runs
	// without it: its refresh may find state the preview did not plan for.
	NoPlan bool

	// Holder is this run as HolderTag records it (Repository, RunID,
	// Attempt; nil outside GitHub: nothing is recorded). RunState asks
	// GitHub whether the run that holds a lock still runs, and Runs
	// which runs of the repository are in progress, for a lock whose
	// holder was killed before it recorded itself (nil: only a lock's age,
	// StaleLockAge or DefaultStaleLockAge, tells it is stale). Notice is
	// told what the run did about a lock: waited for it, or released it.
	Holder       *Holder       `json:"-"`
	RunState     RunState      `json:"-"`
	Runs         Runs          `json:"-"`
	StaleLockAge time.Duration `json:"-"`
	Notice       func(string)  `json:"-"`
	// Restart, when set, is called before Run runs the operation again
	// (its preview too, for an up with PreviewFirst): after a lock wait
	// or release, or once it created the stack. What gathered the last
	// try's events starts over, so the report is the new try's: another
	// run may have changed the stack meanwhile.
	Restart func() `json:"-"`

	// Trace, when set, is told when each step of Run ends (for timing).
	Trace func(step string) `json:"-"`
}

// ConfigValue is one stack configuration value.
type ConfigValue struct {
	Key    string
	Value  string
	Secret bool
}

// ParseConfig reads the config input: a YAML map of keys (name or
// namespace:name) to values. A scalar is stored as the text written, quoted
// or not: YAML would read +15017122661 as 15017122661 and 0012 as the octal
// 10, and Pulumi keeps config as text anyway. A map with the single key
// "secret" is stored as a Pulumi secret; other maps and lists are stored as
// JSON text, in which a scalar is a number or boolean only when its text is
// one in JSON (so "0012" and "+15017122661" stay strings there too). The
// result is sorted by key.
func ParseConfig(s string) ([]ConfigValue, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(s), &doc); err != nil {
		return nil, fmt.Errorf("config input is not a YAML map (KEY: VALUE per line): %w", err)
	}
	root := resolve(&doc)
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = resolve(root.Content[0])
	}
	if root.Kind != yaml.MappingNode {
		return nil, errors.New("config input is not a YAML map (KEY: VALUE per line)")
	}
	out := make([]ConfigValue, 0, len(root.Content)/2)
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := resolve(root.Content[i]).Value, resolve(root.Content[i+1])
		if strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("config input: empty key")
		}
		if seen[k] {
			return nil, fmt.Errorf("config input: %s is given twice", k)
		}
		seen[k] = true
		cv := ConfigValue{Key: k}
		if v.Kind == yaml.MappingNode && len(v.Content) == 2 && resolve(v.Content[0]).Value == "secret" {
			cv.Secret, v = true, resolve(v.Content[1])
		}
		text, err := configText(v)
		if err != nil {
			return nil, fmt.Errorf("config input %s: %w", k, err)
		}
		cv.Value = text
		out = append(out, cv)
	}
	slices.SortFunc(out, func(a, b ConfigValue) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// resolve follows a YAML alias (*name) to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func configText(n *yaml.Node) (string, error) {
	if n.Kind == yaml.ScalarNode {
		if n.ShortTag() == "!!null" {
			return "", nil
		}
		return n.Value, nil
	}
	v, err := jsonValue(n)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// jsonValue turns a YAML node into a value for encoding/json. A scalar is a
// JSON number or boolean only when its text already is one, else a string
// of its text.
func jsonValue(n *yaml.Node) (any, error) {
	n = resolve(n)
	switch n.Kind {
	case yaml.ScalarNode:
		switch tag := n.ShortTag(); {
		case tag == "!!null":
			return nil, nil
		case tag == "!!bool" && (n.Value == "true" || n.Value == "false"):
			return n.Value == "true", nil
		case (tag == "!!int" || tag == "!!float") && isJSONNumber(n.Value):
			return json.Number(n.Value), nil
		default: // strings, and numbers JSON would spell otherwise
			return n.Value, nil
		}
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := jsonValue(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := jsonValue(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			out[resolve(n.Content[i]).Value] = v
		}
		return out, nil
	default:
		return nil, fmt.Errorf("unsupported YAML value at line %d", n.Line)
	}
}

// isJSONNumber reports whether s is a number as JSON spells one (no "+",
// no leading zeros, no hex, no "_").
func isJSONNumber(s string) bool {
	var n json.Number
	return json.Unmarshal([]byte(s), &n) == nil && string(n) == s
}

// ParseList splits an input of items separated by newlines or commas.
func ParseList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' || r == '\r' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
