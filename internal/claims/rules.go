package claims

import (
	"fmt"
	"regexp"
	"strings"
)

// A rule says which claims a sheet row of one item makes. Items are given
// in the iot-asp-saas numbering (seed 000) and converted through the
// catalog, so one table serves both editions. The items are those
// testdata/catalog/infra_verifiable.md lists as verifiable or partially
// verifiable, plus item 43 (notice before a service change), which
// certification checks against a minimum.
type rule struct {
	iot int
	// asp is set instead of iot for items only the asp-saas edition has.
	asp int
	// match selects the row by its requirement text (規程内容); empty
	// matches every row of the item.
	match *regexp.Regexp
	keys  []keyRule
}

// keyRule reads one claim from a row's statement.
type keyRule struct {
	key   string
	parse parser
	// when, if set, selects the key by the statement's text.
	when *regexp.Regexp
	// optional keys are claimed only when the statement states them.
	optional bool
}

// parser reads a statement's value; why says what was missing.
type parser func(text string) (value any, why string)

func re(s string) *regexp.Regexp { return regexp.MustCompile(s) }

var rules = []rule{
	{iot: 27, keys: []keyRule{{key: "provider.iaas", parse: parseProviders}}},
	{iot: 36, match: re(`連携`), keys: []keyRule{{key: "service.integrations", parse: parseBool}}},
	{iot: 37, keys: []keyRule{{key: "service.hours", parse: parseCoverageValue}}},
	{iot: 43, match: re(`告知時期`), keys: []keyRule{{key: "notice.service_change", parse: parseNotice}}},
	{iot: 45, match: re(`削除又は廃棄方法`), keys: []keyRule{{key: "data.deletion", parse: parseBool}}},
	{iot: 49, match: re(`目標`), keys: []keyRule{{key: "availability.target", parse: parseTarget}}},
	{iot: 49, match: re(`実績`), keys: []keyRule{{key: "availability.actual", parse: parsePercentValue}}},
	{iot: 49, match: re(`事故歴`), keys: []keyRule{{key: "availability.outages", parse: parseCountValue}}},
	{iot: 50, keys: []keyRule{{key: "performance.autoscaling", parse: parseBool}}},
	{iot: 52, keys: []keyRule{{key: "vulnerability_scan.enabled", parse: parseBool}}},
	{iot: 53, match: re(`インターバル|間隔|頻度`), keys: []keyRule{{key: "backup.interval", parse: parseIntervalValue}}},
	{iot: 53, match: re(`世代`), keys: []keyRule{{key: "backup.generations", parse: parseGenerationsValue}}},
	{iot: 54, match: re(`停止しない|冗長|負荷分散`), keys: []keyRule{{key: "service.redundancy", parse: parseBool}}},
	{iot: 54, match: re(`DR|ディザスタ|災害`), keys: []keyRule{{key: "dr.enabled", parse: parseBool}}},
	{iot: 58, keys: []keyRule{{key: "service.integrations", parse: parseBool}}},
	{iot: 59, keys: []keyRule{
		{key: "monitoring.liveness", parse: parseBool},
		{key: "monitoring.liveness_interval", parse: parseIntervalValue, optional: true},
	}},
	{iot: 60, keys: []keyRule{{key: "time_sync.enabled", parse: parseBool}}},
	{iot: 61, keys: []keyRule{{key: "antivirus.enabled", parse: parseBool}}},
	{iot: 62, keys: []keyRule{{key: "admin.restricted", parse: parseBool}}},
	{iot: 63, keys: []keyRule{
		{key: "password.min_length", parse: parseMinLength, optional: true},
		{key: "auth.mfa", parse: parseMentioned(mfaRe), optional: true},
		{key: "password.max_age", parse: parseMaxAge, optional: true},
		{key: "password.policy", parse: parseBool},
	}},
	{iot: 64, match: re(`利用状況|利用者`), keys: []keyRule{{key: "log.user_activity", parse: parseBool}}},
	{iot: 64, match: re(`システム運用`), keys: []keyRule{
		{key: "log.system", parse: parseBool},
		{key: "log.retention", parse: parseRetention},
	}},
	{iot: 64, match: re(`改ざん|改竄`), keys: []keyRule{{key: "log.tamper_protection", parse: parseBool}}},
	{iot: 65, keys: []keyRule{
		{key: "patch.within", parse: parseDeadline, optional: true},
		{key: "patch.auto_update", parse: parseMentioned(autoRe), optional: true},
		{key: "patch.policy", parse: parseBool},
	}},
	{iot: 66, keys: []keyRule{{key: "encryption.at_rest", parse: parseBool}}},
	{iot: 68, keys: []keyRule{{key: "performance.autoscaling", parse: parseBool}}},
	// asp-saas 68 (設定不備防止対策, only in the newer edition): measures
	// against misconfiguration, which policy-as-code itself provides.
	{asp: 68, keys: []keyRule{{key: "misconfiguration.prevention", parse: parseBool}}},
	{iot: 69, keys: []keyRule{{key: "network.line", parse: parseLines}}},
	{iot: 70, keys: []keyRule{{key: "network.bandwidth_guarantee", parse: parseBool}}},
	{iot: 71, keys: []keyRule{{key: "firewall.enabled", parse: parseBool}}},
	{iot: 72, keys: []keyRule{{key: "ids.enabled", parse: parseBool}}},
	{iot: 73, keys: []keyRule{{key: "network.monitoring", parse: parseBool}}},
	{iot: 74, keys: []keyRule{
		{key: "auth.ip_restriction", parse: parseBool, when: re(`(?i)IP|接続元`)},
		{key: "auth.mfa", parse: parseBool, when: mfaRe},
		{key: "auth.method", parse: parseBool, when: re(`^`)},
	}},
	{iot: 75, keys: []keyRule{{key: "iot.device_certificate", parse: parseBool}}},
	{iot: 76, keys: []keyRule{{key: "network.server_certificate", parse: parseBool}}},
	{iot: 77, keys: []keyRule{{key: "network.tls_min_version", parse: parseTLSValue}}},
	{iot: 97, keys: []keyRule{{key: "location.data", parse: parseLocationValue}}},
	{iot: 113, match: re(`告知時期`), keys: []keyRule{{key: "notice.maintenance", parse: parseNotice}}},
	{iot: 114, keys: []keyRule{
		{key: "notice.failure", parse: parseBool},
		{key: "notice.incident_time", parse: parseDeadline, optional: true},
	}},
	{iot: 115, keys: []keyRule{{key: "incident.response", parse: parseBool}}},
	{iot: 116, keys: []keyRule{{key: "report.periodic", parse: parseBool}}},
}

