package claims

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// ja.go, ja_quantity.go and ja_words.go read the Japanese of published
// disclosure sheets: quantities (日次, 2世代, 1年以上, ３ヶ月, 24時間365日),
// TLS versions, places and presence words. The vocabulary and its normal
// forms are those of testdata/catalog's phrases.md; ja_test.go is its table.

// Clean prepares a sheet cell for matching: NFKC (full-width digits and
// punctuation become ASCII), spaces removed (PDF extraction puts them inside
// numbers and units), footnote stars and superscript markers dropped, and
// simple kanji numerals before a unit turned into digits. Bytes that are
// not UTF-8 become U+FFFD first, and NFKC runs again at the end, so that
// dropping a marker never joins its neighbours into a new character and
// Clean(Clean(s)) == Clean(s).
func Clean(s string) string {
	return norm.NFKC.String(clean(strings.ToValidUTF8(s, "\uFFFD")))
}

// The replacers are built once: building one per cell was most of the
// cost of importing a sheet.
var (
	markers   = strings.NewReplacer("<sup>", " ", "</sup>", " ", "*", "", "※", "")
	spellings = strings.NewReplacer("～", "~", "〜", "~", "ベンダー", "ベンダ")
)

func clean(s string) string {
	s = markers.Replace(norm.NFKC.String(s))
	rs := []rune(s)
	var b strings.Builder
	last := ' '
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			// Spaces next to a digit come from PDF extraction (「24 時間」);
			// others separate words (「有り すべての…」) and are kept, once.
			j := i
			for j < len(rs) && unicode.IsSpace(rs[j]) {
				j++
			}
			next := rune(0)
			if j < len(rs) {
				next = rs[j]
			}
			i = j - 1
			if last == ' ' || isDigit(last) || isDigit(next) || next == 0 || strings.ContainsRune(")]）", next) {
				continue
			}
			r = ' '
		}
		b.WriteRune(r)
		last = r
	}
	s = strings.TrimSpace(b.String())
	s = spellings.Replace(s)
	return kanjiNumRe.ReplaceAllStringFunc(s, func(m string) string {
		i := strings.IndexFunc(m, func(r rune) bool { return !strings.ContainsRune(kanjiDigits, r) })
		n, ok := kanjiNumber(m[:i])
		if !ok {
			return m
		}
		return strconv.Itoa(n) + m[i:]
	})
}

const kanjiDigits = "〇一二三四五六七八九十"

var kanjiNumRe = regexp.MustCompile(`[〇一二三四五六七八九十]+(?:分|時間|日|週|ヶ月|ヵ月|か月|カ月|ケ月|箇月|年|世代|回)`)

// kanjiNumber reads 一 … 九十九.
func kanjiNumber(s string) (int, bool) {
	n, cur := 0, 0
	for _, r := range s {
		d := strings.IndexRune(kanjiDigits, r) / len("一")
		switch {
		case r == '十':
			if cur == 0 {
				cur = 1
			}
			n += cur * 10
			cur = 0
		case d >= 0 && d <= 9:
			cur = cur*10 + d
		default:
			return 0, false
		}
	}
	n += cur
	return n, n > 0
}
