package container

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// How GitHub's runner starts a container action, from its source
// (actions/runner, src/Runner.Worker/Handlers/ContainerActionHandler.cs
// and src/Runner.Worker/Container/DockerCommandManager.cs DockerRun):
//
//   - the step's environment is the step's env:, then INPUT_<NAME> for
//     every action.yml input (upper case, spaces to underscores, hyphens
//     kept; the default when the workflow gives none), HOME set to
//     <temp>/_github_home, the GITHUB_* and RUNNER_* context variables and
//     ACTIONS_RUNTIME_*; every value is translated from the runner's paths
//     to the container's (AddPathTranslateMapping /
//     TranslateToContainerPath), so GITHUB_OUTPUT is
//     /github/file_commands/set_output_<id>;
//   - `docker run --workdir /github/workspace --rm -e NAME ... -e
//     GITHUB_ACTIONS=true -e CI=true` with the mounts
//     -v /var/run/docker.sock, -v <temp>:/github/runner_temp,
//     -v <temp>/_github_home:/github/home,
//     -v <temp>/_github_workflow:/github/workflow (event.json),
//     -v <temp>/_runner_file_commands:/github/file_commands,
//     -v <workspace>:/github/workspace; as the image's USER (root unless
//     the image says otherwise), with the image's ENTRYPOINT and ENV.
//
// A job log of a current runner shows the same command line (temp is
// /home/runner/work/_temp on hosted runners, whose user is uid 1001).
// The docker socket is left out: no Docker engine runs here, and the
// action never uses it.

// RunnerUID and RunnerGID are the runner's user (uid 1001 on GitHub's
// hosted runners), who owns the workspace, the temp folder and the file
// command files, and who must own everything the step leaves there.
const (
	RunnerUID = 1001
	RunnerGID = 1001
)

// Runner is one job's folders on the runner's side.
type Runner struct {
	Temp      string // RUNNER_TEMP: <work>/_temp
	Workspace string // GITHUB_WORKSPACE: <work>/<repo>/<repo>
	Tool      string // RUNNER_TOOL_CACHE
}

// The runner's folders under Temp.
func (r Runner) Home() string         { return filepath.Join(r.Temp, "_github_home") }
func (r Runner) Workflow() string     { return filepath.Join(r.Temp, "_github_workflow") }
func (r Runner) FileCommands() string { return filepath.Join(r.Temp, "_runner_file_commands") }

// Mounts are the runner's -v list, in its order.
func (r Runner) Mounts() []Mount {
	return []Mount{
		{Src: r.Temp, Dst: "/github/runner_temp"},
		{Src: r.Home(), Dst: "/github/home"},
		{Src: r.Workflow(), Dst: "/github/workflow"},
		{Src: r.FileCommands(), Dst: "/github/file_commands"},
		{Src: r.Workspace, Dst: "/github/workspace"},
	}
}

// Workdir is the runner's --workdir.
const Workdir = "/github/workspace"

// Translate maps a runner path in a value to the container's, as
// ContainerInfo.TranslateToContainerPath does: the longest mounted prefix
// wins; other values pass unchanged.
func (r Runner) Translate(v string) string {
	best := Mount{}
	for _, m := range r.Mounts() {
		if (v == m.Src || strings.HasPrefix(v, m.Src+"/")) && len(m.Src) > len(best.Src) {
			best = m
		}
	}
	if best.Src == "" {
		return v
	}
	return best.Dst + strings.TrimPrefix(v, best.Src)
}

// Input is one action.yml input with the value the runner passes.
type Input struct{ Name, Value string }

// InputVar is the variable the runner passes an input in: INPUT_ and the
// name upper-cased with spaces as underscores; hyphens are kept
// (AddInputsToEnvironment).
func InputVar(name string) string {
	return "INPUT_" + strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(name), " ", "_"))
}

// Step is one run of the container action.
type Step struct {
	ID      string   // the step's id: names the file command files
	Env     []string // the step's env: (KEY=VALUE)
	Inputs  []Input  // every action.yml input, defaults filled in
	Context []string // GITHUB_* and RUNNER_* as the runner has them (runner paths)
}

// OutputFile and SummaryFile are the file command files the runner creates
// before the step (FileCommandManager: set_output_<id>, step_summary_<id>).
func (r Runner) OutputFile(s Step) string {
	return filepath.Join(r.FileCommands(), "set_output_"+s.ID)
}
func (r Runner) SummaryFile(s Step) string {
	return filepath.Join(r.FileCommands(), "step_summary_"+s.ID)
}

// FileCommands are the files the runner pre-creates for a step, by
// variable.
func (r Runner) fileCommands(s Step) [][2]string {
	d := r.FileCommands()
	return [][2]string{
		{"GITHUB_ENV", filepath.Join(d, "set_env_"+s.ID)},
		{"GITHUB_PATH", filepath.Join(d, "add_path_"+s.ID)},
		{"GITHUB_OUTPUT", r.OutputFile(s)},
		{"GITHUB_STATE", filepath.Join(d, "save_state_"+s.ID)},
		{"GITHUB_STEP_SUMMARY", r.SummaryFile(s)},
	}
}

// Prepare creates the runner's folders and the step's file command files,
// empty and owned by the runner's user, as the runner (which runs as that
// user) leaves them.
func (r Runner) Prepare(s Step) error {
	for _, d := range []string{r.Temp, r.Home(), r.Workflow(), r.FileCommands(), r.Workspace} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		if err := os.Chown(d, RunnerUID, RunnerGID); err != nil {
			return err
		}
	}
	for _, fc := range r.fileCommands(s) {
		if err := os.WriteFile(fc[1], nil, 0o644); err != nil {
			return err
		}
		if err := os.Chown(fc[1], RunnerUID, RunnerGID); err != nil {
			return err
		}
	}
	return nil
}

