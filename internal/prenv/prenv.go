// Package prenv keeps one Twilio sub-account per pull request: found by
// its friendly name (<owner>/<repo>#<number>), created when missing, closed
// when the pull request closes. It is pure: the parent account is the
// Parent interface (package twilio's Parent is the Twilio adapter).
package prenv

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Subaccount is an active sub-account of the parent.
type Subaccount struct {
	SID       string
	AuthToken string
	Created   time.Time
}

// Parent is the parent account: the three calls prenv makes.
type Parent interface {
	// Active lists the active sub-accounts whose friendly name is name.
	Active(ctx context.Context, name string) ([]Subaccount, error)
	Create(ctx context.Context, name string) (Subaccount, error)
	Close(ctx context.Context, sid string) error
	// Closed reports whether a closed sub-account is named name: one that
	// existed under this parent and is gone, with all it held.
	Closed(ctx context.Context, name string) (bool, error)
}

// Errors the adapter wraps, so the message can say what to do.
var (
	// ErrNested: the parent is itself a sub-account (Twilio 21101).
	ErrNested = errors.New("the parent account is itself a sub-account and cannot create sub-accounts")
	// ErrLimit: the parent has as many sub-accounts as it may (21480).
	ErrLimit = errors.New("the parent account has reached its sub-account limit")
)

// Name is the sub-account's friendly name for a pull request.
func Name(repository string, number int) string {
	return fmt.Sprintf("%s#%d", repository, number)
}

// EnvVar marks a pull request environment to Pulumi and its plugins: the
// Action sets it to the environment's stack (pr-<number>) when it deploys
// one, and to nothing otherwise. The Twilio provider refuses to buy phone
// numbers there unless the program allows it.
const EnvVar = "TWILIO_DEPLOY_PR_ENVIRONMENT"

// StackName is the stack of a pull request environment.
func StackName(number int) string { return fmt.Sprintf("pr-%d", number) }

// winner orders sub-accounts so that every run picks the same one: the
// oldest, then the lowest SID.
func winner(subs []Subaccount) Subaccount {
	return slices.MinFunc(subs, func(a, b Subaccount) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.SID, b.SID)
	})
}

// Find returns the pull request's sub-account; ok is false when there is
// none. Extra active ones (left by a concurrent run) are closed.
func Find(ctx context.Context, p Parent, name string) (sub Subaccount, ok bool, err error) {
	subs, err := p.Active(ctx, name)
	if err != nil {
		return Subaccount{}, false, fmt.Errorf("list sub-accounts %q: %w", name, err)
	}
	if len(subs) == 0 {
		return Subaccount{}, false, nil
	}
	w := winner(subs)
	if err := closeOthers(ctx, p, subs, w.SID); err != nil {
		return Subaccount{}, false, err
	}
	return w, true, nil
}

func closeOthers(ctx context.Context, p Parent, subs []Subaccount, keep string) error {
	for _, s := range subs {
		if s.SID != keep {
			if err := p.Close(ctx, s.SID); err != nil {
				return fmt.Errorf("close duplicate sub-account %s: %w", s.SID, err)
			}
		}
	}
	return nil
}

// FindOrCreate returns the pull request's sub-account, creating it when
// there is none. Two runs racing to create it both list again after
// creating and agree on the oldest (then lowest SID); the other is closed,
// so a pull request keeps one environment.
func FindOrCreate(ctx context.Context, p Parent, name string) (sub Subaccount, created bool, err error) {
	if sub, ok, err := Find(ctx, p, name); err != nil || ok {
		return sub, false, err
	}
	mine, err := p.Create(ctx, name)
	if err != nil {
		return Subaccount{}, false, fmt.Errorf("create sub-account %q: %w", name, err)
	}
	subs, err := p.Active(ctx, name)
	if err != nil {
		return Subaccount{}, false, fmt.Errorf("list sub-accounts %q: %w", name, err)
	}
	if !slices.ContainsFunc(subs, func(s Subaccount) bool { return s.SID == mine.SID }) {
		subs = append(subs, mine) // a list lagging behind the create
	}
	w := winner(subs)
	if err := closeOthers(ctx, p, subs, w.SID); err != nil {
		return Subaccount{}, false, err
	}
	if w.SID == mine.SID {
		w.AuthToken = mine.AuthToken
		return w, true, nil
	}
	return w, false, nil
}
