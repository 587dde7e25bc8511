package container

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/tdeploy/twilio-deploy-action/examples"
	"github.com/tdeploy/twilio-deploy-action/internal/docs"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
	"github.com/tdeploy/twilio-deploy-action/internal/ghcomment/fakegithub"
	"github.com/tdeploy/twilio-deploy-action/internal/testenv"
)

func TestMain(m *testing.M) {
	Init() // the container's first process when Run started this binary
	code := m.Run()
	if stageDir != "" {
		os.RemoveAll(stageDir)
	}
	os.Exit(code)
}

// needNamespaces skips where the container cannot be run, and fails
// instead on CI, which runs as root: there the contract must be proven.
func needNamespaces(t testing.TB) {
	t.Helper()
	if err := Available(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true, and the container contract cannot run: %v", err)
		}
		t.Skipf("container contract not run: %v", err)
	}
}

var (
	stageOnce sync.Once
	stageDir  string // the reproduced build stage, removed by TestMain
	stageErr  error
	stageTime time.Duration
)

// buildStage reproduces the Dockerfile's build stage as a folder: what its
// RUN BIN=<dir> scripts/tools.sh leaves in <dir>, by running that script
// with BIN=<stage><dir>, and /src, the build context (the repository). The
// pinned Pulumi CLI is seeded from bin/ with its stamp file, so tools.sh
// finds it up to date instead of spending minutes on it; everything else it
// builds (the multi-call binary and its links), it builds here, so the one
// list of the image's binaries is tools.sh plus the final stage's COPY
// lines.
func buildStage(t testing.TB, df *Dockerfile) string {
	t.Helper()
	stageOnce.Do(func() {
		start := time.Now()
		defer func() { stageTime = time.Since(start) }()
		build := &df.Stages[0]
		bin := build.ToolsBin()
		if bin == "" {
			stageErr = fmt.Errorf("the build stage (FROM %s) does not run BIN=<dir> scripts/tools.sh", build.From)
			return
		}
		if stageDir, stageErr = os.MkdirTemp("", "container-stage-"); stageErr != nil {
			return
		}
		dst := filepath.Join(stageDir, bin)
		if stageErr = os.MkdirAll(dst, 0o755); stageErr != nil {
			return
		}
		// Seeded from bin/ by hard link: the pinned CLI with its stamp, and
		// our binaries, which `go build` relinks only when they are not up
		// to date (tools.sh renames a new build into place, so bin/ is
		// never written through the links); bin/'s symbolic links are
		// tools.sh's to make.
		have := testenv.BinDir(t, "pulumi", MultiCall)
		entries, err := os.ReadDir(have)
		if stageErr = err; err != nil {
			return
		}
		for _, e := range entries {
			if !e.Type().IsRegular() || strings.HasSuffix(e.Name(), ".tmp") {
				continue
			}
			if stageErr = copyTree(filepath.Join(have, e.Name()), filepath.Join(dst, e.Name()), true, true); stageErr != nil {
				return
			}
		}
		repo := testenv.RepoRoot(t)
		cmd := exec.Command(filepath.Join(repo, "scripts", "tools.sh"))
		cmd.Env = append(os.Environ(), "BIN="+dst)
		if out, err := cmd.CombinedOutput(); err != nil {
			stageErr = fmt.Errorf("BIN=%s scripts/tools.sh: %v\n%s", dst, err, out)
			return
		}
		// The build stage's WORKDIR /src with COPY . . (the context).
		stageErr = os.Symlink(repo, filepath.Join(stageDir, "src"))
	})
	if stageErr != nil {
		t.Fatal(stageErr)
	}
	return stageDir
}

func readDockerfile(t testing.TB) (string, *Dockerfile) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	df, err := Parse(string(b))
	if err != nil {
		t.Fatal(err)
	}
	return string(b), df
}

