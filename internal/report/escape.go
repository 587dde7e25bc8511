package report

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Untrusted text reaches Markdown only through code and fence below: a code
// span or fenced block is rendered literally by GitHub (no HTML, no links,
// no images, no autolinks, and GitHub does not turn @names inside <code> or
// <pre> into mentions). What remains is to keep the text from leaving the
// span or block: the delimiters are sized to the content, table pipes are
// escaped, line breaks are made visible.

// colorRE matches the color Pulumi writes into its messages: terminal
// escapes (CSI and OSC sequences) and its own color tags (<{%fg 1%}>,
// <{%reset%}>), present when an event's color mode is not "never".
var colorRE = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|<\{%[^%]*%\}>`)

// StripColor removes the color from a message of Pulumi's (see colorRE):
// the one stripper for the report, the engine's collector and its log.
func StripColor(s string) string { return colorRE.ReplaceAllString(s, "") }

// visible replaces invalid UTF-8, control characters (other than those in
// keep), and invisible format characters (bidi overrides, zero-width
// characters) with escapes that show what was there.
func visible(s string, keep string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	clean = true
	for _, r := range s {
		if hidden(r) && !strings.ContainsRune(keep, r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if hidden(r) && !strings.ContainsRune(keep, r) {
			fmt.Fprintf(&b, `\u%04X`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func hidden(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029'
}

// oneLine folds line breaks into a visible mark so a value stays on its
// table row.
func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.ReplaceAll(s, "\n", "↵")
}

// clip shortens s to at most n bytes on a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const ell = "…"
	cut := n - len(ell)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:max(cut, 0)] + ell
}

// longestRun is the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	best, cur := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			cur++
			best = max(best, cur)
		} else {
			cur = 0
		}
	}
	return best
}

// code renders s as an inline code span of at most about n bytes of
// content. In a table cell (cell true) pipes are escaped so they cannot
// start a new cell.
func code(s string, n int, cell bool) string {
	// Clip first so a huge value costs nothing, then again after the
	// escapes, which can only lengthen it.
	s = clip(oneLine(visible(clip(s, n), "\n\r")), n)
	if s == "" {
		return "_(empty)_"
	}
	if cell {
		s = escapePipes(s)
	}
	delim := strings.Repeat("`", longestRun(s, '`')+1)
	// A space on each side keeps a leading or trailing backtick from
	// joining the delimiter; CommonMark strips exactly one on each side.
	if s[0] == '`' || s[len(s)-1] == '`' || (s[0] == ' ' && s[len(s)-1] == ' ') {
		s = " " + s + " "
	}
	return delim + s + delim
}

// escapePipes escapes each | for a GFM table cell. GFM splits cells on a
// pipe not preceded by a backslash escape, so a run of k backslashes
// before a pipe is doubled and one more added: the pipe always ends up
// escaped, whether or not the renderer pairs the backslashes.
func escapePipes(s string) string {
	if !strings.Contains(s, "|") {
		return s
	}
	var b strings.Builder
	run := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\':
			run++
			continue
		case '|':
			b.WriteString(strings.Repeat(`\`, 2*run+1))
		default:
			b.WriteString(strings.Repeat(`\`, run))
		}
		run = 0
		b.WriteByte(c)
	}
	b.WriteString(strings.Repeat(`\`, run))
	return b.String()
}

// fence renders multi-line text as a fenced code block whose fence is
// longer than any backtick run in the text, so no line can close it.
func fence(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = visible(StripColor(s), "\n\t")
	s = strings.TrimRight(s, "\n")
	f := strings.Repeat("`", max(3, longestRun(s, '`')+1))
	return f + "text\n" + s + "\n" + f + "\n"
}

// Cell renders s as a table cell's inline code span, for other packages'
// tables (the guard's side-by-side change sets) to escape as this one does.
func Cell(s string) string { return code(s, 300, true) }
