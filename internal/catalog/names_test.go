package catalog

import (
	"slices"
	"strings"
	"testing"
)

// TestNames covers each spelling on Twilio's own names, acronyms included:
// the snake_case column is how catalog.json spells the response field of
// the parameter in the first.
func TestNames(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in                 string
		words              []string
		snake, camel, pasc string
	}{
		{"FriendlyName", []string{"friendly", "name"}, "friendly_name", "friendlyName", "FriendlyName"},
		{"friendly_name", []string{"friendly", "name"}, "friendly_name", "friendlyName", "FriendlyName"},
		{"AccountSid", []string{"account", "sid"}, "account_sid", "accountSid", "AccountSid"},
		{"SipDomainSid", []string{"sip", "domain", "sid"}, "sip_domain_sid", "sipDomainSid", "SipDomainSid"},
		{"SIPDomainSid", []string{"sip", "domain", "sid"}, "sip_domain_sid", "sipDomainSid", "SipDomainSid"},
		{"SIPDomain", []string{"sip", "domain"}, "sip_domain", "sipDomain", "SipDomain"},
		{"SMSUrl", []string{"sms", "url"}, "sms_url", "smsUrl", "SmsUrl"},
		{"URL", []string{"url"}, "url", "url", "Url"},
		{"EId", []string{"e", "id"}, "e_id", "eId", "EId"},
		{"Sid", []string{"sid"}, "sid", "sid", "Sid"},
		{"sid", []string{"sid"}, "sid", "sid", "Sid"},
		{"id", []string{"id"}, "id", "id", "Id"},
		{"Key", []string{"key"}, "key", "key", "Key"},
		{"PhoneNumber", []string{"phone", "number"}, "phone_number", "phoneNumber", "PhoneNumber"},
		{"WebhookType", []string{"webhook", "type"}, "webhook_type", "webhookType", "WebhookType"},
		{"VoiceCallerIdLookup", []string{"voice", "caller", "id", "lookup"}, "voice_caller_id_lookup", "voiceCallerIdLookup", "VoiceCallerIdLookup"},
		{"voice_caller_id_lookup", []string{"voice", "caller", "id", "lookup"}, "voice_caller_id_lookup", "voiceCallerIdLookup", "VoiceCallerIdLookup"},
		{"SipAuthPassword", []string{"sip", "auth", "password"}, "sip_auth_password", "sipAuthPassword", "SipAuthPassword"},
		{"Push.ApnCredentialSid", []string{"push", "apn", "credential", "sid"}, "push.apn_credential_sid", "pushApnCredentialSid", "PushApnCredentialSid"},
		{"E164Number", []string{"e164", "number"}, "e164_number", "e164Number", "E164Number"},
		{"incoming_phone_number_local", []string{"incoming", "phone", "number", "local"}, "incoming_phone_number_local", "incomingPhoneNumberLocal", "IncomingPhoneNumberLocal"},
		{"Local", []string{"local"}, "local", "local", "Local"},
		{"A2PProfileBundleSid", []string{"a2p", "profile", "bundle", "sid"}, "a2p_profile_bundle_sid", "a2pProfileBundleSid", "A2pProfileBundleSid"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			if got := Words(tc.in); !slices.Equal(got, tc.words) {
				t.Errorf("Words(%q) = %q, want %q", tc.in, got, tc.words)
			}
			if got := Snake(tc.in); got != tc.snake {
				t.Errorf("Snake(%q) = %q, want %q", tc.in, got, tc.snake)
			}
			if got := Camel(tc.in); got != tc.camel {
				t.Errorf("Camel(%q) = %q, want %q", tc.in, got, tc.camel)
			}
			if got := Pascal(tc.in); got != tc.pasc {
				t.Errorf("Pascal(%q) = %q, want %q", tc.in, got, tc.pasc)
			}
		})
	}
}

// TestSnakeMatchesCatalog holds Snake to Twilio's own pairs: every
// parameter that has a response field of the same words (compared without
// case or underscores) is spelled as that field.
func TestSnakeMatchesCatalog(t *testing.T) {
	t.Parallel()
	c := MustLoad()
	n := 0
	for _, r := range c.Resources {
		fields := map[string]string{}
		for _, p := range r.Properties {
			fields[squash(p.Name)] = p.Name
		}
		for _, op := range []*Operation{r.Create, r.Update, r.Fetch, r.List, r.Delete} {
			if op == nil {
				continue
			}
			for _, p := range op.Params {
				f, ok := fields[squash(p.Name)]
				if !ok {
					continue
				}
				n++
				if strings.ToLower(f) != f {
					// The camelCase APIs (memory, knowledge/v2,
					// intelligence/v3 in @twilio/cli-core 9) spell the
					// parameter as the field; Snake is not theirs.
					if p.Name != f {
						t.Errorf("%s: camelCase field %q, parameter %q", r.Token(), f, p.Name)
					}
					continue
				}
				if got := Snake(p.Name); got != f {
					t.Errorf("%s: Snake(%q) = %q, Twilio's field is %q", r.Token(), p.Name, got, f)
				}
			}
		}
	}
	if n < 1000 {
		t.Errorf("only %d parameters paired with a field", n)
	}
}

func squash(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", "")) }

// TestCamelPairs holds Camel to its promise on Twilio's own pairs: a
// parameter and the response field of the same words give one property
// name.
func TestCamelPairs(t *testing.T) {
	t.Parallel()
	for _, r := range MustLoad().Resources {
		fields := map[string]string{}
		for _, p := range r.Properties {
			fields[squash(p.Name)] = p.Name
		}
		for _, op := range []*Operation{r.Create, r.Update} {
			if op == nil {
				continue
			}
			for _, p := range op.Params {
				if f, ok := fields[squash(p.Name)]; ok && Camel(p.Name) != Camel(f) {
					t.Errorf("%s: Camel(%q) = %q but Camel(%q) = %q", r.Token(), p.Name, Camel(p.Name), f, Camel(f))
				}
			}
		}
	}
}