// assemble builds the image of Dockerfile text in a fresh root.
func assemble(t testing.TB, text string, stage string) (*Image, *Dockerfile, error) {
	t.Helper()
	df, err := Parse(text)
	if err != nil {
		return nil, nil, err
	}
	build := df.Stages[0]
	roots := map[string]string{build.Name: stage}
	root := filepath.Join(t.TempDir(), "rootfs")
	img, err := Assemble(df.Final(), BaseImage, roots, root)
	return img, df, err
}

// imageBinaries are the paths (relative to /) the final stage's COPY lines
// put in the image, as the staged build resolves them: what the image's
// root may hold as programs, and nothing else.
func imageBinaries(t testing.TB, img *Image) []string {
	t.Helper()
	exe, err := Executables(img.Root)
	if err != nil {
		t.Fatal(err)
	}
	return exe
}

const (
	mainSID     = "AC11111111111111111111111111111111"
	mainToken   = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"
	featSID     = "AC22222222222222222222222222222222"
	featToken   = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2"
	githubToken = "ghs_containerContractToken0123456789"
)

// world is one job on a hosted runner: its folders, the emulator, the fake
// GitHub, and a proxy that fails and records every request sent to it.
type world struct {
	t      testing.TB
	img    *Image
	runner Runner
	emu    *emulatortest.Env
	gh     *fakegithub.Server
	action *docs.Action

	mu      sync.Mutex
	fetched []string // requests the proxy saw
	proxy   *httptest.Server
	steps   int
}

func newWorld(t testing.TB, img *Image) *world {
	t.Helper()
	w := &world{t: t, img: img}
	w.emu = emulatortest.New(t, func(o *emulator.Options) {
		o.Accounts = []emulator.Account{{SID: mainSID, AuthToken: mainToken}, {SID: featSID, AuthToken: featToken}}
	})
	w.gh = fakegithub.New(t)
	// The network as the test sees it: every request that is not to the
	// emulator or the fake GitHub on loopback goes through this proxy
	// (HTTPS_PROXY, HTTP_PROXY), which refuses it and records it.
	w.proxy = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		w.fetched = append(w.fetched, r.Method+" "+r.Host+r.URL.RequestURI())
		w.mu.Unlock()
		http.Error(rw, "the container contract test allows no network", http.StatusBadGateway)
	}))
	t.Cleanup(w.proxy.Close)
	b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(t), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if w.action, err = docs.ParseAction(b); err != nil {
		t.Fatal(err)
	}
	// The runner's job folders: /home/runner/work/_temp and the checkout.
	work := filepath.Join(t.TempDir(), "work")
	w.runner = Runner{Temp: filepath.Join(work, "_temp"), Workspace: filepath.Join(work, "ivr", "ivr"), Tool: "/opt/hostedtoolcache"}
	if err := w.runner.Prepare(Step{ID: "init"}); err != nil {
		t.Fatal(err)
	}
	// The checkout, as actions/checkout leaves it: the runner user's.
	if err := examples.Copy(w.runner.Workspace, examples.Demo); err != nil {
		t.Fatal(err)
	}
	chownTree(t, filepath.Dir(filepath.Dir(w.runner.Workspace)), RunnerUID, RunnerGID)
	return w
}

func chownTree(t testing.TB, root string, uid, gid int) {
	t.Helper()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
	if err != nil {
		t.Fatal(err)
	}
}

type stepRun struct {
	code           int
	firstLine      time.Duration // from the start of the run to the action's first output
	stdout, stderr string
	outputs        map[string]string
	summary        string
}

func repoJSON() map[string]any {
	return map[string]any{"full_name": "tdeploy/ivr", "name": "ivr", "owner": map[string]any{"login": "tdeploy"}}
}

