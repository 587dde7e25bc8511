package docs

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// git runs git in dir with a hermetic identity and configuration.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := command(t, dir, "git", args...)
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(out)
}

func command(t *testing.T, dir, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestReleaseScript runs scripts/release.sh (what release.yml runs) in a
// scratch repository holding the real action.yml: the tag moves to a
// commit whose action.yml uses the prebuilt image and is otherwise the
// same; the major tag follows releases but not pre-releases.
func TestReleaseScript(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	script := filepath.Join(root(t), "scripts", "release.sh")
	original := read(t, "action.yml")
	const image = "docker://ghcr.io/tdeploy/twilio-deploy-action:"

	for _, tc := range []struct {
		name, tag string
		major     bool
	}{
		{"release moves v1", "v1.2.3", true},
		{"pre-release leaves v1", "v1.3.0-rc.1", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			git(t, dir, "init", "--quiet", "--initial-branch=main")
			if err := os.WriteFile(filepath.Join(dir, "action.yml"), []byte(original), 0o644); err != nil {
				t.Fatal(err)
			}
			git(t, dir, "add", "action.yml")
			git(t, dir, "commit", "--quiet", "-m", "first")
			tagged := git(t, dir, "rev-parse", "HEAD")
			git(t, dir, "tag", "v1", tagged) // an older major tag to move
			git(t, dir, "tag", tc.tag)
			git(t, dir, "checkout", "--quiet", "--detach", tc.tag)

			out, err := command(t, dir, "bash", script, tc.tag, image+tc.tag)
			if err != nil {
				t.Fatalf("release.sh: %v\n%s", err, out)
			}
			wantRefs := "refs/tags/" + tc.tag
			if tc.major {
				wantRefs += " refs/tags/v1"
			}
			if got := strings.TrimSpace(out); got != wantRefs {
				t.Errorf("release.sh printed %q; want %q", got, wantRefs)
			}
			if parent := git(t, dir, "rev-parse", tc.tag+"^"); parent != tagged {
				t.Errorf("%s^ = %s; want the tagged commit %s", tc.tag, parent, tagged)
			}
			released, err := ParseAction([]byte(git(t, dir, "show", tc.tag+":action.yml")))
			if err != nil {
				t.Fatal(err)
			}
			if released.Using != "docker" || released.Image != image+tc.tag {
				t.Errorf("released action.yml runs: %q %q; want docker %q", released.Using, released.Image, image+tc.tag)
			}
			before, err := ParseAction([]byte(original))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(before.Inputs, released.Inputs); diff != "" {
				t.Errorf("release changed the inputs (-before +after):\n%s", diff)
			}
			if diff := cmp.Diff(before.Outputs, released.Outputs); diff != "" {
				t.Errorf("release changed the outputs (-before +after):\n%s", diff)
			}
			if diff := git(t, dir, "diff", "--stat", tagged, tc.tag); !strings.Contains(diff, "1 file changed, 1 insertion(+), 1 deletion(-)") {
				t.Errorf("release commit changes more than the image line:\n%s", diff)
			}
			v1 := git(t, dir, "rev-parse", "v1")
			if moved := v1 == git(t, dir, "rev-parse", tc.tag); moved != tc.major {
				t.Errorf("v1 moved = %v; want %v", moved, tc.major)
			}
		})
	}

	t.Run("refuses bad input", func(t *testing.T) {
		t.Parallel()
		for _, args := range [][]string{
			{"1.2.3", image + "1.2.3"},
			{"v1.2", image + "v1.2"},
			{"v1.2.3", "ghcr.io/x:v1.2.3"},
			{"v1.2.3"},
		} {
			if out, err := command(t, t.TempDir(), "bash", append([]string{script}, args...)...); err == nil {
				t.Errorf("release.sh %v succeeded; want a refusal\n%s", args, out)
			}
		}
	})
}
