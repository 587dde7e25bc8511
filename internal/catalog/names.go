package catalog

import (
	"strings"
	"unicode"
)

// Twilio spells one field two ways, a parameter ("SipDomainSid") and a
// response field ("sip_domain_sid"), and the provider adds a third, the
// Pulumi property ("sipDomainSid"). These helpers are the one home of those
// spellings, for the generator, the emulator and the provider alike; their
// rule for a run of capitals is the one Twilio's own pairs in catalog.json
// follow (A2PProfileBundleSid and a2p_profile_bundle_sid, EId and e_id).

// Words splits a name in any of Twilio's spellings into lowercase words:
// "SipAuthPassword", "sip_auth_password" and "Push.ApnCredentialSid" give
// [sip auth password] and [push apn credential sid]. A run of capitals is
// one word, except that its last capital starts the next word when a
// lowercase letter follows: "SIPDomainSid" gives [sip domain sid],
// "A2PProfileBundleSid" [a2p profile bundle sid], "EId" [e id].
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
		case !isAlnum(c):
			flush()
		case wordStart(r, i):
			flush()
			cur = append(cur, c)
		default:
			cur = append(cur, c)
		}
	}
	flush()
	return out
}

// wordStart reports whether r[i] is a capital that starts a new word inside
// a run of letters and digits: after a lowercase letter ("friendlyName"),
// or as the last capital of a run before a lowercase letter ("SIPDomain").
func wordStart(r []rune, i int) bool {
	if i == 0 || !unicode.IsUpper(r[i]) || !isAlnum(r[i-1]) {
		return false
	}
	return unicode.IsLower(r[i-1]) || (i+1 < len(r) && unicode.IsLower(r[i+1]))
}

func isAlnum(c rune) bool { return unicode.IsLetter(c) || unicode.IsDigit(c) }

// Snake spells a parameter name as Twilio spells the response field that
// reflects it: "FriendlyName" gives "friendly_name", "SipDomainSid" and
// "SIPDomainSid" give "sip_domain_sid". Characters other than letters and
// digits stay: "Push.ApnCredentialSid" gives "push.apn_credential_sid".
func Snake(name string) string {
	var b strings.Builder
	r := []rune(name)
	for i, c := range r {
		if wordStart(r, i) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

// Pascal spells a name as a type name, each word capitalized:
// "incoming_phone_number_local" gives "IncomingPhoneNumberLocal", "Local"
// gives "Local".
func Pascal(name string) string {
	var b strings.Builder
	for _, w := range Words(name) {
		b.WriteString(upperFirst(w))
	}
	return b.String()
}

func upperFirst(w string) string {
	r := []rune(w)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// Camel turns a Twilio parameter name ("FriendlyName", "Push.ApnCredentialSid")
// or response field ("friendly_name") into the camelCase property name a
// Pulumi program uses ("friendlyName", "pushApnCredentialSid"). Both spellings
// of one field give the same name, which is how an input is matched with the
// response field that reflects it.
func Camel(name string) string {
	w := Words(name)
	for i := 1; i < len(w); i++ {
		w[i] = upperFirst(w[i])
	}
	return strings.Join(w, "")
}