// step runs the image for one event as the runner would, and returns what
// the runner would read back. An error is a run that could not start.
func (w *world) step(event, ref, baseRef string, payload any) (stepRun, error) {
	w.t.Helper()
	w.steps++
	s := Step{ID: fmt.Sprintf("%08x-0000-4000-8000-%012x", w.steps, w.steps)}
	if err := w.runner.Prepare(s); err != nil {
		return stepRun{}, err
	}
	b, _ := json.Marshal(payload)
	ev := filepath.Join(w.runner.Workflow(), "event.json")
	if err := os.WriteFile(ev, b, 0o644); err != nil {
		return stepRun{}, err
	}
	if err := os.Chown(ev, RunnerUID, RunnerGID); err != nil {
		return stepRun{}, err
	}
	secrets, _ := json.Marshal(map[string]string{
		"TWILIO_MAIN_ACCOUNT_SID": mainSID, "TWILIO_MAIN_AUTH_TOKEN": mainToken,
		"TWILIO_FEATURE_NEW_IVR_ACCOUNT_SID": featSID, "TWILIO_FEATURE_NEW_IVR_AUTH_TOKEN": featToken,
	})
	given := map[string]string{
		"config": "greeting: hello", "secrets": string(secrets), "twilio-api-url": w.emu.URL, "github-token": githubToken,
	}
	for _, in := range w.action.Inputs {
		v, ok := given[in.Name]
		if !ok {
			v = in.Default
		}
		s.Inputs = append(s.Inputs, Input{Name: in.Name, Value: v})
	}
	runtime := w.proxy.URL + "/_actions_runtime/"
	// The workflow's env: for the step (the README's file-state setup).
	s.Env = []string{
		"PULUMI_BACKEND_URL=file:///github/home/.pulumi-state", "PULUMI_CONFIG_PASSPHRASE=contract-passphrase",
		"HTTPS_PROXY=" + w.proxy.URL, "HTTP_PROXY=" + w.proxy.URL, "https_proxy=" + w.proxy.URL, "http_proxy=" + w.proxy.URL,
		"NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost",
	}
	s.Context = []string{
		"GITHUB_JOB=deploy", "GITHUB_REF=" + ref, "GITHUB_SHA=9d8c7b6a5f4e3d2c1b0a99887766554433221100",
		"GITHUB_REPOSITORY=tdeploy/ivr", "GITHUB_REPOSITORY_OWNER=tdeploy", "GITHUB_RUN_ID=42", "GITHUB_RUN_NUMBER=7",
		"GITHUB_RUN_ATTEMPT=1", "GITHUB_ACTOR=octocat", "GITHUB_WORKFLOW=deploy", "GITHUB_BASE_REF=" + baseRef,
		"GITHUB_EVENT_NAME=" + event, "GITHUB_SERVER_URL=https://github.com", "GITHUB_API_URL=" + w.gh.URL,
		"GITHUB_GRAPHQL_URL=" + w.gh.GraphQLURL, "GITHUB_ACTION=__tdeploy_twilio-deploy-action",
		"GITHUB_ACTION_REPOSITORY=tdeploy/twilio-deploy-action", "GITHUB_ACTION_REF=v1",
		"RUNNER_OS=Linux", "RUNNER_ARCH=X64", "RUNNER_NAME=GitHub Actions 1", "RUNNER_ENVIRONMENT=github-hosted",
		"ACTIONS_RUNTIME_URL=" + runtime, "ACTIONS_RUNTIME_TOKEN=runtime-token", "ACTIONS_CACHE_URL=" + runtime,
		"ACTIONS_RESULTS_URL=" + runtime,
	}
	user, err := LookupUser(w.img.Root, w.img.User)
	if err != nil {
		return stepRun{}, fmt.Errorf("docker: %w", err) // Docker refuses to start it
	}
	home := user.Home
	spec := Spec{
		Root:    w.img.Root,
		Mounts:  w.runner.Mounts(),
		Env:     DockerEnv(w.img.Env, w.runner.Environ(s), "contract", home),
		Workdir: Workdir,
		Argv:    Argv(w.img.Entrypoint),
		User:    user,
		NoExec:  true,
	}
	var stdout, stderr bytes.Buffer
	start := time.Now()
	first := &firstWrite{w: &stdout, start: start}
	res, err := Run(w.t.Context(), spec, first, &stderr)
	if err != nil {
		return stepRun{}, err
	}
	w.t.Logf("%s %s: exit %d in %v, first line after %v", event, ref, res.Code, time.Since(start).Round(time.Millisecond), first.after.Round(time.Millisecond))
	r := stepRun{code: res.Code, firstLine: first.after, stdout: stdout.String(), stderr: stderr.String()}
	if b, err := os.ReadFile(w.runner.OutputFile(s)); err == nil {
		if r.outputs, err = testenv.ParseOutputFile(b); err != nil {
			return r, err
		}
	}
	if b, err := os.ReadFile(w.runner.SummaryFile(s)); err == nil {
		r.summary = string(b)
	}
	return r, nil
}

