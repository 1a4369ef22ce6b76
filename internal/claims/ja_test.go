package claims

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The tables below are testdata/catalog/phrases.md row by row, plus the
// variants real sheets use. "002 No.N" marks text from seed 002.

func TestParseSpan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string // Text + bound + before, "" for no duration
	}{
		{"1年以上保管しています", "1y min"},                     // 002 No.65
		{"有り 1年以上保管しています", "1y min"},                  // 002 No.65 as published
		{"3ヶ月以上前に告知します", "3mo min before"},            // 002 No.42
		{"2週間以上前", "2w min before"},                   // 002 No.98
		{"電力供給時間は72時間程度(ふくそう状況により変化する)", "3d approx"}, // 002 No.84
		{"有り 72時間程度(ふくそう状況により変化する)", "3d approx"},     // 002 No.86
		{"2年以上", "2y min"},
		{"3ヶ月", "3mo"},
		{"1ヶ月", "1mo"},
		{"1週間", "1w"},
		{"5年", "5y"},
		{"6ヶ月", "6mo"},
		{"1ヵ月前", "1mo before"},
		{"1か月前", "1mo before"},
		{"1カ月前", "1mo before"},
		{"1ケ月前", "1mo before"},
		{"1箇月前", "1mo before"},
		{"12ヶ月前", "12mo before"},
		{"20分以内", "20m max"},
		{"60分以内", "1h max"},
		{"5時間以内", "5h max"},
		{"20分", "20m"},
		{"発見後 1 時間", "1h"},
		{"検知後 60 分以内", "1h max"},
		{"ベンダリリースから 24 時間以内", "1d max"},
		{"ベンダーリリースから3日以内", "3d max"},
		{"１年以上", "1y min"}, // full-width digits
		{"３ヶ月以上前", "3mo min before"},
		{"1 年 以上", "1y min"}, // PDF spacing
		{"90日間保存", "3mo"},
		{"365日分", "1y"},
		{"30日未満", "1mo lt"},
		{"1年を超える", "1y gt"},
		{"約1年", "1y approx"},
		{"最低3ヶ月", "3mo min"},
		{"7日前後", "1w approx"},
		{"三ヶ月以上前", "3mo min before"}, // kanji numeral
		{"一年以上", "1y min"},
		{"十二ヶ月", "12mo"},
		{"10分", "10m"},
		{"18ヶ月", "18mo"},
		{"2023年度実績で21回、平均17分程度", "17m approx"}, // 002 No.48: 2023年度 is a year
		{"2024年6月12日", ""},                     // a date
		{"次月解約受付時期:当月25日締めです", ""},             // 002 No.47: a cutoff day
		{"1991/10/01", ""},
		{"非公開", ""},
		{"保存期間は非公開", ""}, // 002 No.92
		{"", ""},
	}
	for _, tt := range tests {
		got := ""
		if sp, ok := ParseSpan(tt.in); ok {
			got = sp.Text
			if sp.Bound != Exact {
				got += " " + string(sp.Bound)
			}
			if sp.Before {
				got += " before"
			}
		}
		if got != tt.want {
			t.Errorf("ParseSpan(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseFrequencies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{"日次、週次、月次バックアップを取得している", []string{"1d", "1w", "1mo"}}, // 002 No.54
		{"日次", []string{"1d"}},
		{"週次", []string{"1w"}},
		{"月次", []string{"1mo"}},
		{"年次教育", []string{"1y"}},
		{"ISMS年間計画に含め年次教育、情報セキュリティ運用チェックを併せて年3回実施しています", []string{"1y", "2920h"}}, // 002 No.25
		{"1回/1日", []string{"1d"}},
		{"1回/1週間", []string{"1w"}},
		{"1回/1ヶ月", []string{"1mo"}},
		{"1回/6ヶ月", []string{"6mo"}},
		{"1回/1年", []string{"1y"}},
		{"1回/10分", []string{"10m"}},
		{"1回/30分", []string{"30m"}},
		{"1回/60分", []string{"1h"}},
		{"1回以上／5分", []string{"5m+"}},
		{"1 回以上／10 分", []string{"10m+"}},
		{"1回以上/20分", []string{"20m+"}},
		{"1回/3週間", []string{"3w"}},
		{"１回／１日", []string{"1d"}},
		{"2回/日", []string{"12h"}},
		{"毎日", []string{"1d"}},
		{"毎週", []string{"1w"}},
		{"毎月", []string{"1mo"}},
		{"毎時", []string{"1h"}},
		{"毎晩バックアップ", []string{"1d"}},
		{"1日1回", []string{"1d"}},
		{"1日に2回", []string{"12h"}},
		{"1日4回", []string{"6h"}},
		{"週1回", []string{"1w"}},
		{"月1回", []string{"1mo"}},
		{"6時間ごと", []string{"6h"}},
		{"5分毎", []string{"5m"}},
		{"2日おき", []string{"2d"}},
		{"30秒間隔", []string{"30s"}},
		{"1回/1日、7世代", []string{"1d"}},
		{"デイリーバックアップ", []string{"1d"}},
		{"Daily backup", []string{"1d"}},
		{"随時", nil},
		{"定期的に収集している", nil},
		{"バックアップ実施の都度", nil},
		{"2世代を保管しています", nil},
		{"当月25日締め", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, f := range ParseFrequencies(tt.in) {
			s := f.Text
			if f.AtLeast {
				s += "+"
			}
			got = append(got, s)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseFrequencies(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	if f, ok := ParseInterval("日次、週次、月次バックアップを取得している"); !ok || f.Every != 86400 {
		t.Errorf("ParseInterval(日次、週次、月次) = %v, %v; want 1d", f, ok)
	}
}

func TestParseGenerations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int
	}{
		{"2世代を保管しています", 2}, // 002 No.54
		{"5世代", 5},
		{"1世代", 1},
		{"７世代", 7},
		{"1回/1日、7世代", 7},
		{"日次7世代、週次4世代", 4},
		{"三世代", 3},
		{"30 世代分保持", 30},
		{"世代管理なし", 0},
		{"世代バックアップ(何世代前までかを記述)", 0},
	}
	for _, tt := range tests {
		got, _ := ParseGenerations(tt.in)
		if got != tt.want {
			t.Errorf("ParseGenerations(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestRetentionShortest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want any
	}{
		{"有り 1年以上保管しています", "1y"},
		{"アクセスログ:1年、操作ログ:3年", "1y"},
		{"操作ログは3年、アクセスログは13ヶ月保管", "13mo"},
		{"90日間保存", "3mo"},
		{"30日以内に削除", nil},
		{"保存期間は非公開", nil},
	}
	for _, tt := range tests {
		if got, _ := parseRetention(tt.in); got != tt.want {
			t.Errorf("parseRetention(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseKeptSpan(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"7日分保持", "1w"},
		{"過去3ヶ月分を保管", "3mo"},
		{"35日分", "5w"},
		{"１４日分のバックアップ", "2w"},
		{"2世代", ""},
		{"7日間保持", ""},
	}
	for _, tt := range tests {
		got := ""
		if sp, ok := ParseKeptSpan(tt.in); ok {
			got = sp.Text
		}
		if got != tt.want {
			t.Errorf("ParseKeptSpan(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParsePercentAndCoverage(t *testing.T) {
	t.Parallel()
	percents := []struct {
		in   string
		want float64
	}{
		{"2023年度99.9%", 0.999},  // 002 No.48
		{"2024年5月実績は100%です", 1}, // 002 No.48
		{"99.5%以上", 0.995},
		{"99%以上", 0.99},
		{"95%以上", 0.95},
		{"99.95％", 0.9995},
		{"９９．９％", 0.999},
		{"73%", 0.73}, // 002 No.12
		{"非公開", 0},
	}
	for _, tt := range percents {
		got, _ := ParsePercent(tt.in)
		if got != tt.want {
			t.Errorf("ParsePercent(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
	coverage := []struct{ in, want string }{
		{"24時間365日", "24x365"}, // 002 No.38
		{"サポート受付:24時間365日(サポートweb) その他受付:土日祝日を除く9:30から18:00まで", "24x365"}, // 002 No.96
		{"365日24時間", "24x365"},
		{"365 日 24 時間", "24x365"},
		{"365日/24時間", "24x365"},
		{"24時間/365日", "24x365"},
		{"２４時間３６５日", "24x365"},
		{"24/365", "24x365"},
		{"24時間年中無休", "24x365"},
		{"24時間/7日", "24x7"},
		{"24/7", "24x7"},
		{"土日祝日を除く9:30から18:00まで", ""}, // 002 No.95
		{"24時間", ""},
	}
	for _, tt := range coverage {
		got, _ := ParseCoverage(tt.in)
		if got != tt.want {
			t.Errorf("ParseCoverage(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseTLS(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"有り i-Reporterのすべての通信はSSL(TSL1.2)により暗号化されています", "1.2"}, // 002 No.76, typo TSL
		{"SSL(TSL1.2)", "1.2"},
		{"SSL(TLS1.2)", "1.2"},
		{"TLS1.2", "1.2"},
		{"TLS 1.2", "1.2"},
		{"TLS1.2以上", "1.2"},
		{"TLS 1.3", "1.3"},
		{"TLSv1.2", "1.2"},
		{"tls1.2", "1.2"},
		{"ＴＬＳ１．２", "1.2"},
		{"SSL/TLS1.2", "1.2"},
		{"TLS1.2及び1.3", "1.2"},
		{"TLS1.3とTLS1.2に対応", "1.2"},
		{"TSL1.2", "1.2"},
		{"TLS1.0", "1.0"},
		{"HTTP暗号通信(SSL/TLS等)", ""},
		{"SSL3.0", ""},
		{"暗号化しています", ""},
	}
	for _, tt := range tests {
		got, _ := ParseTLS(tt.in)
		if got != tt.want {
			t.Errorf("ParseTLS(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParsePlaces(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		country string
		areas   []string
	}{
		{"東日本、西日本に配置されています", "JP", []string{"east_japan", "west_japan"}}, // 002 No.82
		{"関東", "JP", []string{"kanto"}},
		{"東北", "JP", []string{"tohoku"}},
		{"関西", "JP", []string{"kinki"}},
		{"近畿", "JP", []string{"kinki"}},
		{"関東、関西", "JP", []string{"kanto", "kinki"}},
		{"日本", "JP", nil},
		{"国内", "JP", nil},
		{"日本国内のデータセンター", "JP", nil},
		{"東京", "JP", []string{"kanto"}},
		{"大阪", "JP", []string{"kinki"}},
		{"東京リージョン及び大阪リージョン", "JP", []string{"kanto", "kinki"}},
		{"日本(関東)", "JP", []string{"kanto"}},
		{"北海道", "JP", []string{"hokkaido"}},
		{"九州", "JP", []string{"kyushu"}},
		{"中部", "JP", []string{"chubu"}},
		{"中国地方", "JP", []string{"chugoku"}},
		{"四国", "JP", []string{"shikoku"}},
		{"北陸", "JP", []string{"chubu"}},
		{"米国", "US", nil},
		{"中国", "", nil},    // China or 中国地方: refused
		{"日本、米国", "", nil}, // two countries
		{"非公開", "", nil},
	}
	for _, tt := range tests {
		got, ok := ParsePlaces(tt.in)
		want := Location{Country: tt.country, Areas: tt.areas}
		if !ok {
			got = Location{}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ParsePlaces(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestParsePresence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Presence
	}{
		{"有", PresenceYes},  // 002 No.22
		{"有り", PresenceYes}, // 002 No.62
		{"あり", PresenceYes},
		{"有り すべてのサービス環境は死活監視されています", PresenceYes},                                            // 002 No.60
		{"有り 国内の信頼できる公的機関の時刻サーバーと同期しています", PresenceYes},                                      // 002 No.61
		{"有り Microsoft Defender for Cloud,DDoS Protection等により包括的に検知対策を実施しています", PresenceYes}, // 002 No.72
		{"有り サーバー証明書による防止しています", PresenceYes},                                                // 002 No.75
		{"有り 種別は非公開です", PresenceYes},                                                         // 002 No.87
		{"有り 保存期間は非公開", PresenceYes},                                                         // 002 No.92
		{"実施", PresenceYes},
		{"実施しています", PresenceYes},
		{"データベースは暗号化済みストレージ内に配置され全体として暗号化されています", PresenceYes}, // 002 No.67
		{"高可用性環境を使用しています", PresenceYes},                        // 002 No.55
		{"導入済み", PresenceYes},
		{"○", PresenceYes},
		{"Yes", PresenceYes},
		{"無し", PresenceNo}, // 002 No.32
		{"なし", PresenceNo},
		{"無", PresenceNo},
		{"該当なし", PresenceNo},
		{"無し ユーザーによるセキュリティ設定はありません", PresenceNo}, // 002 No.68
		{"DR(ディザスターリカバリー)対策はありません", PresenceNo},  // 002 No.55
		{"帯域保証はありません", PresenceNo},               // 002 No.70
		{"カスタマイズには対応していません", PresenceNo},         // 002 No.39
		{"既存システムから本システムへの移行支援は当社では実施していません", PresenceNo},
		{"未実施", PresenceNo},
		{"×", PresenceNo},
		{"非公開", PresenceWithheld},           // 002 No.83
		{"BCP関連情報は非公開です", PresenceWithheld}, // 002 No.30
		{"SLAは公開していません", PresenceWithheld},  // 002 No.57
		{"接続元IPアドレス制限(IPフィルタリング)はオプションで可能です", PresenceConditional},                           // 002 No.74
		{"対象個人情報について事前調査の上該当ありの場合対応可能です", PresenceConditional},                               // 002 No.28
		{"単独のファイヤーウォールは設置していません、Microsoft Defender for Cloud等により包括的に対応しています", PresenceMixed}, // 002 No.71
		{"", PresenceUnknown}, // 002 No.63: empty cell
		{"-", PresenceUnknown},
		{"インターネット回線", PresenceUnknown},
	}
	for _, tt := range tests {
		if got := ParsePresence(tt.in); got != tt.want {
			t.Errorf("ParsePresence(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestCleanAndCount(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"１年以上", "1年以上"},
		{"1 回以上／5 分*", "1回以上/5分"},
		{"ベンダリリースから 24 時間以内*", "ベンダリリースから24時間以内"},
		{"可能（ホットスタンバイ <sup>13</sup> ）", "可能(ホットスタンバイ13)"},
		{"有り  すべて", "有り すべて"},
		{"三ヶ月", "3ヶ月"},
		{"二十世代", "20世代"},
	}
	for _, tt := range tests {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if n, ok := ParseCount("2023年度実績で21回、平均17分程度"); !ok || n != 21 {
		t.Errorf("ParseCount = %d, %v; want 21", n, ok)
	}
}
