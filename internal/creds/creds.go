// Package creds finds the Twilio credentials of one environment among the
// step's environment variables and the secrets input, without falling back
// to any other environment's.
//
// For the secret prefix P (TWILIO_FEATURE_NEW_IVR_, see package naming) it
// reads P+"ACCOUNT_SID" and either P+"AUTH_TOKEN" or the API key pair
// P+"API_KEY" and P+"API_SECRET" (the API key wins when both are set: it can
// be revoked on its own). Each name is looked up first in the environment
// (a step's env: block is explicit) and then in the secrets input, the JSON
// object that ${{ toJSON(secrets) }} gives. Every value is handed to the
// masker the moment it is read, before anything else can print it.
package creds

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Name suffixes.
const (
	AccountSID = "ACCOUNT_SID"
	AuthToken  = "AUTH_TOKEN"
	APIKey     = "API_KEY"
	APISecret  = "API_SECRET"
)

// suffixes are every credential's name suffix.
var suffixes = []string{AccountSID, AuthToken, APIKey, APISecret}

// IsName reports whether the variable k holds a Twilio credential of
// some branch (TWILIO_<NAME>_AUTH_TOKEN, or a plain TWILIO_AUTH_TOKEN).
func IsName(k string) bool {
	if !strings.HasPrefix(k, "TWILIO_") {
		return false
	}
	for _, s := range suffixes {
		if strings.HasSuffix(k, s) {
			return true
		}
	}
	return false
}

// PlainSuffix returns the suffix of a credential named without a branch
// (TWILIO_AUTH_TOKEN gives AUTH_TOKEN), the names twilio-go and the npm
// scripts read.
func PlainSuffix(k string) (string, bool) {
	s, ok := strings.CutPrefix(k, "TWILIO_")
	return s, ok && slices.Contains(suffixes, s)
}

// Credentials of one Twilio account.
type Credentials struct {
	Prefix     string // TWILIO_<NAME>_
	AccountSID string
	AuthToken  string // empty when an API key is used
	APIKey     string // SK...
	APISecret  string
}

// UsesAPIKey reports whether the API key pair is used.
func (c Credentials) UsesAPIKey() bool { return c.APIKey != "" }

// Names are the secret names the credentials came from.
func (c Credentials) Names() []string {
	if c.UsesAPIKey() {
		return []string{c.Prefix + AccountSID, c.Prefix + APIKey, c.Prefix + APISecret}
	}
	return []string{c.Prefix + AccountSID, c.Prefix + AuthToken}
}

// Secrets are the values that must never be written anywhere.
func (c Credentials) Secrets() []string {
	var s []string
	for _, v := range []string{c.AuthToken, c.APISecret} {
		if v != "" {
			s = append(s, v)
		}
	}
	return s
}

// Env is what the Pulumi process and the provider get: the standard
// TWILIO_* variables twilio-go and our provider read.
func (c Credentials) Env() map[string]string {
	env := map[string]string{"TWILIO_ACCOUNT_SID": c.AccountSID}
	if c.UsesAPIKey() {
		env["TWILIO_API_KEY"] = c.APIKey
		env["TWILIO_API_SECRET"] = c.APISecret
	} else {
		env["TWILIO_AUTH_TOKEN"] = c.AuthToken
	}
	return env
}

// MissingError says which secrets were expected and not found.
type MissingError struct {
	Prefix  string
	Missing []string // full names
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("%s: this environment needs %s%s and %s%s (or %s%s and %s%s); add them to the repository secrets and pass `secrets: ${{ toJSON(secrets) }}` or set them in the step's env",
		NotSet(e.Missing), e.Prefix, AccountSID, e.Prefix, AuthToken, e.Prefix, APIKey, e.Prefix, APISecret)
}

// NotSet says that the named secrets are not set, in a sentence that
// agrees in number: "secret A is not set", "secrets A and B are not set".
func NotSet(names []string) string {
	switch len(names) {
	case 0:
		return "no secret is missing"
	case 1:
		return "secret " + names[0] + " is not set"
	}
	return "secrets " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " are not set"
}

// TypeError says that secrets the environment needs are in the secrets
// input with a JSON value that is not a string (a number, a boolean, ...).
// A number would also have lost digits when read, so it is never used.
type TypeError struct {
	Names   []string          // full names, sorted
	Kinds   map[string]string // name → the JSON kind found: number, boolean, null, object, array
	Missing []string          // other names needed and not set at all
}

func (e *TypeError) Error() string {
	parts := make([]string, len(e.Names))
	for i, n := range e.Names {
		parts[i] = fmt.Sprintf("%s is a JSON %s", n, e.Kinds[n])
	}
	also := ""
	if len(e.Missing) > 0 {
		also = "; also, " + NotSet(e.Missing)
	}
	return fmt.Sprintf("secrets input: %s, not a string; write each secret value as a JSON string (in quotes), or pass `secrets: ${{ toJSON(secrets) }}`, which always gives strings%s",
		strings.Join(parts, " and "), also)
}

