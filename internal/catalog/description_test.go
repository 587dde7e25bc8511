package catalog

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFirstSentence(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 400)
	for name, tc := range map[string]struct{ in, want string }{
		"empty":               {"", ""},
		"one sentence":        {"  The friendly name.  ", "The friendly name."},
		"two sentences":       {"The SID. Twilio sets it.", "The SID."},
		"no space after .":    {"See twilio.com/docs for more", "See twilio.com/docs for more"},
		"at the limit":        {long[:DescriptionLimit], long[:DescriptionLimit]},
		"over the limit":      {long, long[:DescriptionLimit-3] + "..."},
		"long first sentence": {long + ". Then more.", long[:DescriptionLimit-3] + "..."},
		"cut before a character": {strings.Repeat("a", DescriptionLimit-4) + "€uro and more",
			strings.Repeat("a", DescriptionLimit-4) + "..."},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := FirstSentence(tc.in)
			if got != tc.want {
				t.Errorf("FirstSentence(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if len(got) > DescriptionLimit || !utf8.ValidString(got) {
				t.Errorf("FirstSentence(%q) = %q: %d bytes, valid UTF-8 %v", tc.in, got, len(got), utf8.ValidString(got))
			}
		})
	}
}
