package claims

import (
	"fmt"
	"strings"

	"github.com/kaiji-dev/kaiji/internal/catalog"
)

// Readiness checks follow seed 001 §5(2): every mandatory item disclosed,
// every 「対策・措置などを行っていない場合に非認定とする項目」 in place, and
// the one 「最低水準数値以下の場合に非認定とする項目」 (notice before a service
// change or termination) at or above its minimum.
const (
	CheckMandatory = "mandatory_disclosed" // a mandatory item has a statement
	CheckMeasure   = "measure_in_place"    // a must-implement measure is claimed present
	CheckMinimum   = "minimum_value"       // the minimum-value item meets its minimum
)

// Finding severities.
const (
	Blocker = "blocker" // not certified as it stands
	Review  = "review"  // the sheet does not say clearly; a reviewer decides
)

// Finding is one obstacle to certification.
type Finding struct {
	Item     int    `json:"item"`
	Name     string `json:"name"`
	NameEn   string `json:"name_en,omitempty"`
	Check    string `json:"check"`
	Severity string `json:"severity"`
	Row      *int   `json:"row,omitempty"`
	Text     string `json:"text,omitempty"`
	Ja       string `json:"ja"`
	En       string `json:"en"`
}

// Readiness is the certification readiness of a disclosure.
type Readiness struct {
	Edition  string    `json:"edition"`
	Ready    bool      `json:"ready"`
	Blockers int       `json:"blockers"`
	Reviews  int       `json:"reviews"`
	Checked  Checked   `json:"checked"`
	Findings []Finding `json:"findings"`
	// MinimumNotice is the minimum notice period applied, e.g. "1mo".
	MinimumNotice string `json:"minimum_notice"`
}

// Checked counts what was checked.
type Checked struct {
	Mandatory int  `json:"mandatory_items"`
	Measures  int  `json:"measures"`
	Minimum   int  `json:"minimum_values"`
	Sheet     bool `json:"sheet"` // the disclosure carries its sheet, so disclosure of every item was checked
}

// ReadinessOptions are the options of CheckReadiness.
type ReadinessOptions struct {
	// MinimumNotice is the minimum notice before a service change or
	// termination, as a duration ("1mo"). Seed 001 names the item but not
	// the value; the default, 1mo, is the smallest unit the guideline's
	// requirement text offers (1ヶ月前、3ヶ月前…).
	MinimumNotice string
}

// DefaultMinimumNotice is the minimum notice period used when none is given.
const DefaultMinimumNotice = "1mo"

// itemStatements is what a disclosure says about one item.
type itemStatements struct {
	rows   []int
	texts  []string
	claims []Claim
}

// CheckReadiness checks a disclosure against the certification criteria
// of seed 001 §5(2). With the imported sheet it checks every item; with
// claims only it checks the measures and the minimum value it can see.
func CheckReadiness(d *Disclosure, opts ReadinessOptions) (*Readiness, error) {
	minText := opts.MinimumNotice
	if minText == "" {
		minText = DefaultMinimumNotice
	}
	minimum, err := ParseDuration(minText)
	if err != nil {
		return nil, fmt.Errorf("minimum notice: %w", err)
	}
	cat := catalog.Default()
	edition := d.Edition
	if edition == "" {
		edition = EditionASPSaaS
	}
	r := &Readiness{Edition: edition, MinimumNotice: minText, Findings: []Finding{}}
	by := statementsByItem(d)
	r.Checked.Sheet = d.Sheet != nil
	for _, it := range cat.Items(edition) {
		st := by[it.Number]
		add := func(check, severity string, row *int, text, ja, en string) {
			r.Findings = append(r.Findings, Finding{Item: it.Number, Name: it.NameJa, NameEn: it.NameEn, Check: check, Severity: severity, Row: row, Text: text, Ja: ja, En: en})
		}
		if d.Sheet != nil && !it.Uncertain && (it.Mandatory == catalog.Required || it.Mandatory == catalog.Mixed) {
			r.Checked.Mandatory++
			switch {
			case len(st.rows) == 0:
				add(CheckMandatory, Blocker, nil, "", "必須開示項目が開示されていません（シートに行がありません）", "mandatory item missing from the sheet")
			case allEmpty(st.texts):
				add(CheckMandatory, Blocker, &st.rows[0], "", "必須開示項目の内容が空欄です", "mandatory item left empty")
			}
		}
		switch it.Certification {
		case catalog.CertMustImplement:
			r.Checked.Measures++
			sev, ja, en, row, text := judgeMeasure(st)
			if sev != "" {
				add(CheckMeasure, sev, row, text, ja, en)
			}
		case catalog.CertMinimumValue:
			r.Checked.Minimum++
			sev, ja, en, row, text := judgeMinimum(st, minimum, minText)
			if sev != "" {
				add(CheckMinimum, sev, row, text, ja, en)
			}
		}
	}
	for _, f := range r.Findings {
		if f.Severity == Blocker {
			r.Blockers++
		} else {
			r.Reviews++
		}
	}
	r.Ready = r.Blockers == 0
	return r, nil
}

