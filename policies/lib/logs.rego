# METADATA
# title: ログの保存期間 / Log retention
# description: Retention of one log store against a minimum, shared by claims and III.2.1.3.
# scope: package
package kaiji.lib.logs

import data.kaiji.lib

retention_outcome(l, _) := {
	"outcome": "pass", "actual": "forever",
	"evidence": [lib.evidence(l, "retention_seconds")],
	"detail_ja": sprintf("%s のログは期限なく保存されます", [l.id]),
	"detail_en": sprintf("%s keeps its logs without expiry", [l.id]),
} if {
	lib.attr(l, "retention_forever") == true
}

retention_outcome(l, want) := {
	"outcome": lib.pass_fail(have >= want), "actual": have,
	"evidence": [lib.evidence(l, "retention_seconds")],
	"detail_ja": sprintf("%s のログ保存期間は %s です", [l.id, lib.dur_ja(have)]),
	"detail_en": sprintf("%s keeps its logs for %s", [l.id, lib.dur_en(have)]),
} if {
	have := lib.attr(l, "retention_seconds")
	is_number(have)
	not lib.unknown(l, "retention_seconds")
}

retention_outcome(l, _) := {
	"outcome": "unknown", "actual": null,
	"evidence": [lib.evidence(l, "retention_seconds")],
	"detail_ja": sprintf("%s のログ保存期間を静的に確定できません", [l.id]),
	"detail_en": sprintf("the retention of %s cannot be known statically", [l.id]),
} if {
	lib.attr(l, "retention_forever") != true
	not is_number(lib.attr(l, "retention_seconds"))
}
