package stack

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// settingsExtensions are the file extensions Pulumi accepts for Pulumi.yaml
// and Pulumi.<stack>.yaml, in the order it looks for them.
var settingsExtensions = []string{".yaml", ".yml", ".json"}

// projectName reads the project's name from Pulumi.yaml. The SDK's own
// loader (LocalWorkspace.ProjectSettings, and StackSettings, which calls
// it again) validates the whole program against the project JSON schema:
// 15 ms per load at 200 resources, twice per run, for one field. The CLI
// validates the program itself moments later.
func projectName(dir string) (tokens.PackageName, error) {
	for _, ext := range settingsExtensions {
		path := filepath.Join(dir, "Pulumi"+ext)
		b, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		var p struct {
			Name string `yaml:"name"`
		}
		if err := yaml.Unmarshal(b, &p); err != nil {
			return "", fmt.Errorf("read %s: %w", filepath.Base(path), err)
		}
		if strings.TrimSpace(p.Name) == "" {
			return "", fmt.Errorf("%s has no name: set name: to the project's name", filepath.Base(path))
		}
		return tokens.PackageName(p.Name), nil
	}
	return "", fmt.Errorf("no Pulumi.yaml in %s", dir)
}

// stackSettings loads Pulumi.<stack>.yaml the way LocalWorkspace.StackSettings
// does, with only the project's name (used to namespace bare config keys).
// A missing file is an empty stack file.
func stackSettings(dir, stack string, project tokens.PackageName) (*workspace.ProjectStack, error) {
	name := stack[strings.LastIndex(stack, "/")+1:] // org/project/stack → stack
	proj := &workspace.Project{Name: project}
	for _, ext := range settingsExtensions {
		path := filepath.Join(dir, "Pulumi."+name+ext)
		if _, err := os.Stat(path); err == nil {
			ps, err := workspace.LoadProjectStack(nil, proj, path)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", filepath.Base(path), err)
			}
			return ps, nil
		}
	}
	return &workspace.ProjectStack{}, nil
}
