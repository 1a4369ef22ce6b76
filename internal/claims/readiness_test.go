package claims

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kaiji-dev/kaiji/collectors"
)

func TestReadinessSeed002(t *testing.T) {
	res := importFile(t, "seed002.md", ImportOptions{})
	r, err := CheckReadiness(res.Disclosure, ReadinessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type f struct {
		Item            int
		Check, Severity string
	}
	var got []f
	for _, x := range r.Findings {
		got = append(got, f{x.Item, x.Check, x.Severity})
	}
	want := []f{
		{63, CheckMandatory, Blocker}, // 管理者権限の運用管理: empty cell
		{63, CheckMeasure, Blocker},
		{71, CheckMeasure, Review}, // firewall: mixed statement
		{74, CheckMeasure, Review}, // user authentication: optional IP restriction
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if r.Ready || r.Blockers != 2 || r.Reviews != 2 || !r.Checked.Sheet || r.Checked.Measures != 12 || r.Checked.Minimum != 1 {
		t.Errorf("readiness = %+v", r)
	}
	// 3ヶ月以上前 is below a 6-month minimum.
	r, _ = CheckReadiness(res.Disclosure, ReadinessOptions{MinimumNotice: "6mo"})
	if first := r.Findings[0]; first.Item != 42 || first.Check != CheckMinimum || first.Severity != Blocker {
		t.Errorf("6mo minimum: first finding %+v, want item 42 below minimum", first)
	}
	if _, err := CheckReadiness(res.Disclosure, ReadinessOptions{MinimumNotice: "soon"}); err == nil {
		t.Error("bad minimum accepted")
	}
}

func TestReadinessClaimsOnly(t *testing.T) {
	d := &Disclosure{Edition: EditionASPSaaS, Claims: []Claim{
		{Item: 60, Key: "monitoring.liveness", Value: true},
		{Item: 62, Key: "antivirus.enabled", Value: false},
		{Item: 42, Key: "notice.service_change", Value: "2w"},
	}}
	r, err := CheckReadiness(d, ReadinessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sev := map[int]string{}
	for _, f := range r.Findings {
		sev[f.Item] = f.Severity
	}
	if sev[60] != "" || sev[62] != Blocker || sev[42] != Blocker || sev[71] != Blocker {
		t.Errorf("findings = %+v", r.Findings)
	}
	if r.Checked.Sheet || r.Checked.Mandatory != 0 {
		t.Errorf("mandatory items checked without a sheet: %+v", r.Checked)
	}
}

// TestPhraseRoundTrip: every phrase suggest writes, claims import reads
// back to the same value.
func TestPhraseRoundTrip(t *testing.T) {
	facts := []collectors.Fact{{Kind: "backup", Attrs: map[string]any{"generations": float64(35)}}}
	for _, edition := range []string{EditionASPSaaS, EditionIoT} {
		for _, c := range Candidates(edition, facts) {
			iot, _ := ItemOf(c.Key, EditionIoT)
			krs := rulesFor(iot, "", "")
			if c.Key == "backup.interval" || c.Key == "backup.generations" || c.Key == "log.retention" || c.Key == "log.system" || c.Key == "log.user_activity" || c.Key == "log.tamper_protection" || c.Key == "service.redundancy" || c.Key == "dr.enabled" {
				krs = allRules(iot)
			}
			var parsed any
			found := false
			for _, kr := range krs {
				if kr.key == c.Key {
					parsed, _ = kr.parse(c.Text)
					found = true
				}
			}
			if !found {
				t.Errorf("%s: no import rule for key %s (item %d)", edition, c.Key, iot)
				continue
			}
			want := c.Value
			if ss, ok := want.([]string); ok && c.Key == "location.data" {
				want = ss
			}
			if diff := cmp.Diff(want, parsed); diff != "" {
				t.Errorf("%s %s: %q reads back as %v, want %v", edition, c.Key, c.Text, parsed, want)
			}
		}
	}
}

func allRules(iot int) []keyRule {
	var out []keyRule
	for _, r := range rules {
		if r.iot == iot {
			out = append(out, r.keys...)
		}
	}
	return out
}

// TestSuggestedSheetImports: the sheet rows suggest writes are a sheet
// claims import reads back to the same claims.
func TestSuggestedSheetImports(t *testing.T) {
	for _, edition := range []string{EditionASPSaaS, EditionIoT} {
		cands := Candidates(edition, nil)
		var chosen []Claim
		want := map[string]any{}
		for _, i := range Strongest(cands, func(int) bool { return true }) {
			chosen = append(chosen, cands[i])
			want[cands[i].Key] = cands[i].Value
		}
		Strengthen(chosen)
		var ss []Suggestion
		for _, c := range chosen {
			ss = append(ss, Suggestion{Claim: c, Evidence: []string{"infra/main.tf:1"}})
			if c.Key == "backup.generations" && !strings.HasPrefix(c.Text, "1回/1時間、") {
				t.Errorf("generations phrase %q does not state the interval", c.Text)
			}
		}
		var b strings.Builder
		if err := WriteSheetRows(&b, edition, ss); err != nil {
			t.Fatal(err)
		}
		res, err := Import("rows.md", []byte(b.String()), ImportOptions{Edition: edition})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]any{}
		for _, c := range res.Disclosure.Claims {
			if _, ok := want[c.Key]; ok {
				got[c.Key] = c.Value
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: imported suggestion rows (-suggested +imported):\n%s\n%s", edition, diff, b.String())
		}
	}
}

func TestReadinessGolden(t *testing.T) {
	res := importFile(t, "seed002.md", ImportOptions{})
	r, err := CheckReadiness(res.Disclosure, ReadinessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "ja"} {
		var b strings.Builder
		if err := WriteReadiness(&b, r, lang); err != nil {
			t.Fatal(err)
		}
		golden(t, "seed002.check."+lang+".txt", []byte(b.String()))
	}
}

func TestReadinessIoTEdition(t *testing.T) {
	sheet := "No. | 種別 | サービスレベル項目例 | 規程内容 | 必須/選択 | 内容 |\n" +
		"75 | セキュリティ | IoT機器認証 | IoT機器の認証方法 | 必須 | 有り X.509証明書 |\n" +
		"43 | サービス基本特性 | サービス(事業)変更・終了時等の事前告知 | 利用者への告知時期 | 必須 | 2週間前 |\n" +
		"59 | セキュリティ | 死活監視 | 死活監視の有無 | 必須 | 無し |\n"
	res, err := Import("iot.md", []byte(sheet), ImportOptions{Edition: EditionIoT})
	if err != nil {
		t.Fatal(err)
	}
	r, err := CheckReadiness(res.Disclosure, ReadinessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	by := map[int][]string{}
	for _, f := range r.Findings {
		by[f.Item] = append(by[f.Item], f.Check+"/"+f.Severity)
	}
	if by[75] != nil {
		t.Errorf("item 75 (IoT device authentication, 有り): %v", by[75])
	}
	if diff := cmp.Diff([]string{"minimum_value/blocker"}, by[43]); diff != "" {
		t.Errorf("item 43 (2週間前 < 1mo) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"measure_in_place/blocker"}, by[59]); diff != "" {
		t.Errorf("item 59 (無し) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"mandatory_disclosed/blocker"}, by[1]); diff != "" {
		t.Errorf("item 1 missing (-want +got):\n%s", diff)
	}
	if r.Checked.Measures != 13 || r.Ready {
		t.Errorf("checked %+v, ready %v", r.Checked, r.Ready)
	}
}