// Environ is the -e list the runner passes for the step, values
// translated to container paths, in the runner's order.
func (r Runner) Environ(s Step) []string {
	var env []string
	seen := map[string]int{}
	set := func(k, v string) {
		if i, ok := seen[k]; ok {
			env[i] = k + "=" + v
			return
		}
		seen[k] = len(env)
		env = append(env, k+"="+v)
	}
	for _, kv := range s.Env {
		k, v, _ := strings.Cut(kv, "=")
		set(k, v)
	}
	for _, in := range s.Inputs {
		set(InputVar(in.Name), in.Value)
	}
	set("HOME", r.Home())
	for _, kv := range s.Context {
		k, v, _ := strings.Cut(kv, "=")
		set(k, v)
	}
	set("GITHUB_WORKSPACE", r.Workspace)
	set("GITHUB_EVENT_PATH", filepath.Join(r.Workflow(), "event.json"))
	set("RUNNER_TEMP", r.Temp)
	set("RUNNER_WORKSPACE", filepath.Dir(r.Workspace))
	if r.Tool != "" {
		set("RUNNER_TOOL_CACHE", r.Tool)
	}
	for _, fc := range r.fileCommands(s) {
		set(fc[0], fc[1])
	}
	for i, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		env[i] = k + "=" + r.Translate(v)
	}
	// Added by DockerRun itself.
	env = append(env, "GITHUB_ACTIONS=true")
	if _, ok := seen["CI"]; !ok {
		env = append(env, "CI=true")
	}
	return env
}

// DockerEnv is the environment Docker gives the entrypoint: the image's
// ENV, overridden by the -e list, plus HOSTNAME, and HOME from the user's
// passwd entry (or /) when neither sets it.
func DockerEnv(image, run []string, hostname, home string) []string {
	vals := map[string]string{}
	var order []string
	for _, kv := range append(append([]string{}, image...), run...) {
		k, v, _ := strings.Cut(kv, "=")
		if _, ok := vals[k]; !ok {
			order = append(order, k)
		}
		vals[k] = v
	}
	for _, kv := range [][2]string{{"HOSTNAME", hostname}, {"HOME", home}} {
		if _, ok := vals[kv[0]]; !ok {
			order = append(order, kv[0])
			vals[kv[0]] = kv[1]
		}
	}
	out := make([]string, 0, len(order))
	for _, k := range order {
		out = append(out, k+"="+vals[k])
	}
	return out
}

// User is a resolved USER.
type User struct {
	UID, GID int
	Home     string
}

// LookupUser resolves a USER (name or uid, optionally :group) against the
// image's /etc/passwd and /etc/group as Docker (runc) does: a name must
// have an entry ("unable to find user NAME: no matching entries in passwd
// file"); a numeric uid without one runs with gid 0 and home /.
func LookupUser(root, spec string) (User, error) {
	if spec == "" {
		spec = "0"
	}
	name, group, hasGroup := strings.Cut(spec, ":")
	u := User{GID: 0, Home: "/"}
	passwd, err := readColonFile(filepath.Join(root, "etc/passwd"))
	if err != nil {
		return u, fmt.Errorf("unable to find user %s: %w", name, err)
	}
	found := false
	for _, f := range passwd {
		if len(f) < 7 {
			continue
		}
		if f[0] == name || f[2] == name {
			u.UID, _ = strconv.Atoi(f[2])
			u.GID, _ = strconv.Atoi(f[3])
			u.Home = f[5]
			found = true
			break
		}
	}
	if !found {
		n, err := strconv.Atoi(name)
		if err != nil {
			return u, fmt.Errorf("unable to find user %s: no matching entries in passwd file", name)
		}
		u.UID = n
	}
	if hasGroup {
		groups, err := readColonFile(filepath.Join(root, "etc/group"))
		if err != nil {
			return u, fmt.Errorf("unable to find group %s: %w", group, err)
		}
		found = false
		for _, f := range groups {
			if len(f) >= 3 && (f[0] == group || f[2] == group) {
				u.GID, _ = strconv.Atoi(f[2])
				found = true
			}
		}
		if !found {
			n, err := strconv.Atoi(group)
			if err != nil {
				return u, fmt.Errorf("unable to find group %s: no matching entries in group file", group)
			}
			u.GID = n
		}
	}
	return u, nil
}

func readColonFile(p string) ([][]string, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, strings.Split(l, ":"))
		}
	}
	return out, sc.Err()
}

// Mount is a bind mount into the container.
type Mount struct {
	Src, Dst string
	ReadOnly bool
}

// Spec is everything the namespace helper needs to start the entrypoint.
type Spec struct {
	Root    string
	Mounts  []Mount
	Env     []string
	Workdir string
	Argv    []string
	User    User
	// NoExec mounts the runner's folders noexec: GitHub does not, but the
	// contract is that only the image's binaries run, and a program fetched
	// into the home (a Pulumi plugin download) or the workspace would then
	// fail to start instead of passing unnoticed.
	NoExec bool
}

// Argv is the entrypoint with the step's arguments.
func Argv(entrypoint []string, args ...string) []string {
	return append(append([]string{}, entrypoint...), args...)
}

// SortedEnv is env sorted, for stable messages.
func SortedEnv(env []string) []string {
	out := append([]string{}, env...)
	sort.Strings(out)
	return out
}
