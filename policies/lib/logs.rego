# METADATA
# title: ログの保存期間 / Log retention
# description: Retention of one log store against a minimum, shared by claims and III.2.1.3.
# scope: package
package kaiji.lib.logs

import data.kaiji.lib

# retention_outcome judges one log store against a minimum retention (an
# else chain of exclusive branches).
retention_outcome(l, want) := {
	"outcome": "pass", "actual": "forever",
	"evidence": [lib.evidence(l, "retention_seconds")],
	"detail_ja": sprintf("%s のログは期限なく保存されます", [l.id]),
	"detail_en": sprintf("%s keeps its logs without expiry", [l.id]),
} if {
	object.get(l.attrs, "retention_forever", null) == true
} else := {
	"outcome": lib.pass_fail(have >= want), "actual": have,
	"evidence": [lib.evidence(l, "retention_seconds")],
	"detail_ja": sprintf("%s のログ保存期間は %s です", [l.id, lib.dur_ja(have)]),
	"detail_en": sprintf("%s keeps its logs for %s", [l.id, lib.dur_en(have)]),
} if {
	have := object.get(l.attrs, "retention_seconds", null)
	is_number(have)
	not lib.unknown(l, "retention_seconds")
} else := {
	"outcome": "unknown", "actual": null,
	"evidence": [lib.evidence(l, "retention_seconds")],
	"detail_ja": sprintf("%s のログ保存期間を静的に確定できません", [l.id]),
	"detail_en": sprintf("the retention of %s cannot be known statically", [l.id]),
} if {
	object.get(l.attrs, "retention_forever", null) != true
	not is_number(object.get(l.attrs, "retention_seconds", null))
}

# kinds groups log categories as the guideline does: user activity
# (III.2.1.3 a) and exceptions and security events (III.2.1.3 b).
kinds := {
	"user_activity": {"access", "audit"},
	"system": {"system", "security", "flow"},
}

kind_names := {
	"user_activity": {"ja": "利用者の操作記録", "en": "user-activity records"},
	"system": {"ja": "例外処理・セキュリティ事象の記録", "en": "exception and security-event records"},
}

# of_kind lists the log stores of a guideline kind. A store of no stated
# category counts as a system log.
of_kind(kind) := [l |
	some l in lib.facts("log")
	object.get(l.attrs, "category", "system") in kinds[kind]
]

# collected: a store of that kind exists, so the records are kept.
collected(l, kind) := {
	"outcome": "pass", "actual": object.get(l.attrs, "category", "system"),
	"evidence": [lib.evidence(l, "category")],
	"detail_ja": sprintf("%s に%sを保存しています", [l.id, kind_names[kind].ja]),
	"detail_en": sprintf("%s stores %s", [l.id, kind_names[kind].en]),
}

# tamper_outcome: records cannot be altered or deleted unnoticed.
tamper_outcome(l) := lib.not_known(l, "tamper_protection") if {
	not lib.known_bool(l, "tamper_protection")
} else := {
	"outcome": "pass", "actual": true,
	"evidence": [lib.evidence(l, "tamper_protection")],
	"detail_ja": sprintf("%s は改ざん防止（%s）されています", [l.id, object.get(l.attrs, "tamper_mechanism", "?")]),
	"detail_en": sprintf("%s is protected against tampering (%s)", [l.id, object.get(l.attrs, "tamper_mechanism", "?")]),
} if {
	l.attrs.tamper_protection == true
} else := {
	"outcome": "fail", "actual": false,
	"evidence": [lib.evidence(l, "tamper_protection")],
	"detail_ja": sprintf("%s には改ざん防止の仕組みがありません", [l.id]),
	"detail_en": sprintf("%s has no protection against tampering", [l.id]),
}

# standby_outcome judges III.2.1.3 c: a hot standby needs the log store
# replicated across regions; a cold one is met by a managed log store that
# the provider restarts (and the code redeploys).
standby_outcome(l, "hot") := {
	"outcome": "pass", "actual": "hot",
	"evidence": [lib.evidence(l, "multi_region")],
	"detail_ja": sprintf("%s は複数リージョンに記録されるため、待機系で運用を継続できます", [l.id]),
	"detail_en": sprintf("%s records in several regions, so a standby carries on", [l.id]),
} if {
	object.get(l.attrs, "multi_region", null) == true
} else := lib.not_known(l, "multi_region") if {
	not lib.known_bool(l, "multi_region")
} else := {
	"outcome": "fail", "actual": "single region",
	"evidence": [lib.evidence(l, "multi_region")],
	"detail_ja": sprintf("%s は単一リージョンにのみ記録され、ホットスタンバイがありません", [l.id]),
	"detail_en": sprintf("%s records in one region only, with no hot standby", [l.id]),
}

standby_outcome(l, "cold") := {
	"outcome": "pass", "actual": "cold",
	"evidence": [lib.evidence(l, "store")],
	"detail_ja": sprintf("%s はマネージドのログ基盤（%s）で、コードから再構築できます", [l.id, object.get(l.attrs, "store", l.type)]),
	"detail_en": sprintf("%s is a managed log store (%s) that the code can redeploy", [l.id, object.get(l.attrs, "store", l.type)]),
}
