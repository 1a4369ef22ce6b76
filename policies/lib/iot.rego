# METADATA
# title: IoT 機器認証と性能対策 / IoT device authentication and capacity
# description: |
#   Certificate authentication of devices and edge computers, and
#   autoscaling of workloads. Shared by the IoT claims, B-52 and B-57.
# scope: package
package kaiji.lib.iot

import data.kaiji.lib

# certificate_outcome: devices authenticate with certificates (X.509).
certificate_outcome(d) := lib.flag_outcome(
	d, "certificate", {
		"ja": sprintf("%s は電子証明書で機器を認証します（%s）", [d.id, object.get(d.attrs, "method", "x509")]),
		"en": sprintf("%s authenticates devices with certificates (%s)", [d.id, object.get(d.attrs, "method", "x509")]),
	},
	{
		"ja": sprintf("%s は電子証明書を使わずに機器を認証します（%s）", [d.id, object.get(d.attrs, "method", "?")]),
		"en": sprintf("%s authenticates devices without certificates (%s)", [d.id, object.get(d.attrs, "method", "?")]),
	},
)

# scalable lists the workloads that say whether they autoscale.
scalable := [r |
	some r in lib.facts("redundancy")
	says_autoscaling(r)
]

says_autoscaling(r) if object.get(r.attrs, "autoscaling", null) != null

says_autoscaling(r) if lib.unknown(r, "autoscaling")

says_autoscaling(r) if lib.unknown(r, "autoscaling.max")

# autoscaling_outcome: capacity grows with load (max above min).
autoscaling_outcome(r) := {
	"outcome": lib.pass_fail(hi > lo), "actual": {"min": lo, "max": hi},
	"evidence": [lib.evidence(r, "autoscaling.max")],
	"detail_ja": sprintf("%s は負荷に応じて %d〜%d 台に自動で増減します", [r.id, lo, hi]),
	"detail_en": sprintf("%s scales automatically between %d and %d instances", [r.id, lo, hi]),
} if {
	lib.known_number(r, "autoscaling.min")
	lib.known_number(r, "autoscaling.max")
	lo := r.attrs.autoscaling.min
	hi := r.attrs.autoscaling.max
}

autoscaling_outcome(r) := lib.not_known(r, "autoscaling.max") if {
	not both_known(r)
}

both_known(r) if {
	lib.known_number(r, "autoscaling.min")
	lib.known_number(r, "autoscaling.max")
}
