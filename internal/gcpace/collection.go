package gcpace

import (
	"os"
	"runtime/debug"
)

// collectGCPercent is the garbage collector's target while the collectors
// run. They allocate fast into a heap that is still small (the 10k
// Terraform estate: 140 MB allocated while the heap grows from 3 to
// 50 MB), and at Go's default the collector ran 13 times in their first
// 0.3 s.
const collectGCPercent = 400

// The collectors run on a memory budget too: a soft limit of seven
// eighths of budget() (224 MiB), left as soon as a collection finds half
// of it live. Without it the target alone set the peak of a scan whose
// collection holds the most: reading the 49 MB plan of 10,000
// real-shaped resources, GOGC 400 over the file let the heap grow to
// 256 MB, and 30 MB more were allocated while that heap was marked (a
// peak RSS of 330-340 MB). With the limit: 267 MB, in the same time. The
// limit is below the evaluation's because the collectors allocate on
// every core while a collection marks: at 256 MiB the same plan peaked
// at 301 MB.
func collectLimit() uint64 { return budget() / 8 * 7 }

// Collection sets the garbage collector for a collection, unless GOGC is
// set (the memory budget also unless GOMEMLIMIT is), and returns the
// function that restores it.
func Collection() func() {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	oldPercent := debug.SetGCPercent(collectGCPercent)
	limit := collectLimit()
	if limit == 0 || os.Getenv("GOMEMLIMIT") != "" || liveHeap() > limit/2 {
		return func() { debug.SetGCPercent(oldPercent) }
	}
	b := startBudget(limit, limit/2, func() {})
	return func() {
		b.end()
		debug.SetGCPercent(oldPercent)
	}
}
