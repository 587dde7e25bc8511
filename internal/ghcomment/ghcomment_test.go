package ghcomment_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment"
	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment/fakegithub"
	"github.com/tdeploy/twilio-deploy-action/internal/github"
	"github.com/tdeploy/twilio-deploy-action/internal/report"
)

const (
	owner = "tdeploy"
	repo  = "ivr"
	pr    = 7
	token = "ghs_test_token"
)

func client(t *testing.T, s *fakegithub.Server, tok string) *github.PullRequest {
	t.Helper()
	g, err := github.NewPullRequest(nil, s.URL, tok, owner, repo, pr)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// seed posts n comments by people, with ours (marker + body) at index at
// (or nowhere when at < 0).
func seed(s *fakegithub.Server, n, at int, marker, body string) {
	for i := 0; i < n; i++ {
		if i == at {
			s.AddComment(owner, repo, pr, "github-actions[bot]", marker+"\n"+body)
			continue
		}
		s.AddComment(owner, repo, pr, "reviewer", fmt.Sprintf("comment %d, quoting:\n> %s", i, marker))
	}
}

func TestUpsertFindsCommentOnPage3AndEditsIt(t *testing.T) {
	t.Parallel()
	s := fakegithub.New(t)
	marker := ghcomment.Marker("infra", "dev")
	seed(s, 100, 65, marker, "old body") // 30 a page: ours is on page 3 of 4
	ours := s.Comments(owner, repo, pr)[65]
	s.ResetCalls()

	res, err := ghcomment.Upsert(t.Context(), client(t, s, token).WithPerPage(30), marker, marker+"\nnew body", ghcomment.ModeUpdate)
	if err != nil {
		t.Fatal(err)
	}
	if res.Action != ghcomment.Updated || res.CommentID != ours.ID {
		t.Errorf("result %+v, want updated comment %d", res, ours.ID)
	}
	want := fmt.Sprintf("%s/%s/%s/pull/%d#issuecomment-%d", strings.TrimSuffix(s.URL, "/api/v3"), owner, repo, pr, ours.ID)
	if res.URL != want {
		t.Errorf("URL %q, want %q", res.URL, want)
	}
	all := s.Comments(owner, repo, pr)
	if len(all) != 100 {
		t.Errorf("%d comments, want 100 (edited, not duplicated)", len(all))
	}
	if all[65].Body != marker+"\nnew body" {
		t.Errorf("comment body %q", all[65].Body)
	}
	calls := s.Calls()
	// Page 1, then 4, then 3, where it is found; page 2 is never read.
	if got := calls["GET /repos/{owner}/{repo}/issues/{number}/comments"]; got != 3 {
		t.Errorf("%d list calls, want 3:\n%s", got, s.CallSummary())
	}
	if s.Writes() != 1 || calls["PATCH /repos/{owner}/{repo}/issues/comments/{id}"] != 1 {
		t.Errorf("writes:\n%s", s.CallSummary())
	}
}

func TestUpsertUnchangedBodyDoesNotWrite(t *testing.T) {
	t.Parallel()
	s := fakegithub.New(t)
	g := client(t, s, token)
	marker := ghcomment.Marker("infra", "dev")
	body := marker + "\nsame\r\nbody" // GitHub stores CRLF as LF
	first, err := ghcomment.Upsert(t.Context(), g, marker, body, ghcomment.ModeUpdate)
	if err != nil || first.Action != ghcomment.Created {
		t.Fatalf("first upsert: %+v, %v", first, err)
	}
	s.ResetCalls()
	for _, mode := range []ghcomment.Mode{ghcomment.ModeUpdate, ghcomment.ModeRecreate} {
		res, err := ghcomment.Upsert(t.Context(), g, marker, body, mode)
		if err != nil {
			t.Fatal(err)
		}
		if res.Action != ghcomment.Unchanged || res.URL != first.URL {
			t.Errorf("%s: %+v, want unchanged %s", mode, res, first.URL)
		}
	}
	if s.Writes() != 0 {
		t.Errorf("unchanged bodies caused writes:\n%s", s.CallSummary())
	}
}

func TestUpsertOneCommentPerPathAndStack(t *testing.T) {
	t.Parallel()
	s := fakegithub.New(t)
	g := client(t, s, token)
	keys := [][2]string{{"infra", "dev"}, {"infra", "prod"}, {"sms", "dev"}}
	for round := 0; round < 3; round++ { // matrix jobs, rerun three times
		for _, k := range keys {
			m := ghcomment.Marker(k[0], k[1])
			if _, err := ghcomment.Upsert(t.Context(), g, m, fmt.Sprintf("%s\nround %d", m, round), ghcomment.ModeUpdate); err != nil {
				t.Fatal(err)
			}
		}
	}
	all := s.Comments(owner, repo, pr)
	if len(all) != len(keys) {
		t.Fatalf("%d comments, want %d", len(all), len(keys))
	}
	for i, k := range keys {
		if want := ghcomment.Marker(k[0], k[1]) + "\nround 2"; all[i].Body != want {
			t.Errorf("comment %d = %q, want %q", i, all[i].Body, want)
		}
	}
}

// TestUpsertIgnoresOutsiderMarker: a comment by someone outside the
// repository that starts with the marker is not taken over; a member's is
// (members can edit the thread anyway).
func TestUpsertIgnoresOutsiderMarker(t *testing.T) {
	t.Parallel()
	s := fakegithub.New(t)
	s.Members = []string{"maintainer"}
	marker := ghcomment.Marker("infra", "dev")
	ours := s.AddComment(owner, repo, pr, "github-actions[bot]", marker+"\nv1")
	s.AddComment(owner, repo, pr, "outsider", marker+"\nfake report")
	res, err := ghcomment.Upsert(t.Context(), client(t, s, token), marker, marker+"\nv2", ghcomment.ModeUpdate)
	if err != nil || res.CommentID != ours.ID || res.Action != ghcomment.Updated {
		t.Fatalf("%+v %v, want our comment %d updated", res, err, ours.ID)
	}
	if got := s.Comments(owner, repo, pr)[1].Body; got != marker+"\nfake report" {
		t.Errorf("outsider's comment changed to %q", got)
	}
	member := s.AddComment(owner, repo, pr, "maintainer", marker+"\nby hand")
	res, err = ghcomment.Upsert(t.Context(), client(t, s, token), marker, marker+"\nv3", ghcomment.ModeUpdate)
	if err != nil || res.CommentID != member.ID {
		t.Errorf("%+v %v, want the member's comment %d", res, err, member.ID)
	}
}

func TestUpsertPrependsMissingMarker(t *testing.T) {
	t.Parallel()
	s := fakegithub.New(t)
	marker := ghcomment.Marker(".", "dev")
	if _, err := ghcomment.Upsert(t.Context(), client(t, s, token), marker, "body", ghcomment.ModeUpdate); err != nil {
		t.Fatal(err)
	}
	if got := s.Comments(owner, repo, pr)[0].Body; got != marker+"\nbody" {
		t.Errorf("body %q", got)
	}
}

func TestUpsertRecreateMinimizesOld(t *testing.T) {
	t.Parallel()
	s := fakegithub.New(t)
	g := client(t, s, token)
	marker := ghcomment.Marker("infra", "dev")
	seed(s, 5, 2, marker, "v1")
	old := s.Comments(owner, repo, pr)[2]
	s.ResetCalls()

	res, err := ghcomment.Upsert(t.Context(), g, marker, marker+"\nv2", ghcomment.ModeRecreate)
	if err != nil {
		t.Fatal(err)
	}
	all := s.Comments(owner, repo, pr)
	if res.Action != ghcomment.Recreated || len(all) != 6 || all[5].ID != res.CommentID || all[5].Body != marker+"\nv2" {
		t.Fatalf("result %+v; comments %+v", res, all)
	}
	if !all[2].Minimized || all[2].ID != old.ID {
		t.Errorf("old comment not minimized: %+v", all[2])
	}
	c := s.Calls()
	if c["POST /repos/{owner}/{repo}/issues/{number}/comments"] != 1 || c["POST /graphql minimizeComment"] != 1 || s.Writes() != 2 {
		t.Errorf("calls:\n%s", s.CallSummary())
	}

	// The next run finds the new comment (the newest with the marker),
	// not the minimized one.
	res, err = ghcomment.Upsert(t.Context(), g, marker, marker+"\nv3", ghcomment.ModeUpdate)
	if err != nil || res.CommentID != all[5].ID || res.Action != ghcomment.Updated {
		t.Errorf("after recreate: %+v, %v", res, err)
	}
}

func TestUpsertRecreateDeletesWithoutGraphQL(t *testing.T) {
	t.Parallel()
	s := fakegithub.New(t)
	s.DisableGraphQL = true
	marker := ghcomment.Marker("infra", "dev")
	seed(s, 3, 1, marker, "v1")
	res, err := ghcomment.Upsert(t.Context(), client(t, s, token), marker, marker+"\nv2", ghcomment.ModeRecreate)
	if err != nil {
		t.Fatal(err)
	}
	all := s.Comments(owner, repo, pr)
	if len(all) != 3 || all[2].ID != res.CommentID || strings.Contains(all[0].Body+all[1].Body, "v1") {
		t.Errorf("want the old comment deleted and the new one last: %+v", all)
	}
	if s.Calls()["DELETE /repos/{owner}/{repo}/issues/comments/{id}"] != 1 {
		t.Errorf("calls:\n%s", s.CallSummary())
	}
}

func TestUpsertForkTokenIsPermissionError(t *testing.T) {
	t.Parallel()
	s := fakegithub.New(t)
	s.ForkToken = "ghs_fork_read_only"
	marker := ghcomment.Marker("infra", "dev")
	_, err := ghcomment.Upsert(t.Context(), client(t, s, s.ForkToken), marker, marker+"\nx", ghcomment.ModeUpdate)
	var perm *ghcomment.PermissionError
	if !errors.As(err, &perm) || perm.Status != 403 || !errors.Is(err, ghcomment.ErrPermission) {
		t.Fatalf("error %v (%T), want a 403 PermissionError", err, err)
	}
	if !strings.Contains(err.Error(), "Resource not accessible by integration") {
		t.Errorf("error lacks GitHub's message: %v", err)
	}
	if len(s.Comments(owner, repo, pr)) != 0 {
		t.Error("a comment was stored")
	}
}

func TestErrorsAreTyped(t *testing.T) {
	t.Parallel()
	s := fakegithub.New(t)
	ctx := t.Context()

	// 422: the fake applies GitHub's limit (65,536 characters).
	_, err := client(t, s, token).CreateComment(ctx, strings.Repeat("é", fakegithub.MaxBody+1))
	var st *ghcomment.StatusError
	if !errors.As(err, &st) || st.Status != 422 || errors.Is(err, ghcomment.ErrPermission) || !strings.Contains(err.Error(), "body is too long") {
		t.Errorf("oversized body: %v", err)
	}
	// Upsert refuses it before any call.
	s.ResetCalls()
	_, err = ghcomment.Upsert(ctx, client(t, s, token), "<!-- m -->", strings.Repeat("x", ghcomment.MaxBody), ghcomment.ModeUpdate)
	if !errors.Is(err, ghcomment.ErrTooLarge) || s.Reads()+s.Writes() != 0 {
		t.Errorf("oversized upsert: %v, calls:\n%s", err, s.CallSummary())
	}
	// 401 without a token: not a permission problem the Action should hide.
	_, err = client(t, s, "").ListComments(ctx, 1)
	if !errors.As(err, &st) || st.Status != 401 {
		t.Errorf("no token: %v", err)
	}
	// 404 for a comment (or repository) the token cannot see.
	_, err = client(t, s, token).EditComment(ctx, 424242, "x")
	var perm *ghcomment.PermissionError
	if !errors.As(err, &perm) || perm.Status != 404 {
		t.Errorf("missing comment: %v", err)
	}
	// A dead server: a plain wrapped error.
	dead := fakegithub.New(t)
	url := dead.URL
	dead.Close()
	g, _ := github.NewPullRequest(nil, url, token, owner, repo, pr)
	if _, err = g.ListComments(ctx, 1); err == nil || errors.As(err, &st) || errors.As(err, &perm) {
		t.Errorf("dead server: %v", err)
	}
}

func TestModeOffMakesNoCall(t *testing.T) {
	t.Parallel()
	s := fakegithub.New(t)
	res, err := ghcomment.Upsert(t.Context(), client(t, s, token), "<!-- m -->", "x", ghcomment.ModeOff)
	if err != nil || res.Action != ghcomment.Skipped || s.Reads()+s.Writes() != 0 {
		t.Errorf("%+v %v\n%s", res, err, s.CallSummary())
	}
}

func TestParseMode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want ghcomment.Mode
		err  bool
	}{
		{"", ghcomment.ModeUpdate, false},
		{"update", ghcomment.ModeUpdate, false},
		{" Recreate ", ghcomment.ModeRecreate, false},
		{"off", ghcomment.ModeOff, false},
		{"delete", "", true},
	} {
		got, err := ghcomment.ParseMode(tc.in)
		if got != tc.want || (err != nil) != tc.err {
			t.Errorf("ParseMode(%q) = %q, %v", tc.in, got, err)
		}
	}
}

