package creds

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	sid    = "AC0123456789abcdef0123456789abcdef"
	token  = "tok0123456789abcdef0123456789abcd"
	key    = "SK0123456789abcdef0123456789abcdef"
	secret = "sec0123456789abcdef0123456789abc"
)

func TestLookup(t *testing.T) {
	t.Parallel()
	p := "TWILIO_FEATURE_X_"
	tests := []struct {
		name        string
		src         Source
		want        Credentials
		wantMasked  []string
		wantMissing []string
		wantErr     string
	}{
		{"token from env", Source{Env: map[string]string{p + "ACCOUNT_SID": sid, p + "AUTH_TOKEN": token}},
			Credentials{Prefix: p, AccountSID: sid, AuthToken: token}, []string{sid, token}, nil, ""},
		{"token from secrets", Source{Secrets: map[string]string{p + "ACCOUNT_SID": sid, p + "AUTH_TOKEN": token}},
			Credentials{Prefix: p, AccountSID: sid, AuthToken: token}, []string{sid, token}, nil, ""},
		{"env wins", Source{Env: map[string]string{p + "ACCOUNT_SID": sid, p + "AUTH_TOKEN": token}, Secrets: map[string]string{p + "AUTH_TOKEN": "other"}},
			Credentials{Prefix: p, AccountSID: sid, AuthToken: token}, []string{sid, token}, nil, ""},
		{"api key wins", Source{Env: map[string]string{p + "ACCOUNT_SID": sid, p + "AUTH_TOKEN": token, p + "API_KEY": key, p + "API_SECRET": secret}},
			Credentials{Prefix: p, AccountSID: sid, APIKey: key, APISecret: secret}, []string{sid, key, secret, token}, nil, ""},
		{"nothing", Source{}, Credentials{}, nil, []string{p + "ACCOUNT_SID", p + "AUTH_TOKEN"}, ""},
		{"no token", Source{Env: map[string]string{p + "ACCOUNT_SID": sid}}, Credentials{}, []string{sid}, []string{p + "AUTH_TOKEN"}, ""},
		{"half a key", Source{Env: map[string]string{p + "ACCOUNT_SID": sid, p + "API_KEY": key}}, Credentials{}, []string{sid, key}, []string{p + "API_SECRET"}, ""},
		{"other branch ignored", Source{Env: map[string]string{"TWILIO_MAIN_ACCOUNT_SID": sid, "TWILIO_MAIN_AUTH_TOKEN": token, "TWILIO_ACCOUNT_SID": sid, "TWILIO_AUTH_TOKEN": token}},
			Credentials{}, nil, []string{p + "ACCOUNT_SID", p + "AUTH_TOKEN"}, ""},
		{"not a sid", Source{Env: map[string]string{p + "ACCOUNT_SID": "xyz", p + "AUTH_TOKEN": token}}, Credentials{}, []string{"xyz", token}, nil, "does not hold an account SID"},
		{"not a key", Source{Env: map[string]string{p + "ACCOUNT_SID": sid, p + "API_KEY": "abc", p + "API_SECRET": secret}}, Credentials{}, []string{sid, "abc", secret}, nil, "does not hold an API key SID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var masked []string
			got, err := Lookup(p, tt.src, func(s string) { masked = append(masked, s) })
			slices.Sort(masked)
			slices.Sort(tt.wantMasked)
			if d := cmp.Diff(tt.wantMasked, masked); d != "" {
				t.Errorf("masked (-want +got):\n%s", d)
			}
			var me *MissingError
			switch {
			case tt.wantMissing != nil:
				if !errors.As(err, &me) {
					t.Fatalf("err = %v, want a MissingError", err)
				}
				if d := cmp.Diff(tt.wantMissing, me.Missing); d != "" {
					t.Errorf("missing (-want +got):\n%s", d)
				}
				for _, n := range []string{p + "ACCOUNT_SID", p + "AUTH_TOKEN", p + "API_KEY", p + "API_SECRET", "toJSON(secrets)"} {
					if !strings.Contains(err.Error(), n) {
						t.Errorf("error %q does not name %s", err, n)
					}
				}
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(tt.want, got); d != "" {
					t.Errorf("credentials (-want +got):\n%s", d)
				}
			}
			if err != nil {
				for _, v := range []string{token, secret} {
					if strings.Contains(err.Error(), v) {
						t.Errorf("error shows a secret value: %v", err)
					}
				}
			}
		})
	}
}

func TestCredentialsEnv(t *testing.T) {
	t.Parallel()
	tok := Credentials{Prefix: "TWILIO_X_", AccountSID: sid, AuthToken: token}
	if d := cmp.Diff(map[string]string{"TWILIO_ACCOUNT_SID": sid, "TWILIO_AUTH_TOKEN": token}, tok.Env()); d != "" {
		t.Error(d)
	}
	if d := cmp.Diff([]string{"TWILIO_X_ACCOUNT_SID", "TWILIO_X_AUTH_TOKEN"}, tok.Names()); d != "" {
		t.Error(d)
	}
	k := Credentials{Prefix: "TWILIO_X_", AccountSID: sid, APIKey: key, APISecret: secret}
	if d := cmp.Diff(map[string]string{"TWILIO_ACCOUNT_SID": sid, "TWILIO_API_KEY": key, "TWILIO_API_SECRET": secret}, k.Env()); d != "" {
		t.Error(d)
	}
	if d := cmp.Diff([]string{secret}, k.Secrets()); d != "" {
		t.Error(d)
	}
}

