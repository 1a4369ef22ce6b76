package waiver

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kaiji-dev/kaiji/internal/results"
)

// Apply marks the failing verdicts that valid, unexpired waivers cover, sets
// every waiver's status, and lists the waivers in the run. today decides
// expiry (a waiver expires at the end of its date).
func Apply(run *results.Run, ws []results.Waiver, today time.Time) {
	day := today.Format(time.DateOnly)
	for i := range ws {
		w := &ws[i]
		if w.Status == results.WaiverInvalid {
			continue
		}
		if w.Expires != "" && w.Expires < day {
			w.Status, w.Problem = results.WaiverExpired, fmt.Sprintf("expired on %s", w.Expires)
		}
	}
	for i := range run.Claims {
		c := &run.Claims[i]
		var want []string
		switch c.Verdict {
		case results.Contradicted:
			want = failingFacts(c.Details, "contradicts")
		case results.Unproven:
			want = failingFacts(c.Details, "unknown")
		default:
			continue
		}
		targets := []string{strconv.Itoa(c.Item), "item:" + strconv.Itoa(c.Item), c.Key, "*"}
		if ref := cover(ws, targets, want, c.Evidence, fmt.Sprintf("claim %d %s", c.Item, c.Key)); ref != nil {
			c.Waived = ref
		}
	}
	for i := range run.Controls {
		c := &run.Controls[i]
		if c.Verdict != results.Below && c.Verdict != results.Unknown {
			continue
		}
		var want []string
		for _, a := range c.Actual {
			if a.Outcome == "fail" || a.Outcome == "unknown" {
				want = append(want, a.Fact)
			}
		}
		targets := []string{c.ID, c.ID + "/" + c.EvalItem, "*"}
		if ref := cover(ws, targets, want, c.Evidence, fmt.Sprintf("control %s/%s", c.ID, c.EvalItem)); ref != nil {
			c.Waived = ref
		}
	}
	run.Waivers = append(run.Waivers, ws...)
}

func failingFacts(ds []results.Detail, outcome string) []string {
	var out []string
	for _, d := range ds {
		if d.Outcome == outcome {
			out = append(out, d.Fact)
		}
	}
	return out
}

// evidenceFacts lists the resources a verdict's evidence cites, each once,
// in the order first cited. (A verdict over a 100k-resource estate cites
// tens of thousands: looking each up in the list so far took seconds.)
func evidenceFacts(es []results.Evidence) []string {
	var out []string
	seen := make(map[string]bool, len(es))
	for _, e := range es {
		if e.Fact != "" && !seen[e.Fact] {
			seen[e.Fact] = true
			out = append(out, e.Fact)
		}
	}
	return out
}

// cover returns the waiver covering a verdict when the valid waivers matching
// its targets together cover every failing resource. A waiver restricted to
// facts cannot cover a verdict with no resource behind it.
//
// A failing resource also counts as covered when a waiver names one of the
// resources the verdict cites as evidence: a verdict on a database's backup
// generations points at the backup rule, and the inline waiver written
// beside that rule (where the annotation appears) annotates the rule, not
// the database.
func cover(ws []results.Waiver, targets, facts []string, evidence []results.Evidence, label string) *results.WaiverRef {
	var matching []*results.Waiver
	for i := range ws {
		w := &ws[i]
		if (w.Status == results.WaiverActive || w.Status == results.WaiverUnused) && slices.Contains(targets, w.Target) {
			matching = append(matching, w)
		}
	}
	if len(matching) == 0 {
		return nil
	}
	var used []*results.Waiver
	for _, w := range matching {
		if len(w.Facts) == 0 {
			used = []*results.Waiver{w}
			break
		}
	}
	if used == nil {
		if len(facts) == 0 {
			return nil
		}
		// The first waiver naming a resource the evidence cites is the
		// same for every failing resource: found once, when first needed.
		byEvidence, found := -1, false
		for _, f := range facts {
			i := slices.IndexFunc(matching, func(w *results.Waiver) bool { return covers(w.Facts, f) })
			if i < 0 {
				if !found {
					cited := evidenceFacts(evidence)
					byEvidence = slices.IndexFunc(matching, func(w *results.Waiver) bool {
						return slices.ContainsFunc(cited, func(e string) bool { return covers(w.Facts, e) })
					})
					found = true
				}
				i = byEvidence
			}
			if i < 0 {
				return nil
			}
			if !slices.Contains(used, matching[i]) {
				used = append(used, matching[i])
			}
		}
	}
	for _, w := range used {
		w.Status = results.WaiverActive
		w.Applied = append(w.Applied, label)
	}
	w := used[0]
	return &results.WaiverRef{File: w.File, Line: w.Line, Reason: w.Reason, Expires: w.Expires}
}

func covers(patterns []string, id string) bool {
	for _, p := range patterns {
		if p == id {
			return true
		}
		if ok, err := path.Match(p, id); err == nil && ok {
			return true
		}
		if strings.HasSuffix(p, "*") && strings.HasPrefix(id, strings.TrimSuffix(p, "*")) {
			return true
		}
	}
	return false
}
