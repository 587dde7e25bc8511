package serverless

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Kind says whether a file is a Function or an Asset.
type Kind string

// Kinds.
const (
	KindFunction Kind = "function"
	KindAsset    Kind = "asset"
)

// Visibility is Twilio's access level for a Function or Asset.
type Visibility string

// Visibilities.
const (
	Public    Visibility = "public"
	Protected Visibility = "protected"
	Private   Visibility = "private"
)

// Limits Twilio documents for the Serverless API ("Functions & Assets
// (API-only)": builds hold at most 50 Function Versions, 1000 public or
// protected Asset Versions and 50 private ones; an Asset is at most 10 MB).
// Twilio publishes no separate per-file limit for Function code; the Asset
// limit is applied to both so an oversized file fails here, naming it,
// instead of failing later in the upload.
const (
	MaxFileSize              = 10 << 20
	MaxFunctions             = 50
	MaxPublicAssets          = 1000
	MaxPrivateAssets         = 50
	maxVariableValueBytes    = 450 // CreateVariable's documented Value limit
	maxVariableKeyCharacters = 128
)

// File is one Function or Asset found in a project folder.
type File struct {
	Path        string     `json:"path"` // the URL path, "/sms/reply"
	Kind        Kind       `json:"kind"`
	Visibility  Visibility `json:"visibility"`
	Source      string     `json:"source"` // slash path under the project folder
	SHA256      string     `json:"sha256"` // hex digest of the content
	Size        int64      `json:"size"`
	ContentType string     `json:"contentType"`
}

// Project is a scanned folder.
type Project struct {
	Dir   string
	Files []File // sorted by Path
	// EnvVariables come from the folder's .env file (ACCOUNT_SID and
	// AUTH_TOKEN dropped, as the Toolkit does: Twilio provides both).
	EnvVariables map[string]string
	// Dependencies come from package.json "dependencies", sorted by name;
	// nil when there is no package.json.
	Dependencies []Dependency
}

// Dependency is one npm package of a Build (Twilio's {name, version}).
type Dependency struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// FileError is an error about one file of the project; File is its slash
// path under the project folder.
type FileError struct {
	File string
	Err  error
}

func (e *FileError) Error() string { return e.File + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// Errors a FileError wraps.
var (
	ErrTooLarge       = errors.New("file too large")
	ErrVisibility     = errors.New("invalid visibility suffix")
	ErrSymlinkEscapes = errors.New("symbolic link points outside the project folder; copy what it points to into the folder")
	ErrDuplicatePath  = errors.New("two files give the same URL path")
)

// Folder names, in the Toolkit's order of preference.
var (
	functionDirs = []string{"functions", "src"}
	assetDirs    = []string{"assets", "static"}
)

// Scan reads a project folder with the Serverless Toolkit's conventions:
//
//   - Functions are the .js files under functions/ (or src/ when there is
//     no functions/); other files there are ignored, as the Toolkit does.
//     Assets are every file under assets/ (or static/).
//   - "name.protected.ext" is protected, "name.private.ext" private, any
//     other name public.
//   - The URL path is the path under that folder with the visibility
//     suffix removed, and for Functions without ".js"; whitespace becomes
//     "-". functions/sms/reply.protected.js is /sms/reply, and
//     assets/index.html is /index.html (Twilio serves only the paths it is
//     given, so there is no implicit "/").
//
// Two files with the same URL path are an error, as in the Toolkit's
// route map. Deliberate differences from the Toolkit, to fail early and
// loudly: a name segment that looks like a visibility but is not exactly
// the suffix ("a.Private.js", "a.private.min.js", "a.public.js") is an
// error (the Toolkit would silently make such a file public); files and
// folders whose name starts with "." are skipped (.DS_Store, .gitkeep);
// symbolic links are followed only inside the project folder. Any other
// name is fine: "x.secret.js" is the public function /x.secret.
func Scan(dir string) (*Project, error) {
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("resolve project folder: %w", err)
	}
	real, err := filepath.EvalSymlinks(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("project folder %s does not exist; path is relative to the Pulumi program's folder", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("open project folder %s: %w", dir, err)
	}
	if st, err := os.Stat(real); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("project folder %s is not a folder", dir)
	}
	s := &scanner{root: real, seen: map[string]string{}}
	p := &Project{Dir: real}
	for _, top := range []struct {
		names []string
		kind  Kind
	}{{functionDirs, KindFunction}, {assetDirs, KindAsset}} {
		d := firstDir(real, top.names)
		if d == "" {
			continue
		}
		if t, err := filepath.EvalSymlinks(d); err != nil || !within(real, t) {
			return nil, &FileError{File: s.rel(d), Err: ErrSymlinkEscapes}
		}
		if err := s.walk(d, d, top.kind, map[string]bool{}); err != nil {
			return nil, err
		}
	}
	sort.Slice(s.files, func(i, j int) bool { return s.files[i].Path < s.files[j].Path })
	if err := checkCounts(s.files); err != nil {
		return nil, err
	}
	p.Files = s.files
	if p.EnvVariables, err = readDotEnv(real); err != nil {
		return nil, err
	}
	if p.Dependencies, err = readPackageJSON(real); err != nil {
		return nil, err
	}
	return p, nil
}

