package gcpace

import "runtime"

// evalGCPercent is the garbage collector's target while Evaluate runs on a
// large heap. OPA's evaluation allocates heavily and keeps most of what it
// allocates until the end (rule and function results are cached for the
// whole query), so at the default of 100 a third of the CPU went to
// collections that freed little. 150 since the inline and accel stages cut
// the allocations by a third: the peak of a 10k Terraform scan stays under
// 300 MB (256-272 MB against 245-340 at 200) for the same time; see
// BENCHMARKS.md.
const evalGCPercent = 150

// A small heap is evaluated on the memory budget instead: a GC target of
// evalBudgetPercent, capped by a soft memory limit of budget(), so that
// the collector waits until the heap nears the budget. A fifth of a 10k
// scan's time is the collector (BENCHMARKS.md), and the 300 MB the scan
// may take had room: the budget spends it. The budget applies when the
// live heap is under a quarter of the limit as the evaluation starts, and
// is left for evalGCPercent as soon as a collection finds a third of it
// live, so that a heap growing towards the limit never makes the
// collector run back to back.
const evalBudgetPercent = 400

var evaluation = phase{apply: paceEvaluation}

// Evaluation sets the garbage collector for the duration of an evaluation
// of the policies, unless GOGC is set, and returns the function that
// leaves the phase (once every concurrent evaluation has left it).
func Evaluation() func() { return evaluation.enter() }

// paceEvaluation applies the evaluation's GC settings: the budget on a
// small heap, evalGCPercent otherwise or when GOMEMLIMIT is set. A large
// heap is
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
func paceEvaluation(p *pacer) {
	limit := phaseBudget()
	if heapObjects() > collectedHeap || limit > 0 && liveHeap() > limit/4 {
		runtime.GC()
	}
	if limit == 0 || liveHeap() > limit/4 {
		p.set(evalGCPercent, p.baseLimit())
		return
	}
	p.set(evalBudgetPercent, int64(limit))
	p.afterEachGC(func() bool {
		if liveHeap() > limit/3 {
			p.set(evalGCPercent, p.baseLimit())
			return false
		}
		return true
	})
}

// collectedHeap is the heap from which paceEvaluation collects first: far
// above what 10,000 resources leave (~100-350 MB), where a forced
// collection cost 3% of a 10k Terraform scan.
var collectedHeap uint64 = 512 << 20 // a variable for TestPaceEvaluationCollectsLargeHeap
