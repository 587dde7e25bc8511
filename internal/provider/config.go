package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/tdeploy/twilio-deploy-action/internal/creds"
	"github.com/tdeploy/twilio-deploy-action/internal/twilio"
)

// Config is the provider's configuration, from the program's provider
// settings (twilio:accountSid, ...) or the environment.
type Config struct {
	AccountSID string
	AuthToken  string
	APIKey     string
	APISecret  string
	// SubaccountSID makes the provider manage a sub-account's 2010 API
	// resources with its parent's credentials.
	SubaccountSID string
	Region        string
	Edge          string
	// APIURL sends every request to another base URL (the emulator).
	APIURL string
}

// ConfigKey is one configuration key and its environment variable.
type ConfigKey struct {
	Key, Env    string
	Secret      bool
	Description string
	field       func(*Config) *string
}

// ConfigKeys are the provider's configuration keys. A program setting wins
// over the environment.
var ConfigKeys = []ConfigKey{
	{"accountSid", "TWILIO_ACCOUNT_SID", false, "The SID of the Twilio account (AC...) to manage.", func(c *Config) *string { return &c.AccountSID }},
	{"authToken", "TWILIO_AUTH_TOKEN", true, "The auth token of `accountSid` (or of its parent, with `subaccountSid`). Not needed with `apiKey`/`apiSecret`.", func(c *Config) *string { return &c.AuthToken }},
	{"apiKey", "TWILIO_API_KEY", false, "The SID of an API key (SK...) to authenticate with instead of the auth token.", func(c *Config) *string { return &c.APIKey }},
	{"apiSecret", "TWILIO_API_SECRET", true, "The secret of `apiKey`.", func(c *Config) *string { return &c.APISecret }},
	{"subaccountSid", "TWILIO_SUBACCOUNT_SID", false, "Manage this sub-account's 2010 API resources (numbers, applications, SIP) with the parent's credentials. Other products need the sub-account's own `accountSid` and `authToken`.", func(c *Config) *string { return &c.SubaccountSID }},
	{"region", "TWILIO_REGION", false, "Twilio region (for example `ie1`).", func(c *Config) *string { return &c.Region }},
	{"edge", "TWILIO_EDGE", false, "Twilio edge location (for example `dublin`).", func(c *Config) *string { return &c.Edge }},
	{"apiUrl", "TWILIO_API_URL", false, "Send every request to this base URL instead of https://<product>.twilio.com (for the local emulator).", func(c *Config) *string { return &c.APIURL }},
}

var accountSIDPattern = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)

// ResolveConfig reads the configuration from the program's settings (by
// key) and getenv. It fails with the variable and key to set when a
// credential is missing.
func ResolveConfig(settings map[string]string, getenv func(string) string) (Config, error) {
	var c Config
	for _, k := range ConfigKeys {
		v := settings[k.Key]
		if v == "" {
			v = getenv(k.Env)
		}
		*k.field(&c) = strings.TrimSpace(v)
	}
	if c.AccountSID == "" {
		return c, fmt.Errorf("missing Twilio account SID: set TWILIO_ACCOUNT_SID or the provider setting twilio:accountSid")
	}
	if !accountSIDPattern.MatchString(c.AccountSID) {
		return c, fmt.Errorf("twilio:accountSid %q is not an account SID (AC followed by 32 hex digits)", c.AccountSID)
	}
	if c.SubaccountSID != "" && !accountSIDPattern.MatchString(c.SubaccountSID) {
		return c, fmt.Errorf("twilio:subaccountSid %q is not an account SID (AC followed by 32 hex digits)", c.SubaccountSID)
	}
	switch {
	case c.APIKey != "" && c.APISecret == "":
		return c, fmt.Errorf("missing Twilio API secret for key %s: set TWILIO_API_SECRET or the provider setting twilio:apiSecret", c.APIKey)
	case c.APIKey == "" && c.APISecret != "":
		return c, fmt.Errorf("missing Twilio API key for the API secret: set TWILIO_API_KEY or the provider setting twilio:apiKey")
	case c.APIKey == "" && c.AuthToken == "":
		return c, fmt.Errorf("missing Twilio credentials: set TWILIO_AUTH_TOKEN (or the provider setting twilio:authToken), or TWILIO_API_KEY and TWILIO_API_SECRET (twilio:apiKey, twilio:apiSecret)")
	}
	return c, nil
}

// Target is the account whose 2010 API resources the provider manages.
func (c Config) Target() string {
	if c.SubaccountSID != "" {
		return c.SubaccountSID
	}
	return c.AccountSID
}

// NewAPI builds the Twilio API for a configuration. base is the innermost
// transport (nil for a default tuned for many parallel requests).
func NewAPI(c Config, base http.RoundTripper) (API, error) {
	return newAPI(c, base, nil)
}

// newAPI is NewAPI with the retry wait replaceable (tests record waits
// instead of sleeping).
func newAPI(c Config, base http.RoundTripper, sleep func(context.Context, time.Duration) error) (API, error) {
	cl, err := twilio.New(twilio.Options{
		Credentials: creds.Credentials{AccountSID: c.AccountSID, AuthToken: c.AuthToken, APIKey: c.APIKey, APISecret: c.APISecret},
		Edge:        c.Edge, Region: c.Region, APIURL: c.APIURL, Transport: base, RetryWait: sleep,
	})
	if err != nil {
		return nil, fmt.Errorf("twilio:apiUrl: %w", err)
	}
	return &twilioAPI{Client: cl, account: c.Target(), sub: c.SubaccountSID != ""}, nil
}
