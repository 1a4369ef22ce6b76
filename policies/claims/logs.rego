# METADATA
# title: ログの保存期間 / Log retention
# description: |
#   A claim that logs are kept at least N (log.retention) holds when every log
#   store in scope keeps its records at least that long (or never expires
#   them). One store that deletes them sooner contradicts it.
# custom:
#   id: KJ-C-LOGS
#   items:
#     iot-asp-saas: [64]
#     asp-saas: [65]
#   keys: [log.retention]
#   reads: [log]
#   severity: high
package kaiji.claims.logs

import data.kaiji.lib
import data.kaiji.lib.logs

keys := {"log.retention"}

findings contains f if {
	some claim in input.claims
	claim.key == "log.retention"
	is_number(claim.value)
	some l in lib.facts("log")
	lib.in_scope(l, claim)
	f := lib.finding(claim, l, logs.retention_outcome(l, claim.value), sprintf("%s以上", [lib.dur_ja(claim.value)]), sprintf("at least %s", [lib.dur_en(claim.value)]))
}
