package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/kaiji-dev/kaiji/internal/results"
)

// label returns a verdict's name in the language.
func label(v, lang string) string {
	if s := labels[v].In(lang); s != "" {
		return s
	}
	return v
}

// claimRank orders claim verdicts worst first.
func claimRank(v string) int {
	switch v {
	case results.Contradicted:
		return 0
	case results.Unproven:
		return 1
	case results.Supported:
		return 2
	}
	return 3
}

// controlRank orders control verdicts worst first: hard controls below the
// reference value before advisory ones.
func controlRank(c results.Control) int {
	switch {
	case c.Verdict == results.Below && c.Severity == "hard":
		return 0
	case c.Verdict == results.Below:
		return 1
	case c.Verdict == results.Unknown:
		return 2
	case c.Verdict == results.Meets:
		return 3
	}
	return 4
}

// worstClaims returns the claims sorted worst first, sheet order within a verdict.
func worstClaims(cs []results.Claim) []results.Claim {
	out := slices.Clone(cs)
	slices.SortStableFunc(out, func(a, b results.Claim) int { return cmp.Compare(claimRank(a.Verdict), claimRank(b.Verdict)) })
	return out
}

// worstControls returns the controls sorted worst first.
func worstControls(cs []results.Control) []results.Control {
	out := slices.Clone(cs)
	slices.SortStableFunc(out, func(a, b results.Control) int { return cmp.Compare(controlRank(a), controlRank(b)) })
	return out
}

// controlName is "III.2.1.3/b", or the id alone when the control has no evaluation items.
func controlName(c results.Control) string {
	if c.EvalItem == "" || c.EvalItem == "-" {
		return c.ID
	}
	return c.ID + "/" + c.EvalItem
}

// reference returns the control's reference value as the guideline writes it.
func reference(c results.Control) string {
	if v, ok := c.Reference["value_ja"].(string); ok && v != "" {
		if star, _ := c.Reference["star"].(bool); star {
			return v + " *"
		}
		return v
	}
	return "-"
}

// actuals describes each resource's value for a control: "fact: value (fail)".
func actuals(c results.Control) []string {
	var out []string
	for _, a := range c.Actual {
		out = append(out, fmt.Sprintf("%s: %s (%s)", a.Fact, claimed(a.Value), a.Outcome))
	}
	return out
}

// loc is "file:line".
func loc(e results.Evidence) string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	return e.File
}

// evidenceLines describes each piece of evidence once: "file:line fact (attribute)".
func evidenceLines(es []results.Evidence) []string {
	var out []string
	seen := make(map[string]bool, len(es))
	for _, e := range es {
		s := loc(e) + " " + e.Fact
		if e.Attribute != "" {
			s += " (" + e.Attribute + ")"
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// tr picks the Japanese or English string.
func tr(lang, ja, en string) string {
	if lang == "ja" {
		return ja
	}
	return en
}

// oneLine folds whitespace, for table cells.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
