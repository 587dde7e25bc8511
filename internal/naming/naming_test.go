package naming

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestStackName(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 120)
	tests := []struct {
		name, branch, want string
	}{
		{"plain", "main", "main"},
		{"slash", "feature/new-ivr", "feature-new-ivr"},
		{"ref", "refs/heads/feature/new-ivr", "feature-new-ivr"},
		{"upper", "Release/V2", "release-v2"},
		{"dots and underscores kept", "release/1.2_rc", "release-1.2_rc"},
		{"runs collapse", "a//b  c", "a-b-c"},
		{"unicode replaced", "fix/ünï", "fix-n"},
		{"trimmed", "-/feature/", "feature"},
		{"only symbols", "///", "branch-" + shortHash("///")},
		{"only unicode", "功能", "branch-" + shortHash("功能")},
		{"long", long, strings.Repeat("a", 91) + "-" + shortHash(long)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := StackName(tt.branch); got != tt.want {
				t.Errorf("StackName(%q) = %q, want %q", tt.branch, got, tt.want)
			}
		})
	}
}

func TestSecretPrefix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, branch, want string
	}{
		{"plain", "main", "TWILIO_MAIN_"},
		{"slash and dash", "feature/new-ivr", "TWILIO_FEATURE_NEW_IVR_"},
		{"ref", "refs/heads/dev", "TWILIO_DEV_"},
		{"dots", "release/1.2", "TWILIO_RELEASE_1_2_"},
		{"runs collapse", "a--b__c", "TWILIO_A_B_C_"},
		{"only symbols", "--", "TWILIO_BRANCH_" + strings.ToUpper(shortHash("--")) + "_"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := SecretPrefix(tt.branch); got != tt.want {
				t.Errorf("SecretPrefix(%q) = %q, want %q", tt.branch, got, tt.want)
			}
		})
	}
}

