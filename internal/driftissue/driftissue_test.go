package driftissue

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tdeploy/twilio-deploy-action/internal/report"
)

// fakeAPI serves pages of perPage open issues, newest first, and records
// every call.
type fakeAPI struct {
	issues  []Issue // newest first
	perPage int
	calls   []string
	fail    map[string]error // by call name
}

func (f *fakeAPI) call(name string) error {
	f.calls = append(f.calls, name)
	return f.fail[name]
}

func (f *fakeAPI) ListOpen(_ context.Context, label string, page int) (Page, error) {
	if err := f.call(fmt.Sprintf("list %s %d", label, page)); err != nil {
		return Page{}, err
	}
	per := max(f.perPage, 1)
	lo := min((page-1)*per, len(f.issues))
	hi := min(lo+per, len(f.issues))
	p := Page{Issues: f.issues[lo:hi]}
	if hi < len(f.issues) {
		p.Next = page + 1
	}
	return p, nil
}

func (f *fakeAPI) Create(_ context.Context, title, body string, labels []string) (Issue, error) {
	if err := f.call("create " + title + " " + strings.Join(labels, ",")); err != nil {
		return Issue{}, err
	}
	return Issue{Number: 9, Body: body, URL: "https://x/issues/9", Trusted: true}, nil
}

func (f *fakeAPI) Edit(_ context.Context, number int, body string) (Issue, error) {
	if err := f.call(fmt.Sprintf("edit %d", number)); err != nil {
		return Issue{}, err
	}
	return Issue{Number: number, Body: body}, nil
}

func (f *fakeAPI) Comment(_ context.Context, number int, body string) error {
	return f.call(fmt.Sprintf("comment %d %s", number, body))
}

func (f *fakeAPI) Close(_ context.Context, number int) error {
	return f.call(fmt.Sprintf("close %d", number))
}

