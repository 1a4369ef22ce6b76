package claims

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDetectFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, data, want string
	}{
		{"sheet.xlsx", "", FormatXLSX},
		{"sheet.CSV", "", FormatCSV},
		{"sheet.tsv", "", FormatTSV},
		{"sheet.md", "", FormatMarkdown},
		{"sheet.txt", "", FormatMarkdown},
		{"-", "PK\x03\x04...", FormatXLSX},
		{"-", "1 | a | 必須 | b |\n2 | c | 必須 | d |\n", FormatMarkdown},
		{"-", "1\ta\t必須\tb\n", FormatTSV},
		{"-", "1,a,必須,b\n", FormatCSV},
	}
	for _, tt := range tests {
		if got := DetectFormat(tt.name, []byte(tt.data)); got != tt.want {
			t.Errorf("DetectFormat(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestAlign: rows as published sheets shift them, placed in the columns.
func TestAlign(t *testing.T) {
	t.Parallel()
	l := newLayout(DefaultColumns)
	tests := []struct {
		name    string
		cells   []string
		want    []string
		item    int
		req     string
		section bool
	}{
		{"full row", []string{"1", "開示情報の時点", "開示情報の日付", "開示情報の年月日(西暦)", "必須", "2024年6月12日"},
			[]string{"1", "開示情報の時点", "開示情報の日付", "開示情報の年月日(西暦)", "必須", "2024年6月12日"}, 1, "開示情報の年月日(西暦)", false},
		{"no 種別 (merged)", []string{"3", "設立年月日", "事業者の設立年月日(西暦)", "必須", "1991/10/01"},
			[]string{"3", "", "設立年月日", "事業者の設立年月日(西暦)", "必須", "1991/10/01"}, 3, "事業者の設立年月日(西暦)", false},
		{"continuation", []string{"法人番号", "必須", "2013201002720"},
			[]string{"", "", "", "法人番号", "必須", "2013201002720"}, 0, "法人番号", false},
		{"continuation without 必須", []string{"本サービス開始から…改変年月日(西暦)", "改変年月日:2020年2月18日"},
			[]string{"", "", "", "本サービス開始から…改変年月日(西暦)", "", "改変年月日:2020年2月18日"}, 0, "本サービス開始から…改変年月日(西暦)", false},
		{"empty statement", []string{"63", "管理者権限の運用管理", "システム運用部門の…手順の有無", "必須"},
			[]string{"63", "", "管理者権限の運用管理", "システム運用部門の…手順の有無", "必須", ""}, 63, "システム運用部門の…手順の有無", false},
		{"category", []string{"事業所・事業"}, []string{"事業所・事業", "", "", "", "", ""}, 0, "", true},
		{"full-width number", []string{"５４", "バックアップ対策", "インターバル", "必須", "日次"},
			[]string{"５４", "", "バックアップ対策", "インターバル", "必須", "日次"}, 54, "インターバル", false},
		{"too many descriptors", []string{"9", "a", "b", "c", "d", "必須", "x"},
			[]string{"9", "a b", "c", "d", "必須", "x"}, 9, "d", false},
		{"statement split over cells", []string{"7", "役員", "役員数", "選択", "4", "名"},
			[]string{"7", "", "役員", "役員数", "選択", "4 名"}, 7, "役員数", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sr, got := l.align(tt.cells)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("aligned (-want +got):\n%s", diff)
			}
			if sr.item != tt.item || sr.requirement != tt.req || sr.section != tt.section {
				t.Errorf("row = item %d, requirement %q, section %v; want %d, %q, %v", sr.item, sr.requirement, sr.section, tt.item, tt.req, tt.section)
			}
		})
	}
}

// TestOtherHeaders: sheets with their own column names and extra columns.
func TestOtherHeaders(t *testing.T) {
	t.Parallel()
	csv := "情報開示シート,,,,,\n" +
		"項番,大項目,開示項目,記述内容,必須/任意,回答,備考\n" +
		"54,サービス品質,バックアップ対策,利用者データのバックアップ実施インターバル,必須,毎日,\n" +
		",,,世代バックアップ,必須,７世代,社内基準\n" +
		"82,ハウジング,所在地,国名、地域ブロック名,必須,関東（東京）,\n"
	res, err := Import("other.csv", []byte(csv), ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type kv struct {
		Item  int
		Key   string
		Value any
	}
	var got []kv
	for _, c := range res.Disclosure.Claims {
		got = append(got, kv{c.Item, c.Key, c.Value})
	}
	want := []kv{{54, "backup.interval", "1d"}, {54, "backup.generations", 7}, {82, "location.data", []string{"関東"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
	if cols := res.Disclosure.Sheet.Columns; len(cols) != 7 || cols[5] != "回答" {
		t.Errorf("columns = %q", cols)
	}
}

// TestSingleDescriptorSheet: a sheet with only an item-name column cannot
// say which requirement a row answers; every key the statement states is
// read, and a statement that states none is warned about.
func TestSingleDescriptorSheet(t *testing.T) {
	t.Parallel()
	md := "No.|項目|必須/選択|内容\n54|バックアップ対策|必須|毎日、7世代\n82|所在地|必須|東京\n55|サービス継続|必須|検討中\n"
	res, err := Import("short.md", []byte(md), ImportOptions{Edition: EditionASPSaaS})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range res.Disclosure.Claims {
		got = append(got, c.Key)
	}
	if diff := cmp.Diff([]string{"backup.interval", "backup.generations", "location.data"}, got); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if len(res.Warnings) != 1 || res.Warnings[0].Item != 55 || res.Warnings[0].Pos != "line 4" {
		t.Errorf("warnings = %v, want one about item 55 on line 4", res.Warnings)
	}
}

// TestGenerationsFromKeptSpan: 「7日分保持」 with a daily interval is 7
// generations (phrases.md, N日分保持).
func TestGenerationsFromKeptSpan(t *testing.T) {
	t.Parallel()
	md := "No.|種別|項目|規程内容|必須/選択|内容\n" +
		"54|品質|バックアップ対策|利用者データのバックアップ実施インターバル|必須|毎日\n" +
		"世代バックアップ(何世代前までかを記述)|必須|14日分保持|||\n"
	res, err := Import("kept.md", []byte(md), ImportOptions{Edition: EditionASPSaaS})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Disclosure.Claims
	if len(c) != 2 || c[1].Key != "backup.generations" || c[1].Value != 14 || len(res.Warnings) != 0 || res.Stats.Null != 0 {
		t.Errorf("claims %+v, warnings %v, stats %+v", c, res.Warnings, res.Stats)
	}
}