func TestMarker(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ path, stack, want string }{
		{"infra", "dev", "<!-- twilio-deploy-action: infra dev -->"},
		{"./infra/", "feature-new-ivr", "<!-- twilio-deploy-action: infra feature-new-ivr -->"},
		{"", "dev", "<!-- twilio-deploy-action: . dev -->"},
		{"a b", "x-->y", "<!-- twilio-deploy-action: a%20b x%2D-%3Ey -->"},
		{"p\n<!--", "s--!>", "<!-- twilio-deploy-action: p%0A%3C%21%2D- s%2D-%21%3E -->"},
	} {
		got := ghcomment.Marker(tc.path, tc.stack)
		if got != tc.want {
			t.Errorf("Marker(%q, %q) = %q, want %q", tc.path, tc.stack, got, tc.want)
		}
		inner := strings.TrimSuffix(strings.TrimPrefix(got, "<!--"), "-->")
		if strings.Contains(inner, "--") || strings.ContainsAny(inner, "<>\n") {
			t.Errorf("Marker(%q, %q) = %q can end the HTML comment early", tc.path, tc.stack, got)
		}
	}
	if ghcomment.Marker("infra", "dev") == ghcomment.Marker("infra", "dev2") {
		t.Error("markers collide")
	}
}

// TestCallsPerRun measures GitHub API calls per run (the figure in the
// report): reads never exceed the number of comment pages, and writes are
// at most one in update mode, none when the body is unchanged.
func TestCallsPerRun(t *testing.T) {
	t.Parallel()
	big := report.Markdown(bigReport(), report.Options{Marker: ghcomment.Marker("infra", "dev")})
	for _, tc := range []struct {
		name   string
		others int // comments by people
		at     int // index of ours, -1 for none
	}{
		{"empty PR", 0, -1},
		{"few comments", 5, 2},
		{"ours first of 250", 250, 0},
		{"ours last of 250", 250, 249},
		{"none in 1000", 1000, -1},
		{"ours mid 1000", 1000, 480},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := fakegithub.New(t)
			marker := ghcomment.Marker("infra", "dev")
			seed(s, tc.others, tc.at, marker, "previous")
			g := client(t, s, token)
			for _, run := range []struct {
				body      string
				maxWrites int
			}{{big, 1}, {big, 0}} {
				pages := max(1, (len(s.Comments(owner, repo, pr))+github.PerPage-1)/github.PerPage)
				s.ResetCalls()
				res, err := ghcomment.Upsert(context.Background(), g, marker, run.body, ghcomment.ModeUpdate)
				if err != nil {
					t.Fatal(err)
				}
				if s.Reads() > pages || s.Writes() > run.maxWrites {
					t.Errorf("%s: %d reads (pages %d), %d writes (max %d):\n%s", res.Action, s.Reads(), pages, s.Writes(), run.maxWrites, s.CallSummary())
				}
				t.Logf("%s: %d pages, %s: %d reads, %d writes", tc.name, pages, res.Action, s.Reads(), s.Writes())
			}
		})
	}
}

// bigReport renders to nearly the full 65,536 bytes, so the test also
// shows the fake accepts what the renderer produces.
func bigReport() *report.Report {
	r := &report.Report{Stack: "dev", Operation: report.OpPreview, Result: report.ResultSucceeded}
	for i := 0; i < 3000; i++ {
		r.Resources = append(r.Resources, report.Resource{Op: "create", Type: "twilio:sync/v1:Service", Name: fmt.Sprintf("svc-é-%d", i), URN: fmt.Sprint(i)})
	}
	return r
}
