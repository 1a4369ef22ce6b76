package parallel

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestForCallsEachIndexOnce(t *testing.T) {
	for _, tc := range []struct{ n, workers int }{{0, 4}, {1, 4}, {7, 1}, {100, 3}, {5, 0}, {3, 64}} {
		calls := make([]atomic.Int64, tc.n)
		For(tc.n, tc.workers, func(i int) { calls[i].Add(1) })
		for i := range calls {
			if c := calls[i].Load(); c != 1 {
				t.Errorf("n=%d workers=%d: fn(%d) called %d times, want 1", tc.n, tc.workers, i, c)
			}
		}
	}
}

func TestForBoundsGoroutines(t *testing.T) {
	const workers = 3
	var running, most atomic.Int64
	For(30, workers, func(int) {
		r := running.Add(1)
		for m := most.Load(); r > m && !most.CompareAndSwap(m, r); m = most.Load() {
		}
		time.Sleep(time.Millisecond)
		running.Add(-1)
	})
	if m := most.Load(); m < 1 || m > workers {
		t.Errorf("%d calls ran at once, want 1..%d", m, workers)
	}
}
