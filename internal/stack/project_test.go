package stack

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/tdeploy/twilio-deploy-action/internal/event"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestProjectName(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   map[string]string
		want    string
		wantErr string
	}{
		{"yaml", map[string]string{"Pulumi.yaml": "name: ivr\nruntime: yaml\n"}, "ivr", ""},
		{"quoted, after other keys", map[string]string{"Pulumi.yaml": "# the IVR\nruntime: yaml\nname: \"my-ivr\"\n"}, "my-ivr", ""},
		{"yml", map[string]string{"Pulumi.yml": "name: short\nruntime: yaml\n"}, "short", ""},
		{"byte order mark", map[string]string{"Pulumi.yaml": "\ufeffname: bom\nruntime: yaml\n"}, "bom", ""},
		{"json", map[string]string{"Pulumi.json": `{"name": "js", "runtime": "yaml"}`}, "js", ""},
		{"yaml before yml", map[string]string{"Pulumi.yaml": "name: first\n", "Pulumi.yml": "name: second\n"}, "first", ""},
		{"nested name is not the project's", map[string]string{"Pulumi.yaml": "runtime: yaml\nresources:\n  a:\n    name: x\n"}, "", "has no name"},
		{"not YAML", map[string]string{"Pulumi.yaml": "name: [\n"}, "", "read Pulumi.yaml"},
		{"no project", map[string]string{"README.md": "hi"}, "", "no Pulumi.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := projectName(writeFiles(t, tc.files))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Fatalf("projectName = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// noCLI is a PulumiCommand that fails the test when run: plain config
// values must be written without starting the CLI.
type noCLI struct{ t *testing.T }

func (noCLI) Version() semver.Version { return semver.MustParse("3.259.0") }

func (c noCLI) Run(_ context.Context, _ string, _ io.Reader, _, _ []io.Writer, _ []string, args ...string) (string, string, int, error) {
	c.t.Errorf("CLI started: pulumi %s", strings.Join(args, " "))
	return "", "", 1, errors.New("no CLI here")
}

// TestApplyConfigPlain writes plain values into Pulumi.<stack>.yaml as the
// CLI would: bare keys get the project's namespace, values already in the
// file (including secrets the CLI wrote) stay.
func TestApplyConfigPlain(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"Pulumi.yaml": "name: ivr\nruntime: yaml\n",
		"Pulumi.dev.yaml": "secretsprovider: passphrase\nencryptionsalt: v1:abc\nconfig:\n" +
			"  ivr:pin:\n    secure: v1:ciphertext\n  ivr:greeting: old\n",
	})
	ws, err := auto.NewLocalWorkspace(t.Context(), auto.WorkDir(dir), auto.Pulumi(noCLI{t}))
	if err != nil {
		t.Fatal(err)
	}
	st, err := auto.SelectStack(t.Context(), "dev", lazyWorkspace{ws})
	if err != nil {
		t.Fatal(err)
	}
	s := Settings{WorkDir: dir, Stack: "dev", Operation: event.Preview, Config: []ConfigValue{
		{Key: "greeting", Value: "hello"},
		{Key: "twilio:region", Value: "ie1"},
	}}
	if err := s.applyConfig(t.Context(), &st, ws); err != nil {
		t.Fatal(err)
	}
	got, err := stackSettings(dir, "dev", "ivr")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"ivr:greeting": "hello", "twilio:region": "ie1"}
	for k, v := range want {
		var found bool
		for key, val := range got.Config {
			if key.String() == k {
				found = true
				if s, _ := val.Value(nil); s != v {
					t.Errorf("%s = %q, want %q", k, s, v)
				}
			}
		}
		if !found {
			t.Errorf("%s missing from %v", k, got.Config)
		}
	}
	var secure bool
	for key, val := range got.Config {
		secure = secure || (key.String() == "ivr:pin" && val.Secure())
	}
	if !secure || got.SecretsProvider != "passphrase" || got.EncryptionSalt != "v1:abc" {
		t.Errorf("existing secret settings lost: %+v", got)
	}
}

func TestStackSettingsMissingFile(t *testing.T) {
	ps, err := stackSettings(t.TempDir(), "org/ivr/dev", "ivr")
	if err != nil || len(ps.Config) != 0 {
		t.Fatalf("stackSettings of no file = %+v, %v", ps, err)
	}
}
