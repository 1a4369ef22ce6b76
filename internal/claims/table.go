package claims

import (
	"regexp"
	"strconv"
	"strings"
)

// DefaultColumns are the columns of the guideline's disclosure table as
// published sheets print them (seed 002); used when a sheet has no header.
var DefaultColumns = []string{"No.", "種別", "サービスレベル項目例", "規程内容", "必須/選択 (注1)", "内容"}

// layout says which column holds what.
type layout struct {
	columns []string
	no      int
	desc    []int // 種別, 項目例, 規程内容 … in order
	mand    int
	content int
}

func newLayout(columns []string) layout {
	l := layout{columns: columns, no: -1, mand: -1, content: -1}
	for i, c := range columns {
		k := strings.ToLower(Clean(c))
		switch {
		case l.no < 0 && (k == "no" || k == "no." || k == "番号" || k == "項番" || k == "項目番号" || k == "#"):
			l.no = i
		case l.mand < 0 && strings.Contains(k, "必須"):
			l.mand = i
		}
	}
	if l.no < 0 {
		l.no = 0
	}
	if l.mand < 0 {
		l.mand = len(columns) - 2
	}
	for i := len(columns) - 1; i > l.mand; i-- {
		if k := Clean(columns[i]); strings.Contains(k, "内容") || strings.Contains(k, "回答") || strings.Contains(k, "開示") {
			l.content = i
			break
		}
	}
	if l.content < 0 {
		l.content = len(columns) - 1
	}
	for i := range columns {
		if i != l.no && i != l.mand && i != l.content && i < l.content {
			l.desc = append(l.desc, i)
		}
	}
	return l
}

// sheetRow is one row of the sheet, understood.
type sheetRow struct {
	index       int // in Sheet.Rows
	pos         string
	section     bool
	item        int // 0 before the first numbered row
	numbered    bool
	name        string // サービスレベル項目例 (inherited by continuation rows)
	requirement string // 規程内容
	mandatory   string
	content     string
}

var itemNoRe = regexp.MustCompile(`^(?:no\.?|項番)?(\d{1,3})$`)

// itemNumber reads an item-number cell ("54", "No.54", "５４").
func itemNumber(s string) (int, bool) {
	m := itemNoRe.FindStringSubmatch(strings.ToLower(Clean(s)))
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil && n > 0
}

func isMandatoryCell(s string) bool {
	switch Clean(s) {
	case "必須", "選択", "任意":
		return true
	}
	return false
}

func isHeader(cells []string) bool {
	mand, content := false, false
	for _, c := range cells {
		c = Clean(c)
		mand = mand || strings.Contains(c, "必須")
		content = content || strings.Contains(c, "内容") || strings.Contains(c, "回答")
	}
	return mand && content && !isMandatoryCellAny(cells)
}

func isMandatoryCellAny(cells []string) bool {
	for _, c := range cells {
		if isMandatoryCell(c) {
			return true
		}
	}
	return false
}

// buildTable turns the raw rows into the sheet's own table, each row aligned
// to its columns, and the understood rows. Published sheets shift cells
// where the original had merged cells (a row without its 種別, a
// continuation row without its item number); the 必須/選択 cell anchors
// each row: what precedes it describes the requirement, what follows it is
// the statement.
func buildTable(raw []rawRow) (*Sheet, []sheetRow) {
	start := 0
	columns := DefaultColumns
	for i, r := range raw {
		if r.note {
			continue
		}
		if isHeader(r.cells) {
			columns = trimTrailing(r.cells)
			start = i + 1
			break
		}
		if isMandatoryCellAny(r.cells) {
			break
		}
	}
	l := newLayout(columns)
	sheet := &Sheet{Columns: append([]string(nil), columns...)}
	var rows []sheetRow
	item, name := 0, ""
	for i, r := range raw {
		cells := trimTrailing(r.cells)
		if len(cells) == 0 || (i < start && isHeader(cells)) {
			continue
		}
		if r.note || i < start {
			// Title and footnote lines (注1 …) are kept, not read.
			sheet.Notes = append(sheet.Notes, strings.Join(nonEmpty(cells), " "))
			continue
		}
		cells = l.fillMerged(cells, r.merged)
		sr, aligned := l.align(cells)
		sr.pos = r.pos
		sr.index = len(sheet.Rows)
		switch {
		case sr.section:
		case sr.numbered:
			item, name = sr.item, sr.name
		default:
			sr.item = item
			if sr.name == "" {
				sr.name = name
			}
		}
		sheet.Rows = append(sheet.Rows, aligned)
		rows = append(rows, sr)
	}
	return sheet, rows
}

