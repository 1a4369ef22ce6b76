package claims

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// This file reads the Japanese of published disclosure sheets: quantities
// (日次, 2世代, 1年以上, ３ヶ月, 24時間365日), TLS versions, places and
// presence words. The vocabulary and its normal forms are those of
// testdata/catalog's phrases.md; ja_test.go is its table.

// Clean prepares a sheet cell for matching: NFKC (full-width digits and
// punctuation become ASCII), spaces removed (PDF extraction puts them inside
// numbers and units), footnote stars and superscript markers dropped, and
// simple kanji numerals before a unit turned into digits.
func Clean(s string) string {
	s = strings.NewReplacer("<sup>", " ", "</sup>", " ").Replace(norm.NFKC.String(s))
	rs := []rune(s)
	var b strings.Builder
	last := ' '
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '*', r == '※':
			continue
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
	s = strings.NewReplacer("～", "~", "〜", "~", "ベンダー", "ベンダ").Replace(s)
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

// Bound says how a stated quantity limits the real one.
type Bound string

// Bounds of a stated quantity.
const (
	Exact   Bound = ""       // as stated
	AtLeast Bound = "min"    // 以上
	AtMost  Bound = "max"    // 以内, 以下
	Below   Bound = "lt"     // 未満
	Above   Bound = "gt"     // 超, を超える
	About   Bound = "approx" // 程度, 約, 前後
)

// Span is a stated duration: a period, a deadline or a notice time.
type Span struct {
	Seconds int64
	// Text is the duration in the units of claims files ("1d", "3mo").
	Text  string
	Bound Bound
	// Before is true for 前 ("3ヶ月以上前": notice given before).
	Before bool
}

// units of the sheets' Japanese, longest first so that 時間 wins over 時.
var jaUnits = []struct {
	word string
	unit string
}{
	{"時間", "h"}, {"週間", "w"}, {"ヶ月間", "mo"}, {"ヵ月間", "mo"}, {"か月間", "mo"}, {"カ月間", "mo"}, {"ケ月間", "mo"}, {"箇月間", "mo"},
	{"ヶ月", "mo"}, {"ヵ月", "mo"}, {"か月", "mo"}, {"カ月", "mo"}, {"ケ月", "mo"}, {"箇月", "mo"}, {"ヶ年", "y"},
	{"日間", "d"}, {"年間", "y"}, {"分間", "m"}, {"秒間", "s"},
	{"分", "m"}, {"日", "d"}, {"週", "w"}, {"月", "mo"}, {"年", "y"}, {"秒", "s"},
}

var spanRe = regexp.MustCompile(`(約|およそ|最低|少なくとも)?(\d+(?:\.\d+)?)(時間|週間|(?:ヶ|ヵ|か|カ|ケ|箇)月間?|ヶ年|日間|年間|分間|秒間|分|日|週|年|秒) ?(以上|以内|以下|未満|超|を超える|程度|前後|くらい|ぐらい|まで)? ?(前|後)?`)

// ParseSpan reads the first duration of a text, with its bound:
// 「1年以上保管」 → 1y at least; 「3ヶ月以上前に告知」 → 3mo at least, before;
// 「72時間程度」 → 72h approximately. Calendar dates (2024年6月12日) and
// fiscal years (2023年度) are not durations.
func ParseSpan(s string) (Span, bool) {
	s = Clean(s)
	for _, m := range spanRe.FindAllStringSubmatchIndex(s, -1) {
		num := s[m[4]:m[5]]
		word := s[m[6]:m[7]]
		rest := s[m[1]:]
		if isDatePart(s, m[4], word, rest) {
			continue
		}
		f, err := strconv.ParseFloat(num, 64)
		if err != nil || f <= 0 {
			continue
		}
		sec := int64(f * float64(unitSeconds[unitOf(word)]))
		if sec <= 0 {
			continue
		}
		sp := Span{Seconds: sec, Text: durationText(sec)}
		if m[2] >= 0 {
			if p := s[m[2]:m[3]]; p == "約" || p == "およそ" {
				sp.Bound = About
			} else {
				sp.Bound = AtLeast
			}
		}
		if m[8] >= 0 {
			switch s[m[8]:m[9]] {
			case "以上":
				sp.Bound = AtLeast
			case "以内", "以下", "まで":
				sp.Bound = AtMost
			case "未満":
				sp.Bound = Below
			case "超", "を超える":
				sp.Bound = Above
			default:
				sp.Bound = About
			}
		}
		sp.Before = m[10] >= 0 && s[m[10]:m[11]] == "前"
		return sp, true
	}
	return Span{}, false
}

// isDatePart tells dates and year numbers from durations: 2024年6月,
// 2023年度, 12日締め, 25日.
func isDatePart(s string, start int, word, rest string) bool {
	num := s[start:]
	digits := len(num) - len(strings.TrimLeft(num, "0123456789"))
	switch {
	case word == "年" && (digits == 4 || strings.HasPrefix(rest, "度") || strings.HasPrefix(rest, "月")):
		return true
	case word == "月" && (strings.HasPrefix(rest, "実績") || strings.HasPrefix(rest, "末") || strings.HasPrefix(rest, "分") || startsDigit(rest) || precededBy(s, start, "年")):
		return true
	case word == "日" && (precededBy(s, start, "月") || precededBy(s, start, "当月") || strings.HasPrefix(rest, "締") || strings.HasPrefix(rest, "付")):
		return true
	case word == "月" && !precededByAny(s, start):
		// A bare 月 after a number is a month of the calendar (6月), not a
		// month-long duration, unless the text says 1月間.
		return !strings.HasPrefix(rest, "間")
	}
	return false
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func startsDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

func precededBy(s string, start int, w string) bool { return strings.HasSuffix(s[:start], w) }

func precededByAny(s string, start int) bool { return strings.HasSuffix(s[:start], "毎") }

func unitOf(word string) string {
	for _, u := range jaUnits {
		if word == u.word {
			return u.unit
		}
	}
	return ""
}

// durationText writes seconds in the largest unit that divides them.
func durationText(sec int64) string {
	for _, u := range []string{"y", "mo", "w", "d", "h", "m"} {
		if n := unitSeconds[u]; sec%n == 0 {
			return strconv.FormatInt(sec/n, 10) + u
		}
	}
	return strconv.FormatInt(sec, 10) + "s"
}

// Frequency is how often something is done: every Every seconds. AtLeast
// is set for 「1回以上／5分」.
type Frequency struct {
	Every   int64
	Text    string
	AtLeast bool
}

var (
	periodWords = map[string]int64{
		"日次": 86400, "毎日": 86400, "毎晩": 86400, "毎朝": 86400, "毎夜": 86400, "日毎": 86400, "日ごと": 86400, "デイリー": 86400, "daily": 86400,
		"週次": 7 * 86400, "毎週": 7 * 86400, "週毎": 7 * 86400, "週ごと": 7 * 86400, "ウィークリー": 7 * 86400, "weekly": 7 * 86400,
		"月次": 30 * 86400, "毎月": 30 * 86400, "月毎": 30 * 86400, "月ごと": 30 * 86400, "マンスリー": 30 * 86400, "monthly": 30 * 86400,
		"年次": 365 * 86400, "毎年": 365 * 86400, "年毎": 365 * 86400, "hourly": 3600,
		"毎時": 3600, "時間毎": 3600, "時間ごと": 3600,
	}
	periodWordRe = regexp.MustCompile(`(?i)日次|毎日|毎晩|毎朝|毎夜|日毎|日ごと|デイリー|daily|週次|毎週|週毎|週ごと|ウィークリー|weekly|月次|毎月|月毎|月ごと|マンスリー|monthly|年次|毎年|年毎|hourly|毎時|時間毎|時間ごと`)
	// 1回/1日, 1回以上/5分, 2回/日
	perRe = regexp.MustCompile(`(\d+)回(以上)?/(\d*)(時間|週間|(?:ヶ|ヵ|か|カ|ケ|箇)月|日|週|年|分)`)
	// 1日1回, 1日に2回, 週1回, 月1回, 年3回
	countRe = regexp.MustCompile(`(\d*)(時間|週間|(?:ヶ|ヵ|か|カ|ケ|箇)月|日|週|月|年|分)(?:に|当たり|あたり)?(\d+)回(以上)?`)
	// 6時間ごと, 5分毎, 2日おき, 30分間隔
	everyRe = regexp.MustCompile(`(\d+)(時間|週間|(?:ヶ|ヵ|か|カ|ケ|箇)月|日|週|年|分|秒)(?:ごと|毎|おき|間隔|置き)`)
)

// ParseFrequencies reads every schedule a text states, in order:
// 「日次、週次、月次」 → 1d, 1w, 1mo; 「1回/1日」 → 1d; 「1日2回」 → 12h;
// 「1回以上／5分」 → 5m at least. 随時 and 定期的 state no interval.
func ParseFrequencies(s string) []Frequency {
	s = Clean(s)
	type hit struct {
		at int
		f  Frequency
	}
	var hits []hit
	add := func(at int, every int64, atLeast bool) {
		if every <= 0 {
			return
		}
		hits = append(hits, hit{at, Frequency{Every: every, Text: durationText(every), AtLeast: atLeast}})
	}
	taken := make([]bool, len(s)+1)
	mark := func(a, b int) {
		for i := a; i < b; i++ {
			taken[i] = true
		}
	}
	for _, m := range perRe.FindAllStringSubmatchIndex(s, -1) {
		n := atoi(s[m[2]:m[3]])
		per := int64(1)
		if m[6] < m[7] {
			per = int64(atoi(s[m[6]:m[7]]))
		}
		if n > 0 && per > 0 {
			add(m[0], per*unitSeconds[unitOf(s[m[8]:m[9]])]/int64(n), m[4] >= 0)
		}
		mark(m[0], m[1])
	}
	for _, m := range countRe.FindAllStringSubmatchIndex(s, -1) {
		if taken[m[0]] {
			continue
		}
		unit := s[m[4]:m[5]]
		if unit == "日" && precededBy(s, m[0], "月") {
			continue
		}
		per := int64(1)
		if m[2] < m[3] {
			per = int64(atoi(s[m[2]:m[3]]))
		}
		n := atoi(s[m[6]:m[7]])
		if n > 0 && per > 0 {
			add(m[0], per*unitSeconds[unitOf(unit)]/int64(n), m[8] >= 0)
		}
		mark(m[0], m[1])
	}
	for _, m := range everyRe.FindAllStringSubmatchIndex(s, -1) {
		if taken[m[0]] {
			continue
		}
		add(m[0], int64(atoi(s[m[2]:m[3]]))*unitSeconds[unitOf(s[m[4]:m[5]])], false)
		mark(m[0], m[1])
	}
	for _, m := range periodWordRe.FindAllStringIndex(s, -1) {
		if taken[m[0]] {
			continue
		}
		w := strings.ToLower(s[m[0]:m[1]])
		if (w == "時間毎" || w == "時間ごと") && m[0] > 0 && s[m[0]-1] >= '0' && s[m[0]-1] <= '9' {
			continue
		}
		add(m[0], periodWords[w], false)
	}
	slices.SortStableFunc(hits, func(a, b hit) int { return a.at - b.at })
	out := make([]Frequency, 0, len(hits))
	for _, h := range hits {
		out = append(out, h.f)
	}
	return out
}

// ParseInterval returns the shortest interval a text states: a sheet that
// says 「日次、週次、月次バックアップ」 backs up at least daily.
func ParseInterval(s string) (Frequency, bool) {
	fs := ParseFrequencies(s)
	if len(fs) == 0 {
		return Frequency{}, false
	}
	best := fs[0]
	for _, f := range fs[1:] {
		if f.Every < best.Every {
			best = f
		}
	}
	return best, true
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}

var generationsRe = regexp.MustCompile(`(\d+)世代`)

// ParseGenerations reads 「2世代を保管しています」 → 2. With several counts
// (「日次7世代、週次4世代」) the smallest is returned: at least that many
// copies of every schedule are kept.
func ParseGenerations(s string) (int, bool) {
	s = Clean(s)
	best := 0
	for _, m := range generationsRe.FindAllStringSubmatch(s, -1) {
		n := atoi(m[1])
		if n > 0 && (best == 0 || n < best) {
			best = n
		}
	}
	return best, best > 0
}

var percentRe = regexp.MustCompile(`(\d+(?:\.\d+)?)%`)

// ParsePercent reads the first percentage as a ratio: 「2023年度99.9%」 →
// 0.999, 「99.95％以上」 → 0.9995.
func ParsePercent(s string) (float64, bool) {
	s = Clean(s)
	m := percentRe.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil || f < 0 || f > 100 {
		return 0, false
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(f/100, 'f', 6, 64), 64)
	return r, true
}

var (
	coverage365Re = regexp.MustCompile(`24時間/?365日|365日/?24時間|24/365|24x365|24時間年中無休|年中無休24時間`)
	coverage7Re   = regexp.MustCompile(`24時間/?7日|24/7|24x7|週7日24時間`)
)

// ParseCoverage reads service or support hours: 「24時間365日」 and its
// variants → "24x365", 「24時間/7日」 → "24x7".
func ParseCoverage(s string) (string, bool) {
	s = strings.ToLower(Clean(s))
	switch {
	case coverage365Re.MatchString(s):
		return "24x365", true
	case coverage7Re.MatchString(s):
		return "24x7", true
	}
	return "", false
}

var tlsVersionRe = regexp.MustCompile(`(?i)(tls|ssl|tsl|sll)(?:v|ver\.?|version)?/?(?:\(?(?:tls|tsl))?v?([1-3])\.([0-3])`)

// ParseTLS reads the lowest TLS version a text states: 「TLS1.2」,
// 「SSL(TSL1.2)」 (a real sheet's typo), 「TLS 1.2以上」 → "1.2";
// 「TLS1.2及び1.3」 → "1.2". SSL 2.0/3.0 and texts naming no version give
// false.
func ParseTLS(s string) (string, bool) {
	s = Clean(s)
	best := ""
	for _, m := range tlsVersionRe.FindAllStringSubmatch(s, -1) {
		v := m[2] + "." + m[3]
		proto := strings.ToLower(m[1])
		if proto == "ssl" && (m[2] == "2" || m[2] == "3") && !strings.Contains(strings.ToLower(m[0]), "t") {
			return "", false // SSL 2.0 / 3.0 is not TLS
		}
		if m[2] != "1" {
			continue
		}
		if best == "" || v < best {
			best = v
		}
	}
	return best, best != ""
}

// Place words of item 97 (所在地) and of the region table, mapped to the
// area ids of Location; longest first.
var placeWords = []struct {
	word, area, country string
}{
	{"日本国内", "", "JP"}, {"東日本", "east_japan", "JP"}, {"西日本", "west_japan", "JP"},
	{"北海道", "hokkaido", "JP"}, {"東北", "tohoku", "JP"}, {"関東", "kanto", "JP"}, {"首都圏", "kanto", "JP"},
	{"甲信越", "chubu", "JP"}, {"北陸", "chubu", "JP"}, {"東海", "chubu", "JP"}, {"中部", "chubu", "JP"},
	{"近畿", "kinki", "JP"}, {"関西", "kinki", "JP"}, {"中国地方", "chugoku", "JP"}, {"四国", "shikoku", "JP"},
	{"九州", "kyushu", "JP"}, {"沖縄", "kyushu", "JP"},
	{"東京", "kanto", "JP"}, {"埼玉", "kanto", "JP"}, {"千葉", "kanto", "JP"}, {"神奈川", "kanto", "JP"}, {"横浜", "kanto", "JP"},
	{"大阪", "kinki", "JP"}, {"京都", "kinki", "JP"}, {"兵庫", "kinki", "JP"}, {"神戸", "kinki", "JP"},
	{"札幌", "hokkaido", "JP"}, {"仙台", "tohoku", "JP"}, {"名古屋", "chubu", "JP"}, {"愛知", "chubu", "JP"},
	{"広島", "chugoku", "JP"}, {"岡山", "chugoku", "JP"}, {"福岡", "kyushu", "JP"},
	{"国内", "", "JP"}, {"日本", "", "JP"},
	{"米国", "", "US"}, {"アメリカ", "", "US"}, {"シンガポール", "", "SG"}, {"韓国", "", "KR"}, {"台湾", "", "TW"}, {"香港", "", "HK"},
}

// areaNames are the Japanese names written for area ids.
var areaNames = map[string]string{
	"east_japan": "東日本", "west_japan": "西日本", "hokkaido": "北海道", "tohoku": "東北", "kanto": "関東",
	"chubu": "中部", "kinki": "近畿", "chugoku": "中国", "shikoku": "四国", "kyushu": "九州",
}

// ParsePlaces finds the places a free text names: 「東日本、西日本に配置
// されています」 → JP, east_japan + west_japan; 「東京リージョン」 → JP,
// kanto. False when it names none, or more than one country. A bare 中国
// (China, or the 中国 region?) is refused as ambiguous.
func ParsePlaces(s string) (Location, bool) {
	s = Clean(s)
	s = strings.ReplaceAll(s, "中国地方", "\x00中国地方")
	var loc Location
	found := false
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "中国") && !strings.HasPrefix(s[i:], "中国地方") {
			return Location{}, false
		}
		matched := false
		for _, p := range placeWords {
			if !strings.HasPrefix(s[i:], p.word) {
				continue
			}
			if loc.Country != "" && loc.Country != p.country {
				return Location{}, false
			}
			loc.Country = p.country
			if p.area != "" && !slices.Contains(loc.Areas, p.area) {
				loc.Areas = append(loc.Areas, p.area)
			}
			found, matched = true, true
			i += len(p.word)
			break
		}
		if !matched {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
		}
	}
	return loc, found
}