// firstWrite passes writes to w and notes when the first came, after
// start.
type firstWrite struct {
	w     io.Writer
	start time.Time
	after time.Duration
}

func (f *firstWrite) Write(p []byte) (int, error) {
	if f.after == 0 && len(p) > 0 {
		f.after = time.Since(f.start)
	}
	return f.w.Write(p)
}

// after checks what every step must leave: nothing fetched, the image's
// programs unchanged, no program anywhere in the runner's folders, and
// everything there owned by the runner's user.
func (w *world) after(name string, binaries []string) []string {
	var problems []string
	w.mu.Lock()
	if len(w.fetched) > 0 {
		problems = append(problems, fmt.Sprintf("%s: fetched from the network: %v", name, w.fetched))
	}
	w.mu.Unlock()
	if exe, err := Executables(w.img.Root); err != nil || !slices.Equal(exe, binaries) {
		problems = append(problems, fmt.Sprintf("%s: the image's programs changed: %v (err %v), want %v", name, exe, err, binaries))
	}
	err := filepath.WalkDir(filepath.Dir(filepath.Dir(w.runner.Workspace)), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		st := fi.Sys().(*syscall.Stat_t)
		rel, _ := filepath.Rel(filepath.Dir(w.runner.Temp), p)
		if st.Uid != RunnerUID || st.Gid != RunnerGID {
			problems = append(problems, fmt.Sprintf("%s: %s is owned by %d:%d, not the runner's user %d:%d", name, rel, st.Uid, st.Gid, RunnerUID, RunnerGID))
		}
		if fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0 {
			problems = append(problems, fmt.Sprintf("%s: a program was left in the runner's folders: %s", name, rel))
		}
		return nil
	})
	if err != nil {
		problems = append(problems, err.Error())
	}
	return problems
}

func (w *world) inventory(sid string) []string {
	var out []string
	for _, o := range w.emu.Server.Inventory(sid) {
		if o.Token != "api/v2010:Account" && !o.Builtin {
			out = append(out, o.Token)
		}
	}
	return out
}

func prPayload(action string, number int) map[string]any {
	return map[string]any{"action": action, "number": number, "repository": repoJSON(), "pull_request": map[string]any{
		"number": number, "html_url": "https://github.com/tdeploy/ivr/pull/7",
		"head": map[string]any{"ref": "feature/new-ivr", "sha": "5f3c1a9e0d2b4c6e8f7a9b1c3d5e7f9a1b3c5d7e", "repo": repoJSON()},
		"base": map[string]any{"ref": "main", "repo": repoJSON()}}}
}

