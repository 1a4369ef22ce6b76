package claims

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// ValueType says how a claim key's value is written and normalized.
type ValueType string

// Value types of claim keys.
const (
	TypeDuration ValueType = "duration" // "1d", "90d", "1y", "5m" → seconds
	TypeCount    ValueType = "count"    // 2 → 2
	TypeBool     ValueType = "bool"     // true, 有り, 無し → bool
	TypeTLS      ValueType = "tls"      // "1.2", "TLS1.2" → "1.2"
	TypeLocation ValueType = "location" // 東日本, 関東, 日本 → {country, areas}
	TypeText     ValueType = "text"     // kept as written
)

// KeyInfo describes a claim key: its value type, the disclosure items that
// carry it in each edition, and what it means.
type KeyInfo struct {
	Key   string
	Type  ValueType
	Items map[string][]int // edition → item numbers
	En    string
}

// Keys lists the known claim keys, sorted.
func Keys() []KeyInfo {
	out := slices.Clone(keys)
	slices.SortFunc(out, func(a, b KeyInfo) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// LookupKey returns the key's description.
func LookupKey(key string) (KeyInfo, bool) {
	i := slices.IndexFunc(keys, func(k KeyInfo) bool { return k.Key == key })
	if i < 0 {
		return KeyInfo{}, false
	}
	return keys[i], true
}

// Canonical unit lengths in seconds; they match the reference values' units
// (1mo = 30 days, 1y = 365 days).
var unitSeconds = map[string]int64{
	"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "mo": 30 * 86400, "y": 365 * 86400,
}

var durationRe = regexp.MustCompile(`^(\d+)\s*(s|min|m|h|d|w|mo|y)$`)

// ParseDuration reads a duration such as "1d", "90d", "1mo" or "1y" into seconds.
func ParseDuration(s string) (int64, error) {
	s = strings.ToLower(strings.TrimSpace(norm.NFKC.String(s)))
	m := durationRe.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("want a duration such as 5m, 1h, 1d, 1w, 1mo or 1y, have %q", s)
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || n <= 0 || n > 1000*365 {
		return 0, fmt.Errorf("duration %q out of range", s)
	}
	return n * unitSeconds[m[2]], nil
}

var tlsRe = regexp.MustCompile(`(?i)^(?:tls|ssl\s*\(?\s*t[ls]{2})?\s*v?([1-9])\.([0-9])\)?(?:\s*以上)?$`)

// normalize converts a raw claim value for its key.
func normalize(k KeyInfo, v any) (any, error) {
	switch k.Type {
	case TypeDuration:
		switch x := v.(type) {
		case string:
			return ParseDuration(x)
		}
		return nil, fmt.Errorf("want a duration such as 1d or 1y, have %v", describe(v))
	case TypeCount:
		switch x := v.(type) {
		case float64:
			if x == float64(int64(x)) && x >= 0 {
				return int64(x), nil
			}
		case string:
			s := strings.TrimSuffix(strings.TrimSpace(norm.NFKC.String(x)), "世代")
			if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
				return n, nil
			}
		}
		return nil, fmt.Errorf("want a whole number, have %v", describe(v))
	case TypeBool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case string:
			switch strings.TrimSpace(norm.NFKC.String(x)) {
			case "有り", "有", "あり", "yes", "true", "実施":
				return true, nil
			case "無し", "無", "なし", "no", "false":
				return false, nil
			}
		}
		return nil, fmt.Errorf("want true or false, have %v", describe(v))
	case TypeTLS:
		s := fmt.Sprint(v)
		if f, ok := v.(float64); ok {
			s = strconv.FormatFloat(f, 'f', 1, 64)
		}
		m := tlsRe.FindStringSubmatch(strings.TrimSpace(norm.NFKC.String(s)))
		if m == nil {
			return nil, fmt.Errorf("want a TLS version such as \"1.2\", have %v", describe(v))
		}
		return m[1] + "." + m[2], nil
	case TypeLocation:
		return ParseLocation(v)
	}
	return v, nil
}

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nothing"
	case string:
		return strconv.Quote(x)
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	}
	return fmt.Sprint(v)
}

// Location is a normalized data location: a country and optionally the
// Japanese region blocks or halves it is limited to.
type Location struct {
	Country string   `json:"country"`
	Areas   []string `json:"areas,omitempty"`
}

// areaWords maps the sheets' place words to area ids of the region table.
var areaWords = map[string]string{
	"北海道": "hokkaido", "東北": "tohoku", "関東": "kanto", "中部": "chubu", "北陸": "chubu", "甲信越": "chubu", "東海": "chubu",
	"近畿": "kinki", "関西": "kinki", "中国": "chugoku", "四国": "shikoku", "九州": "kyushu", "沖縄": "kyushu",
	"東日本": "east_japan", "西日本": "west_japan",
}

var countryWords = map[string]string{
	"日本": "JP", "国内": "JP", "日本国内": "JP", "jp": "JP", "japan": "JP",
	"米国": "US", "アメリカ": "US", "us": "US", "シンガポール": "SG", "sg": "SG",
	"韓国": "KR", "kr": "KR", "台湾": "TW", "tw": "TW", "香港": "HK", "hk": "HK",
}

// ParseLocation reads a location claim such as "東日本、西日本", "関東" or "JP".
func ParseLocation(v any) (any, error) {
	var parts []string
	switch x := v.(type) {
	case string:
		parts = strings.FieldsFunc(norm.NFKC.String(x), func(r rune) bool {
			return r == ',' || r == '、' || r == '/' || r == ' ' || r == '・' || r == 'と'
		})
	case []any:
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("want place names, have %v", describe(e))
			}
			parts = append(parts, norm.NFKC.String(s))
		}
	default:
		return nil, fmt.Errorf("want a place such as 日本, 関東 or 東日本, have %v", describe(v))
	}
	loc := Location{Country: "JP"}
	for _, p := range parts {
		p = strings.TrimSpace(p)
		for _, suffix := range []string{"に配置されています", "に配置", "地方", "リージョン"} {
			p = strings.TrimSuffix(p, suffix)
		}
		if p == "" {
			continue
		}
		if a, ok := areaWords[p]; ok {
			if !slices.Contains(loc.Areas, a) {
				loc.Areas = append(loc.Areas, a)
			}
			continue
		}
		if c, ok := countryWords[strings.ToLower(p)]; ok {
			loc.Country = c
			continue
		}
		return nil, fmt.Errorf("unknown place %q: want 日本, a region block (関東, 近畿 …) or 東日本/西日本", p)
	}
	slices.Sort(loc.Areas)
	return loc, nil
}
