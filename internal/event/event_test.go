package event

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	headSHA = "5f3c1a9e0d2b4c6e8f7a9b1c3d5e7f9a1b3c5d7e"
	pushSHA = "9d8c7b6a5f4e3d2c1b0a99887766554433221100"
	envSHA  = "feedfacefeedfacefeedfacefeedfacefeedface"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecide(t *testing.T) {
	t.Parallel()
	pr42 := func(action, base string) *PullRequest {
		return &PullRequest{Number: 42, URL: "https://github.com/tdeploy/ivr/pull/42", BaseRef: base, HeadRef: "feature/new-ivr", HeadSHA: headSHA}
	}
	tests := []struct {
		name    string
		event   string
		fixture string
		ref     string
		baseRef string
		command string
		want    Plan
	}{
		{"pr opened previews base", "pull_request", "pull_request_opened.json", "refs/pull/42/merge", "main", "",
			Plan{Operation: Preview, Branch: "main", SHA: headSHA, PullRequest: pr42("opened", "main")}},
		{"pr synchronize previews base", "pull_request", "pull_request_synchronize.json", "refs/pull/42/merge", "main", "",
			Plan{Operation: Preview, Branch: "main", SHA: headSHA, PullRequest: pr42("synchronize", "main")}},
		{"pr reopened previews its base", "pull_request", "pull_request_reopened.json", "refs/pull/42/merge", "staging", "",
			Plan{Operation: Preview, Branch: "staging", SHA: headSHA, PullRequest: pr42("reopened", "staging")}},
		{"pr_target opened previews base", "pull_request_target", "pull_request_opened.json", "refs/heads/main", "main", "",
			Plan{Operation: Preview, Branch: "main", SHA: envSHA, PullRequest: pr42("opened", "main")}},
		{"pr closed does nothing", "pull_request", "pull_request_closed.json", "refs/pull/42/merge", "main", "",
			Plan{Operation: None, Branch: "main", SHA: headSHA, PullRequest: pr42("closed", "main")}},
		{"pr labeled does nothing", "pull_request", "pull_request_labeled.json", "refs/pull/42/merge", "main", "",
			Plan{Operation: None, Branch: "main", SHA: headSHA, PullRequest: pr42("labeled", "main")}},
		{"fork pr is marked", "pull_request", "pull_request_fork.json", "refs/pull/43/merge", "main", "",
			Plan{Operation: Preview, Branch: "main", SHA: headSHA, PullRequest: &PullRequest{Number: 43, URL: "https://github.com/tdeploy/ivr/pull/43", BaseRef: "main", HeadRef: "patch-1", HeadSHA: headSHA, Fork: true}}},
		{"deleted head repo is a fork", "pull_request", "pull_request_deleted_fork.json", "refs/pull/44/merge", "main", "",
			Plan{Operation: Preview, Branch: "main", SHA: headSHA, PullRequest: &PullRequest{Number: 44, URL: "https://github.com/tdeploy/ivr/pull/44", BaseRef: "main", HeadRef: "patch-2", HeadSHA: headSHA, Fork: true}}},
		{"push deploys branch", "push", "push_branch.json", "refs/heads/feature/new-ivr", "", "",
			Plan{Operation: Up, Branch: "feature/new-ivr", SHA: pushSHA}},
		{"push to main", "push", "push_main.json", "refs/heads/main", "", "",
			Plan{Operation: Up, Branch: "main", SHA: pushSHA}},
		{"tag push does nothing", "push", "push_tag.json", "refs/tags/v1.2.0", "", "",
			Plan{Operation: None, SHA: pushSHA}},
		{"push deleting branch does nothing", "push", "push_deleted.json", "refs/heads/feature/new-ivr", "", "",
			Plan{Operation: None, Branch: "feature/new-ivr", SHA: "0000000000000000000000000000000000000000"}},
		{"branch delete destroys and removes", "delete", "delete_branch.json", "refs/heads/main", "", "",
			Plan{Operation: Destroy, Branch: "feature/new-ivr", RemoveStack: true, SHA: envSHA}},
		{"tag delete does nothing", "delete", "delete_tag.json", "refs/heads/main", "", "",
			Plan{Operation: None, SHA: envSHA}},
		{"dispatch runs command", "workflow_dispatch", "workflow_dispatch.json", "refs/heads/staging", "", "refresh",
			Plan{Operation: Refresh, Branch: "staging", SHA: envSHA}},
		{"dispatch without command deploys as a push", "workflow_dispatch", "workflow_dispatch.json", "refs/heads/staging", "", "",
			Plan{Operation: Up, Branch: "staging", SHA: envSHA}},
		{"schedule checks drift", "schedule", "schedule.json", "refs/heads/main", "", "",
			Plan{Operation: Drift, Branch: "main", SHA: envSHA}},
		{"other event does nothing", "issues", "issues_opened.json", "refs/heads/main", "", "",
			Plan{Operation: None, Branch: "main", SHA: envSHA}},
		{"command overrides push", "push", "push_branch.json", "refs/heads/feature/new-ivr", "", "preview",
			Plan{Operation: Preview, Branch: "feature/new-ivr", SHA: pushSHA}},
		{"command overrides other event", "issues", "issues_opened.json", "refs/heads/main", "", "UP",
			Plan{Operation: Up, Branch: "main", SHA: envSHA}},
		{"command destroy on delete keeps removal", "delete", "delete_branch.json", "refs/heads/main", "", "destroy",
			Plan{Operation: Destroy, Branch: "feature/new-ivr", RemoveStack: true, SHA: envSHA}},
		{"command preview on delete does not remove", "delete", "delete_branch.json", "refs/heads/main", "", "preview",
			Plan{Operation: Preview, Branch: "feature/new-ivr", SHA: envSHA}},
		{"pr command override keeps base", "pull_request", "pull_request_opened.json", "refs/pull/42/merge", "main", "up",
			Plan{Operation: Up, Branch: "main", SHA: headSHA, PullRequest: pr42("opened", "main")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkDecide(t, Input{Name: tt.event, Payload: fixture(t, tt.fixture), Ref: tt.ref, BaseRef: tt.baseRef, SHA: envSHA, Command: tt.command}, tt.want)
		})
	}
}

