// Package container proves the Action's image without a Docker engine: it
// reads the Dockerfile's final stage into a small model (this file),
// assembles the root filesystem that stage describes (rootfs.go) and runs
// its entrypoint as GitHub's runner runs a container action (runner.go,
// run_linux.go), in Linux namespaces. The contract test beside it drives
// push, pull request and delete events through that image against the
// emulator and the fake GitHub.
//
// It is test support: only tests import it.
package container

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Copy is one COPY (or ADD) of the final stage.
type Copy struct {
	From string   // the --from= stage or image; empty: the build context
	Srcs []string // as written
	Dst  string   // as written; a trailing slash means a folder
}

// Stage is what a Dockerfile stage holds, as far as the image's contract
// goes.
type Stage struct {
	From       string // the base image
	Name       string // AS name
	Copies     []Copy
	Env        [][2]string // ENV, in order (a later one overrides)
	Entrypoint []string    // exec form as written; shell form as Docker runs it (/bin/sh -c)
	User       string
	Workdir    string
	Runs       []string // RUN lines
}

// Dockerfile is a parsed Dockerfile: its stages in order.
type Dockerfile struct {
	Stages []Stage
}

// Final is the last stage: the image.
func (d *Dockerfile) Final() *Stage { return &d.Stages[len(d.Stages)-1] }

// Stage returns the stage named name, or nil.
func (d *Dockerfile) Stage(name string) *Stage {
	for i := range d.Stages {
		if strings.EqualFold(d.Stages[i].Name, name) {
			return &d.Stages[i]
		}
	}
	return nil
}

// ToolsBin is the BIN a stage's RUN gives scripts/tools.sh (BIN=DIR ...
// scripts/tools.sh), or "".
func (s *Stage) ToolsBin() string {
	for _, r := range s.Runs {
		if m := toolsRun.FindStringSubmatch(r); m != nil {
			return m[1]
		}
	}
	return ""
}

var toolsRun = regexp.MustCompile(`(?:^|\s)BIN=(\S+)\s.*scripts/tools\.sh(?:\s|$)`)

// EnvValue is the last value ENV gives key in the stage, and whether it
// gives one.
func (s *Stage) EnvValue(key string) (string, bool) {
	v, ok := "", false
	for _, kv := range s.Env {
		if kv[0] == key {
			v, ok = kv[1], true
		}
	}
	return v, ok
}

// Parse reads a Dockerfile: continuation lines joined, comments and parser
// directives dropped, one instruction per line. It knows the instructions
// the image's contract depends on and rejects what it cannot model
// faithfully in the final stage (ADD of URLs, COPY --link/--chown, ONBUILD),
// so a Dockerfile the test cannot reproduce fails instead of passing on a
// guess.
func Parse(text string) (*Dockerfile, error) {
	var d Dockerfile
	for n, line := range logicalLines(text) {
		word, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		word = strings.ToUpper(word)
		if word == "FROM" {
			f := strings.Fields(rest)
			var s Stage
			for len(f) > 0 && strings.HasPrefix(f[0], "--") { // --platform=
				f = f[1:]
			}
			if len(f) == 0 {
				return nil, fmt.Errorf("dockerfile: instruction %d: FROM without an image", n+1)
			}
			s.From = f[0]
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				s.Name = f[2]
			}
			d.Stages = append(d.Stages, s)
			continue
		}
		if len(d.Stages) == 0 {
			if word == "ARG" {
				continue // ARGs before FROM only feed FROM lines
			}
			return nil, fmt.Errorf("dockerfile: %s before the first FROM", word)
		}
		s := &d.Stages[len(d.Stages)-1]
		switch word {
		case "COPY", "ADD":
			c, err := parseCopy(word, rest)
			if err != nil {
				return nil, fmt.Errorf("dockerfile: instruction %d: %w", n+1, err)
			}
			s.Copies = append(s.Copies, c)
		case "ENV":
			kvs, err := parseEnv(rest)
			if err != nil {
				return nil, fmt.Errorf("dockerfile: instruction %d: %w", n+1, err)
			}
			s.Env = append(s.Env, kvs...)
		case "ENTRYPOINT":
			if strings.HasPrefix(rest, "[") {
				var argv []string
				if err := json.Unmarshal([]byte(rest), &argv); err != nil {
					return nil, fmt.Errorf("dockerfile: instruction %d: ENTRYPOINT %s: %w", n+1, rest, err)
				}
				s.Entrypoint = argv
			} else {
				// Shell form: Docker runs it through the image's shell.
				s.Entrypoint = []string{"/bin/sh", "-c", rest}
			}
		case "USER":
			s.User = rest
		case "WORKDIR":
			if strings.HasPrefix(rest, "/") || s.Workdir == "" {
				s.Workdir = rest
			} else {
				s.Workdir = strings.TrimSuffix(s.Workdir, "/") + "/" + rest
			}
		case "RUN":
			s.Runs = append(s.Runs, rest)
		case "ONBUILD", "VOLUME", "SHELL", "HEALTHCHECK":
			if s == d.Final() {
				return nil, fmt.Errorf("dockerfile: the final stage's %s is not modelled by the contract test", word)
			}
		case "ARG", "LABEL", "EXPOSE", "CMD", "STOPSIGNAL", "MAINTAINER":
			// CMD only adds arguments; the runner passes the action's args.
		default:
			return nil, fmt.Errorf("dockerfile: unknown instruction %s", word)
		}
	}
	if len(d.Stages) == 0 {
		return nil, fmt.Errorf("dockerfile: no FROM")
	}
	return &d, nil
}

