package action

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment"
	"github.com/tdeploy/twilio-deploy-action/internal/guard"
	"github.com/tdeploy/twilio-deploy-action/internal/report"
	"github.com/tdeploy/twilio-deploy-action/internal/report/engine"
	"github.com/tdeploy/twilio-deploy-action/internal/stack"
)

// guardEngine runs an up as stack.Run does with PreviewFirst: the preview's
// events to PreviewSinks, then BeforeUp, then the up's events.
type guardEngine struct {
	fakeEngine
	ups int
}

func (g *guardEngine) Run(ctx context.Context, s stack.Settings, sinks ...stack.Sink) (stack.Result, error) {
	for _, e := range g.events { // the preview sees what the up will do
		for _, sink := range s.PreviewSinks {
			sink(events.EngineEvent{EngineEvent: e})
		}
	}
	if s.BeforeUp != nil {
		if err := s.BeforeUp(); err != nil {
			return stack.Result{}, err
		}
	}
	g.ups++
	return g.fakeEngine.Run(ctx, s, sinks...)
}

// reviewedBody is the comment a preview of created(create) writes.
func reviewedBody(t *testing.T, op apitype.OpType) string {
	col := engine.NewCollector(report.Report{Operation: report.OpPreview})
	for _, e := range created(op) {
		col.Add(events.EngineEvent{EngineEvent: e})
	}
	return ghcomment.Marker(".", "feature-x") + "\n" + guard.Line(guard.FromReport(col.Report())) + "\n## report\n"
}

func TestGuardFlow(t *testing.T) {
	t.Parallel()
	const sid, token = "AC0123456789abcdef0123456789abcdef", "tok0123456789abcdef0123456789abcd"
	secrets := `{"TWILIO_FEATURE_X_ACCOUNT_SID":"` + sid + `","TWILIO_FEATURE_X_AUTH_TOKEN":"` + token + `"}`
	push := Event{Name: "push", Ref: "refs/heads/feature/x", SHA: "abc", Payload: []byte(`{"ref":"refs/heads/feature/x"}`)}
	same, other := reviewedBody(t, apitype.OpCreate), reviewedBody(t, apitype.OpUpdate)
	tests := []struct {
		name        string
		policy      guard.Policy
		review      Review
		reviewErr   error
		wantErr     string
		wantUp      bool
		wantLog     string
		wantSummary []string
		noLookup    bool
		op          apitype.OpType // the preview's step; create when empty
	}{
		{name: "reviewed change passes", review: Review{PR: 7, Found: true, Body: same}, wantUp: true,
			wantLog: "::notice::the change matches the one reviewed in pull request #7"},
		{name: "other change fails", policy: guard.Fail, review: Review{PR: 7, Found: true, Body: other},
			wantErr: "is not the one reviewed in pull request #7", wantSummary: []string{"### Unreviewed change", "| ❌ |", "`update`", "`create`", "❌ Twilio up failed"}},
		{name: "other change warns and deploys", review: Review{PR: 7, Found: true, Body: other}, wantUp: true,
			wantLog: "::warning::the change (set", wantSummary: []string{"### Unreviewed change", "✅ Twilio up succeeded"}},
		{name: "direct push fails", policy: guard.Fail, wantErr: "pushed to feature/x directly", wantSummary: []string{"_(not recorded)_"}},
		{name: "direct push warns", policy: guard.Warn, wantUp: true, wantLog: "::warning::commit abc was pushed to feature/x directly"},
		{name: "no comment on the PR", policy: guard.Fail, review: Review{PR: 7}, wantErr: "pull request #7 has no preview comment"},
		{name: "old comment without a set", policy: guard.Fail, review: Review{PR: 7, Found: true, Body: "x"}, wantErr: "records no change set"},
		{name: "403 is a notice, then no review", reviewErr: fmt.Errorf("%w: 403", ErrForbidden), wantUp: true,
			wantLog: "::notice::could not read the reviewed change"},
		{name: "ignore makes no call", policy: guard.Ignore, wantUp: true, noLookup: true},
		{name: "a push that changes nothing needs no review", policy: guard.Fail, op: apitype.OpSame, wantUp: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: p\nruntime: yaml\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			rec := &Recorder{}
			job := Job{
				Inputs: Inputs{WorkDir: ".", Secrets: secrets, CommentMode: CommentUpdate, GitHubToken: "ghs_token", PRParent: "PARENT", OnUnreviewedChange: tt.policy},
				Event:  push, GitHub: GitHub{Repository: "o/r", Runner: true}, Dir: dir,
				Env:      map[string]string{"PULUMI_BACKEND_URL": "file://" + dir, "PATH": "/usr/bin"},
				Reporter: rec, ReportFailures: true,
			}
			op := tt.op
			if op == "" {
				op = apitype.OpCreate
			}
			eng := &guardEngine{fakeEngine: fakeEngine{events: created(op)}}
			deps := fakeDeps(t, &out)
			deps.Engine = eng
			lookups := 0
			deps.Reviewed = func(_ context.Context, req ReviewRequest) (Review, error) {
				lookups++
				if req.SHA != "abc" || req.Branch != "feature/x" || req.Stack != "feature-x" || req.ProgramPath != "." || req.Owner != "o" {
					t.Errorf("review request %+v", req)
				}
				return tt.review, tt.reviewErr
			}
			err := Run(t.Context(), job, deps)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q\n%s", err, tt.wantErr, out.String())
			}
			if (eng.ups == 1) != tt.wantUp {
				t.Errorf("ups = %d, want up %v", eng.ups, tt.wantUp)
			}
			if (lookups == 0) != tt.noLookup {
				t.Errorf("lookups = %d", lookups)
			}
			if !strings.Contains(out.String(), tt.wantLog) {
				t.Errorf("log lacks %q:\n%s", tt.wantLog, out.String())
			}
			for _, w := range tt.wantSummary {
				if len(rec.Summaries) != 1 || !strings.Contains(rec.Summaries[0], w) {
					t.Errorf("summary lacks %q:\n%v", w, rec.Summaries)
				}
			}
		})
	}
}

