# METADATA
# title: 死活監視 / Liveness monitoring
# description: |
#   monitoring.liveness: a claim that liveness monitoring is done holds when
#   liveness checks (probes, health and uptime checks) exist; a claim that it
#   is not is contradicted by one.
#   monitoring.liveness_interval: a claim that liveness is checked at least
#   every N holds when every liveness check in scope runs at least that
#   often; one that runs less often contradicts it.
# custom:
#   id: KJ-C-MONITORING
#   items:
#     iot-asp-saas: [59]
#     asp-saas: [60]
#   keys: [monitoring.liveness, monitoring.liveness_interval]
#   reads: [monitor]
#   severity: high
package kaiji.claims.monitoring

import data.kaiji.lib
import data.kaiji.lib.monitoring

keys := {"monitoring.liveness", "monitoring.liveness_interval"}

findings contains f if {
	some claim in input.claims
	claim.key == "monitoring.liveness"
	is_boolean(claim.value)
	some m in lib.scoped(monitoring.monitors("liveness"), claim)
	f := lib.bool_finding(claim, m, exists(m))
}

findings contains f if {
	some claim in input.claims
	claim.key == "monitoring.liveness_interval"
	is_number(claim.value)
	some m in lib.scoped(monitoring.monitors("liveness"), claim)
	f := lib.finding(claim, m, monitoring.interval_outcome(m, claim.value), sprintf("%sごと以内", [lib.dur_ja(claim.value)]), sprintf("at least every %s", [lib.dur_en(claim.value)]))
}

exists(m) := {
	"outcome": "pass", "actual": m.attrs.check,
	"evidence": [lib.evidence(m, "check")],
	"detail_ja": sprintf("%s は稼働確認（%s）を行います", [m.id, m.attrs.check]),
	"detail_en": sprintf("%s checks that the service is alive (%s)", [m.id, m.attrs.check]),
}
