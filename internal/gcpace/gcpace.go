// Package gcpace sets the Go garbage collector for the phases of a run
// that allocate most: compiling the policies and collecting the facts
// (Preparation), evaluating the policies (Evaluation), the work after it
// (Finishing) and serving admission requests (Serving). Each leaves alone
// what GOGC (and, where it sets a limit, GOMEMLIMIT) chose, and returns
// the function that leaves it. The settings trade the collector's CPU
// against peak memory, as measured by the benchmarks (BENCHMARKS.md).
package gcpace

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
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

// phaseBudget is the budget from which a phase sets a soft memory limit:
// none when GOMEMLIMIT is set, the user's limit being the one to keep.
func phaseBudget() uint64 {
	if os.Getenv("GOMEMLIMIT") != "" {
		return 0
	}
	return budget()
}

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

// settings are the garbage collector's target and soft memory limit.
type settings struct {
	percent int
	limit   int64
}

// currentSettings reads the settings without changing them (setting the
// target to read it back could start a collection).
func currentSettings() settings {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}, {Name: "/gc/gomemlimit:bytes"}}
	metrics.Read(s)
	// The target is an int32 the metric widens: off (-1) reads as the
	// largest uint64, which converts back to -1.
	return settings{int(int32(s[0].Value.Uint64())), int64(s[1].Value.Uint64())}
}

func (s settings) apply() {
	debug.SetGCPercent(s.percent)
	debug.SetMemoryLimit(s.limit)
}

// The phases of a run follow one another (a scan prepares, evaluates,
// finishes), but a phase may be entered by several goroutines at once (a
// scan's compile and collectors both prepare) and, in a process that
// runs several scans at once (the tests), phases of different kinds
// overlap. One controller keeps the settings sane through all of it: the
// settings before any phase (base) come back when the last phase ends,
// the phase entered last decides while several are in force, and a
// phase's hooks (run after a collection) change the settings only while
// that phase decides.
var ctl struct {
	mu     sync.Mutex
	base   settings
	active []*phase // in force, in the order entered
	gen    uint64   // counts the times the deciding phase applied its settings
}

// phase is a kind of phase of a run.
type phase struct {
	// apply applies the phase's settings on a pacer; it may run
	// collections and add hooks. It runs under ctl.mu.
	apply func(p *pacer)
	users int
}

// pacer applies one phase's settings, and lets its hooks change them while
// that phase still decides.
type pacer struct {
	gen uint64
}

// set applies the target and the limit.
func (*pacer) set(percent int, limit int64) { settings{percent, limit}.apply() }

// baseLimit is the limit before any phase: the one a lifted budget goes
// back to.
func (*pacer) baseLimit() int64 { return ctl.base.limit }

// restoreBase puts back the settings before any phase.
func (*pacer) restoreBase() { ctl.base.apply() }

// afterEachGC calls hook after each collection, under ctl.mu, while the
// phase that added it decides and until hook returns false.
func (p *pacer) afterEachGC(hook func() bool) {
	afterEachGC(func() bool {
		ctl.mu.Lock()
		defer ctl.mu.Unlock()
		return ctl.gen == p.gen && hook()
	})
}

// enter puts the phase in force, unless GOGC is set, and returns the
// function that leaves it (once, however often it is called).
func (ph *phase) enter() func() {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	ctl.mu.Lock()
	defer ctl.mu.Unlock()
	if len(ctl.active) == 0 {
		ctl.base = currentSettings()
	}
	if ph.users++; ph.users == 1 {
		ctl.active = append(ctl.active, ph)
		decide(ph)
	}
	return sync.OnceFunc(func() {
		ctl.mu.Lock()
		defer ctl.mu.Unlock()
		if ph.users--; ph.users > 0 {
			return
		}
		last := ctl.active[len(ctl.active)-1] == ph
		ctl.active = slices.DeleteFunc(ctl.active, func(a *phase) bool { return a == ph })
		switch {
		case len(ctl.active) == 0:
			ctl.gen++
			ctl.base.apply()
		case last:
			decide(ctl.active[len(ctl.active)-1])
		}
	})
}

// decide applies ph's settings from the base ones; hooks of the phase
// that decided before stop.
func decide(ph *phase) {
	ctl.gen++
	ctl.base.apply()
	ph.apply(&pacer{gen: ctl.gen})
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
