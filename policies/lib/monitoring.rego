# METADATA
# title: 監視 / Monitoring checks
# description: |
#   Monitors by purpose (liveness, failure, performance) and their interval
#   and notification wiring. Shared by the monitoring claims and controls
#   III.1.1.1–III.1.1.3.
# scope: package
package kaiji.lib.monitoring

import data.kaiji.lib

# purposes maps each guideline purpose to the monitor checks that serve it.
purposes := {
	"liveness": {"liveness", "readiness", "health_check", "uptime"},
	"failure": {"health_check", "uptime", "synthetic"},
	"performance": {"metric_alarm", "performance"},
}

# monitors lists the monitor facts serving a purpose.
monitors(purpose) := [m |
	some m in lib.facts("monitor")
	object.get(m.attrs, "check", null) in purposes[purpose]
]

interval_name := {"ja": "監視間隔", "en": "check interval"}

# interval_outcome judges a monitor's interval against a maximum.
interval_outcome(m, limit) := lib.duration_at_most(m, "interval_seconds", limit, interval_name)

# notify_outcome judges whether a stop detected by m reaches someone within
# a time: someone must be notified, and the check must run at least that
# often. The branches exclude one another; an else chain stops at the first
# that holds.
notify_outcome(m, within) := lib.not_known(m, "notification") if {
	not lib.known_bool(m, "notification")
} else := {
	"outcome": "fail", "actual": "no notification",
	"evidence": [lib.evidence(m, "notification")],
	"detail_ja": sprintf("%s は検知しても誰にも通知しません", [m.id]),
	"detail_en": sprintf("%s notifies no one when it fires", [m.id]),
} if {
	m.attrs.notification == false
} else := lib.not_known(m, "interval_seconds") if {
	not lib.known_number(m, "interval_seconds")
} else := {
	"outcome": lib.pass_fail(have <= within), "actual": have,
	"evidence": [lib.evidence(m, "notification"), lib.evidence(m, "interval_seconds")],
	"detail_ja": sprintf("%s は %s ごとに確認し、検知を通知します（通知先への連絡手順は運用で確認してください）", [m.id, lib.dur_ja(have)]),
	"detail_en": sprintf("%s checks every %s and sends a notification (how users are told is an operating procedure)", [m.id, lib.dur_en(have)]),
} if {
	have := m.attrs.interval_seconds
}
