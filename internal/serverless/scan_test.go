package serverless

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// writeTree creates files (slash path -> content) under a new temp dir.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test -update): %v", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

func TestConventions(t *testing.T) {
	t.Parallel()
	type row struct {
		path string
		kind Kind
		vis  Visibility
		ct   string
	}
	tests := []struct {
		name string
		file string
		want []row
	}{
		{"public function", "functions/hello.js", []row{{"/hello", KindFunction, Public, "application/javascript"}}},
		{"protected function", "functions/sms/reply.protected.js", []row{{"/sms/reply", KindFunction, Protected, "application/javascript"}}},
		{"private function", "functions/helper.private.js", []row{{"/helper", KindFunction, Private, "application/javascript"}}},
		{"dotted function name keeps its dots", "functions/v1.2/a.b.js", []row{{"/v1.2/a.b", KindFunction, Public, "application/javascript"}}},
		{"non-js in functions ignored (Toolkit)", "functions/README.md", nil},
		{"index.html keeps its name", "assets/index.html", []row{{"/index.html", KindAsset, Public, "text/html"}}},
		{"private asset json", "assets/data.private.json", []row{{"/data.json", KindAsset, Private, "application/json"}}},
		{"protected asset", "assets/audio/hold.protected.mp3", []row{{"/audio/hold.mp3", KindAsset, Protected, "audio/mpeg"}}},
		{"asset without extension", "assets/LICENSE", []row{{"/LICENSE", KindAsset, Public, "application/octet-stream"}}},
		{"whitespace becomes dash", "assets/my file.txt", []row{{"/my-file.txt", KindAsset, Public, "text/plain"}}},
		{"dotfiles skipped", "assets/.DS_Store", nil},
		{"dot folders skipped", "functions/.cache/x.js", nil},
		{"src fallback", "src/fn.js", []row{{"/fn", KindFunction, Public, "application/javascript"}}},
		{"static fallback", "static/a.css", []row{{"/a.css", KindAsset, Public, "text/css"}}},
		{"secret is just a name", "functions/x.secret.js", []row{{"/x.secret", KindFunction, Public, "application/javascript"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := writeTree(t, map[string]string{tc.file: "x"})
			p, err := Scan(dir)
			if err != nil {
				t.Fatal(err)
			}
			var got []row
			for _, f := range p.Files {
				got = append(got, row{f.Path, f.Kind, f.Visibility, f.ContentType})
				if f.Source != tc.file {
					t.Errorf("Source = %q, want %q", f.Source, tc.file)
				}
				if f.SHA256 != HashContent([]byte("x")) || f.Size != 1 {
					t.Errorf("hash/size = %s/%d", f.SHA256, f.Size)
				}
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(row{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestScanExampleProject(t *testing.T) {
	t.Parallel()
	p, err := Scan("testdata/project")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range p.Files {
		b.WriteString(string(f.Kind) + " " + string(f.Visibility) + " " + f.Path + " <- " + f.Source + " (" + f.ContentType + ")\n")
	}
	for _, d := range p.Dependencies {
		b.WriteString("dependency " + d.Name + "@" + d.Version + "\n")
	}
	for _, k := range []string{"ACCOUNT_SID", "AUTH_TOKEN", "GREETING"} {
		if v, ok := p.EnvVariables[k]; ok {
			b.WriteString("variable " + k + "=" + v + "\n")
		}
	}
	golden(t, "project.golden", b.String())
}

// TestScanErrors checks that each error names the file and the fix.
func TestScanErrors(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", MaxFileSize+1)
	tests := []struct {
		name  string
		files map[string]string
		setup func(t *testing.T, dir string)
		is    error
		// noGolden keeps a case whose outcome depends on the machine (a
		// root user reads everything) out of the golden file.
		noGolden bool
	}{
		{name: "too large asset", files: map[string]string{"assets/video.mp4": big}, is: ErrTooLarge},
		{name: "too large function", files: map[string]string{"functions/huge.js": big}, is: ErrTooLarge},
		{name: "capitalised suffix", files: map[string]string{"functions/a.Private.js": "x"}, is: ErrVisibility},
		{name: "suffix not last", files: map[string]string{"assets/app.private.min.js": "x"}, is: ErrVisibility},
		{name: "public is not a suffix", files: map[string]string{"functions/a.public.js": "x"}, is: ErrVisibility},
		{name: "duplicate path", files: map[string]string{"functions/a.js": "x", "functions/a.private.js": "y"}, is: ErrDuplicatePath},
		{name: "function and asset collide", files: map[string]string{"functions/a.js": "x", "assets/a": "y"}, is: ErrDuplicatePath},
		{
			name:  "symlink escapes",
			files: map[string]string{"functions/ok.js": "x"},
			setup: func(t *testing.T, dir string) {
				outside := filepath.Join(t.TempDir(), "secret.txt")
				os.WriteFile(outside, []byte("s"), 0o644)
				if err := os.Symlink(outside, filepath.Join(dir, "assets", "leak.txt")); err != nil {
					t.Skip("symlinks unsupported:", err)
				}
			},
			is: ErrSymlinkEscapes,
		},
		{
			name:  "linked folder escapes",
			files: map[string]string{"functions/ok.js": "x"},
			setup: func(t *testing.T, dir string) {
				outside := t.TempDir()
				os.RemoveAll(filepath.Join(dir, "assets"))
				if err := os.Symlink(outside, filepath.Join(dir, "assets")); err != nil {
					t.Skip("symlinks unsupported:", err)
				}
			},
			is: ErrSymlinkEscapes,
		},
		{
			name:  "unreadable file",
			files: map[string]string{"functions/locked.js": "x"},
			setup: func(t *testing.T, dir string) {
				if os.Getuid() == 0 {
					t.Skip("root reads everything")
				}
				os.Chmod(filepath.Join(dir, "functions", "locked.js"), 0)
			},
			is:       os.ErrPermission,
			noGolden: true,
		},
		{name: "bad package.json", files: map[string]string{"package.json": "{", "functions/a.js": "x"}},
		{name: "bad .env", files: map[string]string{".env": "NOT A LINE", "functions/a.js": "x"}},
	}
	var report strings.Builder
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeTree(t, tc.files)
			os.MkdirAll(filepath.Join(dir, "assets"), 0o755)
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			_, err := Scan(dir)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Errorf("%v is not a *FileError", err)
			}
			if !tc.noGolden {
				report.WriteString(tc.name + ": " + err.Error() + "\n")
			}
		})
	}
	golden(t, "errors.golden", report.String())
}

func TestSymlinkInsideIsFollowed(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{"shared/lib.js": "x", "assets/a.css": "y"})
	if err := os.Symlink(filepath.Join(dir, "shared"), filepath.Join(dir, "functions")); err != nil {
		t.Skip(err)
	}
	if err := os.Symlink(filepath.Join(dir, "assets", "a.css"), filepath.Join(dir, "assets", "b.css")); err != nil {
		t.Skip(err)
	}
	p, err := Scan(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range p.Files {
		got = append(got, f.Path)
	}
	if diff := cmp.Diff([]string{"/a.css", "/b.css", "/lib"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestTooManyFunctions(t *testing.T) {
	t.Parallel()
	files := map[string]string{}
	for i := range MaxFunctions + 1 {
		files["functions/f"+strings.Repeat("x", i)+".js"] = "x"
	}
	_, err := Scan(writeTree(t, files))
	if err == nil || !strings.Contains(err.Error(), "too many functions: 51") {
		t.Fatalf("err = %v", err)
	}
}