// rulesFor returns the key rules of a row of an item (iot numbering).
func rulesFor(iot int, requirement, name string) []keyRule {
	return matching(func(r rule) bool { return r.asp == 0 && r.iot == iot }, requirement, name)
}

// aspRulesFor returns the key rules of a row of an item only the asp-saas
// edition has.
func aspRulesFor(asp int, requirement, name string) []keyRule {
	return matching(func(r rule) bool { return r.asp != 0 && r.asp == asp }, requirement, name)
}

func matching(item func(rule) bool, requirement, name string) []keyRule {
	var out, all []keyRule
	for _, r := range rules {
		if !item(r) {
			continue
		}
		for _, k := range r.keys {
			k.optional = true
			all = append(all, k)
		}
		if r.match != nil && !r.match.MatchString(Clean(requirement)) && !r.match.MatchString(Clean(name)) {
			continue
		}
		out = append(out, r.keys...)
	}
	if len(out) == 0 && (requirement == "" || name == "") {
		// A sheet with a single descriptor column cannot say which
		// requirement a row answers: every key of the item the statement
		// actually states.
		return all
	}
	return out
}

// selectKeys applies the when conditions: among keys with conditions, the
// first that matches the statement is used.
func selectKeys(krs []keyRule, text string) []keyRule {
	var out []keyRule
	chose := false
	for _, k := range krs {
		if k.when == nil {
			out = append(out, k)
			continue
		}
		if !chose && k.when.MatchString(Clean(text)) {
			out = append(out, k)
			chose = true
		}
	}
	return out
}

func parseBool(text string) (any, string) {
	switch p := ParsePresence(text); p {
	case PresenceYes:
		return true, ""
	case PresenceNo:
		return false, ""
	case PresenceWithheld:
		return nil, "the sheet withholds it (非公開)"
	case PresenceConditional:
		return nil, "the sheet states it as conditional or optional, not as yes or no"
	case PresenceMixed:
		return nil, "the statement says both yes and no"
	}
	if strings.TrimSpace(text) == "" {
		return nil, "the cell is empty"
	}
	return nil, "no presence word (有り/無し, …しています/…ありません) found"
}

func parseIntervalValue(text string) (any, string) {
	f, ok := ParseInterval(text)
	if !ok {
		return nil, "no interval (日次, 毎日, 1回/1日 …) found"
	}
	return f.Text, ""
}

func parseGenerationsValue(text string) (any, string) {
	n, ok := ParseGenerations(text)
	if !ok {
		return nil, "no generation count (N世代) found"
	}
	return n, ""
}

// parseRetention reads the shortest period a statement keeps logs for
// (「アクセスログ:1年、操作ログ:3年」 → 1y): a claim about all logs holds
// only for the shortest.
func parseRetention(text string) (any, string) {
	var best *Span
	for _, sp := range ParseSpans(text) {
		if sp.Bound == AtMost || sp.Bound == Below {
			return nil, fmt.Sprintf("the period %s is an upper bound, not a retention", sp.Text)
		}
		if best == nil || sp.Seconds < best.Seconds {
			best = &sp
		}
	}
	if best == nil {
		return nil, "no retention period (1年以上, 3ヶ月 …) found"
	}
	return best.Text, ""
}

