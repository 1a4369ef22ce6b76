package claims

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

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

// String names the presence reading: yes, no, withheld, conditional, mixed or unknown.
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
