package ghdeploy_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tdeploy/twilio-deploy-action/internal/ghdeploy"
)

// fakeAPI keeps deployments in memory and logs every call.
type fakeAPI struct {
	perPage int
	deps    []ghdeploy.Deployment       // oldest first
	states  map[int64][]ghdeploy.Status // by deployment, oldest first
	calls   []string                    // "create", "status 1 success", "list 1", "latest 1"
	fail    map[string]error            // by call prefix
}

func (f *fakeAPI) err(call string) error {
	f.calls = append(f.calls, call)
	for p, err := range f.fail {
		if strings.HasPrefix(call, p) {
			return err
		}
	}
	return nil
}

func (f *fakeAPI) CreateDeployment(_ context.Context, req ghdeploy.Request) (ghdeploy.Deployment, error) {
	if err := f.err("create " + req.Environment); err != nil {
		return ghdeploy.Deployment{}, err
	}
	d := ghdeploy.Deployment{ID: int64(len(f.deps) + 1), Environment: req.Environment, Ref: req.Ref}
	f.deps = append(f.deps, d)
	return d, nil
}

func (f *fakeAPI) CreateStatus(_ context.Context, id int64, st ghdeploy.Status) error {
	if err := f.err(fmt.Sprintf("status %d %s", id, st.State)); err != nil {
		return err
	}
	if f.states == nil {
		f.states = map[int64][]ghdeploy.Status{}
	}
	f.states[id] = append(f.states[id], st)
	return nil
}

func (f *fakeAPI) ListDeployments(_ context.Context, env string, page int) (ghdeploy.Page, error) {
	if err := f.err(fmt.Sprintf("list %d", page)); err != nil {
		return ghdeploy.Page{}, err
	}
	var all []ghdeploy.Deployment
	for i := len(f.deps) - 1; i >= 0; i-- {
		if f.deps[i].Environment == env {
			all = append(all, f.deps[i])
		}
	}
	lo := min((page-1)*f.perPage, len(all))
	hi := min(lo+f.perPage, len(all))
	p := ghdeploy.Page{Deployments: all[lo:hi]}
	if hi < len(all) {
		p.Next = page + 1
	}
	return p, nil
}

func (f *fakeAPI) LatestState(_ context.Context, id int64) (ghdeploy.State, error) {
	if err := f.err(fmt.Sprintf("latest %d", id)); err != nil {
		return "", err
	}
	s := f.states[id]
	if len(s) == 0 {
		return "", nil
	}
	return s[len(s)-1].State, nil
}

