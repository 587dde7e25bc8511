// Package handback gives the files a run created back to the user who owns
// the workspace.
//
// GitHub runs a Docker action as root, with the checkout (GITHUB_WORKSPACE)
// and the job's home folder (HOME, /github/home) mounted from the runner,
// whose later steps run as the runner's user (uid 1001 on GitHub's hosted
// runners). What the action and the Pulumi CLI write there (Pulumi.<stack>.yaml
// with its encryptionsalt, a file:// state folder, the Pulumi home) would
// stay root's, and a later step could not change or delete it, nor could
// the runner clean the workspace. Give returns those, and only those:
// the entries under the roots that this process's user owns and whose
// status changed since the run started (created, written, chmod-ed).
//
// Symbolic links are never followed: a link is given back itself (lchown)
// and what it points to is left alone, so nothing outside the roots is
// touched.
package handback

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Result says what Give did.
type Result struct {
	UID, GID int // the owner the files were given to
	Changed  int // entries whose owner changed
}

// Give gives every entry under roots that the effective user owns and
// whose status changed at or after since to the owner of ownerOf (the
// workspace). It does nothing unless the process runs as root and ownerOf
// belongs to another user: otherwise the files are already the owner's,
// or cannot be given away. Roots that do not exist are skipped; a root
// inside another is walked once. Errors on single entries do not stop the
// walk; the first is returned.
func Give(ownerOf string, since time.Time, roots ...string) (Result, error) {
	fi, err := os.Stat(ownerOf)
	if err != nil {
		return Result{}, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return Result{}, fmt.Errorf("%s: no owner on this system", ownerOf)
	}
	res := Result{UID: int(st.Uid), GID: int(st.Gid)}
	euid := os.Geteuid()
	if euid != 0 || res.UID == euid {
		return res, nil
	}
	var first error
	for _, root := range outermost(roots) {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if !errors.Is(err, fs.ErrNotExist) && first == nil {
					first = err
				}
				return nil // unreadable: skip it, go on
			}
			info, err := d.Info() // lstat: a link is the link
			if err != nil {
				return nil // gone since it was listed
			}
			s, ok := info.Sys().(*syscall.Stat_t)
			if !ok || int(s.Uid) != euid || time.Unix(s.Ctim.Sec, s.Ctim.Nsec).Before(since) {
				return nil
			}
			if err := os.Lchown(path, res.UID, res.GID); err != nil {
				if first == nil {
					first = err
				}
				return nil
			}
			res.Changed++
			return nil
		})
		if err != nil && first == nil {
			first = err
		}
	}
	return res, first
}

// outermost drops empty roots and roots inside another root.
func outermost(roots []string) []string {
	var clean []string
	for _, r := range roots {
		if r != "" {
			clean = append(clean, filepath.Clean(r))
		}
	}
	var out []string
	for i, r := range clean {
		inside := false
		for j, o := range clean {
			if i != j && (r == o && j < i || within(r, o) && r != o) {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, r)
		}
	}
	return out
}

// within reports whether path is o or under it.
func within(path, o string) bool {
	rel, err := filepath.Rel(o, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