// PlaceNames writes a location as the place words of a claims file.
func PlaceNames(loc Location) []string {
	if len(loc.Areas) == 0 {
		switch loc.Country {
		case "JP":
			return []string{"日本"}
		default:
			return []string{loc.Country}
		}
	}
	out := make([]string, 0, len(loc.Areas))
	for _, a := range loc.Areas {
		out = append(out, areaNames[a])
	}
	return out
}

// Presence is what a sheet says about whether a measure exists.
type Presence int

// Presence values.
const (
	PresenceUnknown     Presence = iota // nothing recognisable
	PresenceYes                         // 有り, 実施, …しています
	PresenceNo                          // 無し, …ありません, …していません
	PresenceWithheld                    // 非公開
	PresenceConditional                 // オプションで可能, 該当ありの場合
	PresenceMixed                       // says both (単独のFWは設置していません、…で対応しています)
)

func (p Presence) String() string {
	return [...]string{"unknown", "yes", "no", "withheld", "conditional", "mixed"}[p]
}

var (
	leadingYesRe = regexp.MustCompile(`^(?:有り|有|あり|アリ|はい|yes|○|〇|実施済み?|実施|対応済み?|導入済み?|設置済み?)(?:$|[\s、。,.:;(「/])`)
	leadingNoRe  = regexp.MustCompile(`^(?:無し|無|なし|ナシ|いいえ|no|×|該当なし|該当無し|未実施|未対応|未導入|実施なし|対応なし)(?:$|[\s、。,.:;(「/])`)
	noRe         = regexp.MustCompile(`(?:実施|対応|設置|導入|取得|保管|使用|利用|提供|採用)?(?:していません|しておりません|いたしません|しません|されていません|していない)|ありません|ございません|行っていません|おこなっていません|未実施|未対応|未導入|無し|なし|対象外|該当なし|非対応|不可`)
	yesRe        = regexp.MustCompile(`有り|あり|しています|している|行います|実施します|対応します|通知します|しております|されています|されております|行っています|実施|導入済|設置済|対応済|取得している|取得しています|保管しています|保存しています|同期しています|配置|可能です|可能|を使用|を利用|により`)
	condRe       = regexp.MustCompile(`オプション|場合(?:は|に|のみ)?(?:対応)?可能|別途|要相談|個別対応|契約(?:内容)?に(?:より|依存)`)
	withheldRe   = regexp.MustCompile(`非公開|非開示|公開していません|開示していません|回答を差し控え`)
)