// lifecycle runs a feature's life through the image: the branch's push
// (up in its own account), its pull request (preview of main and the
// sticky comment), the branch's deletion (destroy). It stops at the first
// step that goes wrong and returns what went wrong.
func lifecycle(t *testing.T, img *Image, binaries []string, steps int) []string {
	w := newWorld(t, img)
	check := func(name string, r stepRun, err error, ok func(stepRun) string) []string {
		if err != nil {
			return []string{fmt.Sprintf("%s: %v", name, err)}
		}
		var problems []string
		if r.code != 0 {
			problems = append(problems, fmt.Sprintf("%s: exit %d\nstdout:\n%s\nstderr:\n%s", name, r.code, r.stdout, r.stderr))
		} else if msg := ok(r); msg != "" {
			problems = append(problems, fmt.Sprintf("%s: %s\nstdout:\n%s\nstderr:\n%s", name, msg, r.stdout, r.stderr))
		}
		if r.code == 0 && (r.summary == "" || r.summary != r.outputs["summary"]+"\n") {
			problems = append(problems, fmt.Sprintf("%s: step summary %q does not match the summary output %q", name, r.summary, r.outputs["summary"]))
		}
		return append(problems, w.after(name, binaries)...)
	}

	r, err := w.step("push", "refs/heads/feature/new-ivr", "", map[string]any{"ref": "refs/heads/feature/new-ivr", "repository": repoJSON()})
	if p := check("push feature/new-ivr", r, err, func(r stepRun) string {
		if r.outputs["operation"] != "up" || r.outputs["stack"] != "feature-new-ivr" || r.outputs["changes"] != `{"create":3}` || !strings.HasPrefix(r.outputs["syncServiceSid"], "IS") {
			return fmt.Sprintf("outputs %v", r.outputs)
		}
		if inv := w.inventory(featSID); len(inv) != 3 {
			return fmt.Sprintf("feature inventory after up %v", inv)
		}
		if inv := w.inventory(mainSID); len(inv) != 0 {
			return fmt.Sprintf("up of the feature touched main: %v", inv)
		}
		return ""
	}); len(p) > 0 || steps == 1 {
		return p
	}

	r, err = w.step("pull_request", "refs/pull/7/merge", "main", prPayload("opened", 7))
	if p := check("pull_request", r, err, func(r stepRun) string {
		if r.outputs["operation"] != "preview" || r.outputs["stack"] != "main" || r.outputs["changes"] != `{"create":3}` || r.outputs["comment-url"] == "" {
			return fmt.Sprintf("outputs %v", r.outputs)
		}
		c := w.gh.Comments("tdeploy", "ivr", 7)
		if len(c) != 1 || !strings.Contains(c[0].Body, "<!-- twilio-deploy") || !strings.Contains(c[0].Body, "twilio:sync/v1:Service") {
			return fmt.Sprintf("comments %+v", c)
		}
		if strings.Contains(c[0].Body, mainToken) || strings.Contains(c[0].Body, githubToken) {
			return "the comment shows a secret"
		}
		if inv := w.inventory(mainSID); len(inv) != 0 {
			return fmt.Sprintf("a preview deployed %v", inv)
		}
		return ""
	}); len(p) > 0 {
		return p
	}

	r, err = w.step("delete", "refs/heads/main", "", map[string]any{"ref": "feature/new-ivr", "ref_type": "branch", "repository": repoJSON()})
	return check("delete feature/new-ivr", r, err, func(r stepRun) string {
		if r.outputs["operation"] != "destroy" || r.outputs["changes"] != `{"delete":3}` {
			return fmt.Sprintf("outputs %v", r.outputs)
		}
		if inv := w.inventory(featSID); len(inv) != 0 {
			return fmt.Sprintf("feature inventory after destroy %v", inv)
		}
		return ""
	})
}

