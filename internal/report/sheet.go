package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/mattn/go-runewidth"
	"github.com/xuri/excelize/v2"

	"github.com/kaiji-dev/kaiji/internal/results"
)

// SheetFormatFor lets "sheet" follow the output file's extension: a .xlsx
// file gets the workbook, a .md file the Markdown table; anything else, and
// every other format, is left as asked.
func SheetFormatFor(format, output string) string {
	if format != FormatSheet {
		return format
	}
	switch strings.ToLower(filepath.Ext(output)) {
	case ".xlsx":
		return FormatSheetXLSX
	case ".md", ".markdown":
		return FormatSheetMarkdown
	}
	return format
}

// FilledSheet is the published disclosure sheet with two columns added:
// 判定 (the verdict of the claims of each row, worst first) and 疎明資料
// (the evidence: file:line and resource). When the run has no sheet (the
// claims were written by hand), one row per claim is synthesized.
type FilledSheet struct {
	Columns []string
	Rows    [][]string
	// Verdicts holds each row's worst claim verdict ("" for rows without claims).
	Verdicts []string
}

// Fill builds the filled sheet of a run.
func Fill(r *results.Run, lang string) FilledSheet {
	verdictCol, evidenceCol := "判定", "疎明資料"
	if lang != "ja" {
		verdictCol, evidenceCol = "判定 (verdict)", "疎明資料 (evidence)"
	}
	var fs FilledSheet
	byRow := map[int][]results.Claim{}
	if r.Sheet != nil {
		fs.Columns = append(slices.Clone(r.Sheet.Columns), verdictCol, evidenceCol)
		for _, c := range r.Claims {
			if c.Row != nil {
				byRow[*c.Row] = append(byRow[*c.Row], c)
			}
		}
		for i, row := range r.Sheet.Rows {
			cells := slices.Clone(row)
			for len(cells) < len(r.Sheet.Columns) {
				cells = append(cells, "")
			}
			v, verdict, ev := fillCells(byRow[i], lang)
			fs.Rows = append(fs.Rows, append(cells, verdict, ev))
			fs.Verdicts = append(fs.Verdicts, v)
		}
		// Claims that name no row of the sheet still belong in it.
		for _, c := range r.Claims {
			if c.Row == nil || *c.Row < 0 || *c.Row >= len(r.Sheet.Rows) {
				cells := make([]string, len(r.Sheet.Columns))
				if len(cells) > 0 {
					cells[0] = fmt.Sprint(c.Item)
				}
				if len(cells) > 1 {
					cells[len(cells)-1] = c.Text
				}
				v, verdict, ev := fillCells([]results.Claim{c}, lang)
				fs.Rows = append(fs.Rows, append(cells, verdict, ev))
				fs.Verdicts = append(fs.Verdicts, v)
			}
		}
		return fs
	}
	fs.Columns = []string{"項番", "開示項目キー", "開示内容", "開示値", verdictCol, evidenceCol}
	if lang != "ja" {
		fs.Columns[0], fs.Columns[1], fs.Columns[2], fs.Columns[3] = "項番 (item)", "キー (key)", "開示内容 (text)", "開示値 (value)"
	}
	for _, c := range r.Claims {
		v, verdict, ev := fillCells([]results.Claim{c}, lang)
		fs.Rows = append(fs.Rows, []string{fmt.Sprint(c.Item), c.Key, c.Text, claimed(c.Claimed), verdict, ev})
		fs.Verdicts = append(fs.Verdicts, v)
	}
	return fs
}

