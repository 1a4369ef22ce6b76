package claims

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/mattn/go-runewidth"

	"github.com/kaiji-dev/kaiji/internal/catalog"
)

// WriteReadiness writes a readiness check as text, in Japanese (lang "ja")
// or English.
func WriteReadiness(w io.Writer, r *Readiness, lang string) error {
	ja := lang == "ja"
	var b strings.Builder
	if ja {
		fmt.Fprintf(&b, "認定審査基準（ASPIC 認定制度の概要 5(2)）に照らした準備状況 · 版 %s\n", r.Edition)
	} else {
		fmt.Fprintf(&b, "Certification readiness (ASPIC scheme overview §5(2)) · edition %s\n", r.Edition)
	}
	switch {
	case r.Ready && ja:
		fmt.Fprintf(&b, "準備完了: 非認定要因なし、要確認 %d 件\n", r.Reviews)
	case r.Ready:
		fmt.Fprintf(&b, "READY: no blockers, %d to review\n", r.Reviews)
	case ja:
		fmt.Fprintf(&b, "未達: 非認定要因 %d 件、要確認 %d 件\n", r.Blockers, r.Reviews)
	default:
		fmt.Fprintf(&b, "NOT READY: %d blockers, %d to review\n", r.Blockers, r.Reviews)
	}
	if !r.Checked.Sheet {
		if ja {
			b.WriteString("注: シートを含まないため、必須開示項目の開示は確認していません（claims import で取り込んだファイルを指定してください）\n")
		} else {
			b.WriteString("note: no sheet in the claims file, so disclosure of every mandatory item was not checked (use a file made by claims import)\n")
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if len(r.Findings) == 0 {
		return nil
	}
	rows := [][]string{{"ITEM", "NAME", "CHECK", "SEVERITY", "FINDING"}}
	if ja {
		rows[0] = []string{"項目", "名称", "確認", "判定", "内容"}
	}
	for _, f := range r.Findings {
		name, msg := f.NameEn, f.En
		if ja || name == "" {
			name = f.Name
		}
		if ja {
			msg = f.Ja
		}
		if f.Text != "" {
			msg += fmt.Sprintf(" — %q", shorten(f.Text, 40))
		}
		check, sev := f.Check, f.Severity
		if ja {
			check, sev = checkJa[check], severityJa[sev]
		}
		rows = append(rows, []string{fmt.Sprint(f.Item), name, check, sev, msg})
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return err
	}
	return WriteAligned(w, rows)
}

var (
	checkJa    = map[string]string{CheckMandatory: "必須項目の開示", CheckMeasure: "対策・措置の実施", CheckMinimum: "最低水準数値"}
	severityJa = map[string]string{Blocker: "非認定要因", Review: "要確認"}
)

// WriteAligned writes rows as columns aligned by display width, so that
// Japanese (two columns per character) lines up.
func WriteAligned(w io.Writer, rows [][]string) error {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], runewidth.StringWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-runewidth.StringWidth(c)+2))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Suggestion is a claim the infrastructure supports, with its evidence.
type Suggestion struct {
	Claim    Claim
	Evidence []string // file:line
}

// WriteSheetRows writes suggestions as rows of the disclosure table in
// Markdown, with the guideline's requirement text and an evidence column
// (疎明資料), so an operator can fill in a sheet that is true.
func WriteSheetRows(w io.Writer, edition string, ss []Suggestion) error {
	cat := catalog.Default()
	var b strings.Builder
	b.WriteString("| No. | サービスレベル項目例 | 規程内容 | 必須/選択 | 内容 | 疎明資料 (evidence) |\n|---|---|---|---|---|---|\n")
	type row struct {
		item            int
		name, req, mand string
		texts           []string
		evidence        []string
	}
	var rows []*row
	index := map[string]*row{}
	for _, s := range ss {
		it, _ := cat.Lookup(edition, s.Claim.Item)
		req, mand := requirementFor(it, s.Claim.Key)
		id := fmt.Sprintf("%d\x00%s", s.Claim.Item, req)
		r := index[id]
		if r == nil {
			r = &row{item: s.Claim.Item, name: it.NameJa, req: req, mand: mand}
			index[id] = r
			rows = append(rows, r)
		}
		r.texts = append(r.texts, s.Claim.Text)
		r.evidence = append(r.evidence, s.Evidence...)
	}
	for _, r := range rows {
		slices.Sort(r.evidence)
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s |\n", r.item, cell(r.name), cell(r.req), r.mand, cell(joinPhrases(r.texts)), cell(strings.Join(slices.Compact(r.evidence), " ")))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// joinPhrases joins the phrases of one sheet row: 「有り」 and 「有り 1年以上
// 保管しています」 become the latter; 「1回/1日」 and 「7世代」 become 「1回/1日、7世代」.
func joinPhrases(ps []string) string {
	qualified := false
	for _, p := range ps {
		qualified = qualified || strings.HasPrefix(p, "有り ")
	}
	var out []string
	for _, p := range ps {
		if p == "有り" && qualified {
			continue
		}
		if len(out) > 0 && strings.HasPrefix(p, "有り ") {
			p = strings.TrimPrefix(p, "有り ")
		}
		out = append(out, p)
	}
	return strings.Join(out, "、")
}

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// requirementFor finds the sub-requirement (規程内容) of an item a key
// answers, by the importer's rule for it, and whether it is 必須 or 選択.
func requirementFor(it catalog.Item, key string) (text, mandatory string) {
	iot := it.IoTNumber
	if it.Edition == catalog.EditionIoT {
		iot = it.Number
	}
	for _, r := range rules {
		if (r.asp == 0 && r.iot != iot) || (r.asp != 0 && (it.Edition != catalog.EditionASPSaaS || r.asp != it.Number)) || !ruleHasKey(r, key) {
			continue
		}
		for _, req := range it.Requirements {
			if r.match == nil || r.match.MatchString(Clean(req.TextJa)) {
				return req.TextJa, mandatoryJa(req.Mandatory, it.Mandatory)
			}
		}
	}
	if len(it.Requirements) > 0 {
		return it.Requirements[0].TextJa, mandatoryJa(it.Requirements[0].Mandatory, it.Mandatory)
	}
	return "", mandatoryJa("", it.Mandatory)
}

func mandatoryJa(ms ...catalog.Mandatory) string {
	for _, m := range ms {
		switch m {
		case catalog.Required:
			return "必須"
		case catalog.Optional:
			return "選択"
		}
	}
	return "必須"
}

func ruleHasKey(r rule, key string) bool {
	for _, k := range r.keys {
		if k.key == key {
			return true
		}
	}
	return false
}
