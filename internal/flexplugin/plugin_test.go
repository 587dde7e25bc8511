package flexplugin

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadBundle(t *testing.T) {
	t.Parallel()
	write := func(t *testing.T, files map[string]string) string {
		dir := t.TempDir()
		for name, body := range files {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return filepath.Join(dir, "build")
	}
	base := map[string]string{"package.json": `{"version":"1.2.0"}`, "build/plugin-agent-tools.js": "a", "build/plugin-agent-tools.js.map": "{}"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range base {
			m[a] = b
		}
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	ref, err := ReadBundle(write(t, base), true)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Name != "agent-tools" || ref.MapFile != "plugin-agent-tools.js.map" || !strings.HasPrefix(ref.Version, "1.2.0-") || len(ref.Version) != len("1.2.0-")+10 {
		t.Fatalf("ReadBundle: %+v", ref)
	}
	noMap, err := ReadBundle(write(t, base), false)
	if err != nil {
		t.Fatal(err)
	}
	if noMap.MapFile != "" || noMap.Version == ref.Version {
		t.Fatalf("ReadBundle without the map: %+v; with it: %+v", noMap, ref)
	}
	for _, tc := range []struct {
		name        string
		files       map[string]string
		noMap       bool // sourceMap: false
		sameVersion bool
		err         string
	}{
		{name: "same content", files: base, sameVersion: true},
		{name: "changed bundle", files: with("build/plugin-agent-tools.js", "b")},
		{name: "changed map", files: with("build/plugin-agent-tools.js.map", "{\"v\":3}")},
		{name: "no map", files: with("build/plugin-agent-tools.js.map", "")},
		// Without the map hosted, the reference is the same folder read so.
		{name: "map not hosted", files: base, noMap: true, sameVersion: true},
		{name: "map not hosted, changed map", files: with("build/plugin-agent-tools.js.map", "{\"v\":3}"), noMap: true, sameVersion: true},
		{name: "map not hosted, changed bundle", files: with("build/plugin-agent-tools.js", "b"), noMap: true},
		{name: "new package version", files: with("package.json", `{"version":"1.3.0"}`)},
		{name: "no bundle", files: with("build/plugin-agent-tools.js", ""), err: "found 0"},
		{name: "two bundles", files: with("build/plugin-other.js", "x"), err: "found 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := ReadBundle(write(t, tc.files), !tc.noMap)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := ref
			if tc.noMap {
				want = noMap
			}
			if (b.Version == want.Version) != tc.sameVersion {
				t.Errorf("version %s (reference %s), same wanted: %v", b.Version, want.Version, tc.sameVersion)
			}
		})
	}
}
