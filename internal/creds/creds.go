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
	"strings"
)

// Name suffixes.
const (
	AccountSID = "ACCOUNT_SID"
	AuthToken  = "AUTH_TOKEN"
	APIKey     = "API_KEY"
	APISecret  = "API_SECRET"
)

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
	return fmt.Sprintf("secret %s is not set: this environment needs %s%s and %s%s (or %s%s and %s%s); add them to the repository secrets and pass `secrets: ${{ toJSON(secrets) }}` or set them in the step's env",
		strings.Join(e.Missing, " and "),
		e.Prefix, AccountSID, e.Prefix, AuthToken, e.Prefix, APIKey, e.Prefix, APISecret)
}

// Source holds the places credentials are read from.
type Source struct {
	Env     map[string]string // the step's environment
	Secrets map[string]string // the secrets input, parsed
}

// ParseSecrets reads the secrets input (a JSON object of strings). Empty
// input is an empty map. The values are not masked here: GitHub masks
// repository secrets in the log already, and an ::add-mask:: command per
// value would print every other environment's secrets to the log stream;
// Lookup masks the ones it uses.
func ParseSecrets(s string) (map[string]string, error) {
	out := map[string]string{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		// The error text may quote the input; never show it.
		return nil, errors.New("secrets input is not a JSON object; pass `secrets: ${{ toJSON(secrets) }}`")
	}
	for k := range raw {
		if v, ok := raw[k].(string); ok {
			out[k] = v
		}
	}
	return out, nil
}

func (s Source) get(name string, mask func(string)) string {
	v := s.Env[name]
	if v == "" {
		v = s.Secrets[name]
	}
	if v != "" {
		mask(v)
	}
	return v
}

// Lookup reads the credentials of prefix. mask is called with every value
// read, before Lookup returns.
func Lookup(prefix string, src Source, mask func(string)) (Credentials, error) {
	c := Credentials{Prefix: prefix}
	c.AccountSID = src.get(prefix+AccountSID, mask)
	c.APIKey = src.get(prefix+APIKey, mask)
	c.APISecret = src.get(prefix+APISecret, mask)
	c.AuthToken = src.get(prefix+AuthToken, mask)
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
