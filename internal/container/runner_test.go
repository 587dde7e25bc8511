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
	for _, d := range []string{"cmd/one", "cmd/two", "cmd/empty", "cmd/" + MultiCall} {
		must(t, os.MkdirAll(filepath.Join(repo, d), 0o755))
	}
	must(t, os.WriteFile(filepath.Join(repo, "cmd/one/main.go"), nil, 0o644))
	must(t, os.WriteFile(filepath.Join(repo, "cmd/two/main.go"), nil, 0o644))
	must(t, os.WriteFile(filepath.Join(repo, "cmd", MultiCall, "main.go"), []byte("package main\n\n"+
		"var programs = map[string]func([]string) int{\n\t\"one\": nil,\n\t\"host\": nil,\n}\n"), 0o644))
	script := "build_pinned() {\n  local name=$1\n}\n" +
		"  build_pinned pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \"$V\"\n" +
		"go build -o \"$BIN/.t.tmp\" ./cmd/" + MultiCall + "\n" +
		"for name in \"${programs[@]}\"; do\n  ln -sfn " + MultiCall + " \"$BIN/.$name.tmp\"\n" +
		"  ln -sfn " + MultiCall + " \"$BIN/links/.$name.tmp\"\ndone\n" +
		"for dir in cmd/*/; do\n  :\ndone\n" +
		"ln -sf one \"$BIN/provider\"\n"
	must(t, os.WriteFile(filepath.Join(repo, "scripts/tools.sh"), []byte(script), 0o755))
	got, err := ToolsPrograms(repo)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"host", "one", "provider", "pulumi", MultiCall, "two"}, got); diff != "" {
		t.Errorf("ToolsPrograms (-want +got):\n%s", diff)
	}
	links, err := MultiCallNames(repo)
	if err != nil || !slices.Equal(links, []string{"host", "one"}) {
		t.Errorf("MultiCallNames = %v, %v; want [host one]", links, err)
	}

	for _, tc := range []struct {
		dockerfile   string
		names, other []string
	}{
		{"COPY --from=build /b/one /b/pulumi /b/\nCOPY --from=build /src/x /x\n", []string{"one", "pulumi"}, []string{"/src/x"}},
		{"COPY --from=build /b/ /b/\n", got, nil},
		{"COPY --from=build /b/" + MultiCall + " /b/\nCOPY --from=build /b/links/ /b/\n", []string{"host", "one", MultiCall}, nil},
		{"COPY --from=build /b/links/host /b/\n", []string{"host"}, nil},
	} {
		d, err := Parse("FROM g AS build\nRUN BIN=/b scripts/tools.sh\nFROM s\n" + tc.dockerfile)
		if err != nil {
			t.Fatal(err)
		}
		names, other := CopiedPrograms(d, got, links)
		if !slices.Equal(names, tc.names) || !slices.Equal(other, tc.other) {
			t.Errorf("CopiedPrograms of %q = %v, %v; want %v, %v", tc.dockerfile, names, other, tc.names, tc.other)
		}
	}

	// A multi-call binary whose names tools.sh does not link in BIN/links.
	must(t, os.WriteFile(filepath.Join(repo, "scripts/tools.sh"), []byte("for dir in cmd/*/; do :; done\ngo build ./cmd/"+MultiCall+"\n"), 0o755))
	if _, err := ToolsPrograms(repo); err == nil || !strings.Contains(err.Error(), "links its names in no") {
		t.Errorf("ToolsPrograms without the links folder: %v; want an error", err)
	}
}