type scanner struct {
	root  string
	files []File
	seen  map[string]string // URL path -> source
}

func firstDir(root string, names []string) string {
	for _, n := range names {
		d := filepath.Join(root, n)
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
	}
	return ""
}

// walk visits dir (a real path inside the project) as part of the tree
// rooted at base (the functions or assets folder); visited guards against
// symbolic link loops.
func (s *scanner) walk(base, dir string, kind Kind, visited map[string]bool) error {
	if visited[dir] {
		return nil
	}
	visited[dir] = true
	entries, err := os.ReadDir(dir)
	if err != nil {
		return &FileError{File: s.rel(dir), Err: fmt.Errorf("read folder: %w", err)}
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		full := filepath.Join(dir, e.Name())
		target, info := full, fs.FileInfo(nil)
		if e.Type()&fs.ModeSymlink != 0 {
			t, err := filepath.EvalSymlinks(full)
			if err != nil {
				return &FileError{File: s.rel(full), Err: fmt.Errorf("follow symbolic link: %w", err)}
			}
			if !within(s.root, t) {
				return &FileError{File: s.rel(full), Err: ErrSymlinkEscapes}
			}
			target = t
		}
		if info, err = os.Stat(target); err != nil {
			return &FileError{File: s.rel(full), Err: fmt.Errorf("stat: %w", err)}
		}
		if info.IsDir() {
			// A linked folder keeps the link's place in the URL tree.
			if err := s.walkLinked(base, full, target, kind, visited); err != nil {
				return err
			}
			continue
		}
		if !info.Mode().IsRegular() {
			continue
		}
		if err := s.add(base, full, target, info, kind); err != nil {
			return err
		}
	}
	return nil
}

// walkLinked walks target as if it were at logical (for URL paths).
func (s *scanner) walkLinked(base, logical, target string, kind Kind, visited map[string]bool) error {
	if logical == target {
		return s.walk(base, target, kind, visited)
	}
	sub := &scanner{root: s.root, seen: s.seen}
	if err := sub.walk(target, target, kind, visited); err != nil {
		return err
	}
	prefix, _ := filepath.Rel(base, logical)
	for _, f := range sub.files {
		delete(s.seen, f.Path)
		f.Path = "/" + path.Join(filepath.ToSlash(prefix), strings.TrimPrefix(f.Path, "/"))
		if prev, dup := s.seen[f.Path]; dup {
			return &FileError{File: f.Source, Err: fmt.Errorf("%w %s (also %s)", ErrDuplicatePath, f.Path, prev)}
		}
		s.seen[f.Path] = f.Source
		s.files = append(s.files, f)
	}
	return nil
}

func (s *scanner) add(base, full, target string, info fs.FileInfo, kind Kind) error {
	src := s.rel(full)
	rel, _ := filepath.Rel(base, full)
	rel = filepath.ToSlash(rel)
	if kind == KindFunction && path.Ext(rel) != ".js" {
		return nil
	}
	urlPath, vis, err := pathAndVisibility(rel, kind)
	if err != nil {
		return &FileError{File: src, Err: err}
	}
	if info.Size() > MaxFileSize {
		return &FileError{File: src, Err: fmt.Errorf("%w: %d bytes, Twilio accepts at most %d (10 MB); move it to other hosting or split it", ErrTooLarge, info.Size(), MaxFileSize)}
	}
	sum, n, err := hashFile(target)
	if err != nil {
		return &FileError{File: src, Err: fmt.Errorf("read: %w", err)}
	}
	if n > MaxFileSize { // grew since Stat
		return &FileError{File: src, Err: fmt.Errorf("%w: %d bytes, Twilio accepts at most %d (10 MB)", ErrTooLarge, n, MaxFileSize)}
	}
	if prev, dup := s.seen[urlPath]; dup {
		return &FileError{File: src, Err: fmt.Errorf("%w %s (also %s)", ErrDuplicatePath, urlPath, prev)}
	}
	s.seen[urlPath] = src
	ct := "application/javascript"
	if kind == KindAsset {
		ct = contentType(rel)
	}
	s.files = append(s.files, File{
		Path: urlPath, Kind: kind, Visibility: vis, Source: src,
		SHA256: sum, Size: n, ContentType: ct,
	})
	return nil
}

