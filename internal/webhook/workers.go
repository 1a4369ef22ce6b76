package webhook

import (
	"context"
	"sync"
	"time"
)

// workers runs evaluations on long-lived goroutines, at most n at once.
//
// OPA's evaluator recurses deeply: run on the goroutine net/http starts for
// each request, an evaluation grew that goroutine's stack from its initial
// few kilobytes to over a hundred, copying it at every doubling — 12% of the
// server's CPU under load (BENCHMARKS.md, webhook). A worker keeps its grown
// stack for the next request. Idle workers are handed out last in, first
// out, so the one that ran most recently (and whose stack the garbage
// collector has had least chance to shrink) takes the next request, and the
// ones at the bottom of the stack, unused for idleTimeout, exit.
type workers struct {
	sem         chan struct{} // one token per running evaluation
	idleTimeout time.Duration

	mu      sync.Mutex
	idle    []*worker // most recently used last
	started int       // workers started so far (for tests)
}

type worker struct {
	jobs chan func()
}

func newWorkers(n int, idleTimeout time.Duration) *workers {
	return &workers{sem: make(chan struct{}, n), idleTimeout: idleTimeout}
}

// run runs fn on a worker and waits for it. It gives up, without running
// fn, when ctx ends before a worker is free.
func (p *workers) run(ctx context.Context, fn func()) error {
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-p.sem }()
	p.mu.Lock()
	var w *worker
	if n := len(p.idle); n > 0 {
		w, p.idle = p.idle[n-1], p.idle[:n-1]
	} else {
		p.started++
	}
	p.mu.Unlock()
	if w == nil {
		// Fewer workers exist than tokens: a token held means a worker
		// may be started without exceeding n.
		w = &worker{jobs: make(chan func())}
		go p.loop(w)
	}
	done := make(chan struct{})
	w.jobs <- func() {
		defer close(done)
		fn()
	}
	<-done
	p.mu.Lock()
	p.idle = append(p.idle, w)
	p.mu.Unlock()
	return nil
}

// loop runs a worker's jobs until it has been idle for idleTimeout.
func (p *workers) loop(w *worker) {
	timer := time.NewTimer(p.idleTimeout)
	defer timer.Stop()
	for {
		select {
		case job := <-w.jobs:
			job()
			timer.Reset(p.idleTimeout)
		case <-timer.C:
			if p.retire(w) {
				return
			}
			// Handed out as the timer fired: its job is on the way.
			job := <-w.jobs
			job()
			timer.Reset(p.idleTimeout)
		}
	}
}

// retire removes an idle worker from the idle list; false when it is not
// idle (run has just taken it).
func (p *workers) retire(w *worker) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, x := range p.idle {
		if x == w {
			p.idle = append(p.idle[:i], p.idle[i+1:]...)
			return true
		}
	}
	return false
}

// counts returns the number of idle workers and of workers started (for tests).
func (p *workers) counts() (idle, started int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.idle), p.started
}