// logicalLines joins continuations and drops comments and blank lines,
// squeezing runs of blanks.
func logicalLines(text string) []string {
	var out []string
	var cur strings.Builder
	for _, raw := range strings.Split(text, "\n") {
		l := strings.TrimSpace(raw)
		if strings.HasPrefix(l, "#") {
			continue // comments (and directives) may sit inside a continuation
		}
		if strings.HasSuffix(l, "\\") {
			cur.WriteString(strings.TrimSuffix(l, "\\"))
			cur.WriteString(" ")
			continue
		}
		cur.WriteString(l)
		if s := strings.Join(strings.Fields(cur.String()), " "); s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	if s := strings.Join(strings.Fields(cur.String()), " "); s != "" {
		out = append(out, s)
	}
	return out
}

func parseCopy(word, rest string) (Copy, error) {
	var c Copy
	var args []string
	if strings.HasPrefix(rest, "[") {
		if err := json.Unmarshal([]byte(rest), &args); err != nil {
			return c, fmt.Errorf("%s %s: %w", word, rest, err)
		}
	} else {
		args = strings.Fields(rest)
	}
	for len(args) > 0 && strings.HasPrefix(args[0], "--") {
		flag, val, _ := strings.Cut(args[0], "=")
		switch flag {
		case "--from":
			c.From = val
		default:
			// --chown, --chmod, --link, --parents, --exclude change what lands
			// in the image; model them before accepting them.
			return c, fmt.Errorf("%s %s is not modelled by the contract test", word, flag)
		}
		args = args[1:]
	}
	if len(args) < 2 {
		return c, fmt.Errorf("%s needs a source and a destination", word)
	}
	c.Srcs, c.Dst = args[:len(args)-1], args[len(args)-1]
	if len(c.Srcs) > 1 && !strings.HasSuffix(c.Dst, "/") {
		return c, fmt.Errorf("%s of %d sources to %s: the destination must end with /", word, len(c.Srcs), c.Dst)
	}
	if word == "ADD" {
		for _, s := range c.Srcs {
			if strings.Contains(s, "://") || strings.HasSuffix(s, ".tar") || strings.Contains(s, ".tar.") {
				return c, fmt.Errorf("ADD %s (a download or an archive) is not modelled by the contract test", s)
			}
		}
	}
	return c, nil
}

// parseEnv reads ENV KEY=VALUE ... (values may be double-quoted) and the
// old ENV KEY VALUE form.
func parseEnv(rest string) ([][2]string, error) {
	if !strings.Contains(strings.SplitN(rest, " ", 2)[0], "=") {
		k, v, ok := strings.Cut(rest, " ")
		if !ok {
			return nil, fmt.Errorf("ENV %s: no value", rest)
		}
		return [][2]string{{k, strings.TrimSpace(v)}}, nil
	}
	var out [][2]string
	for rest = strings.TrimSpace(rest); rest != ""; rest = strings.TrimSpace(rest) {
		k, after, ok := strings.Cut(rest, "=")
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			return nil, fmt.Errorf("ENV: %q is not KEY=VALUE", rest)
		}
		var v string
		if strings.HasPrefix(after, `"`) {
			end := strings.Index(after[1:], `"`)
			if end < 0 {
				return nil, fmt.Errorf("ENV %s: unterminated quote", k)
			}
			v, rest = after[1:1+end], after[2+end:]
		} else {
			v, rest, _ = strings.Cut(after, " ")
		}
		out = append(out, [2]string{k, v})
	}
	return out, nil
}
