package engine

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
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
// run back to back. In a container the budget is at most half its memory
// limit (as /sys/fs/cgroup shows it), so that a scan that fitted before the
// budget still fits; a container under 128 MiB gets no budget.
const (
	evalMemoryLimit   = 256 << 20
	evalBudgetPercent = 400
)

// evalBudget is the memory limit of an evaluation on a small heap, or 0.
var evalBudget = sync.OnceValue(func() uint64 {
	b := uint64(evalMemoryLimit)
	if c, ok := containerMemory("/sys/fs/cgroup"); ok {
		b = min(b, c/2)
	}
	if b < 64<<20 {
		return 0
	}
	return b
})

// containerMemory is the memory limit of the cgroup under root (v2, then
// v1), when it has one.
func containerMemory(root string) (uint64, bool) {
	for _, f := range []string{"memory.max", "memory/memory.limit_in_bytes"} {
		data, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSpace(string(data)), 10, 64)
		if err != nil || n >= 1<<62 { // "max", or v1's page-rounded MaxInt64
			return 0, false
		}
		return n, true
	}
	return 0, false
}

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
// returns the function that restores the previous ones. A large heap is
// collected first: most of it is what the collectors left (decoded files,
// blocks, YAML nodes), and otherwise whether a collection falls between
// them and the policies is a matter of timing, the evaluation building on
// whatever heap it finds (at 100k Kubernetes objects, peak RSS 2.1-3.5 GB
// from run to run; BENCHMARKS.md). So is a heap whose last marking found
// more live than the budget allows: that marking may have fallen in the
// middle of a collector (the 49 MB plan of real shape: 204 MB live while
// it was decoded, 15 MB once the collectors were done), and the budget
// would be refused on it. The live heap read next is then the
// evaluation's own, not one marked mid-collection.
func paceEvaluation() func() {
	limit := evalBudget()
	if os.Getenv("GOMEMLIMIT") != "" {
		limit = 0
	}
	if heapObjects() > collectedHeap || limit > 0 && liveHeap() > limit/4 {
		runtime.GC()
	}
	oldPercent := debug.SetGCPercent(evalGCPercent)
	if limit == 0 || liveHeap() > limit/4 {
		return func() { debug.SetGCPercent(oldPercent) }
	}
	oldLimit := debug.SetMemoryLimit(int64(limit))
	debug.SetGCPercent(evalBudgetPercent)
	var mu sync.Mutex
	budget := true
	afterEachGC(func() bool {
		mu.Lock()
		defer mu.Unlock()
		if budget && liveHeap() > limit/3 {
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

// collectedHeap is the heap from which paceEvaluation collects first: far
// above what 10,000 resources leave (~100-350 MB), where a forced
// collection cost 3% of a 10k Terraform scan.
var collectedHeap uint64 = 512 << 20 // a variable for TestPaceEvaluationCollectsLargeHeap

// liveHeap is the heap the last collection found live, in bytes; the
// largest value when the runtime does not say.
func liveHeap() uint64 { return readUint64("/gc/heap/live:bytes", ^uint64(0)) }

// heapObjects is the heap its objects take now, live or not yet
// collected, in bytes; 0 when the runtime does not say.
func heapObjects() uint64 { return readUint64("/memory/classes/heap/objects:bytes", 0) }

// readUint64 reads one runtime metric, or returns unknown.
func readUint64(name string, unknown uint64) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return unknown
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
