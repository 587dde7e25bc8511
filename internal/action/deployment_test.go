package action

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/tdeploy/twilio-deploy-action/internal/ghdeploy"
	"github.com/tdeploy/twilio-deploy-action/internal/stack"
)

// deployLog is a ghdeploy.API that writes each call as a line and
// answers err to every write.
type deployLog struct {
	calls []string
	err   error
}

func (d *deployLog) CreateDeployment(_ context.Context, req ghdeploy.Request) (ghdeploy.Deployment, error) {
	d.calls = append(d.calls, "create "+req.Environment+" "+req.Ref)
	return ghdeploy.Deployment{ID: 1}, d.err
}

func (d *deployLog) CreateStatus(_ context.Context, id int64, st ghdeploy.Status) error {
	d.calls = append(d.calls, "status "+string(st.State)+" "+st.EnvironmentURL)
	return d.err
}

func (d *deployLog) ListDeployments(context.Context, string, int) (ghdeploy.Page, error) {
	d.calls = append(d.calls, "list")
	return ghdeploy.Page{Deployments: []ghdeploy.Deployment{{ID: 1}}}, nil
}

func (d *deployLog) LatestState(context.Context, int64) (ghdeploy.State, error) {
	d.calls = append(d.calls, "latest")
	return ghdeploy.Success, nil
}

// TestDeployments: which runs record a deployment, with what, and how a
// refusal degrades.
func TestDeployments(t *testing.T) {
	t.Parallel()
	const secrets = `{"TWILIO_FEATURE_X_ACCOUNT_SID":"AC0123456789abcdef0123456789abcdef","TWILIO_FEATURE_X_AUTH_TOKEN":"tok0123456789abcdef0123456789abcd"}`
	push := Event{Name: "push", Ref: "refs/heads/feature/x", SHA: "abc", Payload: []byte(`{"ref":"refs/heads/feature/x"}`)}
	deleted := Event{Name: "delete", Ref: "refs/heads/main", SHA: "abc", Payload: []byte(`{"ref":"feature/x","ref_type":"branch"}`)}
	outputs := []stack.Output{{Name: "url", Value: "https://x-1234.twil.io/"}, {Name: "key", Value: "https://k.example/", Secret: true}}
	forbidden := &ghdeploy.PermissionError{Op: "create deployment", Status: 403, Err: errors.New("Resource not accessible by integration")}
	for _, tt := range []struct {
		name      string
		event     Event
		off       bool
		urlOutput string
		engineErr error
		apiErr    error
		wantErr   bool
		wantCalls []string
		wantLog   []string
	}{
		{name: "up succeeds", event: push, urlOutput: "url",
			wantCalls: []string{"create feature-x abc", "status in_progress ", "status success https://x-1234.twil.io/"}},
		{name: "no URL output named", event: push,
			wantCalls: []string{"create feature-x abc", "status in_progress ", "status success "}},
		{name: "a secret output is never the URL", event: push, urlOutput: "key",
			wantCalls: []string{"create feature-x abc", "status in_progress ", "status success "}, wantLog: []string{"::warning::stack output key is secret"}},
		{name: "a missing output", event: push, urlOutput: "nope",
			wantCalls: []string{"create feature-x abc", "status in_progress ", "status success "}, wantLog: []string{"has no output nope"}},
		{name: "up fails", event: push, urlOutput: "url", engineErr: errors.New("boom"), wantErr: true,
			wantCalls: []string{"create feature-x abc", "status in_progress ", "status failure "}},
		{name: "forbidden: a notice, no more calls, exit 0", event: push, apiErr: forbidden,
			wantCalls: []string{"create feature-x abc"}, wantLog: []string{"::notice::Could not record the deployment on GitHub", "deployments: write"}},
		{name: "off", event: push, off: true},
		{name: "branch deleted: inactive", event: deleted,
			wantCalls: []string{"list", "latest", "status inactive "}, wantLog: []string{"marked the deployment to feature-x inactive"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			job, rec := flowJob(t, tt.event, secrets)
			job.Inputs.Deployments, job.Inputs.EnvironmentURLOutput = !tt.off, tt.urlOutput
			job.GitHub.ServerURL, job.GitHub.RunID = "https://github.com", "9"
			deps := fakeDeps(t, &out)
			op := apitype.OpCreate
			if tt.event.Name == "delete" {
				op = apitype.OpDelete
			}
			deps.Engine = &fakeEngine{events: created(op), result: stack.Result{Outputs: outputs}, err: tt.engineErr}
			api := &deployLog{err: tt.apiErr}
			var opened []string
			deps.Deployments = func(apiURL, token, owner, repo string) (ghdeploy.API, error) {
				opened = append(opened, strings.Join([]string{apiURL, token, owner, repo}, " "))
				return api, nil
			}
			err := Run(t.Context(), job, deps)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v\n%s", err, out.String())
			}
			if d := cmp.Diff(tt.wantCalls, api.calls); d != "" {
				t.Errorf("calls (-want +got):\n%s", d)
			}
			for _, o := range opened {
				if o != "https://api.github.com ghs_token o r" {
					t.Errorf("opened %q", o)
				}
			}
			for _, w := range tt.wantLog {
				if !strings.Contains(out.String(), w) {
					t.Errorf("log lacks %q:\n%s", w, out.String())
				}
			}
			if tt.apiErr != nil && !strings.Contains(strings.Join(rec.Summaries, "\n"), "Could not record the deployment") {
				t.Errorf("the refusal is not in the job summary: %q", rec.Summaries)
			}
		})
	}
}
