package container

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// BaseImage is what the final stage's FROM image holds: the one place the
// test says what gcr.io/distroless/static-debian12 is. From the distroless
// sources (GoogleContainerTools/distroless, static/static.bzl: the static
// image is the debs base-files, netbase, tzdata and media-types, plus
// //common:passwd, :group, :home, :tmp, :rootfs, nsswitch.conf,
// os-release and the CA certificates; common/BUILD.bazel gives the users,
// groups and home folders; its env is PATH and SSL_CERT_FILE, user 0,
// workdir /). It has no shell, no libc and no git: nothing in it can be
// executed, so every program the container starts is one the Dockerfile
// copied in.
var BaseImage = Base{
	Image: "gcr.io/distroless/static-debian12",
	Files: []BaseFile{
		{Path: "etc/passwd", Mode: 0o644, Text: "root:x:0:0:root:/root:/sbin/nologin\n" +
			"nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n" +
			"nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"},
		{Path: "etc/group", Mode: 0o644, Text: "root:x:0:\nnobody:x:65534:\ntty:x:5:\nstaff:x:50:\nnonroot:x:65532:\n"},
		{Path: "etc/nsswitch.conf", Mode: 0o644, Text: "passwd: compat\ngroup: compat\nshadow: compat\ngshadow: files\n\n" +
			"hosts: files dns\nnetworks: files\n\nprotocols: db files\nservices: db files\nethers: db files\nrpc: db files\n\nnetgroup: nis\n"},
		{Path: "etc/os-release", Mode: 0o644, Text: "PRETTY_NAME=\"Distroless\"\nNAME=\"Debian GNU/Linux\"\nID=\"debian\"\nVERSION_ID=\"12\"\n" +
			"VERSION=\"Debian GNU/Linux 12 (bookworm)\"\nHOME_URL=\"https://github.com/GoogleContainerTools/distroless\"\n"},
		// ca-certificates' bundle, netbase's tables, media-types and tzdata:
		// data, taken from the host, which has the same Debian packages.
		{Path: "etc/ssl/certs/ca-certificates.crt", Mode: 0o644, Host: "/etc/ssl/certs/ca-certificates.crt"},
		{Path: "etc/services", Mode: 0o644, Host: "/etc/services", Optional: true},
		{Path: "etc/protocols", Mode: 0o644, Host: "/etc/protocols", Optional: true},
		{Path: "etc/mime.types", Mode: 0o644, Host: "/etc/mime.types", Optional: true},
		{Path: "usr/share/zoneinfo", Host: "/usr/share/zoneinfo", Optional: true},
	},
	Dirs: []BaseDir{
		{Path: "tmp", Mode: 0o1777},
		{Path: "root", Mode: 0o700},
		{Path: "home", Mode: 0o755},
		{Path: "home/nonroot", Mode: 0o700, UID: 65532, GID: 65532},
		// base-files' empty hierarchy (the folders on the base image's PATH
		// exist and are empty), and the mount points Docker fills.
		{Path: "bin", Mode: 0o755}, {Path: "sbin", Mode: 0o755},
		{Path: "usr/bin", Mode: 0o755}, {Path: "usr/sbin", Mode: 0o755},
		{Path: "usr/local/bin", Mode: 0o755}, {Path: "usr/local/sbin", Mode: 0o755},
		{Path: "var", Mode: 0o755}, {Path: "run", Mode: 0o755},
		{Path: "proc", Mode: 0o555}, {Path: "dev", Mode: 0o755}, {Path: "sys", Mode: 0o555},
	},
	Env: [][2]string{
		{"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
		{"SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt"},
	},
	User:    "0",
	Workdir: "/",
}

// Base is a base image's content and config.
type Base struct {
	Image   string // without tag or digest
	Files   []BaseFile
	Dirs    []BaseDir
	Env     [][2]string
	User    string
	Workdir string
}

// BaseFile is a file (or, with Host a folder, a tree) of the base image.
type BaseFile struct {
	Path     string // in the image, relative to /
	Mode     fs.FileMode
	Text     string // the content, or
	Host     string // the host file it is copied from
	Optional bool   // skipped when the host lacks it
}

// BaseDir is a folder of the base image.
type BaseDir struct {
	Path     string
	Mode     fs.FileMode
	UID, GID int
}

// Matches reports whether a FROM names this base image (any tag, any digest).
func (b Base) Matches(from string) bool {
	name := from
	if i := strings.Index(name, "@"); i >= 0 {
		name = name[:i]
	}
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		name = name[:i]
	}
	return name == b.Image
}

// Image is an assembled root filesystem and the config Docker would run it
// with.
type Image struct {
	Root       string
	Env        []string // KEY=VALUE, base image first, then the stage's ENV
	Entrypoint []string
	User       string
	Workdir    string
}