// fillCells writes the 判定 and 疎明資料 cells for a row's claims.
func fillCells(cs []results.Claim, lang string) (worst, verdict, evidence string) {
	if len(cs) == 0 {
		return "", "", ""
	}
	var vs, es []string
	inEs := map[string]bool{} // what es holds: a cell over 100k resources
	worst = cs[0].Verdict
	for _, c := range cs {
		if claimRank(c.Verdict) < claimRank(worst) {
			worst = c.Verdict
		}
		v := label(c.Verdict, lang)
		if c.Waived != nil {
			v += tr(lang, "（免除）", " (waived)")
		}
		if len(cs) > 1 {
			v = c.Key + ": " + v
		}
		vs = append(vs, v)
		for _, e := range evidenceLines(c.Evidence) {
			if !inEs[e] {
				inEs[e] = true
				es = append(es, e)
			}
		}
		if len(c.Evidence) == 0 {
			reason := oneLine(c.Reason.In(lang))
			inEs[reason] = true
			es = append(es, reason)
		}
	}
	return worst, strings.Join(vs, "\n"), strings.Join(es, "\n")
}

// SheetCSV writes the filled sheet as CSV, UTF-8 with a byte-order mark so
// that Excel opens the Japanese text correctly.
type SheetCSV struct {
	opts Options
}

