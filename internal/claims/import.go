package claims

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/kaiji-dev/kaiji/internal/catalog"
)

// ImportOptions are the options of Import.
type ImportOptions struct {
	// Format is one of SheetFormats; empty detects it from the name.
	Format string
	// Edition is the item numbering of the sheet; empty detects it.
	Edition string
}

// Warning is a statement import could not normalize, or a sheet problem,
// with the row it is on.
type Warning struct {
	File string `json:"file"`
	Pos  string `json:"pos"`           // "line 97", "Sheet1 row 40"
	Row  int    `json:"row"`           // index in Sheet.Rows
	Item int    `json:"item,omitzero"` // item number in the sheet's edition
	Key  string `json:"key,omitempty"`
	Msg  string `json:"msg"`

	claim int // 1 + index of the claim it is about, 0 for none
}

// String writes the warning as "file: line N: item I key: message".
func (w Warning) String() string {
	where := w.File
	if w.Pos != "" {
		where += ": " + w.Pos
	}
	if w.Item > 0 {
		where += fmt.Sprintf(": item %d", w.Item)
	}
	if w.Key != "" {
		where += " " + w.Key
	}
	return where + ": " + w.Msg
}

// ImportStats counts what an import read and made.
type ImportStats struct {
	Rows             int    `json:"rows"`              // table rows read, category rows included
	Statements       int    `json:"statements"`        // rows with an item number or continuing one
	Claims           int    `json:"claims"`            // claims made
	Normalized       int    `json:"normalized"`        // claims with a value
	Null             int    `json:"null"`              // claims kept with value: null
	Edition          string `json:"edition"`           // the edition used
	EditionDetected  bool   `json:"edition_detected"`  // whether it was detected
	EditionMatches   int    `json:"edition_matches"`   // item names that matched the edition's catalog
	UnknownItemNames int    `json:"unknown_item_rows"` // numbered rows whose item the catalog does not know
	Unevaluated      int    `json:"unevaluated"`       // claims whose key no built-in policy lists (reported unproven)
}

// ImportResult is an imported sheet.
type ImportResult struct {
	Disclosure *Disclosure
	Warnings   []Warning
	Stats      ImportStats
}

// Import reads a published disclosure sheet (Markdown/pipe table, CSV, TSV
// or Excel) and makes a claims file of it: every statement of an
// infrastructure-relevant item becomes a claim with its normalized value
// and original text, or with a nil value and a warning naming the row when
// it cannot be normalized. The sheet's whole table is kept in
// Disclosure.Sheet, so nothing is dropped, and each claim records its row.
func Import(file string, data []byte, opts ImportOptions) (*ImportResult, error) {
	format := opts.Format
	if format == "" {
		format = DetectFormat(file, data)
	}
	if bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0")) {
		return nil, fmt.Errorf("import %s: an Excel 97–2003 workbook (.xls): save it as .xlsx or CSV", file)
	}
	raw, err := readRows(data, format)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", file, err)
	}
	sheet, rows := buildTable(raw)
	sheet.File = file
	res := &ImportResult{Stats: ImportStats{Rows: len(sheet.Rows)}}
	if len(rows) == 0 {
		return nil, fmt.Errorf("import %s: no table rows found (want a disclosure table with 必須/選択 and 内容 columns)", file)
	}
	cat := catalog.Default()
	edition := opts.Edition
	switch edition {
	case "":
		edition, res.Stats.EditionMatches = detectEdition(cat, rows)
		res.Stats.EditionDetected = true
	case catalog.EditionIoT, catalog.EditionASPSaaS:
		_, res.Stats.EditionMatches = scoreEdition(cat, edition, rows)
	default:
		return nil, fmt.Errorf("import %s: unknown edition %q (want %s)", file, edition, strings.Join(catalog.Editions(), " or "))
	}
	res.Stats.Edition = edition
	numbered := 0
	for _, r := range rows {
		if r.numbered {
			numbered++
		}
	}
	if numbered >= 5 && res.Stats.EditionMatches*2 < numbered {
		res.Warnings = append(res.Warnings, Warning{File: file, Row: -1, Msg: fmt.Sprintf(
			"only %d of %d numbered items are named as in the %s catalog: is the sheet in the other edition (--edition)?", res.Stats.EditionMatches, numbered, edition)})
	}
	im := &importer{file: file, edition: edition, cat: cat, res: res,
		d: &Disclosure{APIVersion: APIVersion, Kind: Kind, Edition: edition, Sheet: sheet, File: file}}
	serviceItem, _ := cat.Convert(catalog.EditionIoT, edition, 34)
	for _, r := range rows {
		if r.section || r.item == 0 {
			continue
		}
		res.Stats.Statements++
		if r.item == serviceItem && r.numbered && im.d.Service == "" {
			im.d.Service = serviceName(r.content)
		}
		im.checkItem(r)
		im.claimRow(r)
	}
	d := im.d
	generationsFromSpan(d, res)
	res.Disclosure = d
	return res, nil
}

