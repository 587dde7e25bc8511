package spec

import "github.com/tdeploy/twilio-deploy-action/internal/catalog"

// reserved property names Pulumi gives every resource; a Twilio field of
// that name is renamed.
var reserved = map[string]string{"id": "twilioId", "urn": "twilioUrn"}

// PropertyName is catalog.Camel plus the renames that keep clear of Pulumi's own
// "id" and "urn".
func PropertyName(name string) string {
	c := catalog.Camel(name)
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
	w := catalog.Words(name)
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
