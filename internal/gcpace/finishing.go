package gcpace

// The work after an evaluation — waivers, the run's order and summary,
// the reports — allocates into the heap the evaluation left, most of it
// garbage. Back at Go's default target the collector ran at once, and
// that work took 18-25 ms of a 1k scan's ~185 ms, against 6 ms with the
// collector off (temporary marks).
//
// So when the Go runtime holds under half of finishLimit as the work
// begins (the 1k estates: 52-61 MB, the demo project 37 MB), it runs with
// the target off under a soft limit of finishLimit; a collection (the run
// outgrew it) puts the previous settings back. A larger run (the 10k
// estates hold 210-225 MB as their evaluation ends) keeps Go's default,
// which keeps its report's peak where it was.
func finishLimit() uint64 { return phaseBudget() / 2 }

var finishing = phase{apply: paceFinishing}

// Finishing sets the garbage collector for the work after an evaluation,
// unless GOGC is set, and returns the function that leaves the phase.
func Finishing() func() { return finishing.enter() }

func paceFinishing(p *pacer) {
	limit := finishLimit()
	if limit == 0 || goMemory() > limit/2 {
		return
	}
	p.set(-1, int64(limit))
	p.afterEachGC(func() bool {
		p.restoreBase()
		return false
	})
}

// goMemory is the memory the Go runtime holds, as a soft memory limit
// counts it: all it mapped but what it released.
func goMemory() uint64 {
	return readUint64("/memory/classes/total:bytes", 0) - readUint64("/memory/classes/heap/released:bytes", 0)
}
