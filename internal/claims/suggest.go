package claims

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/internal/catalog"
)

// Suggestion works in two steps: Candidates lists, per claim key, the
// values a sheet could state, strongest first; the engine judges them all
// in one evaluation; Strongest keeps, per key, the first candidate the
// infrastructure supports. So a suggested claim is supported by
// construction, by the same policies scan uses.

// candidate ladders, strongest first.
var (
	intervalLadder  = []string{"1h", "6h", "12h", "1d", "1w", "1mo"}
	retentionLadder = []string{"10y", "7y", "5y", "3y", "2y", "1y", "6mo", "3mo", "1mo", "1w"}
	tlsLadder       = []string{"1.3", "1.2", "1.1", "1.0"}
	placeLadder     = [][]string{{"関東"}, {"近畿"}, {"関東", "近畿"}, {"東日本"}, {"西日本"}, {"東日本", "西日本"}, {"日本"}}
	lengthLadder    = []int{16, 14, 12, 10, 8}
	// monitoring and patching: more often / sooner is stronger.
	checkLadder    = []string{"1m", "5m", "10m", "30m", "1h"}
	patchLadder    = []string{"1d", "3d", "1w", "1mo"}
	passwordLadder = []string{"1mo", "3mo", "6mo", "1y"}
	boolKeys       = []string{
		"encryption.at_rest", "firewall.enabled", "monitoring.liveness", "time_sync.enabled", "antivirus.enabled",
		"ids.enabled", "service.redundancy", "dr.enabled", "admin.restricted", "auth.mfa", "auth.ip_restriction",
		"network.server_certificate", "log.system", "log.user_activity", "log.tamper_protection", "patch.auto_update",
		"performance.autoscaling", "iot.device_certificate",
	}
)