func (s *scanner) rel(p string) string {
	r, err := filepath.Rel(s.root, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(r)
}

func within(root, p string) bool {
	r, err := filepath.Rel(root, p)
	return err == nil && r != ".." && !strings.HasPrefix(r, "../") && !filepath.IsAbs(r)
}

func hashFile(name string) (string, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// HashContent is the digest Scan records for content.
func HashContent(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// pathAndVisibility applies the naming convention to rel, a slash path
// under the functions or assets folder.
func pathAndVisibility(rel string, kind Kind) (string, Visibility, error) {
	dir, name := path.Split(rel)
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	vis := Public
	segs := strings.Split(stem, ".")
	last := segs[len(segs)-1]
	if len(segs) > 1 && (last == string(Protected) || last == string(Private)) {
		vis = Visibility(last)
		segs = segs[:len(segs)-1]
	}
	for _, s := range segs[1:] {
		switch strings.ToLower(s) {
		case "public", "protected", "private":
			return "", "", fmt.Errorf("%w %q: use name.protected%s or name.private%s (exactly, in lower case, just before the extension) or no suffix for public", ErrVisibility, "."+s, ext, ext)
		}
	}
	base := strings.Join(segs, ".")
	if kind == KindAsset {
		base += ext
	}
	// The Toolkit replaces each whitespace character with "-".
	return replaceSpaces("/" + path.Join(dir, base)), vis, nil
}

func replaceSpaces(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '\r', '\v', '\f':
			return '-'
		}
		return r
	}, s)
}

func checkCounts(files []File) error {
	var fn, pub, priv int
	for _, f := range files {
		switch {
		case f.Kind == KindFunction:
			fn++
		case f.Visibility == Private:
			priv++
		default:
			pub++
		}
	}
	switch {
	case fn > MaxFunctions:
		return fmt.Errorf("too many functions: %d, a Twilio build holds at most %d; split the project into several services", fn, MaxFunctions)
	case pub > MaxPublicAssets:
		return fmt.Errorf("too many public and protected assets: %d, a Twilio build holds at most %d", pub, MaxPublicAssets)
	case priv > MaxPrivateAssets:
		return fmt.Errorf("too many private assets: %d, a Twilio build holds at most %d", priv, MaxPrivateAssets)
	}
	return nil
}

var contentTypes = map[string]string{
	".css": "text/css", ".csv": "text/csv", ".gif": "image/gif", ".htm": "text/html",
	".html": "text/html", ".ico": "image/x-icon", ".jpeg": "image/jpeg", ".jpg": "image/jpeg",
	".js": "application/javascript", ".json": "application/json", ".map": "application/json",
	".mjs": "application/javascript", ".mp3": "audio/mpeg", ".mp4": "video/mp4",
	".ogg": "audio/ogg", ".pdf": "application/pdf", ".png": "image/png", ".svg": "image/svg+xml",
	".txt": "text/plain", ".wasm": "application/wasm", ".wav": "audio/wav", ".webp": "image/webp",
	".woff": "font/woff", ".woff2": "font/woff2", ".xml": "application/xml",
}

// contentType is a fixed table, not mime.TypeByExtension, so that the
// result does not depend on the machine's /etc/mime.types.
func contentType(name string) string {
	if ct, ok := contentTypes[strings.ToLower(path.Ext(name))]; ok {
		return ct
	}
	return "application/octet-stream"
}

func readPackageJSON(root string) ([]Dependency, error) {
	b, err := os.ReadFile(filepath.Join(root, "package.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &FileError{File: "package.json", Err: fmt.Errorf("read: %w", err)}
	}
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		return nil, &FileError{File: "package.json", Err: fmt.Errorf("parse: %w", err)}
	}
	return DependenciesFromMap(pkg.Dependencies), nil
}

// DependenciesFromMap sorts name -> version into Twilio's list form.
func DependenciesFromMap(m map[string]string) []Dependency {
	deps := make([]Dependency, 0, len(m))
	for n, v := range m {
		deps = append(deps, Dependency{Name: n, Version: v})
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].Name < deps[j].Name })
	return deps
}
