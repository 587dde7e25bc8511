// Package dotenv parses the .env format: the Functions' .env that the
// Serverless Toolkit uploads, and the Action's per-branch .<branch>.env.
// One parser, so a file means the same to both.
package dotenv

import (
	"fmt"
	"strings"
)

// Parse parses the dotenv format the Toolkit reads: KEY=VALUE lines,
// blank lines and "#" comments, an optional "export " prefix, values in
// double quotes (with \n, \r, \t, \" and \\ escapes, possibly spanning
// lines), in single quotes (literal), or bare (trimmed, a " #" starts a
// comment). A later key wins. Errors give the line number, never a value.
func Parse(src string) (map[string]string, error) {
	vars := map[string]string{}
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		lineNo := i + 1
		line := strings.TrimSpace(lines[i])
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, rest, ok := strings.Cut(line, "=")
		key = strings.TrimSpace(key)
		if !ok || !validKey(key) {
			return nil, fmt.Errorf("line %d: want KEY=VALUE with KEY of letters, digits and _", lineNo)
		}
		rest = strings.TrimLeft(rest, " \t")
		switch {
		case strings.HasPrefix(rest, `"`):
			// Gather lines until the closing quote.
			val := rest[1:]
			for !hasClosingQuote(val) {
				if i+1 >= len(lines) {
					return nil, fmt.Errorf("line %d: unterminated double quote", lineNo)
				}
				i++
				val += "\n" + lines[i]
			}
			end := closingQuote(val)
			if tail := strings.TrimSpace(val[end+1:]); tail != "" && !strings.HasPrefix(tail, "#") {
				return nil, fmt.Errorf("line %d: text after the closing quote", lineNo)
			}
			vars[key] = unescape(val[:end])
		case strings.HasPrefix(rest, "'"):
			end := strings.IndexByte(rest[1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("line %d: unterminated single quote", lineNo)
			}
			if tail := strings.TrimSpace(rest[end+2:]); tail != "" && !strings.HasPrefix(tail, "#") {
				return nil, fmt.Errorf("line %d: text after the closing quote", lineNo)
			}
			vars[key] = rest[1 : end+1]
		default:
			if j := strings.Index(rest, " #"); j >= 0 {
				rest = rest[:j]
			}
			vars[key] = strings.TrimSpace(rest)
		}
	}
	return vars, nil
}

func validKey(k string) bool {
	if k == "" || (k[0] >= '0' && k[0] <= '9') {
		return false
	}
	for _, r := range k {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func closingQuote(s string) int {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

func hasClosingQuote(s string) bool { return closingQuote(s) >= 0 }

func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
