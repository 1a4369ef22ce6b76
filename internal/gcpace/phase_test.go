package gcpace

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

// TestPhasesOverlap: while phases of different kinds are in force (scans
// side by side, in the tests), the one entered last decides, the one
// before decides again when it leaves, and the settings before any phase
// come back when the last leaves.
func TestPhasesOverlap(t *testing.T) {
	skipUnlessDefaultGC(t)
	runtime.GC()
	base := currentSettings()
	want := func(what string, s settings) {
		t.Helper()
		if got := currentSettings(); got != s {
			t.Errorf("%s: %+v, want %+v", what, got, s)
		}
	}
	prep := settings{-1, prepFirstLimit}
	eval := settings{evalBudgetPercent, int64(budget())}

	leavePrep := Preparation()
	leaveEval := Evaluation()
	want("evaluation entered during a preparation", eval)
	leavePrep()
	want("the preparation left first", eval)
	leaveEval()
	want("both left", base)

	leavePrep = Preparation()
	leaveEval = Evaluation()
	leaveEval()
	want("the evaluation left first", prep)
	leavePrep()
	want("both left", base)
}

// A phase's hooks stop when it no longer decides: collections after it
// left change nothing.
func TestPhaseHooksStop(t *testing.T) {
	skipUnlessDefaultGC(t)
	runtime.GC()
	base := currentSettings()
	Preparation()() // its hook would raise the target at the next collection
	for range 3 {
		runtime.GC()
	}
	if got := currentSettings(); got != base {
		t.Errorf("after collections: %+v, want %+v", got, base)
	}
}

// Phases entered and left from many goroutines, with collections between,
// leave the settings as they found them.
func TestPhasesConcurrent(t *testing.T) {
	skipUnlessDefaultGC(t)
	runtime.GC()
	base := currentSettings()
	phases := []func() func(){Preparation, Evaluation, Finishing}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 1))
			for range 50 {
				leave := phases[r.IntN(len(phases))]()
				if r.IntN(10) == 0 {
					runtime.GC()
				}
				leave()
			}
		})
	}
	wg.Wait()
	runtime.GC()
	if got := currentSettings(); got != base {
		t.Errorf("after the phases: %+v, want %+v", got, base)
	}
}
