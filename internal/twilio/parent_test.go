package twilio_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/tdeploy/twilio-deploy-action/internal/creds"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator"
	"github.com/tdeploy/twilio-deploy-action/internal/emulator/emulatortest"
	"github.com/tdeploy/twilio-deploy-action/internal/prenv"
	"github.com/tdeploy/twilio-deploy-action/internal/twilio"
)

func parentOf(t *testing.T, env *emulatortest.Env, sid, token string) *twilio.Parent {
	t.Helper()
	p, err := twilio.NewParent(creds.Credentials{Prefix: "TWILIO_PARENT_", AccountSID: sid, AuthToken: token}, env.URL)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFindOrCreateIsIdempotent(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	p := parentOf(t, env, env.AccountSID, env.AuthToken)
	ctx := t.Context()
	name := prenv.Name("tdeploy/ivr", 7)

	if _, ok, err := prenv.Find(ctx, p, name); err != nil || ok {
		t.Fatalf("Find before create = %v, %v; want none", ok, err)
	}
	first, created, err := prenv.FindOrCreate(ctx, p, name)
	if err != nil || !created || !strings.HasPrefix(first.SID, "AC") || first.AuthToken == "" {
		t.Fatalf("FindOrCreate = %+v, %v, %v; want a new sub-account", first, created, err)
	}
	// A sub-account of another pull request must not be confused with it.
	if _, _, err := prenv.FindOrCreate(ctx, p, prenv.Name("tdeploy/ivr", 70)); err != nil {
		t.Fatal(err)
	}
	again, created, err := prenv.FindOrCreate(ctx, p, name)
	if err != nil || created || again != first {
		t.Fatalf("second FindOrCreate = %+v, %v, %v; want %+v reused", again, created, err, first)
	}
	// The sub-account's own credentials work.
	if _, err := env.RestClientFor(first.SID, first.AuthToken).Api.FetchAccount(first.SID); err != nil {
		t.Fatalf("sub-account credentials: %v", err)
	}

	if closed, err := p.Closed(ctx, name); err != nil || closed {
		t.Fatalf("Closed before close = %v, %v; want false", closed, err)
	}
	if err := p.Close(ctx, first.SID); err != nil {
		t.Fatal(err)
	}
	if closed, err := p.Closed(ctx, name); err != nil || !closed {
		t.Fatalf("Closed after close = %v, %v; want true", closed, err)
	}
	// Another pull request's closed sub-account is not this one's.
	if closed, err := p.Closed(ctx, prenv.Name("tdeploy/ivr", 70)); err != nil || closed {
		t.Fatalf("Closed of an open pull request's name = %v, %v; want false", closed, err)
	}
	if _, ok, err := prenv.Find(ctx, p, name); err != nil || ok {
		t.Fatalf("Find after close = %v, %v; want none", ok, err)
	}
	third, created, err := prenv.FindOrCreate(ctx, p, name)
	if err != nil || !created || third.SID == first.SID {
		t.Fatalf("FindOrCreate after close = %+v, %v, %v; want a fresh sub-account", third, created, err)
	}
}

// racing creates a second sub-account of the same name just before its
// own first Create: the other run of a concurrent push.
type racing struct {
	prenv.Parent
	once  sync.Once
	other prenv.Subaccount
}

func (r *racing) Create(ctx context.Context, name string) (prenv.Subaccount, error) {
	var err error
	r.once.Do(func() { r.other, err = r.Parent.Create(ctx, name) })
	if err != nil {
		return prenv.Subaccount{}, err
	}
	return r.Parent.Create(ctx, name)
}

func TestConcurrentCreatesLeaveOne(t *testing.T) {
	t.Parallel()
	env := emulatortest.New(t)
	p := parentOf(t, env, env.AccountSID, env.AuthToken)
	ctx := t.Context()
	name := prenv.Name("tdeploy/ivr", 8)

	r := &racing{Parent: p}
	got, _, err := prenv.FindOrCreate(ctx, r, name)
	if err != nil {
		t.Fatal(err)
	}
	active, err := p.Active(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if len(active) != 1 || active[0].SID != got.SID {
		t.Fatalf("active after a racing create = %+v; want only %s", active, got.SID)
	}
	// The other run, listing now, agrees.
	other, created, err := prenv.FindOrCreate(ctx, p, name)
	if err != nil || created || other.SID != got.SID || other.AuthToken != got.AuthToken {
		t.Fatalf("the other run got %+v, %v, %v; want %s", other, created, err, got.SID)
	}

	// Truly concurrent runs: whatever they each pick, the next lookup
	// leaves one environment.
	name = prenv.Name("tdeploy/ivr", 9)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			_, _, err := prenv.FindOrCreate(ctx, p, name)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := prenv.FindOrCreate(ctx, p, name); err != nil {
		t.Fatal(err)
	}
	if active, err := p.Active(ctx, name); err != nil || len(active) != 1 {
		t.Fatalf("active after concurrent runs = %+v, %v; want one", active, err)
	}
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	ctx := t.Context()

	t.Run("nested", func(t *testing.T) {
		t.Parallel()
		env := emulatortest.New(t)
		sub, _, err := prenv.FindOrCreate(ctx, parentOf(t, env, env.AccountSID, env.AuthToken), "tdeploy/ivr#1")
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = prenv.FindOrCreate(ctx, parentOf(t, env, sub.SID, sub.AuthToken), "tdeploy/ivr#2")
		if !errors.Is(err, prenv.ErrNested) || !strings.Contains(err.Error(), "TWILIO_PARENT_ACCOUNT_SID") {
			t.Fatalf("err = %v; want ErrNested naming the secrets", err)
		}
	})
	t.Run("limit", func(t *testing.T) {
		t.Parallel()
		env := emulatortest.New(t, func(o *emulator.Options) { o.MaxSubaccounts = 1 })
		p := parentOf(t, env, env.AccountSID, env.AuthToken)
		if _, _, err := prenv.FindOrCreate(ctx, p, "tdeploy/ivr#1"); err != nil {
			t.Fatal(err)
		}
		_, _, err := prenv.FindOrCreate(ctx, p, "tdeploy/ivr#2")
		if !errors.Is(err, prenv.ErrLimit) || !strings.Contains(err.Error(), "close the sub-accounts") {
			t.Fatalf("err = %v; want ErrLimit saying what to do", err)
		}
	})
	t.Run("bad credentials", func(t *testing.T) {
		t.Parallel()
		env := emulatortest.New(t)
		_, _, err := prenv.FindOrCreate(ctx, parentOf(t, env, env.AccountSID, "0123456789abcdef0123456789abcdef"), "tdeploy/ivr#1")
		if err == nil || !strings.Contains(err.Error(), "TWILIO_PARENT_AUTH_TOKEN") {
			t.Fatalf("err = %v; want a rejection naming the secrets", err)
		}
	})
}