func parseNotice(text string) (any, string) {
	sp, ok := ParseSpan(text)
	if !ok {
		return nil, "no notice period (1ヶ月前, 2週間以上前 …) found"
	}
	return sp.Text, ""
}

func parseDeadline(text string) (any, string) {
	sp, ok := ParseSpan(text)
	if !ok || sp.Bound == AtLeast {
		return nil, "no deadline (N日以内) found"
	}
	return sp.Text, ""
}

func parseTLSValue(text string) (any, string) {
	v, ok := ParseTLS(text)
	if !ok {
		return nil, "no TLS version (TLS1.2 …) found"
	}
	return v, ""
}

func parseLocationValue(text string) (any, string) {
	loc, ok := ParsePlaces(text)
	if !ok {
		return nil, "no unambiguous place (日本, 関東, 東日本 …) found"
	}
	return PlaceNames(loc), ""
}

func parsePercentValue(text string) (any, string) {
	r, ok := ParsePercent(text)
	if !ok {
		return nil, "no percentage found"
	}
	return r, ""
}

// parseTarget refuses an actual value written in the target field (seed
// 002 No.48: 「2024年5月実績は100%です」 states no target).
func parseTarget(text string) (any, string) {
	if strings.Contains(text, "実績") {
		return nil, "the statement gives an actual value (実績), not a target"
	}
	return parsePercentValue(text)
}

func parseCountValue(text string) (any, string) {
	n, ok := ParseCount(text)
	if !ok {
		return nil, "no count (N回) found"
	}
	return n, ""
}

func parseCoverageValue(text string) (any, string) {
	c, ok := ParseCoverage(text)
	if !ok {
		return nil, "no round-the-clock hours (24時間365日) found"
	}
	return c, ""
}

var minLengthRe = regexp.MustCompile(`(\d+)(?:文字|桁)以上`)

func parseMinLength(text string) (any, string) {
	m := minLengthRe.FindStringSubmatch(Clean(text))
	if m == nil {
		return nil, "no minimum length (N文字以上) found"
	}
	return atoi(m[1]), ""
}

var lineWords = []struct {
	re   *regexp.Regexp
	name string
}{
	{re(`(?i)インターネット|internet`), "インターネット"},
	{re(`(?i)VPN|IPsec`), "VPN"},
	{re(`(?i)専用線|閉域|Direct ?Connect|ExpressRoute|Interconnect`), "専用線"},
}

func parseLines(text string) (any, string) {
	var out []string
	for _, w := range lineWords {
		if w.re.MatchString(text) {
			out = append(out, w.name)
		}
	}
	if len(out) == 0 {
		return nil, "no line type (インターネット, 専用線, VPN) found"
	}
	return out, ""
}

var providerWords = []struct {
	re   *regexp.Regexp
	name string
}{
	{re(`(?i)\bAWS\b|Amazon Web Services|アマゾン`), "aws"},
	{re(`(?i)Azure|アジュール`), "azure"},
	{re(`(?i)Google Cloud|\bGCP\b|グーグルクラウド`), "gcp"},
	{re(`(?i)Oracle Cloud|\bOCI\b`), "oci"},
	{re(`(?i)さくら|Sakura`), "sakura"},
}

func parseProviders(text string) (any, string) {
	var out []string
	for _, w := range providerWords {
		if w.re.MatchString(text) {
			out = append(out, w.name)
		}
	}
	if len(out) == 0 {
		return nil, "no cloud provider (AWS, Azure, Google Cloud …) named"
	}
	return out, ""
}

var changeRe = re(`変更|有効期限|有効期間`)

// parseMaxAge reads how often passwords must be changed: 「90日以内に変更」.
func parseMaxAge(text string) (any, string) {
	if !changeRe.MatchString(Clean(text)) {
		return nil, "no password change period"
	}
	return parseDeadline(text)
}

var (
	mfaRe  = re(`(?i)多要素|二要素|2要素|MFA|2FA|ワンタイム`)
	autoRe = re(`自動(?:更新|適用|アップデート|パッチ)`)
)

// parseMentioned claims true when the statement names the measure (多要素
// 認証, 自動更新) and does not deny it; otherwise nothing is claimed.
func parseMentioned(word *regexp.Regexp) parser {
	return func(text string) (any, string) {
		if !word.MatchString(Clean(text)) {
			return nil, "not mentioned"
		}
		if ParsePresence(text) == PresenceNo {
			return false, ""
		}
		return true, ""
	}
}
