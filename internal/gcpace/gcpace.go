// Package gcpace sets the Go garbage collector for the phases of a run
// that allocate most: collecting the facts (Collection), evaluating the
// policies (Evaluation) and serving admission requests (Serving). Each
// leaves alone what GOGC (and, where it sets a limit, GOMEMLIMIT) chose,
// and returns the function that puts the previous settings back. The
// settings trade the collector's CPU against peak memory, as measured by
// the benchmarks (BENCHMARKS.md).
package gcpace

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

// memoryBudget is the memory a scan's collection and evaluation may fill
// before the collector works harder than its GC target asks: the 300 MB
// of peak RSS a 10,000-resource scan may take, less what the Go runtime's
// soft limit does not count (the binary's text, mostly).
const memoryBudget = 256 << 20

// budget is memoryBudget, at most half a container's memory limit (as
// /sys/fs/cgroup shows it), so that a scan that fitted in its container
// before the budget still fits; 0 (no budget) in a container under
// 128 MiB.
var budget = sync.OnceValue(func() uint64 {
	b := uint64(memoryBudget)
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

// phase is a phase of a run that may be entered by several goroutines at
// once: its settings are applied by the first and restored by the last.
type phase struct {
	apply   func() (restore func())
	mu      sync.Mutex
	users   int
	restore func()
}

// enter applies the phase's settings, unless GOGC is set, and returns the
// function that leaves it.
func (p *phase) enter() func() {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	p.mu.Lock()
	if p.users == 0 {
		p.restore = p.apply()
	}
	p.users++
	p.mu.Unlock()
	return sync.OnceFunc(func() {
		p.mu.Lock()
		if p.users--; p.users == 0 {
			p.restore()
		}
		p.mu.Unlock()
	})
}

// onBudget is a soft memory limit in force until a collection finds too
// much live, or the phase ends.
type onBudget struct {
	mu  sync.Mutex
	on  bool
	old int64 // the limit before
}

// startBudget sets the soft memory limit to limit until a collection finds
// more than leave bytes live: the limit is then put back and left is
// called, so that a heap growing towards the limit never makes the
// collector run back to back.
func startBudget(limit, leave uint64, left func()) *onBudget {
	b := &onBudget{on: true, old: debug.SetMemoryLimit(int64(limit))}
	afterEachGC(func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		if b.on && liveHeap() > leave {
			b.on = false
			debug.SetMemoryLimit(b.old)
			left()
		}
		return b.on
	})
	return b
}

// end puts back the limit before, if the budget is still in force.
func (b *onBudget) end() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.on {
		b.on = false
		debug.SetMemoryLimit(b.old)
	}
}

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
