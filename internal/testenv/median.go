package testenv

import (
	"slices"
	"time"
)

// Median of ds (the mean of the middle two for an even count), for the
// benchmarks' -p50 figures: one stalled run on a loaded machine moves a
// mean, not a median. Zero for none.
func Median(ds []time.Duration) time.Duration {
	s := slices.Sorted(slices.Values(ds))
	switch n := len(s); {
	case n == 0:
		return 0
	case n%2 == 0:
		return (s[n/2-1] + s[n/2]) / 2
	default:
		return s[n/2]
	}
}
