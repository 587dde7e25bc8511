package container

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRunnerEnviron(t *testing.T) {
	t.Parallel()
	r := Runner{Temp: "/home/runner/work/_temp", Workspace: "/home/runner/work/ivr/ivr"}
	s := Step{ID: "abc",
		Env:     []string{"PULUMI_BACKEND_URL=file:///home/runner/work/_temp/_github_home/state", "CI=1"},
		Inputs:  []Input{{"work-dir", "."}, {"github token", "t"}},
		Context: []string{"GITHUB_EVENT_NAME=push"}}
	env := r.Environ(s)
	want := []string{
		"PULUMI_BACKEND_URL=file:///home/runner/work/_temp/_github_home/state", // not a path prefix: left alone
		"CI=1", "INPUT_WORK-DIR=.", "INPUT_GITHUB_TOKEN=t", "HOME=/github/home", "GITHUB_EVENT_NAME=push",
		"GITHUB_WORKSPACE=/github/workspace", "GITHUB_EVENT_PATH=/github/workflow/event.json",
		"RUNNER_TEMP=/github/runner_temp", "RUNNER_WORKSPACE=/home/runner/work/ivr",
		"GITHUB_ENV=/github/file_commands/set_env_abc", "GITHUB_PATH=/github/file_commands/add_path_abc",
		"GITHUB_OUTPUT=/github/file_commands/set_output_abc", "GITHUB_STATE=/github/file_commands/save_state_abc",
		"GITHUB_STEP_SUMMARY=/github/file_commands/step_summary_abc",
		"GITHUB_ACTIONS=true", // CI was given: no CI=true added
	}
	if diff := cmp.Diff(want, env); diff != "" {
		t.Errorf("Environ (-want +got):\n%s", diff)
	}
	if got := r.Translate("/home/runner/work/_temp/_github_home/x"); got != "/github/home/x" {
		t.Errorf("Translate: %s; want the longest prefix, /github/home/x", got)
	}
	got := DockerEnv([]string{"PATH=/img", "PULUMI_HOME=/github/home/.pulumi"}, []string{"PATH=/run", "A=1"}, "h", "/root")
	if diff := cmp.Diff([]string{"PATH=/run", "PULUMI_HOME=/github/home/.pulumi", "A=1", "HOSTNAME=h", "HOME=/root"}, got); diff != "" {
		t.Errorf("DockerEnv (-want +got):\n%s", diff)
	}
}

func TestLookupUser(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	must(t, os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(root, "etc/group"), []byte("root:x:0:\nstaff:x:50:\n"), 0o644))
	for spec, want := range map[string]string{
		"":            "0 0 /root",
		"nonroot":     "65532 65532 /home/nonroot",
		"65532:staff": "65532 50 /home/nonroot",
		"4242":        "4242 0 /",
		"4242:77":     "4242 77 /",
		"deployer":    "unable to find user deployer: no matching entries in passwd file",
		"root:wheel":  "unable to find group wheel: no matching entries in group file",
	} {
		u, err := LookupUser(root, spec)
		got := strings.Join([]string{itoa(u.UID), itoa(u.GID), u.Home}, " ")
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("LookupUser(%q) = %s, want %s", spec, got, want)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestToolsPrograms(t *testing.T) {
	t.Parallel()
	repo := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(repo, "scripts"), 0o755))
	for _, d := range []string{"cmd/one", "cmd/two", "cmd/empty"} {
		must(t, os.MkdirAll(filepath.Join(repo, d), 0o755))
	}
	must(t, os.WriteFile(filepath.Join(repo, "cmd/one/main.go"), nil, 0o644))
	must(t, os.WriteFile(filepath.Join(repo, "cmd/two/main.go"), nil, 0o644))
	script := "build_pinned() {\n  local name=$1\n}\n" +
		"  build_pinned pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \"$V\"\n" +
		"for dir in cmd/*/; do\n  :\ndone\n" +
		"ln -sf one \"$BIN/provider\"\n"
	must(t, os.WriteFile(filepath.Join(repo, "scripts/tools.sh"), []byte(script), 0o755))
	got, err := ToolsPrograms(repo)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"one", "provider", "pulumi", "two"}, got); diff != "" {
		t.Errorf("ToolsPrograms (-want +got):\n%s", diff)
	}

	d, err := Parse("FROM g AS build\nRUN BIN=/b scripts/tools.sh\nFROM s\nCOPY --from=build /b/one /b/pulumi /b/\nCOPY --from=build /src/x /x\n")
	if err != nil {
		t.Fatal(err)
	}
	names, other := CopiedPrograms(d, got)
	if !slices.Equal(names, []string{"one", "pulumi"}) || !slices.Equal(other, []string{"/src/x"}) {
		t.Errorf("CopiedPrograms = %v, %v", names, other)
	}
	d, _ = Parse("FROM g AS build\nRUN BIN=/b scripts/tools.sh\nFROM s\nCOPY --from=build /b/ /b/\n")
	if names, _ := CopiedPrograms(d, got); !slices.Equal(names, got) {
		t.Errorf("CopiedPrograms of the whole BIN = %v, want %v", names, got)
	}
}
