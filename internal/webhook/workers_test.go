package webhook

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestWorkersReuseOneGoroutine(t *testing.T) {
	p := newWorkers(4, time.Minute)
	for i := range 100 {
		ran := false
		if err := p.run(context.Background(), func() { ran = true }); err != nil {
			t.Fatal(err)
		}
		if !ran {
			t.Fatalf("run %d did not run its function", i)
		}
	}
	// One request at a time needs one worker: the same goroutine, whose
	// stack has grown, takes every request.
	if idle, started := p.counts(); idle != 1 || started != 1 {
		t.Errorf("after 100 sequential runs: %d idle, %d started; want 1 and 1", idle, started)
	}
}

func TestWorkersBoundConcurrency(t *testing.T) {
	const n = 3
	p := newWorkers(n, time.Minute)
	var running, most atomic.Int64
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := p.run(context.Background(), func() {
				r := running.Add(1)
				for {
					m := most.Load()
					if r <= m || most.CompareAndSwap(m, r) {
						break
					}
				}
				time.Sleep(time.Millisecond)
				running.Add(-1)
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if m := most.Load(); m > n || m < 1 {
		t.Errorf("at most %d ran at once, want 1..%d", m, n)
	}
	if idle, started := p.counts(); started > n || idle != started {
		t.Errorf("%d idle of %d started, want all idle and at most %d", idle, started, n)
	}
}

func TestWorkersGiveUpWhenFull(t *testing.T) {
	p := newWorkers(1, time.Minute)
	release := make(chan struct{})
	busy := make(chan struct{})
	go func() { _ = p.run(context.Background(), func() { close(busy); <-release }) }()
	<-busy
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	ran := false
	err := p.run(ctx, func() { ran = true })
	if !errors.Is(err, context.DeadlineExceeded) || ran {
		t.Errorf("run on a full pool: err %v, ran %v; want a deadline error and no run", err, ran)
	}
	close(release)
}

func TestWorkersRetireWhenIdle(t *testing.T) {
	p := newWorkers(2, 10*time.Millisecond)
	if err := p.run(context.Background(), func() {}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		idle, _ := p.counts()
		if idle == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the idle worker did not exit")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// A new request starts a new worker.
	if err := p.run(context.Background(), func() {}); err != nil {
		t.Fatal(err)
	}
	if idle, started := p.counts(); idle != 1 || started != 2 {
		t.Errorf("%d idle, %d started; want 1 and 2", idle, started)
	}
}

// TestWorkersRetireRace hands work out while workers time out.
func TestWorkersRetireRace(t *testing.T) {
	p := newWorkers(4, time.Microsecond)
	var wg sync.WaitGroup
	var done atomic.Int64
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				if err := p.run(context.Background(), func() { done.Add(1) }); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if done.Load() != 8*200 {
		t.Errorf("%d jobs ran, want %d", done.Load(), 8*200)
	}
}
