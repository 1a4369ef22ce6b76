package engine

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// evalGCPercent is the garbage collector's target while Evaluate runs on a
// large heap. OPA's evaluation allocates heavily and keeps most of what it
// allocates until the end (rule and function results are cached for the
// whole query), so at the default of 100 a third of the CPU went to
// collections that freed little. 150 since the inline and accel stages cut
// the allocations by a third: the peak of a 10k Terraform scan stays under
// 300 MB (256-272 MB against 245-340 at 200) for the same time; see
// BENCHMARKS.md.
const evalGCPercent = 150

// A small heap is evaluated on a memory budget instead: a GC target of
// evalBudgetPercent, capped by a soft memory limit of evalMemoryLimit, so
// that the collector waits until the heap nears the budget. A fifth of a
// 10k scan's time is the collector (BENCHMARKS.md), and the 300 MB the
// scan may take had room: the budget spends it. The budget applies when
// the live heap is under a quarter of the limit as the evaluation starts,
// and is left for evalGCPercent as soon as a collection finds a third of it
// live, so that a heap growing towards the limit never makes the collector
// run back to back.
const (
	evalMemoryLimit   = 256 << 20
	evalBudgetPercent = 400
)

var (
	gcMu      sync.Mutex
	gcUsers   int
	gcRestore func()
)

// relaxGC sets the garbage collector for the duration of an evaluation,
// unless GOGC is set, and returns the function that restores it (once
// every concurrent evaluation is done).
func relaxGC() func() {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	gcMu.Lock()
	if gcUsers == 0 {
		gcRestore = paceEvaluation()
	}
	gcUsers++
	gcMu.Unlock()
	return func() {
		gcMu.Lock()
		if gcUsers--; gcUsers == 0 {
			gcRestore()
		}
		gcMu.Unlock()
	}
}

// paceEvaluation applies the evaluation's GC settings (the budget on a
// small heap, evalGCPercent otherwise or when GOMEMLIMIT is set) and
// returns the function that restores the previous ones.
func paceEvaluation() func() {
	oldPercent := debug.SetGCPercent(evalGCPercent)
	if os.Getenv("GOMEMLIMIT") != "" || liveHeap() > evalMemoryLimit/4 {
		return func() { debug.SetGCPercent(oldPercent) }
	}
	oldLimit := debug.SetMemoryLimit(evalMemoryLimit)
	debug.SetGCPercent(evalBudgetPercent)
	var mu sync.Mutex
	budget := true
	afterEachGC(func() bool {
		mu.Lock()
		defer mu.Unlock()
		if budget && liveHeap() > evalMemoryLimit/3 {
			budget = false
			debug.SetMemoryLimit(oldLimit)
			debug.SetGCPercent(evalGCPercent)
		}
		return budget
	})
	return func() {
		mu.Lock()
		defer mu.Unlock()
		if budget {
			budget = false
			debug.SetMemoryLimit(oldLimit)
		}
		debug.SetGCPercent(oldPercent)
	}
}

// liveHeap is the heap the last collection found live, in bytes; the
// largest value when the runtime does not say.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return ^uint64(0)
	}
	return s[0].Value.Uint64()
}

// afterEachGC calls fn after each garbage collection until fn returns
// false: a cleanup runs once its object is found unreachable, so an object
// dropped at once reports the next collection. fn runs on the runtime's
// cleanup goroutine.
func afterEachGC(fn func() bool) {
	runtime.AddCleanup(&gcSentinel{}, func(struct{}) {
		if fn() {
			afterEachGC(fn)
		}
	}, struct{}{})
}

// gcSentinel is large enough not to share a block with other small
// objects (which would delay its cleanup).
type gcSentinel struct{ _ [16]byte }
