package deployment

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
	"github.com/tdeploy/twilio-deploy-action/internal/provider"
)

// losing is the provider's API with each path's first create's answer
// lost: after Twilio applied it (applied) or before it reached Twilio.
type losing struct {
	provider.API
	applied bool
	mu      sync.Mutex
	seen    map[string]bool
}

func (l *losing) Do(ctx context.Context, req provider.Request) (map[string]any, error) {
	l.mu.Lock()
	first := req.Create && !l.seen[req.Path]
	if first {
		l.seen[req.Path] = true
	}
	l.mu.Unlock()
	if !first {
		return l.API.Do(ctx, req)
	}
	if l.applied {
		if _, err := l.API.Do(ctx, req); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("%w: EOF", provider.ErrUnknownOutcome)
}

// TestLostCreates: a Serverless create whose answer was lost (seen in
// cmd/action's TestThrottledAtScale, where it failed the deployment with
// "may or may not have been applied") is found by its unique name when
// Twilio had applied it, and sent again when it had not: one of each,
// never two, and no failure.
func TestLostCreates(t *testing.T) {
	t.Parallel()
	for _, applied := range []bool{true, false} {
		t.Run(fmt.Sprintf("applied=%v", applied), func(t *testing.T) {
			t.Parallel()
			env := emulatortest.New(t)
			real, err := provider.NewAPI(provider.Config{AccountSID: env.AccountSID, AuthToken: env.AuthToken, APIURL: env.URL}, nil)
			if err != nil {
				t.Fatal(err)
			}
			a := providerAPI{api: &losing{API: real, applied: applied, seen: map[string]bool{}}}
			ctx := t.Context()
			got := map[string]string{}
			svc, err := a.CreateService(ctx, "lost-app", "lost-app")
			if err != nil {
				t.Fatalf("service: %v", err)
			}
			got["serverless/v1:Service"] = svc.SID
			e, err := a.CreateEnvironment(ctx, svc.SID, "dev-environment", "dev")
			if err != nil {
				t.Fatalf("environment: %v", err)
			}
			got["serverless/v1:ServiceEnvironment"] = e.SID
			if got["serverless/v1:ServiceFunction"], err = a.CreateFunction(ctx, svc.SID, "/hello"); err != nil {
				t.Fatalf("function: %v", err)
			}
			if got["serverless/v1:ServiceAsset"], err = a.CreateAsset(ctx, svc.SID, "/style.css"); err != nil {
				t.Fatalf("asset: %v", err)
			}
			if got["serverless/v1:ServiceEnvironmentVariable"], err = a.CreateVariable(ctx, svc.SID, e.SID, "GREETING", "hello"); err != nil {
				t.Fatalf("variable: %v", err)
			}
			in := map[string][]string{}
			for _, o := range env.Server.Inventory(env.AccountSID) {
				in[o.Token] = append(in[o.Token], o.SID)
			}
			want := map[string][]string{}
			for tok, sid := range got {
				want[tok] = []string{sid}
			}
			for _, v := range in {
				sort.Strings(v)
			}
			if d := cmp.Diff(want, in); d != "" {
				t.Errorf("Twilio holds (-one of each, as created +inventory):\n%s", d)
			}
		})
	}
}
