package gcpace

import (
	"math"
	"os"
	"path/filepath"
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

// over allocates a heap over n bytes (by 16 MiB), every page of it
// resident and marked live by the next collection while it is held.
func over(n uint64) []byte {
	b := make([]byte, n+16<<20)
	for i := range b {
		b[i] = 1
	}
	return b
}

// collectUntil runs collections until the GC target and soft memory limit
// are percent and limit (what a phase's hooks set after a collection), or
// fails after 10 s.
func collectUntil(t *testing.T, percent int, limit int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for gcPercent() != percent || memoryLimit() != limit {
		if time.Now().After(deadline) {
			t.Fatalf("GOGC %d, limit %d; want %d and %d", gcPercent(), memoryLimit(), percent, limit)
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}

func skipUnlessDefaultGC(t *testing.T) {
	t.Helper()
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOGC or GOMEMLIMIT is set")
	}
	if budget() == 0 {
		t.Skip("a container of under 128 MiB: no budget")
	}
}

// A small heap is evaluated on the memory budget, and the previous
// settings come back afterwards.
func TestPaceEvaluationBudget(t *testing.T) {
	skipUnlessDefaultGC(t)
	runtime.GC()
	if live := liveHeap(); live > budget()/4 {
		t.Fatalf("the test binary holds %d MB live: an earlier test keeps a large estate", live>>20)
	}
	before, beforeLimit := gcPercent(), memoryLimit()
	restore := Evaluation()
	if p, l := gcPercent(), memoryLimit(); p != evalBudgetPercent || l != int64(budget()) {
		t.Errorf("during: GOGC %d, limit %d; want %d, %d", p, l, evalBudgetPercent, budget())
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
	live := over(budget() / 4)
	runtime.GC()
	restore := Evaluation()
	if p, l := gcPercent(), memoryLimit(); p != evalGCPercent || l != math.MaxInt64 {
		t.Errorf("GOGC %d, limit %d; want %d and no limit", p, l, evalGCPercent)
	}
	restore()
	runtime.KeepAlive(live)
}

// A heap last marked over a quarter of the budget, garbage since (what a
// collector held while it decoded), is collected before the budget is
// decided, and gets it.
func TestPaceEvaluationCollectsStaleMark(t *testing.T) {
	skipUnlessDefaultGC(t)
	held := over(budget() / 4)
	runtime.GC()
	if live := liveHeap(); live <= budget()/4 {
		t.Fatalf("the marking found %d MB live, want over %d MB", live>>20, budget()/4>>20)
	}
	runtime.KeepAlive(held)
	restore := Evaluation() // held is garbage now
	defer restore()
	if p, l := gcPercent(), memoryLimit(); p != evalBudgetPercent || l != int64(budget()) {
		t.Errorf("GOGC %d, limit %d; want the budget (%d, %d)", p, l, evalBudgetPercent, budget())
	}
}

// An evaluation whose heap grows to a third of the budget leaves it at
// the next collection.
func TestPaceEvaluationLeavesBudget(t *testing.T) {
	skipUnlessDefaultGC(t)
	runtime.GC()
	before := gcPercent()
	restore := Evaluation()
	defer restore() // again after the check below: restoring twice is harmless
	if memoryLimit() != int64(budget()) {
		t.Fatalf("the budget was not applied (live heap %d MB)", liveHeap()>>20)
	}
	live := over(budget() / 3)
	collectUntil(t, evalGCPercent, math.MaxInt64)
	runtime.KeepAlive(live)
	restore()
	if p := gcPercent(); p != before {
		t.Errorf("after: GOGC %d, want %d", p, before)
	}
}

// The budget is at most half a container's memory limit: cgroup v2's
// memory.max, else v1's memory.limit_in_bytes; "max" and v1's near-MaxInt64
// mean no limit.
func TestContainerMemory(t *testing.T) {
	for _, tc := range []struct {
		name, file, content string
		want                uint64
		ok                  bool
	}{
		{"v2 limit", "memory.max", "536870912\n", 512 << 20, true},
		{"v2 no limit", "memory.max", "max\n", 0, false},
		{"v1 limit", "memory/memory.limit_in_bytes", "268435456\n", 256 << 20, true},
		{"v1 no limit", "memory/memory.limit_in_bytes", "9223372036854771712\n", 0, false},
		{"none", "", "", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			if tc.file != "" {
				p := filepath.Join(root, tc.file)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(tc.content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, ok := containerMemory(root)
			if got != tc.want || ok != tc.ok {
				t.Errorf("containerMemory = %d, %v; want %d, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// A heap over collectedHeap (what a collection leaves) is collected
// before the evaluation's settings are chosen, whatever the collector's
// own timing.
func TestPaceEvaluationCollectsLargeHeap(t *testing.T) {
	skipUnlessDefaultGC(t)
	defer func(old uint64) { collectedHeap = old }(collectedHeap)
	collectedHeap = 1 << 20
	// At 1000 the target alone starts no collection here: any cycle
	// counted is paceEvaluation's own.
	defer debug.SetGCPercent(debug.SetGCPercent(1000))
	garbage := make([][]byte, 64)
	for i := range garbage {
		garbage[i] = make([]byte, 64<<10) // 4 MB on the heap
	}
	before := readUint64("/gc/cycles/total:gc-cycles", 0)
	Evaluation()()
	if after := readUint64("/gc/cycles/total:gc-cycles", 0); after == before {
		t.Error("no collection after a 4 MB heap over a 1 MB threshold")
	}
	runtime.KeepAlive(garbage)
}
