package serverless

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func noSleep(context.Context, time.Duration) error { return nil }

func desiredFor(t *testing.T, dir, suffix string, vars map[string]string) Desired {
	t.Helper()
	p, err := Scan(dir)
	if err != nil {
		t.Fatal(err)
	}
	return Desired{Dir: p.Dir, ServiceName: "dict", DomainSuffix: suffix, Files: p.Files,
		Runtime: DefaultRuntime, Dependencies: p.Dependencies, Variables: vars}
}

func TestDeploySequence(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	dir := writeTree(t, map[string]string{
		"functions/a.js":            "a",
		"functions/b.protected.js":  "b",
		"functions/c.private.js":    "c",
		"assets/index.html":         "i",
		"assets/data.private.json":  "{}",
		"assets/hold.protected.mp3": "m",
		"package.json":              `{"dependencies":{"twilio":"5.3.0"}}`,
	})
	api := newFake()
	api.buildPolls = 2
	var logs []string
	d := &Deployer{API: api, sleep: noSleep, Logf: func(f string, a ...any) { logs = append(logs, fmt.Sprintf(f, a...)) }}

	// First deploy: everything uploaded, one build, one deployment.
	st, err := d.Deploy(ctx, desiredFor(t, dir, "dev", map[string]string{"TOKEN": "s3cr3t-value"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"FetchService": 1, "CreateService": 1, "ListEnvironments": 1, "CreateEnvironment": 1,
		"ListFunctions": 1, "ListAssets": 1, "CreateFunction": 3, "CreateAsset": 3,
		"UploadFunctionVersion": 3, "UploadAssetVersion": 3, "CreateBuild": 1, "FetchBuildStatus": 3,
		"ListVariables": 1, "CreateVariable": 1, "CreateDeployment": 1,
	}
	if diff := cmp.Diff(want, api.calls); diff != "" {
		t.Errorf("first deploy calls (-want +got):\n%s", diff)
	}
	build := api.builds[st.BuildSID]
	if len(build.FunctionVersions) != 3 || len(build.AssetVersions) != 3 || build.Runtime != "node22" ||
		!cmp.Equal(build.Dependencies, []Dependency{{"twilio", "5.3.0"}}) {
		t.Errorf("build = %+v", build)
	}
	if api.deployed[st.EnvironmentSID] != st.BuildSID || st.DomainName != "dict-1234-dev.twil.io" {
		t.Errorf("state = %+v", st)
	}
	if got := string(api.versions[st.Files["/a"].VersionSID]); got != "a" {
		t.Errorf("content of /a = %q", got)
	}
	for _, l := range logs {
		if strings.Contains(l, "s3cr3t") {
			t.Errorf("log shows a variable value: %q", l)
		}
	}

	// No change: no call at all.
	api.reset()
	st2, err := d.Deploy(ctx, desiredFor(t, dir, "dev", map[string]string{"TOKEN": "s3cr3t-value"}), st)
	if err != nil {
		t.Fatal(err)
	}
	if len(api.calls) != 0 || !cmp.Equal(st, st2) {
		t.Errorf("unchanged deploy made calls %v", api.calls)
	}

	// One changed file: one upload, one build, one deployment; others reuse versions.
	os.WriteFile(filepath.Join(dir, "functions", "a.js"), []byte("a2"), 0o644)
	api.reset()
	st3, err := d.Deploy(ctx, desiredFor(t, dir, "dev", map[string]string{"TOKEN": "s3cr3t-value"}), st2)
	if err != nil {
		t.Fatal(err)
	}
	want = map[string]int{"UploadFunctionVersion": 1, "CreateBuild": 1, "FetchBuildStatus": 3, "CreateDeployment": 1}
	if diff := cmp.Diff(want, api.calls); diff != "" {
		t.Errorf("one-change calls (-want +got):\n%s", diff)
	}
	if st3.Files["/b"].VersionSID != st2.Files["/b"].VersionSID || st3.Files["/a"].VersionSID == st2.Files["/a"].VersionSID {
		t.Errorf("versions not reused as expected")
	}

	// Removed file and changed variable: no upload, a build without it.
	os.Remove(filepath.Join(dir, "assets", "hold.protected.mp3"))
	api.reset()
	st4, err := d.Deploy(ctx, desiredFor(t, dir, "dev", map[string]string{"TOKEN": "rotated"}), st3)
	if err != nil {
		t.Fatal(err)
	}
	want = map[string]int{"CreateBuild": 1, "FetchBuildStatus": 3, "UpdateVariable": 1, "CreateDeployment": 1}
	if diff := cmp.Diff(want, api.calls); diff != "" {
		t.Errorf("removal calls (-want +got):\n%s", diff)
	}
	if _, ok := st4.Files["/hold.mp3"]; ok || len(api.builds[st4.BuildSID].AssetVersions) != 2 {
		t.Errorf("removed asset still built")
	}
	if v := api.vars[st4.EnvironmentSID]["TOKEN"].Value; v != "rotated" {
		t.Errorf("variable not updated")
	}

	// A second branch reuses the service and the Functions, uploads
	// versions (it has no state), and gets its own domain.
	api.reset()
	other, err := d.Deploy(ctx, desiredFor(t, dir, "feature-x", nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if api.n("CreateService") != 0 || api.n("CreateFunction") != 0 || api.n("CreateEnvironment") != 1 ||
		other.ServiceSID != st4.ServiceSID || other.DomainName == st4.DomainName {
		t.Errorf("second branch: calls %v, state %+v", api.calls, other)
	}

	// Destroying one branch keeps the service for the other.
	api.reset()
	if err := d.Destroy(ctx, other); err != nil {
		t.Fatal(err)
	}
	if api.n("DeleteEnvironment") != 1 || api.n("DeleteService") != 0 || len(api.envs[st4.ServiceSID]) != 1 {
		t.Errorf("destroy one: %v", api.calls)
	}
	// Destroying the last one removes the service; again is a no-op.
	if err := d.Destroy(ctx, st4); err != nil {
		t.Fatal(err)
	}
	if api.n("DeleteService") != 1 || len(api.services) != 0 {
		t.Errorf("destroy last: %v", api.calls)
	}
	if err := d.Destroy(ctx, st4); err != nil {
		t.Errorf("destroy twice: %v", err)
	}
}

func TestDeployBuildFailureNamesFiles(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"functions/broken.js": "syntax error("})
	api := newFake()
	api.failBuild = true
	api.buildPolls = 1
	d := &Deployer{API: api, sleep: noSleep}
	_, err := d.Deploy(t.Context(), desiredFor(t, dir, "dev", nil), nil)
	var be *BuildError
	if !errors.As(err, &be) || be.Status != "failed" || be.Build == nil {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "added: functions/broken.js") || !strings.Contains(err.Error(), "deploy again") {
		t.Errorf("error does not name the file and the fix: %v", err)
	}
}

func TestDeployBuildTimeoutAndCancel(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"functions/a.js": "a"})
	api := newFake()
	api.buildPolls = 1 << 30
	var waits []time.Duration
	d := &Deployer{API: api, Poll: Poll{Initial: time.Second, Max: 3 * time.Second, Timeout: 10 * time.Second},
		sleep: func(_ context.Context, w time.Duration) error { waits = append(waits, w); return nil }}
	_, err := d.Deploy(t.Context(), desiredFor(t, dir, "dev", nil), nil)
	var be *BuildError
	if !errors.As(err, &be) || !strings.Contains(be.Status, "still") {
		t.Fatalf("err = %v", err)
	}
	wantWaits := []time.Duration{time.Second, 1500 * time.Millisecond, 2250 * time.Millisecond, 3 * time.Second, 3 * time.Second}
	if diff := cmp.Diff(wantWaits, waits); diff != "" {
		t.Errorf("backoff (-want +got):\n%s", diff)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	d2 := &Deployer{API: newFake(), Poll: Poll{Initial: time.Hour}}
	d2.API.(*fakeAPI).buildPolls = 5
	if _, err := d2.Deploy(ctx, desiredFor(t, dir, "dev", nil), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled deploy: %v", err)
	}
}

func TestDeployDetectsFileChangedDuringDeploy(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"functions/a.js": "a"})
	want := desiredFor(t, dir, "dev", nil)
	os.WriteFile(filepath.Join(dir, "functions", "a.js"), []byte("edited"), 0o644)
	_, err := (&Deployer{API: newFake(), sleep: noSleep}).Deploy(t.Context(), want, nil)
	if err == nil || !strings.Contains(err.Error(), "functions/a.js: changed during the deployment") {
		t.Fatalf("err = %v", err)
	}
}

func TestDeployReusesWhatAFailedRunCreated(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"functions/a.js": "a", "functions/b.js": "b"})
	api := newFake()
	api.failBuild = true
	d := &Deployer{API: api, sleep: noSleep}
	if _, err := d.Deploy(t.Context(), desiredFor(t, dir, "dev", map[string]string{"K": "v"}), nil); err == nil {
		t.Fatal("want build failure")
	}
	api.failBuild = false
	api.reset()
	if _, err := d.Deploy(t.Context(), desiredFor(t, dir, "dev", map[string]string{"K": "v"}), nil); err != nil {
		t.Fatal(err)
	}
	if api.n("CreateService")+api.n("CreateEnvironment")+api.n("CreateFunction") != 0 {
		t.Errorf("retry recreated things: %v", api.calls)
	}
}