// fillMerged gives the 必須/選択 and 内容 cells of a row the value of the
// merged range they lie in. Other merged cells (No., 種別, 項目) stay empty,
// as in the published text, so the row still reads as a continuation.
func (l layout) fillMerged(cells []string, merged map[int]string) []string {
	if len(merged) == 0 {
		return cells
	}
	for _, col := range []int{l.mand, l.content} {
		v, ok := merged[col]
		if !ok || v == "" {
			continue
		}
		for len(cells) <= col {
			cells = append(cells, "")
		}
		if cells[col] == "" {
			cells[col] = v
		}
	}
	return cells
}

// align places one row's cells in the layout's columns.
func (l layout) align(cells []string) (sheetRow, []string) {
	out := make([]string, len(l.columns))
	var sr sheetRow
	// A well-formed row: the 必須/選択 cell where the header says.
	if l.mand < len(cells) && isMandatoryCell(cells[l.mand]) && len(cells) <= len(l.columns)+1 {
		copy(out, cells)
		if len(cells) > len(l.columns) && cells[len(cells)-1] != "" {
			out[l.content] = strings.TrimSpace(out[l.content] + " " + cells[len(cells)-1])
		}
		sr.item, sr.numbered = itemNumber(out[l.no])
		sr.mandatory, sr.content = out[l.mand], out[l.content]
		sr.requirement, sr.name = l.descriptors(out)
		return sr, out
	}
	n, numbered := itemNumber(cells[0])
	rest := cells
	if numbered {
		rest = cells[1:]
		out[l.no] = cells[0]
	}
	m := -1
	for i, c := range rest {
		if isMandatoryCell(c) {
			m = i
			break
		}
	}
	var desc []string
	switch {
	case m >= 0:
		desc = nonEmpty(rest[:m])
		out[l.mand] = rest[m]
		out[l.content] = strings.Join(nonEmpty(rest[m+1:]), " ")
	case !numbered && len(nonEmpty(cells)) == 1:
		// A category row (大分類): one label, as published.
		out[0] = nonEmpty(cells)[0]
		return sheetRow{section: true, name: out[0]}, out
	default:
		ne := nonEmpty(rest)
		if len(ne) > 0 {
			out[l.content] = ne[len(ne)-1]
			desc = ne[:len(ne)-1]
		}
	}
	// Descriptors fill the descriptor columns from the right: a shifted row
	// lacks its leading (merged) cells, never the requirement.
	if len(desc) > len(l.desc) && len(l.desc) > 0 {
		extra := len(desc) - len(l.desc) + 1
		desc = append([]string{strings.Join(desc[:extra], " ")}, desc[extra:]...)
	}
	for i := range desc {
		if len(l.desc) == 0 {
			break
		}
		out[l.desc[len(l.desc)-len(desc)+i]] = desc[i]
	}
	sr.item, sr.numbered = n, numbered
	sr.mandatory, sr.content = out[l.mand], out[l.content]
	sr.requirement, sr.name = l.descriptors(out)
	return sr, out
}

// descriptors returns the requirement (last descriptor) and the item name
// (the one before it), when present.
func (l layout) descriptors(out []string) (requirement, name string) {
	if len(l.desc) == 0 {
		return "", ""
	}
	requirement = out[l.desc[len(l.desc)-1]]
	if len(l.desc) >= 2 {
		name = out[l.desc[len(l.desc)-2]]
	}
	return requirement, name
}

func trimTrailing(cells []string) []string {
	n := len(cells)
	for n > 0 && strings.TrimSpace(cells[n-1]) == "" {
		n--
	}
	return cells[:n]
}

func nonEmpty(cells []string) []string {
	var out []string
	for _, c := range cells {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}
