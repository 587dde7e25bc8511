package action

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/tdeploy/twilio-deploy-action/internal/guard"
	"github.com/tdeploy/twilio-deploy-action/internal/stack"
)

// Inputs are the action.yml inputs: ReadInputs reads them from the INPUT_*
// variables the runner passes (upper case, hyphens kept: INPUT_WORK-DIR);
// local mode and the demo fill them in directly.
type Inputs struct {
	Command         string
	WorkDir         string
	StackName       string
	BranchMap       string
	Secrets         string
	Config          string
	SecretsProvider string
	Refresh         bool
	Parallel        int
	Targets         []string
	ExpectNoChanges bool
	Message         string
	CommentMode     string // update, recreate, off
	GitHubToken     string
	PREnvironments  bool
	PRParent        string
	TwilioAPIURL    string
	// NoDriftIssue is drift-issue: false. Inverted so that the zero
	// value is action.yml's default, on: a scheduled check's warning is
	// seen by no one, an issue by the repository's watchers.
	NoDriftIssue bool
	// Deployments records ups as GitHub deployments (deployment.go).
	Deployments bool
	// EnvironmentURLOutput names the stack output whose URL the
	// deployment links to ("View deployment"); empty for none.
	EnvironmentURLOutput string
	// OnUnreviewedChange is what a push's up does when its preview is not
	// the change its merged pull request's comment showed (package guard);
	// empty is guard.Warn, the default.
	OnUnreviewedChange guard.Policy
	// NoPlan is use-plan: false. By default an up follows the update plan
	// of the preview it runs first (measured: +2% on the demo program).
	NoPlan bool
}

// Comment modes.
const (
	CommentUpdate   = "update"
	CommentRecreate = "recreate"
	CommentOff      = "off"
)

// InputError is an input ReadInputs rejected.
type InputError struct {
	Name string // as in action.yml: comment-mode, parallel, ...
	Err  error
}

func (e *InputError) Error() string { return e.Name + " input: " + e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// keepsPlan: only the command and pr-environments inputs change the
// plan, so with any other input bad the failure can still be reported
// where the run would have reported (the pull request comment).
func (e *InputError) keepsPlan() bool { return e.Name != "command" && e.Name != "pr-environments" }

func input(getenv func(string) string, name string) string {
	return strings.TrimSpace(getenv("INPUT_" + strings.ToUpper(strings.ReplaceAll(name, " ", "_"))))
}

// ReadInputs reads and checks the inputs. Defaults are action.yml's, so a
// run outside the runner (or a test) may leave any of them unset.
func ReadInputs(getenv func(string) string) (Inputs, error) {
	in := Inputs{
		Command:         input(getenv, "command"),
		WorkDir:         input(getenv, "work-dir"),
		StackName:       input(getenv, "stack-name"),
		BranchMap:       input(getenv, "branch-map"),
		Secrets:         getenv("INPUT_SECRETS"),
		Config:          getenv("INPUT_CONFIG"),
		SecretsProvider: input(getenv, "secrets-provider"),
		Targets:         stack.ParseList(getenv("INPUT_TARGET")),
		Message:         input(getenv, "message"),
		CommentMode:     strings.ToLower(input(getenv, "comment-mode")),
		GitHubToken:     input(getenv, "github-token"),
		PRParent:        input(getenv, "pr-parent"),
		TwilioAPIURL:    input(getenv, "twilio-api-url"),

		EnvironmentURLOutput: input(getenv, "environment-url-output"),
	}
	if in.WorkDir == "" {
		in.WorkDir = "."
	}
	if in.CommentMode == "" {
		in.CommentMode = CommentUpdate
	}
	// Every input is read even after a bad one, so the run can still
	// decide its plan and report the error where a reader looks.
	var errs []error
	switch in.CommentMode {
	case CommentUpdate, CommentRecreate, CommentOff:
	default:
		errs = append(errs, &InputError{"comment-mode", fmt.Errorf("%q: want update, recreate or off", in.CommentMode)})
	}
	if raw := input(getenv, "on-unreviewed-change"); raw != "" {
		pol, err := guard.ParsePolicy(raw)
		if err != nil {
			errs = append(errs, &InputError{"on-unreviewed-change", err})
		}
		in.OnUnreviewedChange = pol
	}
	if in.PRParent == "" {
		in.PRParent = "PARENT"
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"refresh", &in.Refresh}, {"expect-no-changes", &in.ExpectNoChanges}, {"pr-environments", &in.PREnvironments},
		{"deployments", &in.Deployments}} {
		v, err := parseBool(input(getenv, b.name))
		if err != nil {
			errs = append(errs, &InputError{b.name, err})
		}
		*b.dst = v
	}
	if v := input(getenv, "drift-issue"); v != "" {
		on, err := parseBool(v)
		if err != nil {
			errs = append(errs, &InputError{"drift-issue", err})
		}
		in.NoDriftIssue = !on && err == nil
	}
	if v := input(getenv, "use-plan"); v != "" {
		use, err := parseBool(v)
		if err != nil {
			errs = append(errs, &InputError{"use-plan", err})
		}
		in.NoPlan = !use
	}
	if p := input(getenv, "parallel"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			errs = append(errs, &InputError{"parallel", fmt.Errorf("%q: want a whole number of at least 1, or empty", p)})
		} else {
			in.Parallel = n
		}
	}
	return in, errors.Join(errs...)
}

// KeepsPlan reports whether the plan can be decided despite err, an
// error of ReadInputs: whether every input it rejects is one the plan
// does not depend on.
func KeepsPlan(err error) bool {
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	for _, e := range list {
		var ie *InputError
		if !errors.As(e, &ie) || !ie.keepsPlan() {
			return false
		}
	}
	return true
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "", "false", "no", "0", "off":
		return false, nil
	case "true", "yes", "1", "on":
		return true, nil
	}
	return false, fmt.Errorf("%q: want true or false", s)
}
