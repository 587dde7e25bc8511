package wait

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSleep(t *testing.T) {
	t.Parallel()
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	closed := make(chan struct{})
	close(closed)
	stopped := WithStop(t.Context(), closed)
	tests := []struct {
		name string
		ctx  context.Context
		d    time.Duration
		want error
	}{
		{"elapses", t.Context(), time.Millisecond, nil},
		{"zero", t.Context(), 0, nil},
		{"cancelled", cancelled, time.Hour, context.Canceled},
		{"stopped", stopped, time.Hour, ErrStopped},
		{"not stopped", WithStop(t.Context(), make(chan struct{})), time.Millisecond, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := Sleep(tt.ctx, tt.d); !errors.Is(err, tt.want) {
				t.Errorf("Sleep = %v, want %v", err, tt.want)
			}
		})
	}
}
