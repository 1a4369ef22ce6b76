package claims

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

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
	spans := ParseSpans(s)
	if len(spans) == 0 {
		return Span{}, false
	}
	return spans[0], true
}

// ParseSpans reads every duration of a text, in order: 「アクセスログ:1年、
// 操作ログ:3年」 → 1y, 3y.
func ParseSpans(s string) []Span {
	s = Clean(s)
	var out []Span
	for _, m := range spanRe.FindAllStringSubmatchIndex(s, -1) {
		num := s[m[4]:m[5]]
		word := s[m[6]:m[7]]
		rest := s[m[1]:]
		if isDatePart(s, m[4], word, rest) {
			continue
		}
		f, err := strconv.ParseFloat(num, 64)
		if err != nil || f <= 0 || f > 1e6 {
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
		out = append(out, sp)
	}
	return out
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

var keptSpanRe = regexp.MustCompile(`(\d+)(日|週間|週|(?:ヶ|ヵ|か|カ|ケ|箇)月|年)分`)

// ParseKeptSpan reads how much history a backup keeps: 「7日分保持」 → 7d,
// 「過去3ヶ月分」 → 3mo. Divided by the backup interval it gives the
// generations (phrases.md: N日分保持).
func ParseKeptSpan(s string) (Span, bool) {
	m := keptSpanRe.FindStringSubmatch(Clean(s))
	if m == nil {
		return Span{}, false
	}
	sec := int64(atoi(m[1])) * unitSeconds[unitOf(m[2])]
	if sec <= 0 {
		return Span{}, false
	}
	return Span{Seconds: sec, Text: durationText(sec)}, true
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
