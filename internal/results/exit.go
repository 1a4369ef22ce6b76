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
		if c.Verdict == Contradicted && f.Contradicted || c.Verdict == Unproven && f.Unproven {
			claims = append(claims, c)
		}
	}
	for _, c := range r.Controls {
		if f.Below && c.Verdict == Below && c.Severity == "hard" {
			controls = append(controls, c)
		}
	}
	return claims, controls
}

// Fails reports whether any verdict fails the scan under f.
func (r *Run) Fails(f FailOn) bool {
	cl, co := r.Failing(f)
	return len(cl)+len(co) > 0
}

// Verdicts lists the claim verdicts in reporting order (worst first).
func Verdicts() []string {
	return slices.Clone([]string{Contradicted, Unproven, Supported, NotCheckable})
}
