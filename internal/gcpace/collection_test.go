package gcpace

import (
	"math"
	"runtime"
	"testing"
	"time"
)

// TestCollection: a collection on a small heap gets collectGCPercent and
// its memory budget; GOMEMLIMIT keeps the budget off, GOGC all of it; the
// previous settings come back afterwards.
func TestCollection(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	if budget() == 0 {
		t.Skip("a container of under 128 MiB: no budget")
	}
	runtime.GC()
	gc, limit := gcPercent(), memoryLimit()
	for _, tc := range []struct {
		name, gogc, gomemlimit string
		percent                int
		limit                  int64
	}{
		{"budget", "", "", collectGCPercent, int64(collectLimit())},
		{"GOMEMLIMIT set", "", "1GiB", collectGCPercent, limit},
		{"GOGC set", "150", "", gc, limit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOGC", tc.gogc)
			t.Setenv("GOMEMLIMIT", tc.gomemlimit)
			restore := Collection()
			if p, l := gcPercent(), memoryLimit(); p != tc.percent || l != tc.limit {
				t.Errorf("while collecting: GC percent %d, memory limit %d; want %d and %d", p, l, tc.percent, tc.limit)
			}
			restore()
			if p, l := gcPercent(), memoryLimit(); p != gc || l != limit {
				t.Errorf("after collecting: GC percent %d, memory limit %d; want %d and %d back", p, l, gc, limit)
			}
		})
	}
}

// A collection whose live heap grows to half its limit leaves the budget
// at the next collection, keeping its GC target.
func TestCollectionLeavesBudget(t *testing.T) {
	skipUnlessDefaultGC(t)
	runtime.GC()
	restore := Collection()
	defer restore() // again after the check below: restoring twice is harmless
	if memoryLimit() != int64(collectLimit()) {
		t.Fatalf("the budget was not applied (live heap %d MB)", liveHeap()>>20)
	}
	live := make([]byte, collectLimit()/2+(16<<20))
	for i := range live {
		live[i] = 1
	}
	deadline := time.Now().Add(10 * time.Second)
	for memoryLimit() != math.MaxInt64 {
		if time.Now().After(deadline) {
			t.Fatalf("still on the budget: limit %d", memoryLimit())
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if p := gcPercent(); p != collectGCPercent {
		t.Errorf("GOGC %d after leaving the budget, want %d", p, collectGCPercent)
	}
	runtime.KeepAlive(live)
}

// A collection that starts on a heap already over half its limit gets no
// budget: the collector would run back to back.
func TestCollectionLargeHeap(t *testing.T) {
	skipUnlessDefaultGC(t)
	live := make([]byte, collectLimit()/2+(16<<20))
	for i := range live {
		live[i] = 1
	}
	runtime.GC()
	restore := Collection()
	if p, l := gcPercent(), memoryLimit(); p != collectGCPercent || l != math.MaxInt64 {
		t.Errorf("GOGC %d, limit %d; want %d and no limit", p, l, collectGCPercent)
	}
	restore()
	runtime.KeepAlive(live)
}
