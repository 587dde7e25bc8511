// Package testenv finds the project's built tools for tests that run the
// real Pulumi CLI, language host and provider plugin, and gives each test a
// hermetic Pulumi home and file backend.
//
// The tools are built by scripts/tools.sh (make tools), which make test runs
// first; a test that needs a missing tool fails and says so.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// RepoRoot is the folder that holds go.mod for this module.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil &&
			strings.Contains(string(b), "module github.com/tdeploy/twilio-deploy-action\n") {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("testenv: go.mod of github.com/tdeploy/twilio-deploy-action not found above the test")
		}
		dir = parent
	}
}

// BinDir is the repository's bin folder, checked to hold the named tools.
func BinDir(t testing.TB, tools ...string) string {
	t.Helper()
	dir := filepath.Join(RepoRoot(t), "bin")
	for _, name := range tools {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Fatalf("testenv: %s is not built; run `make tools` (scripts/tools.sh) first", filepath.Join(dir, name))
		}
	}
	return dir
}

// Bin is the path of one built tool.
func Bin(t testing.TB, name string) string {
	t.Helper()
	return filepath.Join(BinDir(t, name), name)
}

// PulumiTools are what a Pulumi YAML program with Twilio resources needs.
var PulumiTools = []string{"pulumi", "pulumi-language-yaml", "pulumi-resource-twilio"}

// PulumiEnv returns an environment for running the real Pulumi CLI: bin/
// first on PATH (so the YAML host and our provider are found without
// downloads), a private PULUMI_HOME, a file:// backend in a temporary
// folder, and a passphrase secrets provider. Extra entries (KEY=VALUE)
// override.
func PulumiEnv(t testing.TB, extra ...string) []string {
	t.Helper()
	bin := BinDir(t, PulumiTools...)
	home := t.TempDir()
	state := t.TempDir()
	env := map[string]string{
		"PATH":                     bin + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME":                     os.Getenv("HOME"),
		"PULUMI_HOME":              home,
		"PULUMI_BACKEND_URL":       "file://" + filepath.ToSlash(state),
		"PULUMI_CONFIG_PASSPHRASE": "test-passphrase",
		"PULUMI_SKIP_UPDATE_CHECK": "true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK":    "false",
		"NO_COLOR": "1",
	}
	for _, kv := range extra {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// Pulumi runs bin/pulumi with env in dir and returns its combined output,
// failing the test on a non-zero exit.
func Pulumi(t testing.TB, dir string, env []string, args ...string) string {
	t.Helper()
	out, err := TryPulumi(t, dir, env, args...)
	if err != nil {
		t.Fatalf("pulumi %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// TryPulumi is Pulumi without the failure: for tests that expect one.
func TryPulumi(t testing.TB, dir string, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), Bin(t, "pulumi"), args...)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	return string(out), err
}
