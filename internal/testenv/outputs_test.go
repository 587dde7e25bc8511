package testenv

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sethvargo/go-githubactions"
)

func TestParseOutputFile(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	dir := t.TempDir()
	path := filepath.Join(dir, "out")
	gha := githubactions.New(githubactions.WithGetenv(func(k string) string { return map[string]string{"GITHUB_OUTPUT": path}[k] }), githubactions.WithWriter(&buf))
	gha.SetOutput("one", "1")
	gha.SetOutput("md", "# title\n\nline")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseOutputFile(append(b, []byte("plain=x\n")...))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]string{"one": "1", "md": "# title\n\nline", "plain": "x"}, got); d != "" {
		t.Error(d)
	}
	if _, err := ParseOutputFile([]byte("a<<EOF\nx\n")); err == nil {
		t.Error("unterminated block accepted")
	}
}