// ParsePresence reads whether a text says a measure exists. A leading 有り
// or 無し decides; otherwise the sentence's endings do, and a text that
// says both is PresenceMixed, never guessed.
func ParsePresence(s string) Presence {
	s = strings.ToLower(Clean(s))
	if s == "" || s == "-" || s == "ー" || s == "―" {
		return PresenceUnknown
	}
	switch {
	case leadingNoRe.MatchString(s) || s == "無し" || s == "なし":
		return PresenceNo
	case leadingYesRe.MatchString(s):
		return PresenceYes
	}
	withheld := withheldRe.MatchString(s)
	cond := condRe.MatchString(s)
	no := noRe.MatchString(withheldRe.ReplaceAllString(s, ""))
	yes := yesRe.MatchString(noRe.ReplaceAllString(s, ""))
	switch {
	case withheld && !yes:
		return PresenceWithheld
	case cond:
		return PresenceConditional
	case yes && no:
		return PresenceMixed
	case no:
		return PresenceNo
	case yes:
		return PresenceYes
	case withheld:
		return PresenceWithheld
	}
	return PresenceUnknown
}

var countTimesRe = regexp.MustCompile(`(\d+)回`)

// ParseCount reads the first 「N回」 count (outages, inspections).
func ParseCount(s string) (int, bool) {
	m := countTimesRe.FindStringSubmatch(Clean(s))
	if m == nil {
		return 0, false
	}
	return atoi(m[1]), true
}