// Candidates returns the candidate claims for an edition, grouped by key
// and strongest first within a key. Generation counts come from the facts
// (every count a backup keeps is a candidate), the rest from fixed ladders.
// Keys without an item in the edition are left out.
func Candidates(edition string, facts []collectors.Fact) []Claim {
	var out []Claim
	addKey := func(key string, values ...any) {
		item, ok := ItemOf(key, edition)
		if !ok {
			return
		}
		for _, v := range values {
			c := Claim{Item: item, Key: key, Value: v, Text: Phrase(key, v)}
			if err := c.Normalize(); err == nil {
				out = append(out, c)
			}
		}
	}
	addKey("backup.interval", anys(intervalLadder)...)
	addKey("backup.generations", anys(generationCandidates(facts))...)
	addKey("log.retention", anys(retentionLadder)...)
	addKey("network.tls_min_version", anys(tlsLadder)...)
	addKey("location.data", anys(placeLadder)...)
	addKey("password.min_length", anys(lengthLadder)...)
	addKey("password.max_age", anys(passwordLadder)...)
	addKey("monitoring.liveness_interval", anys(checkLadder)...)
	addKey("patch.within", anys(patchLadder)...)
	for _, k := range boolKeys {
		addKey(k, true)
	}
	return out
}

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// generationCandidates lists the generation counts the facts state, largest
// first, and the guideline's reference counts (5, 2, 1).
func generationCandidates(facts []collectors.Fact) []int {
	set := map[int]bool{5: true, 2: true, 1: true}
	for _, f := range facts {
		for _, path := range [][]string{{"generations"}, {"backup", "generations"}} {
			if n, ok := number(dig(f.Attrs, path...)); ok && n > 0 && n < 10000 {
				set[int(n)] = true
			}
		}
	}
	out := make([]int, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	slices.Sort(out)
	slices.Reverse(out)
	return out
}

func dig(m map[string]any, path ...string) any {
	var v any = m
	for _, p := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[p]
	}
	return v
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

// Strongest keeps, per key in candidate order, the first candidate whose
// verdict is supported. verdict(i) is the verdict of candidates[i].
func Strongest(candidates []Claim, supported func(i int) bool) []int {
	var out []int
	done := map[string]bool{}
	for i, c := range candidates {
		if done[c.Key] || !supported(i) {
			continue
		}
		done[c.Key] = true
		out = append(out, i)
	}
	return out
}

// Strengthen rewrites the texts of chosen suggestions the way sheets state
// them together: the generations row says how often as well
// (「1回/1日、7世代」), since generations mean little without the interval.
func Strengthen(chosen []Claim) {
	interval := ""
	for _, c := range chosen {
		if c.Key == "backup.interval" {
			interval = c.Text
		}
	}
	if interval == "" {
		return
	}
	for i := range chosen {
		if chosen[i].Key == "backup.generations" {
			chosen[i].Text = interval + "、" + chosen[i].Text
		}
	}
}

// ItemOf returns the item that carries a key in an edition: from the
// policies' key list, else from the importer's rules.
func ItemOf(key, edition string) (int, bool) {
	if k, ok := LookupKey(key); ok {
		if items := k.Items[edition]; len(items) > 0 {
			return items[0], true
		}
	}
	for _, r := range rules {
		for _, kr := range r.keys {
			switch {
			case kr.key != key:
			case r.asp != 0 && edition == catalog.EditionASPSaaS:
				return r.asp, true
			case r.asp == 0:
				return catalog.Default().Convert(catalog.EditionIoT, edition, r.iot)
			}
		}
	}
	return 0, false
}

// Phrase writes a claim value in the guideline's Japanese phrasing, as a
// sheet would state it: 「1回/1日」「7世代」「1年以上」「TLS1.2以上」.
// claims import reads every phrase back to the same value.
func Phrase(key string, v any) string {
	switch key {
	case "backup.interval":
		if s, ok := v.(string); ok {
			if sec, err := ParseDuration(s); err == nil {
				return "1回/" + jaDuration(sec)
			}
		}
	case "monitoring.liveness_interval":
		if s, ok := v.(string); ok {
			if sec, err := ParseDuration(s); err == nil {
				return "有り 1回/" + jaDuration(sec)
			}
		}
	case "backup.generations":
		return fmt.Sprintf("%v世代", v)
	case "log.retention":
		if s, ok := v.(string); ok {
			if sec, err := ParseDuration(s); err == nil {
				return "有り " + jaDuration(sec) + "以上保管しています"
			}
		}
	case "network.tls_min_version":
		return fmt.Sprintf("有り 通信はTLS%v以上で暗号化しています", v)
	case "location.data":
		if ss, ok := v.([]string); ok {
			out := ""
			for i, s := range ss {
				if i > 0 {
					out += "、"
				}
				out += s
			}
			return out
		}
	case "auth.mfa":
		return presencePhrase(v, "多要素認証を必須としています")
	case "auth.ip_restriction":
		return presencePhrase(v, "接続元IPアドレスを制限しています")
	case "patch.auto_update":
		return presencePhrase(v, "セキュリティパッチは自動適用しています")
	case "password.min_length":
		return fmt.Sprintf("パスワードは%v文字以上", v)
	case "password.max_age":
		return "パスワードは" + durationPhrase(v, "以内に変更")
	case "patch.within":
		return "有り ベンダリリースから" + durationPhrase(v, "以内に適用")
	}
	if b, ok := v.(bool); ok {
		if b {
			return "有り"
		}
		return "無し"
	}
	return fmt.Sprint(v)
}

func durationPhrase(v any, suffix string) string {
	if s, ok := v.(string); ok {
		if sec, err := ParseDuration(s); err == nil {
			return jaDuration(sec) + suffix
		}
	}
	return fmt.Sprint(v)
}

func presencePhrase(v any, what string) string {
	if b, ok := v.(bool); ok && b {
		return "有り " + what
	}
	return "無し"
}

// jaDuration writes seconds as 1日, 6時間, 1週間, 1ヶ月, 1年.
func jaDuration(sec int64) string {
	for _, u := range []struct {
		unit string
		ja   string
	}{{"y", "年"}, {"mo", "ヶ月"}, {"w", "週間"}, {"d", "日"}, {"h", "時間"}, {"m", "分"}} {
		if n := unitSeconds[u.unit]; sec%n == 0 {
			return strconv.FormatInt(sec/n, 10) + u.ja
		}
	}
	return strconv.FormatInt(sec, 10) + "秒"
}
