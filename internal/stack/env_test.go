package stack

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPrepareEnv(t *testing.T) {
	t.Parallel()
	loggedIn := t.TempDir()
	if err := os.WriteFile(filepath.Join(loggedIn, "credentials.json"), []byte(`{"current":"https://api.pulumi.com"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		env     map[string]string
		want    map[string]string
		wantErr string
	}{
		{"file backend", map[string]string{"PATH": "/usr/bin", "PULUMI_BACKEND_URL": "file:///s", "HOME": "/h"},
			map[string]string{"PATH": "/opt/tda/bin:/usr/bin", "PULUMI_BACKEND_URL": "file:///s", "HOME": "/h", "PULUMI_HOME": "/h/.pulumi", "PULUMI_SKIP_UPDATE_CHECK": "true"}, ""},
		{"update check asked for", map[string]string{"PULUMI_ACCESS_TOKEN": "pul-x", "PULUMI_SKIP_UPDATE_CHECK": "false"},
			map[string]string{"PATH": "/opt/tda/bin:", "PULUMI_ACCESS_TOKEN": "pul-x", "PULUMI_SKIP_UPDATE_CHECK": "false"}, ""},
		{"logged in with the CLI", map[string]string{"PULUMI_HOME": loggedIn},
			map[string]string{"PATH": "/opt/tda/bin:", "PULUMI_HOME": loggedIn, "PULUMI_SKIP_UPDATE_CHECK": "true"}, ""},
		{"no backend", map[string]string{"HOME": t.TempDir()}, nil, "no Pulumi backend: set PULUMI_BACKEND_URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := PrepareEnv(tc.env, "/opt/tda")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, tc.env); d != "" {
				t.Errorf("env (-want +got):\n%s", d)
			}
		})
	}
}

func TestHasProject(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file string
		want bool
	}{{"Pulumi.yaml", true}, {"Pulumi.yml", true}, {"Pulumi.json", true}, {"Pulumi.main.yaml", false}, {"", false}} {
		dir := t.TempDir()
		if tc.file != "" {
			if err := os.WriteFile(filepath.Join(dir, tc.file), []byte("name: p\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if got := HasProject(dir); got != tc.want {
			t.Errorf("HasProject with %q = %v", tc.file, got)
		}
	}
}

func TestReadEnvFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".dev.env"), []byte("A=1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".bad.env"), []byte("not a line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	vars, name, err := ReadEnvFile(dir, "dev")
	if err != nil || name != ".dev.env" || vars["A"] != "1" {
		t.Errorf("dev: %v %q %v", vars, name, err)
	}
	if vars, _, err := ReadEnvFile(dir, "main"); vars != nil || err != nil {
		t.Errorf("missing file: %v %v", vars, err)
	}
	if _, _, err := ReadEnvFile(dir, "bad"); err == nil || !strings.HasPrefix(err.Error(), "read .bad.env: ") {
		t.Errorf("bad file: err = %v", err)
	}
}

func TestRoot(t *testing.T) {
	t.Parallel()
	if got := Root("/p", "/opt/tda/bin/action"); got != "/p" {
		t.Error(got)
	}
	if got := Root("", "/opt/tda/bin/action"); got != "/opt/tda" {
		t.Error(got)
	}
}