func TestDecidePREnvironments(t *testing.T) {
	t.Parallel()
	pr42 := func(base string) *PullRequest {
		return &PullRequest{Number: 42, URL: "https://github.com/tdeploy/ivr/pull/42", BaseRef: base, HeadRef: "feature/new-ivr", HeadSHA: headSHA}
	}
	forkClosed := strings.Replace(string(fixture(t, "pull_request_fork.json")), `"action": "opened"`, `"action": "closed"`, 1)
	if !strings.Contains(forkClosed, `"closed"`) {
		t.Fatal("fork fixture: no opened action to turn into closed")
	}
	fork43 := &PullRequest{Number: 43, URL: "https://github.com/tdeploy/ivr/pull/43", BaseRef: "main", HeadRef: "patch-1", HeadSHA: headSHA, Fork: true}
	tests := []struct {
		name    string
		event   string
		payload []byte
		baseRef string
		command string
		want    Plan
	}{
		{"opened deploys its environment", "pull_request", fixture(t, "pull_request_opened.json"), "main", "",
			Plan{Operation: Up, Branch: "main", SHA: headSHA, PullRequest: pr42("main"), PREnvironment: true}},
		{"synchronize updates it", "pull_request", fixture(t, "pull_request_synchronize.json"), "main", "",
			Plan{Operation: Up, Branch: "main", SHA: headSHA, PullRequest: pr42("main"), PREnvironment: true}},
		{"reopened deploys it again", "pull_request", fixture(t, "pull_request_reopened.json"), "staging", "",
			Plan{Operation: Up, Branch: "staging", SHA: headSHA, PullRequest: pr42("staging"), PREnvironment: true}},
		{"pull_request_target too", "pull_request_target", fixture(t, "pull_request_opened.json"), "main", "",
			Plan{Operation: Up, Branch: "main", SHA: envSHA, PullRequest: pr42("main"), PREnvironment: true}},
		{"closed destroys and removes", "pull_request", fixture(t, "pull_request_closed.json"), "main", "",
			Plan{Operation: Destroy, Branch: "main", SHA: headSHA, PullRequest: pr42("main"), PREnvironment: true, RemoveStack: true}},
		{"labeled does nothing", "pull_request", fixture(t, "pull_request_labeled.json"), "main", "",
			Plan{Operation: None, Branch: "main", SHA: headSHA, PullRequest: pr42("main")}},
		{"fork gets no environment", "pull_request_target", fixture(t, "pull_request_fork.json"), "main", "",
			Plan{Operation: None, Branch: "main", SHA: envSHA, PullRequest: fork43}},
		{"closed fork does nothing", "pull_request", []byte(forkClosed), "main", "",
			Plan{Operation: None, Branch: "main", SHA: headSHA, PullRequest: fork43}},
		{"command preview of the environment", "pull_request", fixture(t, "pull_request_opened.json"), "main", "preview",
			Plan{Operation: Preview, Branch: "main", SHA: headSHA, PullRequest: pr42("main"), PREnvironment: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkDecide(t, Input{Name: tt.event, Payload: tt.payload, Ref: "refs/pull/42/merge", BaseRef: tt.baseRef, SHA: envSHA, Command: tt.command, PREnvironments: true}, tt.want)
		})
	}
}

// checkDecide expects Decide(in) to give want (its Event set to in.Name)
// with some reason; the reason's wording is not compared.
func checkDecide(t *testing.T, in Input, want Plan) {
	t.Helper()
	got, err := Decide(in)
	if err != nil {
		t.Fatal(err)
	}
	if got.Reason == "" {
		t.Error("no reason given")
	}
	want.Event = in.Name
	ignoreReason := cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Reason" }, cmp.Ignore())
	if d := cmp.Diff(want, got, ignoreReason); d != "" {
		t.Errorf("plan (-want +got):\n%s", d)
	}
}

func TestDecideErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      Input
		wantErr string
		is      error
	}{
		{"dispatch on a tag", Input{Name: "workflow_dispatch", Payload: fixture(t, "workflow_dispatch.json"), Ref: "refs/tags/v1"}, "no branch to run up", nil},
		{"bad command", Input{Name: "push", Payload: fixture(t, "push_branch.json"), Command: "deploy"}, `command "deploy"`, nil},
		{"bad payload", Input{Name: "push", Payload: []byte("{")}, "read push event payload", nil},
		{"pr without pull_request", Input{Name: "pull_request", Payload: []byte(`{"action":"opened"}`)}, "no pull_request object", nil},
		{"schedule on a tag", Input{Name: "schedule", Payload: fixture(t, "schedule.json"), Ref: "refs/tags/v1"}, "no branch to run drift", nil},
		{"command on a tag push", Input{Name: "push", Payload: fixture(t, "push_tag.json"), Command: "up"}, "no branch to run up", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Decide(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("err = %v, want errors.Is %v", err, tt.is)
			}
		})
	}
}

func TestParseOperation(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"preview", " Up ", "refresh", "destroy", "drift"} {
		if _, err := ParseOperation(s); err != nil {
			t.Errorf("ParseOperation(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"", "none", "deploy"} {
		if _, err := ParseOperation(s); err == nil {
			t.Errorf("ParseOperation(%q) = nil error", s)
		}
	}
}
