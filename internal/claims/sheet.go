package claims

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
)

// Sheet formats claims import reads.
const (
	FormatMarkdown = "md"   // Markdown or plain pipe tables, as published sheets are extracted
	FormatCSV      = "csv"  // comma-separated, UTF-8 or Shift_JIS (Excel's Japanese CSV)
	FormatTSV      = "tsv"  // tab-separated
	FormatXLSX     = "xlsx" // Excel workbook: the first sheet with a disclosure table
)

// SheetFormats lists the formats claims import reads.
func SheetFormats() []string { return []string{FormatMarkdown, FormatCSV, FormatTSV, FormatXLSX} }

// DetectFormat guesses a sheet's format from its name, then its content.
func DetectFormat(name string, data []byte) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		return FormatXLSX
	case ".csv":
		return FormatCSV
	case ".tsv", ".tab":
		return FormatTSV
	case ".md", ".markdown", ".txt":
		return FormatMarkdown
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return FormatXLSX
	case bytes.Count(data, []byte("|")) > bytes.Count(data, []byte("\n")):
		return FormatMarkdown
	case bytes.Count(data, []byte("\t")) > bytes.Count(data, []byte(",")):
		return FormatTSV
	}
	return FormatCSV
}

// rawRow is one physical row of the sheet file, with where it is.
type rawRow struct {
	cells []string
	pos   string // "line 12" or "Sheet1 row 12"
	note  bool   // a line outside the table (title, 注1 …)
	// merged marks cells that are empty in the file but lie in a merged
	// range (xlsx): merged[i] holds the range's value.
	merged map[int]string
}

// readRows reads a sheet file's table rows, in order.
func readRows(data []byte, format string) ([]rawRow, error) {
	switch format {
	case FormatMarkdown:
		return readPipe(toUTF8(data)), nil
	case FormatCSV, FormatTSV:
		return readDelimited(toUTF8(data), format)
	case FormatXLSX:
		return readXLSX(data)
	}
	return nil, fmt.Errorf("unknown sheet format %q (want %s)", format, strings.Join(SheetFormats(), ", "))
}

// toUTF8 drops a byte-order mark and decodes Shift_JIS (Windows-31J),
// which Excel writes for Japanese CSV, when the data is not UTF-8.
func toUTF8(data []byte) []byte {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if utf8.Valid(data) {
		return data
	}
	out, _, err := transform.Bytes(japanese.ShiftJIS.NewDecoder(), data)
	if err != nil {
		return bytes.ToValidUTF8(data, []byte("\uFFFD"))
	}
	return out
}

// readPipe reads the rows of Markdown and pipe tables: every line with a
// '|'. Separator lines (---|---) and lines outside tables are skipped.
func readPipe(data []byte) []rawRow {
	var rows []rawRow
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if !strings.Contains(line, "|") {
			if line != "" {
				rows = append(rows, rawRow{cells: []string{line}, pos: fmt.Sprintf("line %d", i+1), note: true})
			}
			continue
		}
		line = strings.ReplaceAll(line, `\|`, "\x00")
		line = strings.TrimPrefix(line, "|")
		line = strings.TrimSuffix(line, "|")
		parts := strings.Split(line, "|")
		cells := make([]string, len(parts))
		sep := true
		for j, p := range parts {
			p = strings.TrimSpace(strings.ReplaceAll(p, "\x00", "|"))
			cells[j] = p
			if strings.Trim(p, ":-") != "" || p == "" && len(parts) == 1 {
				sep = false
			}
		}
		if sep && strings.Contains(line, "-") {
			continue
		}
		rows = append(rows, rawRow{cells: cells, pos: fmt.Sprintf("line %d", i+1)})
	}
	return rows
}

func readDelimited(data []byte, format string) ([]rawRow, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	if format == FormatTSV {
		r.Comma = '\t'
	}
	var rows []rawRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", format, err)
		}
		line, _ := r.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		rows = append(rows, rawRow{cells: rec, pos: fmt.Sprintf("line %d", line)})
	}
	return rows, nil
}

// readXLSX reads the first worksheet that holds a disclosure table (a row
// with a 必須 header or cell), else the first worksheet. Merged cells hold
// their value in the top-left cell only, which is how continuation rows
// look in the published sheets anyway.
func readXLSX(data []byte) ([]rawRow, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("open xlsx: %w", err)
	}
	defer func() { _ = f.Close() }()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fmt.Errorf("open xlsx: no worksheets")
	}
	var first []rawRow
	for k, name := range sheets {
		rs, err := f.GetRows(name)
		if err != nil {
			return nil, fmt.Errorf("read worksheet %q: %w", name, err)
		}
		rows := make([]rawRow, 0, len(rs))
		table := false
		for i, rec := range rs {
			for j := range rec {
				rec[j] = strings.TrimSpace(rec[j])
				if isMandatoryCell(rec[j]) || strings.Contains(rec[j], "必須") {
					table = true
				}
			}
			rows = append(rows, rawRow{cells: rec, pos: fmt.Sprintf("%s row %d", name, i+1)})
		}
		if err := markMerged(f, name, rows); err != nil {
			return nil, err
		}
		if table {
			return rows, nil
		}
		if k == 0 {
			first = rows
		}
	}
	return first, nil
}

// markMerged records, for the cells of a merged range below or right of its
// top-left cell, the range's value: a 必須 or 内容 cell merged over several
// requirement rows answers each of them.
func markMerged(f *excelize.File, sheet string, rows []rawRow) error {
	mcs, err := f.GetMergeCells(sheet)
	if err != nil {
		return fmt.Errorf("read worksheet %q: %w", sheet, err)
	}
	for _, mc := range mcs {
		c1, r1, err1 := excelize.CellNameToCoordinates(mc.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(mc.GetEndAxis())
		if err1 != nil || err2 != nil || r2-r1 > 10000 || c2-c1 > 100 {
			continue
		}
		v := strings.TrimSpace(mc.GetCellValue())
		for r := r1; r <= r2 && r <= len(rows); r++ {
			for c := c1; c <= c2; c++ {
				if r == r1 && c == c1 {
					continue
				}
				row := &rows[r-1]
				if row.merged == nil {
					row.merged = map[int]string{}
				}
				row.merged[c-1] = v
			}
		}
	}
	return nil
}
