// Package event decides what the Action does for a GitHub event: which
// operation, on which branch's environment. It is pure: it reads the event
// name, the event payload and a few GITHUB_* values given to it.
//
// The table (Decide):
//
//	event                                   operation  environment (branch)
//	pull_request, pull_request_target
//	  opened / synchronize / reopened       preview    the PR's base branch
//	  any other action                      none
//
// Both preview the program in the work dir, whichever commit the workflow
// checked out: the pull request's merge commit for pull_request (Plan.SHA
// is then the PR's head), the base branch's commit (GITHUB_SHA, Plan.SHA)
// for pull_request_target, which GitHub runs with the base repository's
// secrets and a token that can write, also for forks. This package never
// checks anything out.
//
//	event                                   operation  environment (branch)
//	push to refs/heads/B                    up         B (stack created if new)
//	push that deletes a branch, tag push    none
//	delete with ref_type branch             destroy    the deleted branch; the
//	                                                   stack is removed after
//	delete of a tag                         none
//	workflow_dispatch                       command    the dispatched ref's branch
//	                                        input, or
//	                                        up without one
//	schedule                                drift      the ref's branch (default
//	                                                   branch): a refresh preview
//	anything else                           none       (notice, exit 0)
//
// With the pr-environments input, pull requests get their own environment
// instead (PREnvironment is set; the stack is pr-<number>):
//
//	pull_request, pull_request_target
//	  opened / synchronize / reopened       up         the PR's sub-account
//	  closed (merged or not)                destroy    the PR's sub-account; the
//	                                                   stack is removed after
//	  from a fork                           none       (notice: a fork's code
//	                                                   never gets the parent
//	                                                   account)
//
// A non-empty command input overrides the operation for every event,
// including those marked none, and keeps the event's branch; only the
// branch-delete row removes the stack.
package event

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Operation is what the Action runs.
type Operation string

// The operations. Drift is a refresh preview whose changes are the drift.
const (
	None    Operation = "none"
	Preview Operation = "preview"
	Up      Operation = "up"
	Refresh Operation = "refresh"
	Destroy Operation = "destroy"
	Drift   Operation = "drift"
)

// ParseOperation reads the command input.
func ParseOperation(s string) (Operation, error) {
	switch op := Operation(strings.ToLower(strings.TrimSpace(s))); op {
	case Preview, Up, Refresh, Destroy, Drift:
		return op, nil
	}
	return "", fmt.Errorf("command %q: want preview, up, refresh, destroy or drift", s)
}

// Input is everything Decide looks at.
type Input struct {
	Name    string // GITHUB_EVENT_NAME
	Payload []byte // contents of GITHUB_EVENT_PATH; may be empty
	Ref     string // GITHUB_REF
	BaseRef string // GITHUB_BASE_REF
	SHA     string // GITHUB_SHA
	Command string // the command input; empty follows the table
	// PREnvironments is the pr-environments input: pull requests get
	// their own environment (a sub-account and the stack pr-<number>).
	PREnvironments bool
}

// PullRequest is the part of a pull_request payload the Action uses.
type PullRequest struct {
	Number  int
	URL     string // html_url
	BaseRef string
	HeadRef string
	HeadSHA string
	// Fork is true when the head repository is not the base repository:
	// the workflow has no secrets and a read-only token then.
	Fork bool
}

// Plan is the decision.
type Plan struct {
	Event     string
	Operation Operation
	Branch    string // environment branch, without refs/heads/
	// RemoveStack removes the stack after a destroy (branch deleted).
	RemoveStack bool
	// Reason explains the decision in one line, for the log.
	Reason      string
	SHA         string       // the commit the run is about
	PullRequest *PullRequest // set for pull_request events
	// PREnvironment is true when the run is about the pull request's own
	// environment (pr-environments), not its base branch's.
	PREnvironment bool
}

type payload struct {
	Action      string `json:"action"`
	Ref         string `json:"ref"`
	RefType     string `json:"ref_type"`
	Deleted     bool   `json:"deleted"`
	After       string `json:"after"`
	PullRequest *struct {
		Number  int    `json:"number"`
		HTMLURL string `json:"html_url"`
		Head    struct {
			Ref  string `json:"ref"`
			SHA  string `json:"sha"`
			Repo *struct {
				FullName string `json:"full_name"`
				Fork     bool   `json:"fork"`
			} `json:"repo"`
		} `json:"head"`
		Base struct {
			Ref  string `json:"ref"`
			Repo *struct {
				FullName string `json:"full_name"`
			} `json:"repo"`
		} `json:"base"`
	} `json:"pull_request"`
}

func branchOf(ref string) (string, bool) {
	b, ok := strings.CutPrefix(ref, "refs/heads/")
	if !ok || b == "" {
		return "", false
	}
	return b, true
}

