package engine

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// gcPercent reads the GC target without changing it.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// memoryLimit reads the soft memory limit without changing it.
func memoryLimit() int64 { return debug.SetMemoryLimit(-1) }

func skipUnlessDefaultGC(t *testing.T) {
	t.Helper()
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOGC or GOMEMLIMIT is set")
	}
}

// A small heap is evaluated on the memory budget, and the previous
// settings come back afterwards.
func TestPaceEvaluationBudget(t *testing.T) {
	skipUnlessDefaultGC(t)
	runtime.GC()
	if live := liveHeap(); live > evalMemoryLimit/4 {
		t.Fatalf("the test binary holds %d MB live: an earlier test keeps a large estate", live>>20)
	}
	before, beforeLimit := gcPercent(), memoryLimit()
	restore := paceEvaluation()
	if p, l := gcPercent(), memoryLimit(); p != evalBudgetPercent || l != evalMemoryLimit {
		t.Errorf("during: GOGC %d, limit %d; want %d, %d", p, l, evalBudgetPercent, evalMemoryLimit)
	}
	restore()
	if p, l := gcPercent(), memoryLimit(); p != before || l != beforeLimit {
		t.Errorf("after: GOGC %d, limit %d; want %d, %d", p, l, before, beforeLimit)
	}
}

// A heap already large gets evalGCPercent and no memory limit: a limit
// near the live heap would make the collector run back to back.
func TestPaceEvaluationLargeHeap(t *testing.T) {
	skipUnlessDefaultGC(t)
	live := make([]byte, evalMemoryLimit/4+(16<<20))
	for i := range live {
		live[i] = 1 // resident, and marked live by the next collection
	}
	runtime.GC()
	restore := paceEvaluation()
	if p, l := gcPercent(), memoryLimit(); p != evalGCPercent || l != math.MaxInt64 {
		t.Errorf("GOGC %d, limit %d; want %d and no limit", p, l, evalGCPercent)
	}
	restore()
	runtime.KeepAlive(live)
}

// An evaluation whose heap grows to a third of the budget leaves it at
// the next collection.
func TestPaceEvaluationLeavesBudget(t *testing.T) {
	skipUnlessDefaultGC(t)
	runtime.GC()
	before := gcPercent()
	restore := paceEvaluation()
	defer restore() // again after the check below: restoring twice is harmless
	if memoryLimit() != evalMemoryLimit {
		t.Fatalf("the budget was not applied (live heap %d MB)", liveHeap()>>20)
	}
	live := make([]byte, evalMemoryLimit/3+(16<<20))
	for i := range live {
		live[i] = 1
	}
	deadline := time.Now().Add(10 * time.Second)
	for memoryLimit() != math.MaxInt64 || gcPercent() != evalGCPercent {
		if time.Now().After(deadline) {
			t.Fatalf("still on the budget: GOGC %d, limit %d", gcPercent(), memoryLimit())
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	runtime.KeepAlive(live)
	restore()
	if p := gcPercent(); p != before {
		t.Errorf("after: GOGC %d, want %d", p, before)
	}
}
