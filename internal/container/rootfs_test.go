package container

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAssemble follows Docker's COPY: files into a folder destination, a
// folder's content into the destination with its links kept, a
// top-level link followed; the image's ENV after the base's.
func TestAssemble(t *testing.T) {
	t.Parallel()
	stage := t.TempDir()
	bin := filepath.Join(stage, "opt/x/bin")
	must(t, os.MkdirAll(bin, 0o755))
	must(t, os.WriteFile(filepath.Join(bin, "multi"), []byte("ELF"), 0o755))
	must(t, os.Symlink("multi", filepath.Join(bin, "provider")))
	must(t, os.WriteFile(filepath.Join(bin, ".multi.version"), []byte("v1"), 0o644))
	must(t, os.Symlink("bin/multi", filepath.Join(stage, "opt/x/alias")))
	base := Base{
		Image: "base",
		Files: []BaseFile{{Path: "etc/passwd", Mode: 0o644, Text: "root:x:0:0:root:/root:/sbin/nologin\n"}},
		Dirs:  []BaseDir{{Path: "tmp", Mode: 0o1777}},
		Env:   [][2]string{{"PATH", "/bin"}, {"SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt"}},
		User:  "0", Workdir: "/",
	}
	st := &Stage{From: "base:1", Copies: []Copy{
		{From: "build", Srcs: []string{"/opt/x/bin/"}, Dst: "/app/bin/"},
		{From: "build", Srcs: []string{"/opt/x/alias"}, Dst: "/app/one"},
		{From: "build", Srcs: []string{"/opt/x/bin/mu*"}, Dst: "/app/glob/"},
	}, Env: [][2]string{{"PATH", "/app/bin"}}, Entrypoint: []string{"/app/bin/multi"}}
	root := filepath.Join(t.TempDir(), "root")
	img, err := Assemble(st, base, map[string]string{"build": stage}, root)
	if err != nil {
		t.Fatal(err)
	}
	if l, err := os.Readlink(filepath.Join(root, "app/bin/provider")); err != nil || l != "multi" {
		t.Errorf("app/bin/provider: link %q, %v; want the link kept", l, err)
	}
	if fi, err := os.Lstat(filepath.Join(root, "app/one")); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("app/one: %v, %v; want the top-level link followed", fi, err)
	}
	if fi, err := os.Stat(filepath.Join(root, "tmp")); err != nil || fi.Mode()&os.ModeSticky == 0 || fi.Mode().Perm() != 0o777 {
		t.Errorf("/tmp: %v, %v; want 1777", fi, err)
	}
	exe, err := Executables(root)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"app/bin/multi", "app/glob/multi", "app/one"}, exe); diff != "" {
		t.Errorf("Executables (-want +got):\n%s", diff)
	}
	progs, err := Programs(filepath.Join(root, "app/bin"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"multi", "provider"}, progs); diff != "" {
		t.Errorf("Programs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"PATH=/app/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"}, img.Env); diff != "" {
		t.Errorf("Env (-want +got):\n%s", diff)
	}

	for name, st := range map[string]*Stage{
		"another base":      {From: "alpine:3"},
		"an unknown stage":  {From: "base", Copies: []Copy{{From: "deps", Srcs: []string{"/x"}, Dst: "/x"}}},
		"a missing source":  {From: "base", Copies: []Copy{{From: "build", Srcs: []string{"/opt/x/bin/gone"}, Dst: "/x/"}}},
		"a relative source": {From: "base", Copies: []Copy{{From: "build", Srcs: []string{"opt/x/bin/multi"}, Dst: "/x/"}}},
	} {
		if _, err := Assemble(st, base, map[string]string{"build": stage}, t.TempDir()); err == nil {
			t.Errorf("Assemble with %s succeeded; want an error", name)
		}
	}
}

// TestBaseImage keeps the model of distroless/static honest where it
// matters to the contract: no shell, root and the runner-facing files.
func TestBaseImage(t *testing.T) {
	t.Parallel()
	var passwd string
	for _, f := range BaseImage.Files {
		if f.Path == "etc/passwd" {
			passwd = f.Text
		}
		if strings.Contains(f.Path, "bin/") || f.Mode&0o111 != 0 {
			t.Errorf("the base image model holds a program: %s", f.Path)
		}
	}
	if !strings.HasPrefix(passwd, "root:x:0:0:") || strings.Contains(passwd, "/bin/sh") {
		t.Errorf("passwd %q", passwd)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
