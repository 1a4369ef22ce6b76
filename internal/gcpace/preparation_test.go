package gcpace

import (
	"math"
	"runtime"
	"testing"
)

// TestPreparation: a preparation on a small heap turns the GC target off
// under prepFirstLimit; GOMEMLIMIT keeps the budget off (the target is
// then prepGCPercent), GOGC all of it; the previous settings come back
// afterwards.
func TestPreparation(t *testing.T) {
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
		{"budget", "", "", -1, prepFirstLimit},
		{"GOMEMLIMIT set", "", "1GiB", prepGCPercent, limit},
		{"GOGC set", "150", "", gc, limit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOGC", tc.gogc)
			t.Setenv("GOMEMLIMIT", tc.gomemlimit)
			restore := Preparation()
			if p, l := gcPercent(), memoryLimit(); p != tc.percent || l != tc.limit {
				t.Errorf("while preparing: GC percent %d, memory limit %d; want %d and %d", p, l, tc.percent, tc.limit)
			}
			restore()
			if p, l := gcPercent(), memoryLimit(); p != gc || l != limit {
				t.Errorf("after preparing: GC percent %d, memory limit %d; want %d and %d back", p, l, gc, limit)
			}
		})
	}
}

// Preparations side by side (the compile and the collectors of a scan)
// share the settings, restored when the last is done, once however often
// its function is called.
func TestPreparationShared(t *testing.T) {
	skipUnlessDefaultGC(t)
	runtime.GC()
	gc, limit := gcPercent(), memoryLimit()
	compile := Preparation()
	collect := Preparation()
	compile()
	compile()
	if p, l := gcPercent(), memoryLimit(); p != -1 || l != prepFirstLimit {
		t.Errorf("one of two done: GC percent %d, memory limit %d; want the budget", p, l)
	}
	collect()
	if p, l := gcPercent(), memoryLimit(); p != gc || l != limit {
		t.Errorf("both done: GC percent %d, memory limit %d; want %d and %d back", p, l, gc, limit)
	}
}

// A preparation's first collection (its heap reached prepFirstLimit)
// sets prepGCPercent under prepLimit; one that then finds half of that
// live lifts the limit.
func TestPreparationStages(t *testing.T) {
	skipUnlessDefaultGC(t)
	runtime.GC()
	restore := Preparation()
	defer restore()
	if p, l := gcPercent(), memoryLimit(); p != -1 || l != prepFirstLimit {
		t.Fatalf("the budget was not applied: GOGC %d, limit %d (live heap %d MB)", p, l, liveHeap()>>20)
	}
	collectUntil(t, prepGCPercent, int64(prepLimit()))
	live := over(prepLimit() / 2)
	collectUntil(t, prepGCPercent, math.MaxInt64)
	runtime.KeepAlive(live)
	restore()
	restore()
}

// A preparation that starts on a heap already over half its limit gets
// no budget: the collector would run back to back.
func TestPreparationLargeHeap(t *testing.T) {
	skipUnlessDefaultGC(t)
	live := over(prepLimit() / 2)
	runtime.GC()
	restore := Preparation()
	if p, l := gcPercent(), memoryLimit(); p != prepGCPercent || l != math.MaxInt64 {
		t.Errorf("GOGC %d, limit %d; want %d and no limit", p, l, prepGCPercent)
	}
	restore()
	runtime.KeepAlive(live)
}
