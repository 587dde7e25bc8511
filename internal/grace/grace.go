// Package grace bounds what a cancelled run still does. A cancelled
// workflow sends the action SIGTERM and, 7.5 s later, SIGKILL; what follows
// the SIGTERM (the Pulumi CLI saving its state and releasing the stack, the
// last pull request comment and deployment status) must end before that,
// all of it together, or the stack stays locked.
package grace

import (
	"context"
	"sync"
	"time"
)

// Budget is what a cancelled run may still take, measured from the
// cancellation: GitHub's 7.5 s less room for the process to exit and the
// runner to notice.
const Budget = 6 * time.Second

type key struct{}

// clock is when the root context ended: every Cleanup measures its budget
// from there, however late it is asked for.
type clock struct {
	once  sync.Once
	ended time.Time
}

func (c *clock) end() time.Time {
	c.once.Do(func() { c.ended = time.Now() })
	return c.ended
}

// Watch marks ctx as the run's root: the budget of every Cleanup context
// derived from it runs from the moment ctx is cancelled.
func Watch(ctx context.Context) context.Context {
	c := &clock{}
	context.AfterFunc(ctx, func() { c.end() })
	return context.WithValue(ctx, key{}, c)
}

// Cleanup returns a context for work that must still be done once ctx is
// cancelled: it is not cancelled with ctx, but ends Budget after the
// cancellation (of the root Watch marked; without one, of ctx).
func Cleanup(ctx context.Context) (context.Context, context.CancelFunc) {
	return within(ctx, Budget)
}

// Remaining is how much of the budget is left: all of it while ctx runs.
func Remaining(ctx context.Context) time.Duration {
	if ctx.Err() == nil {
		return Budget
	}
	return max(time.Until(endOf(ctx, Budget)), 0)
}

func endOf(ctx context.Context, budget time.Duration) time.Time {
	if c, ok := ctx.Value(key{}).(*clock); ok {
		return c.end().Add(budget)
	}
	return time.Now().Add(budget)
}

func within(ctx context.Context, budget time.Duration) (context.Context, context.CancelFunc) {
	out, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := CancelAfter(ctx, func() time.Duration { return time.Until(endOf(ctx, budget)) }, cancel)
	return out, func() {
		stop()
		cancel()
	}
}

// CancelAfter calls cancel a while after trigger is done: d, asked when
// it is. stop undoes it (also once the timer runs).
func CancelAfter(trigger context.Context, d func() time.Duration, cancel context.CancelFunc) (stop func()) {
	var (
		mu    sync.Mutex
		timer *time.Timer
	)
	unhook := context.AfterFunc(trigger, func() {
		mu.Lock()
		defer mu.Unlock()
		timer = time.AfterFunc(d(), cancel)
	})
	return func() {
		unhook()
		mu.Lock()
		defer mu.Unlock()
		if timer != nil {
			timer.Stop()
		}
	}
}
