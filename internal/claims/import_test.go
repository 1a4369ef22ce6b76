package claims

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
)

var update = flag.Bool("update", false, "rewrite golden files")

const seed002 = "testdata/sheets/seed002.md"

// sheetsDir is testdata/sheets, from this package.
var sheetsDir = filepath.Join("..", "..", "testdata", "sheets")

func importFile(t *testing.T, name string, opts ImportOptions) *ImportResult {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sheetsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Import("testdata/sheets/"+name, data, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(sheetsDir, name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (go test ./internal/claims -update): %v", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got); go test ./internal/claims -update if intended:\n%s", name, diff)
	}
}

// TestImportSeed002Claims is the sheet read by hand: what seed 002 says,
// as claims.
func TestImportSeed002Claims(t *testing.T) {
	res := importFile(t, "seed002.md", ImportOptions{})
	d := res.Disclosure
	if d.Edition != EditionASPSaaS || !res.Stats.EditionDetected {
		t.Errorf("edition = %q (detected %v), want asp-saas detected", d.Edition, res.Stats.EditionDetected)
	}
	if d.Service != "i-Reporterクラウド版サービス" {
		t.Errorf("service = %q", d.Service)
	}
	type kv struct {
		Item  int
		Key   string
		Value any // as in a claims file: strings, float64 numbers, []any lists
	}
	expected, err := LoadFile(filepath.Join(sheetsDir, "seed002.expected.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var want []kv
	for _, c := range expected.Claims {
		want = append(want, kv{c.Item, c.Key, c.Value})
	}
	if expected.Service != d.Service {
		t.Errorf("service = %q, want %q", d.Service, expected.Service)
	}
	var got []kv
	for _, c := range d.Claims {
		got = append(got, kv{c.Item, c.Key, jsonValue(c.Value)})
		if c.Row == nil || *c.Row >= len(d.Sheet.Rows) {
			t.Errorf("item %d %s: row %v outside the sheet", c.Item, c.Key, c.Row)
			continue
		}
		if row := d.Sheet.Rows[*c.Row]; row[len(row)-1] != c.Text {
			t.Errorf("item %d %s: text %q is not the content of row %d %q", c.Item, c.Key, c.Text, *c.Row, row)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
	nulls := 0
	for _, w := range res.Warnings {
		if w.Key != "" {
			nulls++
		}
	}
	if nulls != res.Stats.Null || res.Stats.Null != 4 {
		t.Errorf("null claims %d, key warnings %d; want 4 each: %v", res.Stats.Null, nulls, res.Warnings)
	}
	if res.Stats.Statements != 114 || res.Stats.EditionMatches != 83 {
		t.Errorf("stats = %+v, want 114 statements and 83 items named as in the catalog", res.Stats)
	}
}

// TestImportSeed002Golden writes the imported claims file as the command
// does and compares it, then loads it back with the claims loader.
func TestImportSeed002Golden(t *testing.T) {
	res := importFile(t, "seed002.md", ImportOptions{})
	var buf bytes.Buffer
	if err := Encode(&buf, res.Disclosure, EncodeOptions{Header: ImportHeader(res), Notes: WarningNotes(res)}); err != nil {
		t.Fatal(err)
	}
	golden(t, "seed002.disclosure.yaml", buf.Bytes())
	d, err := Parse("seed002.disclosure.yaml", buf.Bytes())
	if err != nil {
		t.Fatalf("the imported file does not load: %v", err)
	}
	if len(d.Claims) != len(res.Disclosure.Claims) || d.Sheet == nil || len(d.Sheet.Rows) != len(res.Disclosure.Sheet.Rows) {
		t.Errorf("loaded %d claims, %v sheet; want %d claims and the sheet", len(d.Claims), d.Sheet != nil, len(res.Disclosure.Claims))
	}
	for _, c := range d.Claims {
		if c.Key == "backup.interval" && c.Normalized != int64(86400) {
			t.Errorf("backup.interval normalized to %v, want 86400 seconds", c.Normalized)
		}
	}
}

// TestImportVariants reads the same sheet as CSV, TSV, Shift_JIS CSV and
// Excel and expects the same claims.
func TestImportVariants(t *testing.T) {
	md := importFile(t, "seed002.md", ImportOptions{})
	rows := append([][]string{md.Disclosure.Sheet.Columns}, md.Disclosure.Sheet.Rows...)
	for _, v := range []struct {
		name  string
		comma rune
	}{{"seed002.csv", ','}, {"seed002.tsv", '\t'}} {
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		w.Comma = v.comma
		if err := w.WriteAll(rows); err != nil {
			t.Fatal(err)
		}
		golden(t, v.name, buf.Bytes())
	}
	sjis, _, err := transform.Bytes(encoding.ReplaceUnsupported(japanese.ShiftJIS.NewEncoder()), mustRead(t, "seed002.csv"))
	if err != nil {
		t.Fatal(err)
	}
	xlsx := workbook(t, md.Disclosure.Sheet)

	type kv struct {
		Item  int
		Key   string
		Value any
		Row   int
	}
	claimsOf := func(d *Disclosure) []kv {
		var out []kv
		for _, c := range d.Claims {
			out = append(out, kv{c.Item, c.Key, c.Value, *c.Row})
		}
		return out
	}
	want := claimsOf(md.Disclosure)
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"seed002.csv", mustRead(t, "seed002.csv")},
		{"seed002.tsv", mustRead(t, "seed002.tsv")},
		{"seed002-sjis.csv", sjis},
		{"seed002.xlsx", xlsx},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Import(tt.name, tt.data, ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, claimsOf(res.Disclosure)); diff != "" {
				t.Errorf("claims differ from the Markdown import (-md +%s):\n%s", tt.name, diff)
			}
			if diff := cmp.Diff(md.Disclosure.Sheet.Columns, res.Disclosure.Sheet.Columns); diff != "" {
				t.Errorf("columns (-md +got):\n%s", diff)
			}
		})
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sheetsDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// workbook builds an .xlsx of the sheet the way the published Excel files
// are laid out: the item number cell merged down over its continuation rows.
func workbook(t *testing.T, s *Sheet) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	const name = "開示項目"
	if err := f.SetSheetName("Sheet1", name); err != nil {
		t.Fatal(err)
	}
	put := func(r int, cells []string) {
		for c, v := range cells {
			ref, _ := excelize.CoordinatesToCellName(c+1, r)
			if err := f.SetCellStr(name, ref, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	_ = f.SetCellStr(name, "A1", "総務省クラウドサービスの安全・信頼性に係る情報開示指針")
	put(3, s.Columns)
	start := 0
	for i, row := range s.Rows {
		r := i + 4
		put(r, row)
		if row[0] != "" {
			start = r
		} else if start > 0 && strings.TrimSpace(strings.Join(row[1:], "")) != "" {
			top, _ := excelize.CoordinatesToCellName(1, start)
			bottom, _ := excelize.CoordinatesToCellName(1, r)
			if err := f.MergeCell(name, top, bottom); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImportEdition(t *testing.T) {
	// A sheet in the IoT edition numbering: item 97 is 所在地, 75 IoT機器認証.
	sheet := strings.Join([]string{
		"No. | 種別 | サービスレベル項目例 | 規程内容 | 必須/選択 | 内容 |",
		"---|---|---|---|---|---|",
		"53 | サービス品質 | バックアップ対策 | 利用者データのバックアップ実施インターバル | 必須 | 1回/1日 |",
		"世代バックアップ(何世代前までかを記述) | 必須 | ７世代 | |||",
		"75 | セキュリティ | IoT機器認証 | IoT機器の認証方法 | 必須 | 有り X.509証明書 |",
		"97 | 所在地 | 所在地 | 国名、日本の場合は地域ブロック名 | 必須 | 関東 |",
	}, "\n")
	res, err := Import("iot.md", []byte(sheet), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Disclosure.Edition != EditionIoT {
		t.Fatalf("edition = %s, want iot-asp-saas", res.Disclosure.Edition)
	}
	var got []string
	for _, c := range res.Disclosure.Claims {
		got = append(got, c.Key)
	}
	want := []string{"backup.interval", "backup.generations", "iot.device_certificate", "location.data"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	wrong := importFile(t, "seed002.md", ImportOptions{Edition: EditionIoT})
	if len(wrong.Warnings) == 0 || !strings.Contains(wrong.Warnings[0].String(), "is the sheet in the other edition") {
		t.Errorf("seed 002 forced to iot-asp-saas: no edition warning first: %v", wrong.Warnings)
	}
	if _, err := Import("x.md", []byte(sheet), ImportOptions{Edition: "v3"}); err == nil {
		t.Error("unknown edition accepted")
	}
	if _, err := Import("x.md", []byte("no table here"), ImportOptions{}); err == nil {
		t.Error("a file without a table imported")
	}
}

// TestXLSXMergedAnswer: one 必須 and 内容 cell merged over two requirement
// rows answers both.
func TestXLSXMergedAnswer(t *testing.T) {
	f := excelize.NewFile()
	defer func() { _ = f.Close() }()
	rows := [][]string{
		DefaultColumns,
		{"54", "サービス品質", "バックアップ対策", "利用者データのバックアップ実施インターバル", "必須", "日次、3世代"},
		{"", "", "", "世代バックアップ(何世代前までかを記述)", "", ""},
	}
	for r, row := range rows {
		for c, v := range row {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			_ = f.SetCellStr("Sheet1", ref, v)
		}
	}
	for _, rng := range [][2]string{{"A2", "A3"}, {"E2", "E3"}, {"F2", "F3"}} {
		if err := f.MergeCell("Sheet1", rng[0], rng[1]); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	res, err := Import("merged.xlsx", buf.Bytes(), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range res.Disclosure.Claims {
		got = append(got, fmt.Sprintf("%d %s %v row %d", c.Item, c.Key, c.Value, *c.Row))
	}
	want := []string{"54 backup.interval 1d row 0", "54 backup.generations 3 row 1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
	if row := res.Disclosure.Sheet.Rows[1]; row[0] != "" || row[4] != "必須" || row[5] != "日次、3世代" {
		t.Errorf("continuation row = %q", row)
	}
}
