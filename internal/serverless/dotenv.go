package serverless

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tdeploy/twilio-deploy-action/internal/dotenv"
)

// readDotEnv reads root/.env; a missing file is no variables.
func readDotEnv(root string) (map[string]string, error) {
	b, err := os.ReadFile(filepath.Join(root, ".env"))
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, &FileError{File: ".env", Err: fmt.Errorf("read: %w", err)}
	}
	vars, err := dotenv.Parse(string(b))
	if err != nil {
		return nil, &FileError{File: ".env", Err: err}
	}
	// Twilio gives every function its own ACCOUNT_SID and AUTH_TOKEN; the
	// Toolkit does not upload the ones in .env, and neither do we.
	delete(vars, "ACCOUNT_SID")
	delete(vars, "AUTH_TOKEN")
	return vars, nil
}