func TestParseSecrets(t *testing.T) {
	t.Parallel()
	got, notStrings, err := ParseSecrets(`{"A":"one","B":"","C":3,"D":true,"E":12345678901234567890123456789012,"github_token":"ghs_x"}`)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]string{"A": "one", "B": "", "github_token": "ghs_x"}, got); d != "" {
		t.Error(d)
	}
	// The raw text, digit for digit: a float would have lost some.
	if d := cmp.Diff(map[string]string{"C": "3", "D": "true", "E": "12345678901234567890123456789012"}, notStrings); d != "" {
		t.Error(d)
	}
	for _, in := range []string{`{"A":"s3cr3t-value"`, `["s3cr3t-value"]`, `null`} {
		if _, _, err = ParseSecrets(in); err == nil || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("ParseSecrets(%s): err = %v, want an error that does not quote the input", in, err)
		}
	}
	if got, _, err := ParseSecrets("  "); err != nil || len(got) != 0 {
		t.Errorf("empty input: %v, %v", got, err)
	}
}

// A needed secret given as another JSON type is named with its type, its
// text masked when it could be a token; unneeded ones do not matter.
func TestLookupNotString(t *testing.T) {
	t.Parallel()
	p := "TWILIO_MAIN_"
	tests := []struct {
		name       string
		src        Source
		wantErr    string // the whole message, so its grammar is checked too
		wantMasked []string
	}{
		{"number token", Source{Secrets: map[string]string{p + "ACCOUNT_SID": sid}, NotStrings: map[string]string{p + "AUTH_TOKEN": "12345678901234567890123456789012"}},
			"secrets input: TWILIO_MAIN_AUTH_TOKEN is a JSON number, not a string; write each secret value as a JSON string (in quotes), or pass `secrets: ${{ toJSON(secrets) }}`, which always gives strings",
			[]string{sid, "12345678901234567890123456789012"}},
		{"boolean token, no sid", Source{NotStrings: map[string]string{p + "AUTH_TOKEN": "true"}},
			"secrets input: TWILIO_MAIN_AUTH_TOKEN is a JSON boolean, not a string; write each secret value as a JSON string (in quotes), or pass `secrets: ${{ toJSON(secrets) }}`, which always gives strings; also, secret TWILIO_MAIN_ACCOUNT_SID is not set",
			nil},
		{"env wins over a bad secret", Source{Env: map[string]string{p + "ACCOUNT_SID": sid, p + "AUTH_TOKEN": token}, NotStrings: map[string]string{p + "AUTH_TOKEN": "7"}},
			"", []string{sid, token}},
		{"unneeded token beside an api key", Source{Env: map[string]string{p + "ACCOUNT_SID": sid, p + "API_KEY": key, p + "API_SECRET": secret}, NotStrings: map[string]string{p + "AUTH_TOKEN": "null"}},
			"", []string{sid, key, secret}},
		{"object secret", Source{Env: map[string]string{p + "ACCOUNT_SID": sid, p + "API_KEY": key}, NotStrings: map[string]string{p + "API_SECRET": `{"v":"x"}`}},
			"secrets input: TWILIO_MAIN_API_SECRET is a JSON object, not a string; write each secret value as a JSON string (in quotes), or pass `secrets: ${{ toJSON(secrets) }}`, which always gives strings",
			[]string{sid, key, `{"v":"x"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var masked []string
			_, err := Lookup(p, tt.src, func(s string) { masked = append(masked, s) })
			slices.Sort(masked)
			slices.Sort(tt.wantMasked)
			if d := cmp.Diff(tt.wantMasked, masked); d != "" {
				t.Errorf("masked (-want +got):\n%s", d)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var te *TypeError
			if !errors.As(err, &te) {
				t.Fatalf("err = %v, want a TypeError", err)
			}
			if err.Error() != tt.wantErr {
				t.Errorf("err =\n%s\nwant\n%s", err, tt.wantErr)
			}
		})
	}
}

func TestNotSet(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		names []string
		want  string
	}{
		{[]string{"A"}, "secret A is not set"},
		{[]string{"A", "B"}, "secrets A and B are not set"},
		{[]string{"A", "B", "C"}, "secrets A, B and C are not set"},
	} {
		if got := NotSet(tt.names); got != tt.want {
			t.Errorf("NotSet(%q) = %q, want %q", tt.names, got, tt.want)
		}
	}
	err := (&MissingError{Prefix: "TWILIO_X_", Missing: []string{"TWILIO_X_ACCOUNT_SID", "TWILIO_X_AUTH_TOKEN"}}).Error()
	if !strings.HasPrefix(err, "secrets TWILIO_X_ACCOUNT_SID and TWILIO_X_AUTH_TOKEN are not set: ") {
		t.Errorf("MissingError = %q", err)
	}
}

func TestNames(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name        string
		isName      bool
		plainSuffix string
	}{
		{"TWILIO_MAIN_ACCOUNT_SID", true, ""},
		{"TWILIO_FEATURE_X_API_SECRET", true, ""},
		{"TWILIO_AUTH_TOKEN", true, "AUTH_TOKEN"},
		{"TWILIO_API_KEY", true, "API_KEY"},
		{"TWILIO_API_URL", false, ""},
		{"TWILIO_REGION", false, ""},
		{"MY_AUTH_TOKEN", false, ""},
		{"TWILIO_MAIN_AUTH_TOKEN_OLD", false, ""},
	} {
		if got := IsName(c.name); got != c.isName {
			t.Errorf("IsName(%q) = %v, want %v", c.name, got, c.isName)
		}
		s, ok := PlainSuffix(c.name)
		if ok != (c.plainSuffix != "") || (ok && s != c.plainSuffix) {
			t.Errorf("PlainSuffix(%q) = %q, %v; want %q", c.name, s, ok, c.plainSuffix)
		}
	}
}
