package gcpace

import (
	"runtime"
	"testing"
)

// TestFinishing: after a small run's evaluation the target is off under
// finishLimit until a collection, which puts the previous settings back;
// so does the end of the phase.
func TestFinishing(t *testing.T) {
	skipUnlessDefaultGC(t)
	runtime.GC()
	if goMemory() > finishLimit()/2 {
		t.Skipf("the test binary holds %d MB", goMemory()>>20)
	}
	gc, limit := gcPercent(), memoryLimit()
	restore := Finishing()
	if p, l := gcPercent(), memoryLimit(); p != -1 || l != int64(finishLimit()) {
		t.Errorf("while finishing: GC percent %d, memory limit %d; want -1 and %d", p, l, finishLimit())
	}
	restore()
	if p, l := gcPercent(), memoryLimit(); p != gc || l != limit {
		t.Errorf("after finishing: GC percent %d, memory limit %d; want %d and %d back", p, l, gc, limit)
	}

	restore = Finishing()
	defer restore()
	collectUntil(t, gc, limit)
}

// A run that holds over half of finishLimit as its evaluation ends keeps
// its settings.
func TestFinishingLargeRun(t *testing.T) {
	skipUnlessDefaultGC(t)
	live := over(finishLimit() / 2)
	gc, limit := gcPercent(), memoryLimit()
	restore := Finishing()
	if p, l := gcPercent(), memoryLimit(); p != gc || l != limit {
		t.Errorf("GC percent %d, memory limit %d; want %d and %d", p, l, gc, limit)
	}
	restore()
	runtime.KeepAlive(live)
}