// statementsByItem collects the sheet rows and claims of each item.
func statementsByItem(d *Disclosure) map[int]itemStatements {
	by := map[int]itemStatements{}
	if d.Sheet != nil {
		l := newLayout(d.Sheet.Columns)
		item := 0
		for i, row := range d.Sheet.Rows {
			if l.no < len(row) {
				if n, ok := itemNumber(row[l.no]); ok {
					item = n
				} else if isSectionRow(row) {
					continue
				}
			}
			if item == 0 {
				continue
			}
			st := by[item]
			st.rows = append(st.rows, i)
			if l.content < len(row) {
				st.texts = append(st.texts, row[l.content])
			} else {
				st.texts = append(st.texts, "")
			}
			by[item] = st
		}
	}
	for _, c := range d.Claims {
		st := by[c.Item]
		st.claims = append(st.claims, c)
		by[c.Item] = st
	}
	return by
}

func isSectionRow(row []string) bool {
	return len(nonEmpty(row)) == 1 && row[0] != ""
}

func allEmpty(ss []string) bool {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// judgeMeasure decides whether a must-implement measure is claimed in
// place: a claim saying false, or a sheet saying 無し, blocks; a sheet that
// is empty blocks; anything unclear is for review.
func judgeMeasure(st itemStatements) (severity, ja, en string, row *int, text string) {
	for _, c := range st.claims {
		if b, ok := c.Value.(bool); ok && !b {
			return Blocker, "対策・措置が「無し」と開示されています", "the measure is claimed absent", c.Row, c.Text
		}
	}
	yes, unclear := false, -1
	for i, t := range st.texts {
		p := ParsePresence(t)
		if _, ok := ParseSpan(t); ok && p == PresenceUnknown {
			p = PresenceYes // a stated notice period or retention is the measure
		}
		switch p {
		case PresenceYes:
			yes = true
		case PresenceNo:
			return Blocker, "対策・措置が「無し」と開示されています", "the measure is stated absent", &st.rows[i], t
		default:
			if unclear < 0 && strings.TrimSpace(t) != "" {
				unclear = i
			}
		}
	}
	for _, c := range st.claims {
		if b, ok := c.Value.(bool); ok && b {
			yes = true
		}
	}
	switch {
	case yes:
		return "", "", "", nil, ""
	case unclear >= 0:
		return Review, "対策・措置の有無が明確に読み取れません（" + presenceJa[ParsePresence(st.texts[unclear])] + "）", "the sheet does not clearly say the measure is in place (" + ParsePresence(st.texts[unclear]).String() + ")", &st.rows[unclear], st.texts[unclear]
	case len(st.rows) > 0:
		return Blocker, "対策・措置の有無が記載されていません（空欄）", "the measure is not stated (empty)", &st.rows[0], ""
	}
	if len(st.claims) > 0 {
		c := st.claims[0]
		return Review, "対策・措置の有無が値として読み取れません", "the claims do not say whether the measure is in place", c.Row, c.Text
	}
	return Blocker, "対策・措置の有無が開示されていません", "the measure is not disclosed", nil, ""
}

var presenceJa = map[Presence]string{
	PresenceUnknown: "有無の記載なし", PresenceYes: "有り", PresenceNo: "無し", PresenceWithheld: "非公開",
	PresenceConditional: "条件付き・オプション", PresenceMixed: "有無が混在",
}

// judgeMinimum compares the notice period with the minimum.
func judgeMinimum(st itemStatements, minimum int64, minText string) (severity, ja, en string, row *int, text string) {
	var best *Span
	var bestRow *int
	var bestText string
	for _, c := range st.claims {
		if s, ok := c.Value.(string); ok {
			if sec, err := ParseDuration(s); err == nil {
				best, bestRow, bestText = &Span{Seconds: sec, Text: s}, c.Row, c.Text
			}
		}
	}
	if best == nil {
		for i, t := range st.texts {
			if sp, ok := ParseSpan(t); ok {
				best, bestRow, bestText = &sp, &st.rows[i], t
				break
			}
		}
	}
	switch {
	case best == nil && len(st.rows) == 0 && len(st.claims) == 0:
		return Blocker, "告知時期が開示されていません", "the notice period is not disclosed", nil, ""
	case best == nil:
		t := ""
		if len(st.texts) > 0 {
			t = st.texts[0]
		}
		return Review, "告知時期を期間として読み取れません", "the notice period cannot be read as a duration", bestRow, t
	case best.Seconds < minimum:
		return Blocker, fmt.Sprintf("告知時期 %s が最低水準 %s を下回っています", best.Text, minText), fmt.Sprintf("notice period %s is below the minimum %s", best.Text, minText), bestRow, bestText
	}
	return "", "", "", nil, ""
}
