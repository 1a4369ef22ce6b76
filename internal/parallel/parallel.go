// Package parallel runs independent pieces of work on several goroutines.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// For calls fn(0) … fn(n-1) on up to workers goroutines (GOMAXPROCS when
// workers ≤ 0) and returns when every call has returned. The indexes are
// taken in ascending order, each by the first goroutine free, so work put
// first (the largest, say) starts first and a slow piece delays only its
// goroutine. fn must be safe to call concurrently; writing to slot i of a
// slice made beforehand keeps the results in order.
func For(n, workers int, fn func(i int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}
