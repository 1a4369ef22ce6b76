package terraform

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// progressDelay is how long a scan runs before progress is shown.
const progressDelay = time.Second

// progress shows on a terminal what a long scan is reading: nothing for the
// first second, then one status line rewritten in place, cleared at the end.
// On anything but a terminal it writes nothing, so logs and pipes stay clean.
type progress struct {
	w      io.Writer
	mu     sync.Mutex
	status string
	shown  bool
	stop   chan struct{}
	wg     sync.WaitGroup
}

// startProgress starts reporting to w if w is a terminal; it returns nil otherwise.
func startProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return runProgress(w, progressDelay)
}

// runProgress reports to w after delay, whatever w is.
func runProgress(w io.Writer, delay time.Duration) *progress {
	p := &progress{w: w, stop: make(chan struct{})}
	p.wg.Add(1)
	go p.loop(delay)
	return p
}

func (p *progress) loop(delay time.Duration) {
	defer p.wg.Done()
	select {
	case <-p.stop:
		return
	case <-time.After(delay):
	}
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		p.mu.Lock()
		fmt.Fprintf(p.w, "\r\033[Kkaiji: %s", p.status)
		p.shown = true
		p.mu.Unlock()
		select {
		case <-p.stop:
			return
		case <-tick.C:
		}
	}
}

// set records what the scan is doing now.
func (p *progress) set(format string, args ...any) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.status = fmt.Sprintf(format, args...)
	p.mu.Unlock()
}

// done stops reporting and clears the status line.
func (p *progress) done() {
	if p == nil {
		return
	}
	close(p.stop)
	p.wg.Wait()
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