func TestSync(t *testing.T) {
	t.Parallel()
	m := Marker(".", "main")
	body := m + "\ndrift A"
	other := Issue{Number: 1, Body: "someone else's issue", Trusted: true}
	planted := Issue{Number: 2, Body: body, Trusted: false}
	ours := Issue{Number: 5, Body: body, URL: "https://x/issues/5", Trusted: true}
	stale := Issue{Number: 5, Body: m + "\r\ndrift B", URL: "https://x/issues/5", Trusted: true}
	crlf := Issue{Number: 5, Body: strings.ReplaceAll(body, "\n", "\r\n"), URL: "https://x/issues/5", Trusted: true}
	tests := []struct {
		name      string
		issues    []Issue
		perPage   int
		check     Check
		fail      map[string]error
		want      Result
		wantCalls []string
		wantErr   bool
	}{
		{
			name:      "drift, no issue: opened",
			issues:    []Issue{other, planted},
			check:     Check{Stack: "main", Drifted: true, Body: body},
			want:      Result{Action: Opened, Number: 9, URL: "https://x/issues/9"},
			wantCalls: []string{"list twilio-drift 1", "create Drift: stack main differs from Twilio twilio-drift"},
		},
		{
			name:      "the same drift: no write",
			issues:    []Issue{other, ours},
			check:     Check{Stack: "main", Drifted: true, Body: body},
			want:      Result{Action: Unchanged, Number: 5, URL: "https://x/issues/5"},
			wantCalls: []string{"list twilio-drift 1"},
		},
		{
			name:      "the same drift as GitHub stores it (CRLF): no write",
			issues:    []Issue{crlf},
			check:     Check{Stack: "main", Drifted: true, Body: body},
			want:      Result{Action: Unchanged, Number: 5, URL: "https://x/issues/5"},
			wantCalls: []string{"list twilio-drift 1"},
		},
		{
			name:      "the drift changed: one edit",
			issues:    []Issue{stale},
			check:     Check{Stack: "main", Drifted: true, Body: "drift A"}, // the marker is prepended
			want:      Result{Action: Updated, Number: 5, URL: "https://x/issues/5"},
			wantCalls: []string{"list twilio-drift 1", "edit 5"},
		},
		{
			name:   "no drift, an open issue: comment, then close",
			issues: []Issue{ours},
			check:  Check{Stack: "main", RunURL: "https://x/runs/1"},
			want:   Result{Action: Closed, Number: 5, URL: "https://x/issues/5"},
			wantCalls: []string{"list twilio-drift 1",
				"comment 5 The drift check found that stack `main` matches Twilio again; closing. ([run](https://x/runs/1))", "close 5"},
		},
		{
			name:      "no drift, no issue: no write",
			issues:    []Issue{other},
			check:     Check{Stack: "main"},
			want:      Result{Action: None},
			wantCalls: []string{"list twilio-drift 1"},
		},
		{
			name:      "paged: found on the third page",
			issues:    []Issue{other, planted, other, planted, ours},
			perPage:   2,
			check:     Check{Stack: "main", Drifted: true, Body: body},
			want:      Result{Action: Unchanged, Number: 5, URL: "https://x/issues/5"},
			wantCalls: []string{"list twilio-drift 1", "list twilio-drift 2", "list twilio-drift 3"},
		},
		{
			name:      "another program's issue of the same stack is not ours",
			issues:    []Issue{{Number: 3, Body: Marker("infra", "main") + "\nx", Trusted: true}},
			check:     Check{Stack: "main"},
			want:      Result{Action: None},
			wantCalls: []string{"list twilio-drift 1"},
		},
		{
			name:      "a refused list: the error, no write",
			issues:    []Issue{ours},
			check:     Check{Stack: "main"},
			fail:      map[string]error{"list twilio-drift 1": errors.New("403")},
			wantCalls: []string{"list twilio-drift 1"},
			wantErr:   true,
		},
		{
			name:      "too large: no call",
			check:     Check{Stack: "main", Drifted: true, Body: strings.Repeat("é", MaxBody)},
			wantErr:   true,
			wantCalls: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := &fakeAPI{issues: tt.issues, perPage: tt.perPage, fail: tt.fail}
			if api.perPage == 0 {
				api.perPage = 100
			}
			got, err := Sync(t.Context(), api, tt.check)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Sync error = %v, want error %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantCalls, api.calls); diff != "" {
				t.Errorf("calls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTitleAndMarker(t *testing.T) {
	t.Parallel()
	tests := []struct{ path, stack, title, marker string }{
		{".", "main", "Drift: stack main differs from Twilio", "<!-- twilio-deploy-action drift: . main -->"},
		{"./infra/", "prod", "Drift: stack prod (infra) differs from Twilio", "<!-- twilio-deploy-action drift: infra prod -->"},
		{"a b", "x-->y", "Drift: stack x-->y (a b) differs from Twilio", "<!-- twilio-deploy-action drift: a%20b x--%3Ey -->"},
	}
	for _, tt := range tests {
		if got := Title(tt.path, tt.stack); got != tt.title {
			t.Errorf("Title(%q, %q) = %q, want %q", tt.path, tt.stack, got, tt.title)
		}
		if got := Marker(tt.path, tt.stack); got != tt.marker {
			t.Errorf("Marker(%q, %q) = %q, want %q", tt.path, tt.stack, got, tt.marker)
		}
	}
}

// TestBody: the same drift renders the same body on every run (no log,
// commit or run link), masked and under GitHub's limit.
func TestBody(t *testing.T) {
	t.Parallel()
	rep := func(commit, log, runURL string, n int) *report.Report {
		r := &report.Report{Stack: "main", ProgramPath: ".", Operation: report.OpDrift, Result: report.ResultSucceeded,
			Commit: commit, Log: log, RunURL: runURL}
		for i := range n {
			r.Resources = append(r.Resources, report.Resource{Op: "update", Type: "twilio:sync/v1:Service", Name: fmt.Sprintf("svc%d", i),
				URN:   fmt.Sprintf("urn:pulumi:main::ivr::twilio:sync/v1:Service::svc%05d", i),
				Diffs: []report.PropertyDiff{{Path: "friendlyName", Old: "tok-SECRET", New: strings.Repeat("x", 200), Kind: report.KindUpdate}}})
		}
		return r
	}
	a := Body(rep("1111111111111111111111111111111111111111", "run 1 took 3s", "https://x/runs/1", 1), []string{"tok-SECRET"})
	b := Body(rep("2222222222222222222222222222222222222222", "run 2 took 4s", "https://x/runs/2", 1), []string{"tok-SECRET"})
	if a != b {
		t.Errorf("the same drift gave two bodies:\n%s\n---\n%s", a, b)
	}
	if !strings.HasPrefix(a, Marker(".", "main")+"\n") || strings.Contains(a, "tok-SECRET") || !strings.Contains(a, "friendlyName") {
		t.Errorf("body:\n%s", a)
	}
	big := Body(rep("", "", "", 2000), nil)
	if n := len([]rune(big)); n > MaxBody {
		t.Errorf("body of %d characters, over %d", n, MaxBody)
	}
}
