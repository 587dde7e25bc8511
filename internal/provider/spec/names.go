package spec

import (
	"strings"
	"unicode"
)

// Camel turns a Twilio parameter name ("FriendlyName", "Push.ApnCredentialSid")
// or response field ("friendly_name") into the camelCase property name a
// Pulumi program uses ("friendlyName", "pushApnCredentialSid"). Both spellings
// of one field give the same name, which is how an input is matched with the
// response field that reflects it.
func Camel(name string) string {
	parts := strings.FieldsFunc(name, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	var b strings.Builder
	for i, p := range parts {
		if i == 0 {
			b.WriteString(lowerLead(p))
			continue
		}
		r := []rune(p)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	return b.String()
}

// lowerLead lowercases a leading run of capitals, keeping the last one when
// it starts the next word: "URL" gives "url", "SIPDomain" gives "sipDomain".
func lowerLead(s string) string {
	r := []rune(s)
	n := 0
	for n < len(r) && unicode.IsUpper(r[n]) {
		n++
	}
	if n > 1 && n < len(r) && unicode.IsLower(r[n]) {
		n--
	}
	for i := 0; i < n; i++ {
		r[i] = unicode.ToLower(r[i])
	}
	return string(r)
}

// reserved property names Pulumi gives every resource; a Twilio field of
// that name is renamed.
var reserved = map[string]string{"id": "twilioId", "urn": "twilioUrn"}

// PropertyName is Camel plus the renames that keep clear of Pulumi's own
// "id" and "urn".
func PropertyName(name string) string {
	c := Camel(name)
	if r, ok := reserved[c]; ok {
		return r
	}
	return c
}

// sensitiveWords mark a credential: a field whose name has one of these
// words ("auth_token", "Secret", "SipAuthPassword", "PrivateKey",
// "ApiKey") is a Pulumi secret, in inputs and outputs alike.
var sensitiveWords = map[string]bool{"token": true, "secret": true, "password": true, "credentials": true}

// sensitivePairs are two-word endings that mark a credential where the last
// word alone ("key") does not: a Sync map item's "key" is not secret.
var sensitivePairs = map[string]bool{"private key": true, "api key": true, "secret key": true, "customer key": true}

// Sensitive reports whether a field or parameter name holds a credential,
// by the rule documented in the package comment. Names of SIDs
// ("credential_sid"), types ("token_type") and flags ("include_credentials")
// are not.
func Sensitive(name string) bool {
	w := Words(name)
	if len(w) == 0 {
		return false
	}
	last := w[len(w)-1]
	if last == "sid" || last == "type" || last == "ttl" || w[0] == "include" || w[0] == "enable" {
		return false
	}
	for _, x := range w {
		if sensitiveWords[x] {
			return true
		}
	}
	if len(w) >= 2 && sensitivePairs[w[len(w)-2]+" "+last] {
		return true
	}
	return false
}

// Words splits a name in any of Twilio's spellings into lowercase words:
// "SipAuthPassword", "sip_auth_password" and "Push.ApnCredentialSid" give
// [sip auth password] and [push apn credential sid].
func Words(name string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	r := []rune(name)
	for i, c := range r {
		switch {
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			flush()
		case unicode.IsUpper(c) && len(cur) > 0 &&
			(unicode.IsLower(cur[len(cur)-1]) || (i+1 < len(r) && unicode.IsLower(r[i+1]))):
			flush()
			cur = append(cur, c)
		default:
			cur = append(cur, c)
		}
	}
	flush()
	return out
}
