package gcpace

import (
	"os"
	"runtime/debug"
)

// The garbage collector's settings while serving. The server's live heap
// is ~10 MB (the compiled policies) and every request allocates ~50 KB,
// so at Go's default (GOGC 100) it collected five times a second, and the
// requests that met a collection made the latency's tail: p99 5.5 ms at
// 1,000 requests/s against 1.5 ms at GOGC 800 (BENCHMARKS.md, webhook).
// The soft memory limit makes the collector work harder, whatever GOGC
// says, before a larger policy set or a burst could take the process near
// its container's limit.
const (
	serveGCPercent  = 800
	serveMemoryGoal = 256 << 20
)

// Serving applies the serving settings, each unless GOGC or GOMEMLIMIT
// sets it, and returns the function that restores the previous ones.
func Serving() func() {
	var restore []func()
	if os.Getenv("GOGC") == "" {
		old := debug.SetGCPercent(serveGCPercent)
		restore = append(restore, func() { debug.SetGCPercent(old) })
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		old := debug.SetMemoryLimit(serveMemoryGoal)
		restore = append(restore, func() { debug.SetMemoryLimit(old) })
	}
	return func() {
		for _, f := range restore {
			f()
		}
	}
}