// Assemble writes the final stage's root filesystem under root: the base
// image's content, then each COPY --from=stage with that stage's paths
// looked up under stageRoots[stage] (the test reproduces a build stage as a
// folder; a COPY from any other place fails). It follows Docker's COPY: a
// file source lands at Dst (or in Dst/ when Dst ends with a slash), a
// folder source's content is copied into Dst, symbolic links inside
// folders are kept as links, and a top-level source link is followed.
func Assemble(st *Stage, base Base, stageRoots map[string]string, root string) (*Image, error) {
	if !base.Matches(st.From) {
		return nil, fmt.Errorf("assemble: the final stage is FROM %s; the test models only %s (BaseImage)", st.From, base.Image)
	}
	for _, d := range base.Dirs {
		p := filepath.Join(root, d.Path)
		if err := os.MkdirAll(p, 0o755); err != nil {
			return nil, err
		}
		if err := os.Chmod(p, d.Mode|chmodBits(d.Mode)); err != nil {
			return nil, err
		}
		if os.Geteuid() == 0 { // the unit tests assemble as any user
			if err := os.Lchown(p, d.UID, d.GID); err != nil {
				return nil, err
			}
		}
	}
	for _, f := range base.Files {
		p := filepath.Join(root, f.Path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if f.Host == "" {
			if err := os.WriteFile(p, []byte(f.Text), f.Mode); err != nil {
				return nil, err
			}
			continue
		}
		if _, err := os.Lstat(f.Host); errors.Is(err, fs.ErrNotExist) && f.Optional {
			continue
		}
		if err := copyTree(f.Host, p, true, false); err != nil {
			return nil, fmt.Errorf("assemble: base image file /%s: %w", f.Path, err)
		}
	}
	for _, c := range st.Copies {
		src, ok := stageRoots[c.From]
		if !ok {
			return nil, fmt.Errorf("assemble: COPY --from=%q: the test reproduces only the stages %v", c.From, keys(stageRoots))
		}
		for _, s := range c.Srcs {
			if err := copyOne(src, s, root, c.Dst); err != nil {
				return nil, fmt.Errorf("assemble: COPY --from=%s %s %s: %w", c.From, s, c.Dst, err)
			}
		}
	}
	img := &Image{Root: root, Entrypoint: st.Entrypoint, User: base.User, Workdir: base.Workdir}
	env := map[string]int{}
	for _, kv := range append(append([][2]string{}, base.Env...), st.Env...) {
		if i, ok := env[kv[0]]; ok {
			img.Env[i] = kv[0] + "=" + kv[1]
			continue
		}
		env[kv[0]] = len(img.Env)
		img.Env = append(img.Env, kv[0]+"="+kv[1])
	}
	if st.User != "" {
		img.User = st.User
	}
	if st.Workdir != "" {
		img.Workdir = st.Workdir
	}
	return img, nil
}

// chmodBits carries the sticky bit, which os.FileMode keeps apart.
func chmodBits(m fs.FileMode) fs.FileMode {
	if m&0o1000 != 0 {
		return fs.ModeSticky
	}
	return 0
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// copyOne copies one COPY source (absolute in the stage, globs allowed)
// into the image.
func copyOne(stageRoot, src, root, dst string) error {
	if !path.IsAbs(src) {
		return fmt.Errorf("source %s is not absolute (the test does not model the stage's WORKDIR)", src)
	}
	matches, err := filepath.Glob(filepath.Join(stageRoot, filepath.FromSlash(src)))
	if err != nil {
		return err
	}
	if len(matches) == 0 {
		return fmt.Errorf("%s: %w in the build stage", src, fs.ErrNotExist)
	}
	for _, m := range matches {
		fi, err := os.Stat(m) // a top-level link is followed
		if err != nil {
			return err
		}
		target := filepath.Join(root, filepath.FromSlash(dst))
		switch {
		case fi.IsDir():
			// A folder's content goes into dst.
		case strings.HasSuffix(dst, "/") || len(matches) > 1:
			target = filepath.Join(target, filepath.Base(m))
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := copyTree(m, target, true, true); err != nil {
			return err
		}
	}
	return nil
}

// copyTree copies src to dst, modes kept, links inside folders kept as
// links. follow follows src itself if it is a link. link hard-links
// regular files where the file system allows (the binaries are hundreds of
// MiB; only for sources the test owns: a host file linked into a writable
// root could be changed from inside).
func copyTree(src, dst string, follow, link bool) error {
	if follow {
		// link(2) would link the link itself: resolve it first.
		resolved, err := filepath.EvalSymlinks(src)
		if err != nil {
			return err
		}
		src = resolved
	}
	fi, err := os.Lstat(src)
	if err != nil {
		return err
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(src)
		if err != nil {
			return err
		}
		os.Remove(dst)
		return os.Symlink(target, dst)
	case fi.IsDir():
		if err := os.MkdirAll(dst, fi.Mode().Perm()); err != nil {
			return err
		}
		entries, err := os.ReadDir(src)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if err := copyTree(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name()), false, link); err != nil {
				return err
			}
		}
		return nil
	case fi.Mode().IsRegular():
		os.Remove(dst)
		if link {
			if err := os.Link(src, dst); err == nil {
				return nil
			}
		}
		return copyFile(src, dst, fi.Mode().Perm())
	default:
		return fmt.Errorf("%s: %v is not a file, folder or link", src, fi.Mode().Type())
	}
}

func copyFile(src, dst string, mode fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Executables lists every file under root (relative, slash-separated)
// that the kernel could execute: regular files with an execute bit,
// symbolic links reported as links. The contract test compares it with the
// Dockerfile's COPY lines: what is not in this list cannot be started
// inside the container.
func Executables(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0 {
			rel, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out, err
}
