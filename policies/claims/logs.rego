# METADATA
# title: 記録（ログ） / Records (logs)
# description: |
#   log.retention: a claim that logs are kept at least N holds when every log
#   store in scope keeps its records at least that long (or never expires
#   them). One store that deletes them sooner contradicts it.
#   log.user_activity, log.system: a claim that user-activity (access,
#   audit) or system (system, security, flow) logs are collected holds when
#   such log stores exist; a claim that they are not is contradicted by one.
#   log.tamper_protection: every log store in scope is protected against
#   tampering (log file validation, object lock, immutability); one that is
#   not contradicts it.
# custom:
#   id: KJ-C-LOGS
#   items:
#     iot-asp-saas: [64]
#     asp-saas: [65]
#   keys: [log.retention, log.user_activity, log.system, log.tamper_protection]
#   reads: [log]
#   severity: high
package kaiji.claims.logs

import data.kaiji.lib
import data.kaiji.lib.logs

keys := {"log.retention", "log.user_activity", "log.system", "log.tamper_protection"}

kind_keys := {"log.user_activity": "user_activity", "log.system": "system"}

findings contains f if {
	some claim in input.claims
	claim.key == "log.retention"
	is_number(claim.value)
	some l in lib.scoped(lib.facts("log"), claim)
	f := lib.finding(claim, l, logs.retention_outcome(l, claim.value), sprintf("%s以上", [lib.dur_ja(claim.value)]), sprintf("at least %s", [lib.dur_en(claim.value)]))
}

findings contains f if {
	some claim in input.claims
	kind := kind_keys[claim.key]
	is_boolean(claim.value)
	some l in lib.scoped(logs.of_kind(kind), claim)
	f := lib.bool_finding(claim, l, logs.collected(l, kind))
}

findings contains f if {
	some claim in input.claims
	claim.key == "log.tamper_protection"
	is_boolean(claim.value)
	some l in lib.scoped(lib.facts("log"), claim)
	f := lib.bool_finding(claim, l, logs.tamper_outcome(l))
}
