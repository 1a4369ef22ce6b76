package gcpace

// The work before an evaluation — compiling the policies and collecting
// the facts, which a scan does side by side — allocates fast into a heap
// that starts empty. At Go's default target the collector ran every time
// that heap doubled: five times while the demo project's policies were
// compiled (its whole heap 31 MB), a third of that scan's CPU, and
// thirteen times in the first 0.3 s of the collectors of the 10k
// Terraform estate.
//
// So a preparation starts with the target off, under a soft memory limit
// of prepFirstLimit: a small run (the demo project, the 1k estates: 31-50
// MB) prepares without a collection. A run that reaches that limit goes
// on at prepGCPercent under a limit of seven eighths of budget() (224
// MiB), lifted as soon as a collection finds half of it live, so that a
// heap growing towards the limit never makes the collector run back to
// back. That limit is below the evaluation's because the collectors
// allocate on every core while a collection marks: reading the 49 MB plan
// of 10,000 real-shaped resources, the heap overshot a limit of 256 MiB
// to a peak RSS of 301 MB, and one of 224 MiB to 267 MB. (With the target
// off up to 224 MiB instead of 64, the 10k scans peaked 12-18 MB higher:
// the evaluation started on a heap of the collectors' garbage.) With no
// budget (a container under 128 MiB, or GOMEMLIMIT set) the target is
// prepGCPercent throughout.
const (
	prepGCPercent  = 400
	prepFirstLimit = 64 << 20
)

// prepLimit is the preparation's soft memory limit once past
// prepFirstLimit, or 0.
func prepLimit() uint64 { return phaseBudget() / 8 * 7 }

var preparation = phase{apply: pacePreparation}

// Preparation sets the garbage collector for compiling policies or
// collecting facts, unless GOGC is set, and returns the function that
// leaves the phase (once every concurrent preparation has left it).
func Preparation() func() { return preparation.enter() }

func pacePreparation(p *pacer) {
	limit := prepLimit()
	if limit == 0 || liveHeap() > limit/2 {
		p.set(prepGCPercent, p.baseLimit())
		return
	}
	p.set(-1, int64(min(prepFirstLimit, limit)))
	small := true
	p.afterEachGC(func() bool {
		if small {
			small = false
			p.set(prepGCPercent, int64(limit))
		}
		if liveHeap() > limit/2 {
			p.set(prepGCPercent, p.baseLimit())
			return false
		}
		return true
	})
}
