package grace

import (
	"context"
	"testing"
	"time"
)

func TestCleanupOutlivesTheCancel(t *testing.T) {
	t.Parallel()
	root, cancelRoot := context.WithCancel(t.Context())
	root = Watch(root)
	ctx, done := within(root, 200*time.Millisecond)
	defer done()
	cancelRoot()
	if err := ctx.Err(); err != nil {
		t.Fatalf("the clean-up context ended with the run: %v", err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the clean-up context outlived its budget")
	}
}

// A clean-up asked for late gets what is left of the budget, not a new one.
func TestBudgetRunsFromTheCancel(t *testing.T) {
	t.Parallel()
	root, cancelRoot := context.WithCancel(t.Context())
	root = Watch(root)
	cancelRoot()
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	ctx, done := within(root, 400*time.Millisecond)
	defer done()
	<-ctx.Done()
	if took := time.Since(start); took > 250*time.Millisecond {
		t.Errorf("a late clean-up ran %s; the budget had 100 ms left", took)
	}
	if r := Remaining(root); r > Budget-350*time.Millisecond {
		t.Errorf("Remaining 400 ms after the cancel = %s, want at most %s", r, Budget-350*time.Millisecond)
	}
}

func TestRemainingWhileRunning(t *testing.T) {
	t.Parallel()
	if r := Remaining(Watch(t.Context())); r != Budget {
		t.Errorf("Remaining of a live run = %s, want %s", r, Budget)
	}
}

func TestCleanupEndsWhenDone(t *testing.T) {
	t.Parallel()
	ctx, done := Cleanup(t.Context())
	done()
	if ctx.Err() == nil {
		t.Error("done did not end the clean-up context")
	}
}

func TestCancelAfter(t *testing.T) {
	t.Parallel()
	trigger, fire := context.WithCancel(t.Context())
	ctx, cancel := context.WithCancel(t.Context())
	stop := CancelAfter(trigger, func() time.Duration { return 50 * time.Millisecond }, cancel)
	defer stop()
	fire()
	if ctx.Err() != nil {
		t.Fatal("cancelled at once; want after the delay")
	}
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("never cancelled after the trigger")
	}

	never, cancel2 := context.WithCancel(t.Context())
	trigger2, fire2 := context.WithCancel(t.Context())
	CancelAfter(trigger2, func() time.Duration { return 0 }, cancel2)()
	fire2()
	time.Sleep(50 * time.Millisecond)
	if never.Err() != nil {
		t.Error("cancelled after stop")
	}
}