// Report implements Reporter.
func (s *SheetCSV) Report(_ context.Context, w io.Writer, r *results.Run) error {
	fs := Fill(r, s.opts.Lang)
	var b bytes.Buffer
	b.WriteString("\ufeff")
	cw := csv.NewWriter(&b)
	cw.UseCRLF = true
	if err := cw.Write(fs.Columns); err != nil {
		return err
	}
	for _, row := range fs.Rows {
		safe := make([]string, len(row))
		for i, c := range row {
			safe[i] = csvSafe(c)
		}
		if err := cw.Write(safe); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// csvSafe keeps a spreadsheet from reading a cell as a formula (CSV
// injection): a cell starting with = + - @ or a control character gets a
// leading apostrophe, unless it is just a number or a dash. The workbook
// needs no such care: its cells are typed as strings.
func csvSafe(c string) string {
	if c == "" || strings.IndexByte("=+-@\t\r", c[0]) < 0 || c == "-" {
		return c
	}
	if _, err := strconv.ParseFloat(c, 64); err == nil {
		return c
	}
	return "'" + c
}

// SheetMarkdown writes the filled sheet as a Markdown table.
type SheetMarkdown struct {
	opts Options
}

// Report implements Reporter.
func (s *SheetMarkdown) Report(_ context.Context, w io.Writer, r *results.Run) error {
	fs := Fill(r, s.opts.Lang)
	var b strings.Builder
	title := tr(s.opts.Lang, "情報開示シート（判定・疎明資料付き）", "Disclosure sheet with verdicts and evidence (判定・疎明資料)")
	if r.Service != "" {
		title += " — " + r.Service
	}
	fmt.Fprintf(&b, "# %s\n\n", mdEscape(title))
	cell := func(s string) string {
		return strings.ReplaceAll(mdEscape(strings.TrimSpace(s)), "\n", "<br>")
	}
	row := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + cell(c) + " |")
		}
		b.WriteString("\n")
	}
	row(fs.Columns)
	b.WriteString("|" + strings.Repeat("---|", len(fs.Columns)) + "\n")
	for _, r := range fs.Rows {
		row(r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// SheetXLSX writes the filled sheet as an Excel workbook: one worksheet,
// header row frozen, verdict cells coloured, text wrapped. The workbook has
// fixed document properties, so the same run gives the same bytes.
type SheetXLSX struct {
	opts Options
}

// Report implements Reporter.
func (s *SheetXLSX) Report(_ context.Context, w io.Writer, r *results.Run) error {
	fs := Fill(r, s.opts.Lang)
	f := excelize.NewFile()
	defer f.Close()
	const name = "情報開示"
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Creator: "kaiji", LastModifiedBy: "kaiji", Title: "情報開示 判定・疎明資料",
		Created: "2000-01-01T00:00:00Z", Modified: "2000-01-01T00:00:00Z", Language: s.opts.Lang,
	}); err != nil {
		return err
	}
	header, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"D9E1F2"}, Pattern: 1},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}, Border: borders()})
	if err != nil {
		return err
	}
	body, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}, Border: borders()})
	if err != nil {
		return err
	}
	verdictStyles := map[string]int{}
	// Styles are created in a fixed order: their ids end up in the file.
	for _, vc := range [][2]string{{results.Supported, "E2EFDA"}, {results.Contradicted, "F8CBAD"}, {results.Unproven, "FFF2CC"}, {results.NotCheckable, "EDEDED"}} {
		v, color := vc[0], vc[1]
		id, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{color}, Pattern: 1},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}, Border: borders()})
		if err != nil {
			return err
		}
		verdictStyles[v] = id
	}
	for i, c := range fs.Columns {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(name, cell, c); err != nil {
			return err
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(fs.Columns), 1)
	if err := f.SetCellStyle(name, "A1", last, header); err != nil {
		return err
	}
	for ri, row := range fs.Rows {
		for ci, c := range row {
			cell, _ := excelize.CoordinatesToCellName(ci+1, ri+2)
			if err := f.SetCellStr(name, cell, c); err != nil {
				return err
			}
		}
		first, _ := excelize.CoordinatesToCellName(1, ri+2)
		end, _ := excelize.CoordinatesToCellName(len(row), ri+2)
		if err := f.SetCellStyle(name, first, end, body); err != nil {
			return err
		}
		if st, ok := verdictStyles[fs.Verdicts[ri]]; ok {
			vc, _ := excelize.CoordinatesToCellName(len(row)-1, ri+2)
			if err := f.SetCellStyle(name, vc, vc, st); err != nil {
				return err
			}
		}
	}
	widths := make([]float64, len(fs.Columns))
	for i := range fs.Columns {
		col, _ := excelize.ColumnNumberToName(i + 1)
		widths[i] = 14
		switch {
		case i == len(fs.Columns)-1:
			widths[i] = 70
		case i == len(fs.Columns)-2:
			widths[i] = 26
		case len(fs.Rows) > 0 && maxLen(fs.Rows, i) > 20:
			widths[i] = 40
		}
		if err := f.SetColWidth(name, col, col, widths[i]); err != nil {
			return err
		}
	}
	// Row heights are set from the wrapped text, as not every application
	// fits them on opening; the same content gives the same heights.
	if err := f.SetRowHeight(name, 1, rowHeight(fs.Columns, widths)); err != nil {
		return err
	}
	for ri, row := range fs.Rows {
		if err := f.SetRowHeight(name, ri+2, rowHeight(row, widths)); err != nil {
			return err
		}
	}
	// Printed: A4 landscape, one page wide, the header row on every page.
	landscape, a4, one, any := "landscape", 9, 1, 0
	if err := f.SetPageLayout(name, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &any}); err != nil {
		return err
	}
	fit := true
	if err := f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + name + "'!$1:$1", Scope: name}); err != nil {
		return err
	}
	if err := f.SetPanes(name, &excelize.Panes{Freeze: true, Split: false, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// rowHeight estimates the height in points of a row whose cells wrap in
// columns of the given widths (in characters; CJK characters take two).
func rowHeight(cells []string, widths []float64) float64 {
	lines := 1
	for i, c := range cells {
		if i >= len(widths) {
			break
		}
		n := 0
		for _, l := range strings.Split(c, "\n") {
			n += max(1, int(math.Ceil(float64(runewidth.StringWidth(l))/(widths[i]-1))))
		}
		lines = max(lines, n)
	}
	return min(409, 4+15*float64(lines))
}

func borders() []excelize.Border {
	var out []excelize.Border
	for _, t := range []string{"left", "top", "right", "bottom"} {
		out = append(out, excelize.Border{Type: t, Color: "BFBFBF", Style: 1})
	}
	return out
}

func maxLen(rows [][]string, col int) int {
	n := 0
	for _, r := range rows {
		if col < len(r) {
			n = max(n, len([]rune(r[col])))
		}
	}
	return n
}