// importer makes the claims of one sheet.
type importer struct {
	file, edition string
	cat           *catalog.Catalog
	res           *ImportResult
	d             *Disclosure
}

func (im *importer) warn(r sheetRow, key, format string, args ...any) {
	im.res.Warnings = append(im.res.Warnings, Warning{File: im.file, Pos: r.pos, Row: r.index, Item: r.item, Key: key, Msg: fmt.Sprintf(format, args...)})
}

// checkItem counts a numbered row whose item the catalog does not know or
// names differently, and warns about unknown items.
func (im *importer) checkItem(r sheetRow) {
	if !r.numbered {
		return
	}
	it, known := im.cat.Lookup(im.edition, r.item)
	if !known || (it.NameJa != "" && r.name != "" && !sameName(it.NameJa, r.name)) {
		im.res.Stats.UnknownItemNames++
	}
	if !known {
		im.warn(r, "", "item %d is not in the %s catalog", r.item, im.edition)
	}
}

// claimRow makes the claims of one statement by its item's rules.
func (im *importer) claimRow(r sheetRow) {
	st := &im.res.Stats
	var krs []keyRule
	if iot, ok := im.cat.Convert(im.edition, catalog.EditionIoT, r.item); ok {
		krs = rulesFor(iot, r.requirement, r.name)
	} else if im.edition == catalog.EditionASPSaaS {
		krs = aspRulesFor(r.item, r.requirement, r.name)
	}
	made := 0
	for _, k := range selectKeys(krs, r.content) {
		v, why := k.parse(r.content)
		if v == nil && k.optional {
			continue
		}
		row := r.index
		made++
		im.d.Claims = append(im.d.Claims, Claim{Item: r.item, Key: k.key, Value: v, Text: r.content, Row: &row})
		st.Claims++
		if _, known := LookupKey(k.key); !known {
			st.Unevaluated++
		}
		if v != nil {
			st.Normalized++
			continue
		}
		st.Null++
		im.warn(r, k.key, "value kept null: %s: %q", why, shorten(r.content, 40))
		im.res.Warnings[len(im.res.Warnings)-1].claim = len(im.d.Claims)
	}
	if made == 0 && len(krs) > 0 && strings.TrimSpace(r.content) != "" {
		im.warn(r, "", "statement not read as any claim of the item: %q", shorten(r.content, 40))
	}
}

