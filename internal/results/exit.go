package results

import (
	"fmt"
	"slices"
	"strings"
)

// FailOn selects which verdicts make a scan fail (exit code 1).
type FailOn struct {
	Contradicted bool
	Unproven     bool
	Below        bool // hard (reference value marked *) controls below the pattern's value
}

// FailOnValues lists the accepted --fail-on words.
func FailOnValues() []string { return []string{"contradicted", "unproven", "below", "none"} }

// ParseFailOn reads a comma-separated --fail-on value.
func ParseFailOn(s string) (FailOn, error) {
	var f FailOn
	for w := range strings.SplitSeq(s, ",") {
		switch strings.TrimSpace(w) {
		case "contradicted":
			f.Contradicted = true
		case "unproven":
			f.Unproven = true
		case "below":
			f.Below = true
		case "none", "":
		default:
			return f, fmt.Errorf("--fail-on: unknown verdict %q (want %s)", w, strings.Join(FailOnValues(), ", "))
		}
	}
	return f, nil
}

// Failing returns the claims and controls that fail the scan under f.
func (r *Run) Failing(f FailOn) (claims []Claim, controls []Control) {
	for _, c := range r.Claims {
		if c.Waived == nil && f.ClaimFails(c.Verdict) {
			claims = append(claims, c)
		}
	}
	for _, c := range r.Controls {
		if c.Waived == nil && f.ControlFails(c) {
			controls = append(controls, c)
		}
	}
	return claims, controls
}

// ClaimFails reports whether a claim verdict fails under f.
func (f FailOn) ClaimFails(verdict string) bool {
	return verdict == Contradicted && f.Contradicted || verdict == Unproven && f.Unproven
}

// ControlFails reports whether a control verdict fails under f: only hard
// (reference value marked *) controls below the reference value do.
func (f FailOn) ControlFails(c Control) bool {
	return f.Below && c.Verdict == Below && c.Severity == "hard"
}

// BadWaivers lists the expired and invalid waivers: each fails the check.
func (r *Run) BadWaivers() []Waiver {
	var out []Waiver
	for _, w := range r.Waivers {
		if w.Status == WaiverExpired || w.Status == WaiverInvalid {
			out = append(out, w)
		}
	}
	return out
}

// Fails reports whether the scan fails under f: a failing verdict that no
// waiver covers, an expired or invalid waiver, or — with a baseline — a
// change that makes things worse.
func (r *Run) Fails(f FailOn) bool {
	if len(r.BadWaivers()) > 0 {
		return true
	}
	if r.Baseline != nil {
		for _, c := range r.Baseline.Changes {
			if (c.Kind == ChangeWorse || c.Kind == ChangeNew) && !c.Waived && c.failsUnder(f) {
				return true
			}
		}
		return false
	}
	cl, co := r.Failing(f)
	return len(cl)+len(co) > 0
}

// Verdicts lists the claim verdicts in reporting order (worst first).
func Verdicts() []string {
	return slices.Clone([]string{Contradicted, Unproven, Supported, NotCheckable})
}
