package serverless

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func file(path string, kind Kind, vis Visibility, content string) File {
	return File{Path: path, Kind: kind, Visibility: vis, SHA256: HashContent([]byte(content)), Source: "x" + path}
}

func deployedState(files ...File) *State {
	st := &State{ServiceSID: "ZS1", EnvironmentSID: "ZE1", BuildSID: "ZB1", Runtime: "node22", Files: map[string]Deployed{}}
	for i, f := range files {
		st.Files[f.Path] = Deployed{Entry: Entry{Kind: f.Kind, Visibility: f.Visibility, SHA256: f.SHA256}, ResourceSID: "ZH" + f.Path, VersionSID: "ZN" + string(rune('a'+i))}
	}
	return st
}

func TestMakePlan(t *testing.T) {
	t.Parallel()
	a := file("/a", KindFunction, Public, "a")
	b := file("/b.css", KindAsset, Public, "b")
	c := file("/c", KindFunction, Protected, "c")
	tests := []struct {
		name string
		prev *State
		want Desired
		plan Plan
	}{
		{
			name: "first deploy",
			want: Desired{Files: []File{a, b}, Runtime: "node22"},
			plan: Plan{
				Added:  []FileChange{{Path: "/a", Kind: KindFunction}, {Path: "/b.css", Kind: KindAsset}},
				Upload: []string{"/a", "/b.css"}, Build: true, Deploy: true,
			},
		},
		{
			name: "no change",
			prev: deployedState(a, b),
			want: Desired{Files: []File{a, b}, Runtime: "node22"},
			plan: Plan{Unchanged: []string{"/a", "/b.css"}},
		},
		{
			name: "one changed file",
			prev: deployedState(a, b),
			want: Desired{Files: []File{file("/a", KindFunction, Public, "a2"), b}, Runtime: "node22"},
			plan: Plan{
				Changed:   []FileChange{{Path: "/a", Kind: KindFunction, Reason: "content"}},
				Unchanged: []string{"/b.css"}, Upload: []string{"/a"}, Build: true, Deploy: true,
			},
		},
		{
			name: "removed file builds without upload",
			prev: deployedState(a, b, c),
			want: Desired{Files: []File{a, b}, Runtime: "node22"},
			plan: Plan{Removed: []string{"/c"}, Unchanged: []string{"/a", "/b.css"}, Build: true, Deploy: true},
		},
		{
			name: "visibility change uploads",
			prev: deployedState(a),
			want: Desired{Files: []File{file("/a", KindFunction, Private, "a")}, Runtime: "node22"},
			plan: Plan{
				Changed: []FileChange{{Path: "/a", Kind: KindFunction, Reason: "visibility public -> private"}},
				Upload:  []string{"/a"}, Build: true, Deploy: true,
			},
		},
		{
			name: "runtime change rebuilds only",
			prev: deployedState(a),
			want: Desired{Files: []File{a}, Runtime: "node20"},
			plan: Plan{Unchanged: []string{"/a"}, Build: true, Deploy: true},
		},
		{
			name: "dependency change rebuilds only",
			prev: deployedState(a),
			want: Desired{Files: []File{a}, Runtime: "node22", Dependencies: []Dependency{{"twilio", "5.0.0"}}},
			plan: Plan{Unchanged: []string{"/a"}, Build: true, Deploy: true},
		},
		{
			name: "variables redeploy without build",
			prev: func() *State {
				s := deployedState(a)
				s.Variables = map[string]Variable{"OLD": {SID: "ZV1", Value: "x"}, "KEEP": {SID: "ZV2", Value: "k"}}
				return s
			}(),
			want: Desired{Files: []File{a}, Runtime: "node22", Variables: map[string]string{"KEEP": "k", "NEW": "n"}},
			plan: Plan{Unchanged: []string{"/a"}, SetVariables: []string{"NEW"}, DeleteVariables: []string{"OLD"}, Deploy: true},
		},
		{
			name: "refreshed away build rebuilds",
			prev: func() *State { s := deployedState(a); s.BuildSID = ""; return s }(),
			want: Desired{Files: []File{a}, Runtime: "node22"},
			plan: Plan{Unchanged: []string{"/a"}, Build: true, Deploy: true},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := MakePlan(tc.prev, tc.want)
			if diff := cmp.Diff(&tc.plan, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlanSummary(t *testing.T) {
	t.Parallel()
	p := MakePlan(deployedState(file("/a", KindFunction, Public, "a"), file("/gone", KindAsset, Public, "g")),
		Desired{Files: []File{file("/a", KindFunction, Protected, "a"), file("/new.css", KindAsset, Public, "n")}})
	want := []string{"+ /new.css (asset)", "~ /a (function: visibility public -> protected)", "- /gone"}
	if diff := cmp.Diff(want, p.Summary()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