// generationsFromSpan completes a generations claim stated as kept history
// (「7日分保持」) with the item's backup interval: 7 days of daily backups
// are 7 generations. The interval may come from the same statement or the
// item's interval claim.
func generationsFromSpan(d *Disclosure, res *ImportResult) {
	for i := range d.Claims {
		c := &d.Claims[i]
		if c.Key != "backup.generations" || c.Value != nil {
			continue
		}
		kept, ok := ParseKeptSpan(c.Text)
		if !ok {
			continue
		}
		every := int64(0)
		if f, ok := ParseInterval(c.Text); ok {
			every = f.Every
		}
		for _, o := range d.Claims {
			if every == 0 && o.Key == "backup.interval" && o.Item == c.Item {
				if s, ok := o.Value.(string); ok {
					every, _ = ParseDuration(s)
				}
			}
		}
		if every <= 0 || kept.Seconds < every {
			continue
		}
		c.Value = int(kept.Seconds / every)
		res.Stats.Null--
		res.Stats.Normalized++
		res.Warnings = slices.DeleteFunc(res.Warnings, func(w Warning) bool { return w.claim == i+1 })
	}
}

// detectEdition picks the edition whose catalog names the sheet's numbered
// rows best; asp-saas (the numbering of published sheets) on a tie.
func detectEdition(cat *catalog.Catalog, rows []sheetRow) (string, int) {
	asp, aspN := scoreEdition(cat, catalog.EditionASPSaaS, rows)
	iot, iotN := scoreEdition(cat, catalog.EditionIoT, rows)
	if iot > asp {
		return catalog.EditionIoT, iotN
	}
	return catalog.EditionASPSaaS, aspN
}

// scoreEdition counts the numbered rows whose item name matches the
// edition's catalog entry, minus those it does not know at all.
func scoreEdition(cat *catalog.Catalog, edition string, rows []sheetRow) (score, matches int) {
	for _, r := range rows {
		if !r.numbered {
			continue
		}
		it, ok := cat.Lookup(edition, r.item)
		switch {
		case !ok:
			score--
		case r.name != "" && sameName(it.NameJa, r.name):
			score += 2
			matches++
		}
	}
	return score, matches
}

var punctRe = regexp.MustCompile(`[\s()・、。「」/:,.-]`)

// sameName compares item names loosely: seed 002 writes カスタマイス for
// カスタマイズ and drops or adds particles.
func sameName(a, b string) bool {
	a, b = punctRe.ReplaceAllString(Clean(a), ""), punctRe.ReplaceAllString(Clean(b), "")
	if a == "" || b == "" {
		return false
	}
	return a == b || strings.Contains(a, b) || strings.Contains(b, a)
}

var serviceSuffixRe = regexp.MustCompile(`\s*[(（]以下.*$`)

// serviceName reads the service name cell: 「i-Reporterクラウド版サービス
// (以下"当サービス"と記述)」 → i-Reporterクラウド版サービス.
func serviceName(s string) string {
	return strings.TrimSpace(serviceSuffixRe.ReplaceAllString(s, ""))
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// ImportHeader is the comment block claims import writes at the top of the
// claims file it makes.
func ImportHeader(res *ImportResult) []string {
	st := res.Stats
	how := "given"
	if st.EditionDetected {
		how = fmt.Sprintf("detected: %d item names match its catalog", st.EditionMatches)
	}
	return []string{
		fmt.Sprintf("Imported by kaiji claims import from %s (edition %s, %s).", res.Disclosure.Sheet.File, st.Edition, how),
		fmt.Sprintf("%d table rows, %d statements; %d claims: %d normalized, %d kept with value: null.", st.Rows, st.Statements, st.Claims, st.Normalized, st.Null),
		fmt.Sprintf("%d claims use keys no built-in policy evaluates yet (kept for the record; scan reports them unproven).", st.Unevaluated),
		"A null value could not be read from the sheet's text (see the comment on it): fill it in or leave it unproven.",
		"sheet: is the published table as read, for the filled-in sheet report; row: is a claim's row in it.",
	}
}

// WarningNotes returns the warnings about claims as comments, by claim index.
func WarningNotes(res *ImportResult) map[int]string {
	notes := map[int]string{}
	for _, w := range res.Warnings {
		if w.claim > 0 {
			notes[w.claim-1] = w.Msg
		}
	}
	return notes
}
