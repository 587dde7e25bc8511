package testenv

import (
	"fmt"
	"strings"
)

// ParseOutputFile reads a GITHUB_OUTPUT file (NAME=VALUE lines and
// NAME<<DELIMITER blocks, as go-githubactions writes them), as the runner
// would.
func ParseOutputFile(b []byte) (map[string]string, error) {
	out := map[string]string{}
	lines := strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if l == "" {
			continue
		}
		if k, delim, ok := strings.Cut(l, "<<"); ok {
			var val []string
			i++
			for ; i < len(lines) && lines[i] != delim; i++ {
				val = append(val, lines[i])
			}
			if i == len(lines) {
				return nil, fmt.Errorf("output %s: no closing %s", k, delim)
			}
			out[k] = strings.Join(val, "\n")
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			return nil, fmt.Errorf("output line %q: want NAME=VALUE or NAME<<DELIMITER", l)
		}
		out[k] = v
	}
	return out, nil
}