func TestStartFinish(t *testing.T) {
	t.Parallel()
	target := ghdeploy.Target{SHA: "abc", Environment: "pr-7", Transient: true, LogURL: "https://github.com/o/r/actions/runs/1", Operation: "pulumi up of stack pr-7"}
	forbidden := &ghdeploy.PermissionError{Op: "create deployment", Status: 403, Err: errors.New("Resource not accessible by integration")}
	for _, tt := range []struct {
		name      string
		ok        bool
		url       string
		fail      map[string]error
		wantErr   string
		wantCalls []string
		wantLast  ghdeploy.Status
	}{
		{name: "success with a URL", ok: true, url: "https://x.twil.io/",
			wantCalls: []string{"create pr-7", "status 1 in_progress", "status 1 success"},
			wantLast:  ghdeploy.Status{State: ghdeploy.Success, Description: "pulumi up of stack pr-7: succeeded", LogURL: target.LogURL, EnvironmentURL: "https://x.twil.io/"}},
		{name: "failure has no URL", ok: false, url: "https://x.twil.io/",
			wantCalls: []string{"create pr-7", "status 1 in_progress", "status 1 failure"},
			wantLast:  ghdeploy.Status{State: ghdeploy.Failure, Description: "pulumi up of stack pr-7: failed", LogURL: target.LogURL}},
		{name: "forbidden", fail: map[string]error{"create": forbidden}, wantErr: "create the deployment to pr-7",
			wantCalls: []string{"create pr-7"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := &fakeAPI{fail: tt.fail}
			run, err := ghdeploy.Start(t.Context(), api, target)
			if err == nil {
				err = run.Finish(t.Context(), tt.ok, tt.url)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ghdeploy.ErrPermission) {
					t.Fatalf("err = %v, want %q matching ErrPermission", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.wantCalls, api.calls); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
			if tt.wantErr == "" {
				st := api.states[1]
				if d := cmp.Diff(tt.wantLast, st[len(st)-1]); d != "" {
					t.Errorf("last status (-want +got):\n%s", d)
				}
			}
		})
	}
	if _, err := ghdeploy.Start(t.Context(), &fakeAPI{}, ghdeploy.Target{Environment: "main"}); err == nil {
		t.Error("Start without a commit passed")
	}
}

func TestDeactivate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		// seed: for each deployment of pr-7, oldest first, its states.
		seed      [][]ghdeploy.State
		perPage   int
		want      int
		wantCalls []string
	}{
		{name: "none", perPage: 100, wantCalls: []string{"list 1"}},
		{name: "the latest and an older success", perPage: 100, seed: [][]ghdeploy.State{{"in_progress", "success"}, {"in_progress", "failure"}}, want: 2,
			wantCalls: []string{"list 1", "latest 3", "status 3 inactive", "latest 2", "status 2 inactive"}},
		{name: "already inactive: no write", perPage: 100, seed: [][]ghdeploy.State{{"success", "inactive"}, {"success", "inactive"}},
			wantCalls: []string{"list 1", "latest 3", "latest 2"}},
		{name: "paged", perPage: 1, seed: [][]ghdeploy.State{{"success"}, {"success", "inactive"}}, want: 1,
			wantCalls: []string{"list 1", "latest 3", "list 2", "latest 2", "status 2 inactive"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Deployment 1 is another environment's: never touched.
			api := &fakeAPI{perPage: tt.perPage, deps: []ghdeploy.Deployment{{ID: 1, Environment: "main"}}, states: map[int64][]ghdeploy.Status{1: {{State: "success"}}}}
			for i, states := range tt.seed {
				id := int64(i + 2)
				api.deps = append(api.deps, ghdeploy.Deployment{ID: id, Environment: "pr-7"})
				for _, s := range states {
					api.states[id] = append(api.states[id], ghdeploy.Status{State: s})
				}
			}
			n, err := ghdeploy.Deactivate(t.Context(), api, "pr-7", "https://log")
			if err != nil || n != tt.want {
				t.Fatalf("Deactivate = %d, %v; want %d", n, err, tt.want)
			}
			if d := cmp.Diff(tt.wantCalls, api.calls); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
			if s := api.states[1]; len(s) != 1 {
				t.Errorf("another environment's deployment got %v", s)
			}
		})
	}
}

func TestEnvironmentURL(t *testing.T) {
	t.Parallel()
	for value, ok := range map[string]bool{
		"https://ivr-1234-pr-7.twil.io/voice": true,
		"http://127.0.0.1:8080/":              true,
		"ZS0123":                              false,
		"ftp://x/":                            false,
		"https://":                            false,
		"":                                    false,
	} {
		got, err := ghdeploy.EnvironmentURL("url", value)
		if (err == nil) != ok || (ok && got != value) {
			t.Errorf("EnvironmentURL(%q) = %q, %v; want ok %v", value, got, err, ok)
		}
	}
}

func TestDescriptionLimit(t *testing.T) {
	t.Parallel()
	api := &fakeAPI{}
	run, err := ghdeploy.Start(t.Context(), api, ghdeploy.Target{SHA: "a", Environment: "e", Operation: strings.Repeat("é", 200)})
	if err != nil {
		t.Fatal(err)
	}
	if n := len([]rune(api.states[run.ID][0].Description)); n != ghdeploy.MaxDescription {
		t.Errorf("description of %d characters, want %d", n, ghdeploy.MaxDescription)
	}
}
