package serverless

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBuildErrorMessage(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	build := &Build{SID: "ZB1", Status: "failed", Runtime: "node24", FunctionVersions: 3, AssetVersions: 1,
		Dependencies: []Dependency{{"twilio", "5.3.0"}, {"left-padd", "9.9.9"}}, Created: t0, Updated: t0.Add(14 * time.Second)}
	cases := []struct {
		name string
		err  *BuildError
	}{
		{"first build", &BuildError{BuildSID: "ZB1", Status: "failed", Build: &Build{SID: "ZB1", Status: "failed", Runtime: "node24", FunctionVersions: 1}}},
		{"files and dependencies", &BuildError{BuildSID: "ZB1", Status: "failed", Build: build,
			Added: []string{"functions/new.js"}, Changed: []string{"functions/sms/reply.js"}, Removed: []string{"/old"},
			PrevRuntime:  "node22",
			Dependencies: []DependencyChange{{Name: "left-padd", To: "9.9.9"}, {Name: "lodash", From: "4.17.21"}, {Name: "twilio", From: "5.0.0", To: "5.3.0"}}}},
		{"same runtime", &BuildError{BuildSID: "ZB1", Status: "failed", Build: build, PrevRuntime: "node24", Changed: []string{"functions/a.js"}}},
		{"build unreadable", &BuildError{BuildSID: "ZB2", Status: `still "building" after 10m0s`, Changed: []string{"functions/a.js"},
			FetchErr: fmt.Errorf("Twilio error 20003 (HTTP 401): Authenticate")}},
	}
	var report strings.Builder
	for _, tc := range cases {
		msg := tc.err.Error()
		// What every failure says: the build, what changed, and the way out.
		for _, want := range []string{tc.err.BuildSID, "Changed in this build:", "deploy again"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: message lacks %q:\n%s", tc.name, want, msg)
			}
		}
		report.WriteString("== " + tc.name + "\n" + msg + "\n")
	}
	golden(t, "build-errors.golden", report.String())
}

func TestDependencyChanges(t *testing.T) {
	t.Parallel()
	got := dependencyChanges(
		[]Dependency{{"twilio", "5.0.0"}, {"lodash", "4"}, {"same", "1"}},
		[]Dependency{{"twilio", "5.3.0"}, {"same", "1"}, {"axios", "1.7.0"}})
	want := []DependencyChange{{"axios", "", "1.7.0"}, {"lodash", "4", ""}, {"twilio", "5.0.0", "5.3.0"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := dependencyChanges(want2(), want2()); got != nil {
		t.Errorf("no change: %v", got)
	}
}

func want2() []Dependency { return []Dependency{{"twilio", "5.0.0"}} }

// A failed build after a good one is reported with what changed since the
// good one, and with the Build Twilio returns.
func TestDeployBuildFailureSaysWhatChanged(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := writeTree(t, map[string]string{"functions/a.js": "a", "functions/b.js": "b",
		"package.json": `{"dependencies":{"twilio":"5.0.0"}}`})
	api := newFake()
	d := &Deployer{API: api, sleep: noSleep}
	st, err := d.Deploy(ctx, desiredFor(t, dir, "dev", nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	writeTreeAt(t, dir, map[string]string{"functions/b.js": "b2", "functions/c.js": "c",
		"package.json": `{"dependencies":{"twilio":"5.3.0","left-padd":"9.9.9"}}`})
	api.failBuild = true
	_, err = d.Deploy(ctx, desiredFor(t, dir, "dev", nil), st)
	var be *BuildError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v", err)
	}
	if be.Build == nil || be.Build.Status != "failed" || be.Build.FunctionVersions != 3 || api.n("FetchBuild") != 1 {
		t.Errorf("build not read: %+v, calls %v", be.Build, api.calls)
	}
	if diff := cmp.Diff([]string{"functions/b.js", "functions/c.js"}, be.Files()); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	wantDeps := []DependencyChange{{"left-padd", "", "9.9.9"}, {"twilio", "5.0.0", "5.3.0"}}
	if diff := cmp.Diff(wantDeps, be.Dependencies); diff != "" {
		t.Errorf("dependencies (-want +got):\n%s", diff)
	}
	if api.n("CreateDeployment") != 1 {
		t.Errorf("a failed build was deployed: %v", api.calls)
	}
}
