package actioncmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tdeploy/twilio-deploy-action/internal/action"
)

// TestLocalJob: local mode's job, built directly: the branch's env file
// under the branch's secret names, the process environment winning, the
// emulator's URL from the flag, the file or the environment.
func TestLocalJob(t *testing.T) {
	t.Parallel()
	wd := t.TempDir()
	if err := os.WriteFile(filepath.Join(wd, ".dev.env"), []byte("TWILIO_ACCOUNT_SID=AC1\nTWILIO_AUTH_TOKEN=tok\nTWILIO_API_URL=http://file\nGREETING=file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, flagURL string
		vars          map[string]string
		wantURL       string
		wantEnv       map[string]string
	}{
		{"the file's URL", "", map[string]string{"GREETING": "env"}, "http://file",
			map[string]string{"TWILIO_DEV_ACCOUNT_SID": "AC1", "TWILIO_DEV_AUTH_TOKEN": "tok", "GREETING": "env"}},
		{"the flag wins", "http://flag", map[string]string{}, "http://flag",
			map[string]string{"TWILIO_DEV_ACCOUNT_SID": "AC1", "TWILIO_DEV_AUTH_TOKEN": "tok", "GREETING": "file", "TWILIO_API_URL": "http://file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out strings.Builder
			job, err := localJob("up", "dev", wd, "", tc.flagURL, tc.vars, &out)
			if err != nil {
				t.Fatal(err)
			}
			if job.Inputs.Command != "up" || job.Inputs.WorkDir != wd || job.Inputs.TwilioAPIURL != tc.wantURL ||
				!cmp.Equal(job.Event, action.Event{Name: "workflow_dispatch", Ref: "refs/heads/dev"}) || job.ReportFailures || job.HandBack || job.GitHub.Runner {
				t.Errorf("job %+v", job)
			}
			if d := cmp.Diff(tc.wantEnv, job.Env); d != "" {
				t.Errorf("env (-want +got):\n%s", d)
			}
			if err := job.Reporter.AddSummary("# done"); err != nil || out.String() != "\n# done\n" {
				t.Errorf("summary printed %q (%v)", out.String(), err)
			}
		})
	}
}
