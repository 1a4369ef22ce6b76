package cli

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
)

func gcCycles() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// A collection that leaves a heap over collectedHeap is collected before
// the policies run, whatever the collector's own timing.
func TestCollectGCLargeHeap(t *testing.T) {
	t.Setenv("GOGC", "")
	defer func(old uint64) { collectedHeap = old }(collectedHeap)
	collectedHeap = 1 << 20
	// Restored to 1000 rather than lowered to 100, the target alone starts
	// no collection: any cycle counted is collectGC's own.
	defer debug.SetGCPercent(debug.SetGCPercent(1000))
	restore := collectGC()
	garbage := make([][]byte, 64)
	for i := range garbage {
		garbage[i] = make([]byte, 64<<10) // 4 MB on the heap
	}
	before := gcCycles()
	restore()
	if after := gcCycles(); after == before {
		t.Errorf("no collection after a %d MB heap", 4)
	}
	runtime.KeepAlive(garbage)
}
