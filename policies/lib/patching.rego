# METADATA
# title: パッチ適用 / Patching
# description: Automatic updates and the patch approval delay, shared by the patch claims and III.1.1.6.
# scope: package
package kaiji.lib.patching

import data.kaiji.lib

auto_outcome(p) := lib.flag_outcome(
	p, "auto_update", {
		"ja": sprintf("%s はパッチ・マイナーバージョンを自動で適用します%s", [p.id, window_ja(p)]),
		"en": sprintf("%s applies patches and minor versions automatically%s", [p.id, window_en(p)]),
	},
	{
		"ja": sprintf("%s はパッチを自動で適用しません", [p.id]),
		"en": sprintf("%s does not apply patches automatically", [p.id]),
	},
)

window_ja(p) := sprintf("（メンテナンス枠 %s）", [p.attrs.maintenance_window]) if is_string(object.get(p.attrs, "maintenance_window", null))

window_ja(p) := "" if not is_string(object.get(p.attrs, "maintenance_window", null))

window_en(p) := sprintf(" (maintenance window %s)", [p.attrs.maintenance_window]) if is_string(object.get(p.attrs, "maintenance_window", null))

window_en(p) := "" if not is_string(object.get(p.attrs, "maintenance_window", null))

# delay_outcome judges how long after release patches are approved against
# a maximum. Automatic updates without a stated delay leave it unknown: the
# provider decides when a release reaches the maintenance window.
delay_outcome(p, limit) := lib.duration_at_most(p, "approve_after_seconds", limit, {"ja": "パッチ承認までの期間", "en": "patch approval delay"}) if {
	lib.known_number(p, "approve_after_seconds")
}

delay_outcome(p, _) := {
	"outcome": "unknown", "actual": null,
	"evidence": [lib.evidence(p, "approve_after_seconds")],
	"detail_ja": sprintf("%s のリリースから適用着手までの期間はインフラのコードに現れません", [p.id]),
	"detail_en": sprintf("how soon after release %s starts applying patches does not appear in the infrastructure code", [p.id]),
} if {
	not lib.known_number(p, "approve_after_seconds")
}