func TestParseBranchMap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    BranchMap
		wantErr string
	}{
		{"empty", "", BranchMap{}, ""},
		{"lines", "main=PRODUCTION\nstaging = staging\n# comment\n", BranchMap{"main": "PRODUCTION", "staging": "STAGING"}, ""},
		{"commas", "main=PRODUCTION, refs/heads/dev=TWILIO_DEV_", BranchMap{"main": "PRODUCTION", "dev": "DEV"}, ""},
		{"shared name allowed", "main=PROD,release=PROD", BranchMap{"main": "PROD", "release": "PROD"}, ""},
		{"no equals", "main", nil, "want BRANCH=NAME"},
		{"empty name", "main=", nil, "want BRANCH=NAME"},
		{"unusable name", "main=--", nil, "needs letters or digits"},
		{"duplicate branch", "main=A\nmain=B", nil, "collide on the branch-map entry"},
		{"stack collision", "feature/a=A\nfeature-a=B", nil, `"feature/a" and "feature-a" collide on the stack feature-a`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseBranchMap(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("map (-want +got):\n%s", d)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	t.Parallel()
	m := BranchMap{"main": "PRODUCTION", "feature/a": "A"}
	tests := []struct {
		name      string
		branch    string
		stackName string
		want      Target
		collision bool
		wantErr   string
	}{
		{"derived", "feature/new-ivr", "", Target{Branch: "feature/new-ivr", Stack: "feature-new-ivr", SecretPrefix: "TWILIO_FEATURE_NEW_IVR_"}, false, ""},
		{"mapped", "refs/heads/main", "", Target{Branch: "main", Stack: "main", SecretPrefix: "TWILIO_PRODUCTION_", Mapped: true}, false, ""},
		{"explicit stack", "dev", "org/proj/dev-1", Target{Branch: "dev", Stack: "org/proj/dev-1", SecretPrefix: "TWILIO_DEV_", ExplicitStack: true}, false, ""},
		{"bad explicit stack", "dev", "a b", Target{}, false, "stack-name input"},
		{"prefix taken by map", "production", "", Target{}, true, ""},
		{"stack taken by map", "feature-a", "", Target{}, true, ""},
		{"stack taken but explicit", "feature-a", "fa", Target{Branch: "feature-a", Stack: "fa", SecretPrefix: "TWILIO_FEATURE_A_", ExplicitStack: true}, false, ""},
		{"empty", "refs/heads/", "", Target{}, false, ErrNoBranch.Error()},
		{"long branch hashed", "feature/" + strings.Repeat("x", 120), "", Target{Branch: "feature/" + strings.Repeat("x", 120),
			Stack: "feature-" + strings.Repeat("x", 83) + "-" + shortHash("feature/"+strings.Repeat("x", 120)), SecretPrefix: "TWILIO_FEATURE_" + strings.Repeat("X", 120) + "_", Hashed: true}, false, ""},
		{"unusable branch hashed", "ü", "", Target{Branch: "ü", Stack: "branch-" + shortHash("ü"), SecretPrefix: "TWILIO_BRANCH_" + strings.ToUpper(shortHash("ü")) + "_", Hashed: true}, false, ""},
		{"long branch, explicit stack", strings.Repeat("y", 120), "short", Target{Branch: strings.Repeat("y", 120), Stack: "short", SecretPrefix: "TWILIO_" + strings.Repeat("Y", 120) + "_", ExplicitStack: true}, false, ""},
		{"exactly the limit", strings.Repeat("z", 100), "", Target{Branch: strings.Repeat("z", 100), Stack: strings.Repeat("z", 100), SecretPrefix: "TWILIO_" + strings.Repeat("Z", 100) + "_"}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Resolve(tt.branch, m, tt.stackName)
			var ce *CollisionError
			if tt.collision != errors.As(err, &ce) {
				t.Fatalf("err = %v, collision wanted: %v", err, tt.collision)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if !tt.collision && tt.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("target (-want +got):\n%s", d)
			}
		})
	}
}

func TestValidStackName(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"dev", "org/proj/dev", "a.b_c-d"} {
		if err := ValidStackName(ok); err != nil {
			t.Errorf("ValidStackName(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "a b", "a//b", "a/b/c/d", strings.Repeat("x", 101)} {
		if err := ValidStackName(bad); err == nil {
			t.Errorf("ValidStackName(%q) = nil, want an error", bad)
		}
	}
}

// FuzzNames checks the properties the README promises for any branch: both
// names are deterministic and valid, the stack name is at most 100
// characters, and the secret prefix is an upper-case secret name.
func FuzzNames(f *testing.F) {
	for _, s := range []string{"main", "feature/new-ivr", "refs/heads/x", "", "///", "功能", strings.Repeat("ab/", 60), "-._-", "A_b.C"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, branch string) {
		st := StackName(branch)
		if st != StackName(branch) {
			t.Fatal("StackName is not deterministic")
		}
		if err := ValidStackName(st); err != nil {
			t.Fatalf("StackName(%q) = %q: %v", branch, st, err)
		}
		if strings.ContainsAny(st[:1]+st[len(st)-1:], "._-") {
			t.Fatalf("StackName(%q) = %q starts or ends with a separator", branch, st)
		}
		p := SecretPrefix(branch)
		if !strings.HasPrefix(p, SecretPrefixBase) || !strings.HasSuffix(p, "_") || strings.Contains(p, "__") {
			t.Fatalf("SecretPrefix(%q) = %q", branch, p)
		}
		for _, c := range p {
			if !(('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || c == '_') {
				t.Fatalf("SecretPrefix(%q) = %q has %q", branch, p, c)
			}
		}
		// A branch-map naming the branch itself resolves to the same names.
		if TrimRef(branch) != "" && !strings.ContainsAny(branch, ",\n\r=#") && strings.TrimSpace(branch) == branch {
			m, err := ParseBranchMap(branch + "=" + strings.TrimSuffix(strings.TrimPrefix(p, SecretPrefixBase), "_"))
			if err != nil {
				return // names of only symbols are refused by the map; that is fine
			}
			got, err := Resolve(branch, m, "")
			if err != nil || got.SecretPrefix != p || got.Stack != st {
				t.Fatalf("Resolve(%q) = %+v, %v; want %s %s", branch, got, err, st, p)
			}
		}
	})
}

func TestHashNote(t *testing.T) {
	t.Parallel()
	long := "feature/" + strings.Repeat("x", 120)
	for _, tt := range []struct {
		name, branch, stackName string
		want                    []string // in the note; none: no note
	}{
		{"long", long, "", []string{`"` + long + `"`, "longer than Pulumi's 100 characters", StackName(long), "stack-name"}},
		{"unusable", "ü", "", []string{`"ü"`, "branch-" + shortHash("ü"), "stack-name"}},
		{"short", "feature/new-ivr", "", nil},
		{"long but explicit", long, "mine", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tg, err := Resolve(tt.branch, nil, tt.stackName)
			if err != nil {
				t.Fatal(err)
			}
			note := tg.HashNote()
			if (note == "") != (tt.want == nil) {
				t.Fatalf("note = %q, want one: %v", note, tt.want != nil)
			}
			for _, w := range tt.want {
				if !strings.Contains(note, w) {
					t.Errorf("note %q lacks %q", note, w)
				}
			}
		})
	}
}
