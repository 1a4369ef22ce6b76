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

// A heap over collectedHeap left by a collection is collected before the
// policies run, whatever the collector's own timing.
func TestFreeCollection(t *testing.T) {
	t.Setenv("GOGC", "")
	defer func(old uint64) { collectedHeap = old }(collectedHeap)
	collectedHeap = 1 << 20
	// At 1000 the target alone starts no collection here: any cycle
	// counted is freeCollection's own.
	defer debug.SetGCPercent(debug.SetGCPercent(1000))
	garbage := make([][]byte, 64)
	for i := range garbage {
		garbage[i] = make([]byte, 64<<10) // 4 MB on the heap
	}
	before := gcCycles()
	freeCollection()
	if after := gcCycles(); after == before {
		t.Error("no collection after a 4 MB heap over a 1 MB threshold")
	}
	runtime.KeepAlive(garbage)
}
