// Package results holds the typed outcome of a scan: one verdict per claim
// and per control evaluation item, with evidence, and the exit-code rule.
package results

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
)

// SchemaVersion identifies the JSON shape documented in docs/results.md.
const SchemaVersion = "kaiji.results/v1"

// Claim verdicts.
const (
	Supported    = "supported"
	Contradicted = "contradicted"
	Unproven     = "unproven"
	NotCheckable = "not_checkable"
)

// Control verdicts.
const (
	Meets         = "meets"
	Below         = "below"
	Unknown       = "unknown"
	NotApplicable = "not_applicable"
)

// Text is a message in Japanese and English.
type Text struct {
	Ja string `json:"ja"`
	En string `json:"en"`
}

// In returns the text in the language ("ja" or "en").
func (t Text) In(lang string) string {
	if lang == "ja" && t.Ja != "" {
		return t.Ja
	}
	return t.En
}

// Evidence names the fact, file and line behind a verdict.
type Evidence struct {
	Fact      string `json:"fact"`
	File      string `json:"file"`
	Line      int    `json:"line"`
	Attribute string `json:"attribute,omitempty"`
}

// Detail is one resource's bearing on a claim.
type Detail struct {
	Fact    string `json:"fact"`
	Outcome string `json:"outcome"` // supports | contradicts | unknown
	Reason  Text   `json:"reason"`
}

// Claim is the verdict on one claim of the sheet.
type Claim struct {
	Index    int        `json:"index"`
	Item     int        `json:"item"`
	Key      string     `json:"key"`
	Claimed  any        `json:"claimed"`
	Text     string     `json:"text"`
	Verdict  string     `json:"verdict"`
	Reason   Text       `json:"reason"`
	Evidence []Evidence `json:"evidence"`
	Details  []Detail   `json:"details"`
	// Waived is set when an active waiver covers every failing resource.
	Waived *WaiverRef `json:"waived,omitempty"`
	// Row is the index in Run.Sheet.Rows of the published sheet's row the
	// claim came from; nil when the claims were not imported from a sheet.
	Row *int `json:"row,omitempty"`
	// Line is the claim's line in the claims file, where SARIF points a
	// verdict that has no resource to point at.
	Line int `json:"line,omitempty"`
	// Normalized is the claimed value in the unit the policies compare
	// (seconds, counts, "1.2", a location), as the claims loader read it.
	Normalized any `json:"normalized,omitempty"`
}

// Sheet is the published disclosure sheet's own table, kept when the claims
// were imported from it, so reports can fill it in with 判定 and 疎明資料.
type Sheet struct {
	File    string     `json:"file,omitempty"`
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
}

// Actual is one resource's value for a control evaluation item.
type Actual struct {
	Fact    string `json:"fact"`
	Value   any    `json:"value"`
	Outcome string `json:"outcome"` // pass | fail | unknown
}

// Control is the verdict on one evaluation item of a guideline control at the pattern's reference value.
type Control struct {
	ID        string         `json:"id"`
	EvalItem  string         `json:"eval_item"`
	Title     Text           `json:"title"`
	Level     string         `json:"level"`
	Pattern   int            `json:"pattern"`
	Reference map[string]any `json:"reference"`
	Severity  string         `json:"severity"` // hard (reference value marked *) or advisory
	Verdict   string         `json:"verdict"`
	Reason    Text           `json:"reason"`
	Actual    []Actual       `json:"actual"`
	Evidence  []Evidence     `json:"evidence"`
	// Waived is set when an active waiver covers every failing resource.
	Waived *WaiverRef `json:"waived,omitempty"`
}

// Counts tallies verdicts.
type Counts map[string]int

// Summary counts claims and controls by verdict.
type Summary struct {
	Claims   Counts `json:"claims"`
	Controls Counts `json:"controls"`
}

// Tool identifies the kaiji build and policy set that produced a run.
type Tool struct {
	Name         string `json:"name"`
	Version      string `json:"version"`
	PolicyDigest string `json:"policy_digest"`
}

// Run is the result of one scan.
type Run struct {
	Schema      string                 `json:"schema"`
	Tool        Tool                   `json:"tool"`
	Service     string                 `json:"service,omitempty"`
	Edition     string                 `json:"edition"`
	Pattern     int                    `json:"pattern"`
	ClaimsFile  string                 `json:"claims_file,omitempty"`
	Summary     Summary                `json:"summary"`
	Claims      []Claim                `json:"claims"`
	Controls    []Control              `json:"controls"`
	Diagnostics collectors.Diagnostics `json:"diagnostics"`
	Inputs      []collectors.Input     `json:"inputs"`
	Waivers     []Waiver               `json:"waivers"`
	// Baseline is set when the scan was compared with the base branch's results.
	Baseline *Baseline `json:"baseline,omitempty"`
	// Sheet is the published sheet the claims were imported from, if any.
	Sheet *Sheet `json:"sheet,omitempty"`
}

