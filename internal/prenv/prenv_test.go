package prenv

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeParent is an in-memory parent; hide leaves new sub-accounts out of
// the next list (a list lagging behind a create).
type fakeParent struct {
	active  []Subaccount
	next    Subaccount
	closed  []string
	created int
	hide    bool
}

var _ Parent = (*fakeParent)(nil)

func (f *fakeParent) Active(context.Context, string) ([]Subaccount, error) {
	out := slices.Clone(f.active)
	if f.hide && f.created > 0 {
		out = out[:len(out)-1]
		f.hide = false
	}
	return out, nil
}

func (f *fakeParent) Create(context.Context, string) (Subaccount, error) {
	f.created++
	f.active = append(f.active, f.next)
	return f.next, nil
}

func (f *fakeParent) Closed(context.Context, string) (bool, error) { return len(f.closed) > 0, nil }

func (f *fakeParent) Close(_ context.Context, sid string) error {
	f.closed = append(f.closed, sid)
	f.active = slices.DeleteFunc(f.active, func(s Subaccount) bool { return s.SID == sid })
	return nil
}

func TestFindOrCreate(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	a := Subaccount{SID: "AC0a", AuthToken: "ta", Created: t0}
	b := Subaccount{SID: "AC0b", AuthToken: "tb", Created: t0.Add(time.Second)}
	c := Subaccount{SID: "AC0c", AuthToken: "tc", Created: t0}
	tests := []struct {
		name        string
		parent      *fakeParent
		want        Subaccount
		wantCreated bool
		wantClosed  []string
	}{
		{"none: created", &fakeParent{next: a}, a, true, nil},
		{"one: reused", &fakeParent{active: []Subaccount{a}, next: b}, a, false, nil},
		{"two left by a race: oldest kept", &fakeParent{active: []Subaccount{b, a}, next: c}, a, false, []string{"AC0b"}},
		{"same second: lowest SID kept", &fakeParent{active: []Subaccount{c, a}}, a, false, []string{"AC0c"}},
		{"list lags the create: ours kept", &fakeParent{next: a, hide: true}, a, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, created, err := FindOrCreate(t.Context(), tt.parent, "tdeploy/ivr#7")
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" || created != tt.wantCreated {
				t.Errorf("got %+v created %v, want created %v (-want +got):\n%s", got, created, tt.wantCreated, d)
			}
			if d := cmp.Diff(tt.wantClosed, tt.parent.closed); d != "" {
				t.Errorf("closed (-want +got):\n%s", d)
			}
		})
	}
}

// racer adds an older sub-account right after our create: the run that
// created first wins, and ours is closed.
type racer struct{ *fakeParent }

func (r racer) Create(ctx context.Context, name string) (Subaccount, error) {
	s, err := r.fakeParent.Create(ctx, name)
	r.active = append(r.active, Subaccount{SID: "AC0f", AuthToken: "tf", Created: s.Created.Add(-time.Second)})
	return s, err
}

func TestFindOrCreateLosesRace(t *testing.T) {
	t.Parallel()
	mine := Subaccount{SID: "AC01", AuthToken: "t1", Created: time.Date(2026, 11, 23, 15, 0, 1, 0, time.UTC)}
	p := racer{&fakeParent{next: mine}}
	got, created, err := FindOrCreate(t.Context(), p, "tdeploy/ivr#7")
	if err != nil || created || got.SID != "AC0f" || got.AuthToken != "tf" {
		t.Fatalf("FindOrCreate = %+v, %v, %v; want the racing run's AC0f", got, created, err)
	}
	if d := cmp.Diff([]string{"AC01"}, p.closed); d != "" {
		t.Errorf("closed (-want +got):\n%s", d)
	}
}

func TestNames(t *testing.T) {
	t.Parallel()
	if got := Name("tdeploy/ivr", 7); got != "tdeploy/ivr#7" {
		t.Errorf("Name = %q", got)
	}
	if got := StackName(7); got != "pr-7" {
		t.Errorf("StackName = %q", got)
	}
}
