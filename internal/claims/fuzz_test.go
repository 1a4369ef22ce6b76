package claims

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzImport: any bytes in any format import without panicking, and what
// import writes always loads back with the claims loader.
func FuzzImport(f *testing.F) {
	for _, name := range []string{"seed002.md", "seed002.csv", "seed002.tsv"} {
		data, err := os.ReadFile(filepath.Join(sheetsDir, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint8(0))
	}
	f.Add([]byte("No.|項目|必須/選択|内容\n54|バックアップ|必須|日次\n世代|必須|２世代\n"), uint8(0))
	f.Add([]byte("\"54\",\"\",\"必須\",\"1回/1日\"\n,,選択,\n"), uint8(1))
	f.Add([]byte("97\t所在地\t必須\t東京、大阪\n"), uint8(2))
	f.Add([]byte("PK\x03\x04garbage"), uint8(3))
	formats := SheetFormats()
	f.Fuzz(func(t *testing.T, data []byte, format uint8) {
		res, err := Import("fuzz", data, ImportOptions{Format: formats[int(format)%len(formats)]})
		if err != nil {
			return
		}
		var b strings.Builder
		if err := Encode(&b, res.Disclosure, EncodeOptions{Header: ImportHeader(res), Notes: WarningNotes(res)}); err != nil {
			t.Fatalf("encode: %v", err)
		}
		if _, err := Parse("fuzz.yaml", []byte(b.String())); err != nil {
			t.Fatalf("imported file does not load: %v\n%s", err, b.String())
		}
		if res.Stats.Normalized+res.Stats.Null != res.Stats.Claims {
			t.Fatalf("stats do not add up: %+v", res.Stats)
		}
	})
}

// FuzzNormalize: the normalizer never panics, and what it returns is in
// the forms claims files use.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"日次、週次、月次バックアップを取得している", "2世代を保管しています", "有り 1年以上保管しています",
		"SSL(TSL1.2)", "東日本、西日本に配置されています", "３ヶ月以上前", "24時間365日", "2023年度99.9%",
		"1回以上／5分", "三ヶ月", "1日に2回", "中国", "非公開", "単独のファイヤーウォールは設置していません、…で対応しています",
		"9999999999999999999年", "0回/0日", "1回/99999999999年",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if sp, ok := ParseSpan(s); ok {
			if sp.Seconds <= 0 {
				t.Fatalf("ParseSpan(%q) = %d seconds", s, sp.Seconds)
			}
		}
		for _, fr := range ParseFrequencies(s) {
			if fr.Every <= 0 || fr.Text == "" {
				t.Fatalf("ParseFrequencies(%q) = %+v", s, fr)
			}
		}
		if n, ok := ParseGenerations(s); ok && n <= 0 {
			t.Fatalf("ParseGenerations(%q) = %d", s, n)
		}
		if r, ok := ParsePercent(s); ok && (r < 0 || r > 1) {
			t.Fatalf("ParsePercent(%q) = %v", s, r)
		}
		if v, ok := ParseTLS(s); ok && !strings.HasPrefix(v, "1.") {
			t.Fatalf("ParseTLS(%q) = %q", s, v)
		}
		if loc, ok := ParsePlaces(s); ok {
			if _, err := ParseLocation(toAny(PlaceNames(loc))); err != nil {
				t.Fatalf("ParsePlaces(%q) = %v, which the loader refuses: %v", s, loc, err)
			}
		}
		_ = ParsePresence(s)
		_, _ = ParseCoverage(s)
		_, _ = ParseCount(s)
		if c := Clean(s); Clean(c) != c {
			t.Fatalf("Clean is not idempotent on %q: %q then %q", s, c, Clean(c))
		}
	})
}

// FuzzParse: the claims loader never panics and reports problems as
// Errors with the file name.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"../demo/disclosure.yaml", "seed002.disclosure.yaml"} {
		data, err := os.ReadFile(filepath.Join(sheetsDir, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("apiVersion: kaiji/v1\nkind: Disclosure\nclaims:\n  - {item: 0, key: backup.interval, value: soon}\n"))
	f.Add([]byte("claims: [1, 2]\n"))
	f.Add([]byte("\t- : :"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse("fuzz.yaml", data)
		if err != nil {
			var es Errors
			if !errors.As(err, &es) || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "fuzz.yaml") {
				t.Fatalf("error is not a claims Errors naming the file: %T %v", err, err)
			}
			return
		}
		_ = d.Inputs()
	})
}