// pageAPI is a ghcomment.API serving one page of comments, reads only.
type pageAPI struct {
	ghcomment.API
	comments []ghcomment.Comment
	err      error
}

func (p pageAPI) ListComments(context.Context, int) (ghcomment.Page, error) {
	return ghcomment.Page{Comments: p.comments}, p.err
}

func TestReviewedComment(t *testing.T) {
	t.Parallel()
	marker := ghcomment.Marker(".", "main")
	perm := &ghcomment.PermissionError{Op: "list", Status: 403, Err: fmt.Errorf("no")}
	tests := []struct {
		name     string
		pr       int
		mergeErr error
		api      pageAPI
		want     Review
		wantErr  error
	}{
		{"found", 4, nil, pageAPI{comments: []ghcomment.Comment{{Trusted: true, Body: marker + "\nold"}, {Trusted: true, Body: marker + "\nnew"}}}, Review{PR: 4, Found: true, Body: marker + "\nnew"}, nil},
		{"untrusted is no review", 4, nil, pageAPI{comments: []ghcomment.Comment{{Body: marker + "\nplanted"}}}, Review{PR: 4}, nil},
		{"direct push", 0, nil, pageAPI{}, Review{}, nil},
		{"403 on the commit", 0, perm, pageAPI{}, Review{}, ErrForbidden},
		{"403 on the comments", 4, nil, pageAPI{err: perm}, Review{PR: 4}, ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := ReviewedComment(
				func(context.Context, string, string, string, string, string, string) (int, error) {
					return tt.pr, tt.mergeErr
				},
				func(string, string, string, string, int) (ghcomment.API, error) { return tt.api, nil })
			got, err := f(t.Context(), ReviewRequest{ProgramPath: ".", Stack: "main"})
			if got != tt.want || (tt.wantErr == nil) != (err == nil) || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("got %+v, %v; want %+v, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