// TestContract runs the image the Dockerfile describes as GitHub's runner
// runs it, through a feature branch's life.
//
// That nothing but the image's own programs ran is proved by
// construction: the container's root holds the base image's data files
// and the files the final stage copies, and nothing else (Executables is
// compared with those after every step); the runner's folders are mounted
// noexec, so a program fetched or written there could not start (the step
// would fail) and is looked for afterwards too; the host is out of reach
// after chroot. That nothing was fetched: every proxy variable points at a
// listener that refuses and records each request, and it must have seen
// none (loopback, the emulator and the fake GitHub, is not proxied).
func TestContract(t *testing.T) {
	t.Parallel()
	needNamespaces(t)
	text, df := readDockerfile(t)
	stage := buildStage(t, df)
	start := time.Now()
	img, _, err := assemble(t, text, stage)
	if err != nil {
		t.Fatal(err)
	}
	binaries := imageBinaries(t, img)
	if len(binaries) == 0 {
		t.Fatal("the image holds no programs")
	}
	// Dockerfile, tools.sh and this test agree on the image's programs:
	// what tools.sh really built is what ToolsPrograms reads from it (the
	// reading internal/docs relies on), and the image holds exactly those
	// less NotShipped.
	bin := df.Stages[0].ToolsBin()
	built, err := Programs(filepath.Join(stage, bin))
	if err != nil {
		t.Fatal(err)
	}
	read, err := ToolsPrograms(testenv.RepoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(built, read) {
		t.Errorf("scripts/tools.sh built %v, but ToolsPrograms reads %v from it; update ToolsPrograms", built, read)
	}
	shipped, err := Programs(filepath.Join(img.Root, bin))
	if err != nil {
		t.Fatal(err)
	}
	if want := Shipped(built); !slices.Equal(shipped, want) {
		t.Errorf("the image's %s holds %v; tools.sh builds %v, of which the image leaves out %v: want %v", bin, shipped, built, NotShipped, want)
	}
	for _, p := range lifecycle(t, img, binaries, 3) {
		t.Error(p)
	}
	t.Logf("build stage (tools.sh) %v, image and three steps %v; programs %v", stageTime.Round(time.Millisecond), time.Since(start).Round(time.Millisecond), binaries)
}

// TestContractBreaks proves the contract test fails on the breaks it is
// there for: each case is the Dockerfile with one change, run to its first
// step.
func TestContractBreaks(t *testing.T) {
	t.Parallel()
	needNamespaces(t)
	text, df := readDockerfile(t)
	stage := buildStage(t, df)
	final := df.Final()
	// The COPY of the multi-call binary's names, which the provider is
	// one of: the broken image names the binary the action alone instead.
	var linksCopy string
	for _, c := range final.Copies {
		for _, s := range c.Srcs {
			if strings.HasSuffix(s, "/"+LinksDir+"/") {
				linksCopy = s + " " + c.Dst
			}
		}
	}
	entry := final.Entrypoint
	bin := path.Dir(entry[0])
	binary := path.Join(bin, MultiCall)
	mustLinks := func(t *testing.T) string {
		if linksCopy == "" || !strings.Contains(text, linksCopy) {
			t.Fatalf("the final stage copies no .../%s/ folder on one line; update this case", LinksDir)
		}
		return linksCopy
	}
	cases := []struct {
		name string
		edit func(string) string
		want string // in the problem the contract reports
	}{
		{"the provider and the YAML host dropped from the final stage", func(s string) string {
			return strings.Replace(s, mustLinks(t), binary+" "+entry[0], 1)
		}, "no language plugin 'pulumi-language-yaml' found"},
		{"the provider dropped from the final stage", func(s string) string {
			return strings.Replace(s, mustLinks(t), binary+" "+entry[0]+"\nCOPY --from=build "+binary+" "+path.Join(bin, "pulumi-language-yaml"), 1)
		}, "fetched from the network"},
		{"a USER without a passwd entry", func(s string) string {
			return s + "\nUSER deployer\n"
		}, "unable to find user deployer: no matching entries in passwd file"},
		{"a numeric USER without a passwd entry", func(s string) string {
			return s + "\nUSER 4242\n"
		}, "permission denied"},
		{"an entrypoint that needs a shell", func(s string) string {
			return s + "\nENTRYPOINT " + strings.Join(entry, " ") + "\n"
		}, `exec: "/bin/sh"`},
		{"a program that is a shell script", func(s string) string {
			return s + "\nCOPY --from=build /src/internal/container/testdata/needs-shell " + filepath.Join(filepath.Dir(entry[0]), "pulumi-language-yaml") + "\n"
		}, "failed to load plugin " + filepath.Join(filepath.Dir(entry[0]), "pulumi-language-yaml")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			img, _, err := assemble(t, tc.edit(text), stage)
			if err != nil {
				t.Fatal(err)
			}
			problems := lifecycle(t, img, imageBinaries(t, img), 1)
			if len(problems) == 0 {
				t.Fatal("the broken image passed the contract")
			}
			all := strings.Join(problems, "\n")
			if !strings.Contains(all, tc.want) {
				t.Fatalf("the contract failed, but not with %q:\n%s", tc.want, all)
			}
			t.Logf("failed as it should:\n%s", all)
		})
	}
}
