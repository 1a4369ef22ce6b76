package gcpace

import "testing"

// TestServing: serving raises the GC target and sets a soft memory limit,
// unless GOGC or GOMEMLIMIT choose, and puts the previous settings back.
func TestServing(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	gc, limit := gcPercent(), memoryLimit()
	restore := Serving()
	if p, l := gcPercent(), memoryLimit(); p != serveGCPercent || l != serveMemoryGoal {
		t.Errorf("while serving: GC percent %d, memory limit %d; want %d and %d", p, l, serveGCPercent, serveMemoryGoal)
	}
	restore()
	if p, l := gcPercent(), memoryLimit(); p != gc || l != limit {
		t.Errorf("after serving: GC percent %d, memory limit %d; want %d and %d back", p, l, gc, limit)
	}

	t.Setenv("GOGC", "150")
	t.Setenv("GOMEMLIMIT", "1GiB")
	restore = Serving()
	if p, l := gcPercent(), memoryLimit(); p != gc || l != limit {
		t.Errorf("with GOGC and GOMEMLIMIT set, while serving: GC percent %d, memory limit %d; want them left at %d and %d", p, l, gc, limit)
	}
	restore()
}