// of is the error for the missing names when some of them are only of the
// wrong type, nil when none is.
func (e *TypeError) of(missing []string) *TypeError {
	out := &TypeError{Kinds: map[string]string{}}
	for _, n := range missing {
		if k, ok := e.Kinds[n]; ok {
			out.Names, out.Kinds[n] = append(out.Names, n), k
		} else {
			out.Missing = append(out.Missing, n)
		}
	}
	if len(out.Names) == 0 {
		return nil
	}
	sort.Strings(out.Names)
	return out
}

// Source holds the places credentials are read from.
type Source struct {
	Env     map[string]string // the step's environment
	Secrets map[string]string // the secrets input, parsed
	// NotStrings are the secrets input's entries whose value is not a
	// JSON string: name → the value's raw JSON text (see ParseSecrets).
	NotStrings map[string]string
}

// ParseSecrets reads the secrets input (a JSON object of strings). Empty
// input is an empty map. The values are not masked here: GitHub masks
// repository secrets in the log already, and an ::add-mask:: command per
// value would print every other environment's secrets to the log stream;
// Lookup masks the ones it uses.
//
// Entries whose value is not a string are left out of values and
// returned in notStrings (name → raw JSON text), so that Lookup can say
// what is wrong with a secret it needs instead of calling it unset.
func ParseSecrets(s string) (values, notStrings map[string]string, err error) {
	values, notStrings = map[string]string{}, map[string]string{}
	if strings.TrimSpace(s) == "" {
		return values, notStrings, nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &raw); err != nil || raw == nil {
		// The error text may quote the input; never show it.
		return nil, nil, errors.New("secrets input is not a JSON object; pass `secrets: ${{ toJSON(secrets) }}`")
	}
	for k, m := range raw {
		var v string
		if err := json.Unmarshal(m, &v); err == nil && len(m) > 0 && m[0] == '"' {
			values[k] = v
		} else {
			notStrings[k] = string(m)
		}
	}
	return values, notStrings, nil
}

// jsonKind names the kind of a raw JSON value, for errors.
func jsonKind(raw string) string {
	switch {
	case raw == "true" || raw == "false":
		return "boolean"
	case raw == "null":
		return "null"
	case strings.HasPrefix(raw, "{"):
		return "object"
	case strings.HasPrefix(raw, "["):
		return "array"
	}
	return "number"
}

func (s Source) get(name string, mask func(string), wrong *TypeError) string {
	v := s.Env[name]
	if v == "" {
		v = s.Secrets[name]
	}
	if v != "" {
		mask(v)
		return v
	}
	if raw, ok := s.NotStrings[name]; ok {
		// A number may be a token written without quotes: mask its text.
		if k := jsonKind(raw); k != "boolean" && k != "null" {
			mask(raw)
		}
		wrong.Kinds[name] = jsonKind(raw)
	}
	return ""
}

// Lookup reads the credentials of prefix. mask is called with every value
// read, before Lookup returns.
func Lookup(prefix string, src Source, mask func(string)) (Credentials, error) {
	c := Credentials{Prefix: prefix}
	wrong := &TypeError{Kinds: map[string]string{}} // collects; of() picks the needed
	c.AccountSID = src.get(prefix+AccountSID, mask, wrong)
	c.APIKey = src.get(prefix+APIKey, mask, wrong)
	c.APISecret = src.get(prefix+APISecret, mask, wrong)
	c.AuthToken = src.get(prefix+AuthToken, mask, wrong)
	var missing []string
	if c.AccountSID == "" {
		missing = append(missing, prefix+AccountSID)
	}
	switch {
	case c.APIKey != "" && c.APISecret == "":
		missing = append(missing, prefix+APISecret)
	case c.APIKey == "" && c.APISecret != "":
		missing = append(missing, prefix+APIKey)
	case c.APIKey != "":
		c.AuthToken = "" // the key pair wins
	case c.AuthToken == "":
		missing = append(missing, prefix+AuthToken)
	}
	if te := wrong.of(missing); te != nil {
		// Set, but unusable: say so rather than call them unset.
		return Credentials{}, te
	}
	if len(missing) > 0 {
		return Credentials{}, &MissingError{Prefix: prefix, Missing: missing}
	}
	if !strings.HasPrefix(c.AccountSID, "AC") {
		return Credentials{}, fmt.Errorf("secret %s%s does not hold an account SID (AC...); check its value", prefix, AccountSID)
	}
	if c.UsesAPIKey() && !strings.HasPrefix(c.APIKey, "SK") {
		return Credentials{}, fmt.Errorf("secret %s%s does not hold an API key SID (SK...); check its value", prefix, APIKey)
	}
	return c, nil
}