// Finalize sorts everything, applies the rule that an unreadable input never
// lets a claim be reported supported, and computes the summary.
func (r *Run) Finalize() {
	r.Schema = SchemaVersion
	if r.Claims == nil {
		r.Claims = []Claim{}
	}
	if r.Controls == nil {
		r.Controls = []Control{}
	}
	if r.Diagnostics == nil {
		r.Diagnostics = collectors.Diagnostics{}
	}
	if r.Inputs == nil {
		r.Inputs = []collectors.Input{}
	}
	if r.Waivers == nil {
		r.Waivers = []Waiver{}
	}
	r.Diagnostics.Sort()
	unreadable := Unreadable(r.Diagnostics)
	names := joinFiles(unreadable)
	for i := range r.Claims {
		c := &r.Claims[i]
		sortEvidence(c.Evidence)
		if c.Evidence == nil {
			c.Evidence = []Evidence{}
		}
		if c.Details == nil {
			c.Details = []Detail{}
		}
		// Any unreadable input might have held the resource that disproves
		// the claim: which facts a file would have produced is unknowable,
		// so every supported claim is demoted, not only those citing it.
		if c.Verdict == Supported && len(unreadable) > 0 {
			c.Verdict = Unproven
			c.Reason = Text{
				Ja: "入力 " + names + " を読めなかったため、裏付けは完全ではありません: " + c.Reason.Ja,
				En: "input " + names + " could not be read, so the support is incomplete: " + c.Reason.En,
			}
		}
	}
	slices.SortStableFunc(r.Claims, func(a, b Claim) int { return cmp.Compare(a.Index, b.Index) })
	for i := range r.Controls {
		sortEvidence(r.Controls[i].Evidence)
		if r.Controls[i].Evidence == nil {
			r.Controls[i].Evidence = []Evidence{}
		}
		if r.Controls[i].Actual == nil {
			r.Controls[i].Actual = []Actual{}
		}
	}
	slices.SortStableFunc(r.Controls, func(a, b Control) int {
		return cmp.Or(compareControlIDs(a.ID, b.ID), cmp.Compare(a.EvalItem, b.EvalItem))
	})
	r.Summary = Summary{Claims: Counts{}, Controls: Counts{}}
	for _, v := range []string{Supported, Contradicted, Unproven, NotCheckable} {
		r.Summary.Claims[v] = 0
	}
	for _, v := range []string{Meets, Below, Unknown, NotApplicable} {
		r.Summary.Controls[v] = 0
	}
	for _, c := range r.Claims {
		r.Summary.Claims[c.Verdict]++
	}
	for _, c := range r.Controls {
		r.Summary.Controls[c.Verdict]++
	}
}

// Unreadable lists, sorted and once each, the files with error
// diagnostics: inputs (or parts of them) that could not be read, so the
// facts they would have produced are missing.
func Unreadable(ds collectors.Diagnostics) []string {
	var out []string
	for _, d := range ds {
		if d.Severity == collectors.SeverityError {
			out = append(out, cmp.Or(d.File, "(unnamed input)"))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// maxNamed is how many unreadable files a reason names before "and N more".
const maxNamed = 3

func joinFiles(files []string) string {
	if len(files) <= maxNamed {
		return strings.Join(files, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(files[:maxNamed], ", "), len(files)-maxNamed)
}

func sortEvidence(es []Evidence) {
	slices.SortFunc(es, func(a, b Evidence) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Fact, b.Fact), cmp.Compare(a.Attribute, b.Attribute))
	})
}

// compareControlIDs orders III.2.3.1 before III.10.1.1: numerically per part.
func compareControlIDs(a, b string) int {
	pa, pb := splitID(a), splitID(b)
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if c := cmp.Compare(pa[i].n, pb[i].n); pa[i].num && pb[i].num && c != 0 {
			return c
		}
		if c := cmp.Compare(pa[i].s, pb[i].s); !(pa[i].num && pb[i].num) && c != 0 {
			return c
		}
	}
	return cmp.Compare(len(pa), len(pb))
}

type idPart struct {
	s   string
	n   int
	num bool
}

func splitID(id string) []idPart {
	var out []idPart
	start := 0
	for i := 0; i <= len(id); i++ {
		if i == len(id) || id[i] == '.' || id[i] == '-' {
			p := id[start:i]
			n, num := 0, p != ""
			for _, r := range p {
				if r < '0' || r > '9' {
					num = false
					break
				}
				n = n*10 + int(r-'0')
			}
			out = append(out, idPart{s: p, n: n, num: num})
			start = i + 1
		}
	}
	return out
}
