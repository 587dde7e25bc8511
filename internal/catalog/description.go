package catalog

import (
	"strings"
	"unicode/utf8"
)

// DescriptionLimit bounds a short description in bytes. The catalog keeps
// Twilio's descriptions this short (it is embedded in every binary) and the
// reference docs cut the provider's longer input descriptions to the same
// length, so a table cell shows at most what the catalog holds. 300 keeps
// every description twilio-oai 0.7.0 has whole where 240 would cut 30.
const DescriptionLimit = 300

// FirstSentence shortens a description to its first sentence, and that to
// DescriptionLimit bytes ("..." marks a cut, never inside a character).
func FirstSentence(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i+1]
	}
	if len(s) > DescriptionLimit {
		cut := DescriptionLimit - len("...")
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}