// Decide applies the table in the package comment.
func Decide(in Input) (Plan, error) {
	var p payload
	if len(strings.TrimSpace(string(in.Payload))) > 0 {
		if err := json.Unmarshal(in.Payload, &p); err != nil {
			return Plan{}, fmt.Errorf("read %s event payload: %w", in.Name, err)
		}
	}
	plan := Plan{Event: in.Name, Operation: None, SHA: in.SHA}
	branch, hasBranch := branchOf(in.Ref)

	switch in.Name {
	case "pull_request", "pull_request_target":
		if p.PullRequest == nil {
			return Plan{}, fmt.Errorf("read %s event payload: no pull_request object", in.Name)
		}
		pr := &PullRequest{
			Number: p.PullRequest.Number, URL: p.PullRequest.HTMLURL,
			BaseRef: p.PullRequest.Base.Ref, HeadRef: p.PullRequest.Head.Ref, HeadSHA: p.PullRequest.Head.SHA,
		}
		if pr.BaseRef == "" {
			pr.BaseRef = strings.TrimPrefix(in.BaseRef, "refs/heads/")
		}
		if h, b := p.PullRequest.Head.Repo, p.PullRequest.Base.Repo; h == nil || (b != nil && h.FullName != b.FullName) {
			// A deleted head repository (nil) can only be a fork's.
			pr.Fork = true
		}
		plan.PullRequest, plan.Branch, hasBranch = pr, pr.BaseRef, pr.BaseRef != ""
		// pull_request checks out the pull request (its merge commit),
		// named by its head; pull_request_target checks out the base
		// branch's commit, GITHUB_SHA, and that is the code that runs
		// unless the workflow checks out another.
		if pr.HeadSHA != "" && in.Name == "pull_request" {
			plan.SHA = pr.HeadSHA
		}
		switch p.Action {
		case "opened", "synchronize", "reopened", "closed":
			if !in.PREnvironments {
				break
			}
			if pr.Fork {
				plan.Reason = fmt.Sprintf("pull request #%d comes from a fork: no pull request environment (a fork's code never runs with the parent account)", pr.Number)
				break
			}
			plan.PREnvironment = true
			if p.Action == "closed" {
				plan.Operation, plan.RemoveStack = Destroy, true
				plan.Reason = fmt.Sprintf("pull request #%d closed: destroy its environment, remove the stack, close its sub-account", pr.Number)
				break
			}
			plan.Operation = Up
			plan.Reason = fmt.Sprintf("pull request #%d %s: deploy it to its own environment", pr.Number, p.Action)
		}
		switch {
		case plan.PREnvironment || plan.Reason != "":
		case p.Action == "opened" || p.Action == "synchronize" || p.Action == "reopened":
			plan.Operation = Preview
			plan.Reason = fmt.Sprintf("pull request #%d %s: preview what merging does to %s", pr.Number, p.Action, pr.BaseRef)
		default:
			plan.Reason = fmt.Sprintf("pull request #%d %s: nothing to do", pr.Number, p.Action)
		}
	case "push":
		ref := p.Ref
		if ref == "" {
			ref = in.Ref
		}
		branch, hasBranch = branchOf(ref)
		if p.After != "" {
			plan.SHA = p.After
		}
		switch {
		case !hasBranch:
			plan.Reason = fmt.Sprintf("push of %s is not a branch: nothing to do", ref)
		case p.Deleted:
			plan.Reason = fmt.Sprintf("push deleted branch %s: nothing to do (the delete event destroys its stack)", branch)
		default:
			plan.Operation = Up
			plan.Reason = fmt.Sprintf("push to %s: deploy it", branch)
		}
		plan.Branch = branch
	case "delete":
		branch, hasBranch = p.Ref, p.Ref != "" && p.RefType == "branch"
		if hasBranch {
			plan.Operation, plan.RemoveStack = Destroy, true
			plan.Reason = fmt.Sprintf("branch %s deleted: destroy its environment and remove the stack", branch)
			plan.Branch = branch
		} else {
			plan.Reason = fmt.Sprintf("%s %s deleted: nothing to do", p.RefType, p.Ref)
		}
	case "workflow_dispatch":
		// Run workflow on a branch with no command: what a push to that
		// branch does (the usual "deploy again" button), not an error.
		plan.Branch = branch
		plan.Operation = Up
		plan.Reason = fmt.Sprintf("workflow_dispatch on %s without a command input: deploy it, as a push to %s does", branch, branch)
	case "schedule":
		plan.Branch = branch
		plan.Operation = Drift
		plan.Reason = fmt.Sprintf("scheduled run: check %s for drift", branch)
	default:
		plan.Branch = branch
		plan.Reason = fmt.Sprintf("event %s does not deploy anything: nothing to do", in.Name)
	}

	if strings.TrimSpace(in.Command) != "" {
		op, err := ParseOperation(in.Command)
		if err != nil {
			return Plan{}, err
		}
		if plan.Operation != op {
			plan.RemoveStack = false
		}
		plan.Operation = op
		plan.Reason = fmt.Sprintf("%s event with command input %s", in.Name, op)
	}
	if plan.Operation != None && !hasBranch {
		return Plan{}, fmt.Errorf("%s event on %q: no branch to run %s on; run the workflow on a branch", in.Name, in.Ref, plan.Operation)
	}
	return plan, nil
}
