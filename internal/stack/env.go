package stack

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/tdeploy/twilio-deploy-action/internal/dotenv"
)

// Root is the folder holding bin/pulumi (and the YAML host and provider
// next to it): pulumiRoot (the PULUMI_ROOT variable) when set, else the
// parent of the folder holding executable (the image's /opt/tda/bin/action
// gives /opt/tda).
func Root(pulumiRoot, executable string) string {
	if pulumiRoot != "" {
		return pulumiRoot
	}
	return filepath.Dir(filepath.Dir(executable))
}

// PrepareEnv completes env, the variables the CLI, the YAML host and the
// provider will run with, for the CLI under root: PULUMI_HOME made
// explicit (see PulumiHome), a backend required, the update check off
// unless asked for, and root/bin first on PATH so the plugins the image
// keeps next to the CLI are found. Call it before the branch's own
// variables are added: the backend is the step's, not an env file's.
func PrepareEnv(env map[string]string, root string) error {
	if home := PulumiHome(env); home != "" {
		env["PULUMI_HOME"] = home
	}
	if env["PULUMI_BACKEND_URL"] == "" && env["PULUMI_ACCESS_TOKEN"] == "" && !loggedIn(env["PULUMI_HOME"]) {
		return errors.New("no Pulumi backend: set PULUMI_BACKEND_URL (file://, s3://, gs://, azblob://) or PULUMI_ACCESS_TOKEN (Pulumi Cloud) in the step's env")
	}
	if env["PULUMI_SKIP_UPDATE_CHECK"] == "" {
		env["PULUMI_SKIP_UPDATE_CHECK"] = "true"
	}
	env["PATH"] = filepath.Join(root, "bin") + string(os.PathListSeparator) + env["PATH"]
	return nil
}

// loggedIn reports whether `pulumi login` was run with the Pulumi home.
func loggedIn(home string) bool {
	if home == "" {
		return false
	}
	b, err := os.ReadFile(filepath.Join(home, "credentials.json"))
	return err == nil && bytes.Contains(b, []byte(`"current"`))
}

// HasProject reports whether dir holds a Pulumi project file, under any
// of the names Pulumi accepts (the ones projectName reads).
func HasProject(dir string) bool {
	for _, ext := range settingsExtensions {
		if _, err := os.Stat(filepath.Join(dir, "Pulumi"+ext)); err == nil {
			return true
		}
	}
	return false
}

// PulumiHome is the folder the Pulumi CLI keeps its login, workspace
// settings and plugins in, as the Action runs it: PULUMI_HOME, else
// $HOME/.pulumi, else "" (the CLI's own default). The CLI on its own falls
// back to the home folder /etc/passwd gives the user, not $HOME: /root in
// the image, where GitHub sets HOME=/github/home. So the Action passes this
// value to the CLI as PULUMI_HOME, and its "logged in" check reads the same
// folder the CLI uses.
func PulumiHome(env map[string]string) string {
	if h := env["PULUMI_HOME"]; h != "" {
		return h
	}
	if h := env["HOME"]; h != "" {
		return filepath.Join(h, ".pulumi")
	}
	return ""
}

// EnvFileName is the per-branch env file in the work dir: "." + the stack
// name derived from the branch + ".env" (.main.env, .feature-new-ivr.env).
func EnvFileName(derivedStack string) string { return "." + derivedStack + ".env" }

// ReadEnvFile reads the env file of derivedStack (EnvFileName) in dir. A
// missing file is no error: vars is nil. name is the file's name, for
// messages.
func ReadEnvFile(dir, derivedStack string) (vars map[string]string, name string, err error) {
	name = EnvFileName(derivedStack)
	f, err := os.Open(filepath.Join(dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, name, nil
	}
	if err != nil {
		return nil, name, fmt.Errorf("read %s: %w", name, err)
	}
	defer f.Close()
	if vars, err = ParseEnvFile(f); err != nil {
		return nil, name, fmt.Errorf("read %s: %w", name, err)
	}
	return vars, name, nil
}

// ParseEnvFile reads a per-branch env file in the .env format the
// Functions' .env uses (see package dotenv). The variables go to the
// Pulumi program and provider's environment, not to stack config.
func ParseEnvFile(r io.Reader) (map[string]string, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxEnvFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxEnvFile {
		return nil, fmt.Errorf("larger than %d bytes", maxEnvFile)
	}
	return dotenv.Parse(string(b))
}

// maxEnvFile bounds an env file: it holds variables, not data.
const maxEnvFile = 1 << 20
