# METADATA
# title: セキュリティパッチ管理 / Security patch management
# description: |
#   patch.auto_update: a claim that patches are applied automatically holds
#   when every patch configuration in scope turns automatic updates on; one
#   that turns them off contradicts it.
#   patch.within: a claim that patches are applied within N of release holds
#   when every patch baseline approves them within N; a longer approval
#   delay contradicts it.
# custom:
#   id: KJ-C-PATCHING
#   items:
#     iot-asp-saas: [65]
#     asp-saas: [66]
#   keys: [patch.auto_update, patch.within]
#   reads: [patching]
#   severity: high
package kaiji.claims.patching

import data.kaiji.lib
import data.kaiji.lib.patching

keys := {"patch.auto_update", "patch.within"}

findings contains f if {
	some claim in input.claims
	claim.key == "patch.auto_update"
	is_boolean(claim.value)
	some p in lib.scoped(lib.facts("patching"), claim)
	f := lib.bool_finding(claim, p, patching.auto_outcome(p))
}

findings contains f if {
	some claim in input.claims
	claim.key == "patch.within"
	is_number(claim.value)
	some p in lib.scoped(lib.facts("patching"), claim)
	f := lib.finding(claim, p, patching.delay_outcome(p, claim.value), sprintf("リリースから%s以内", [lib.dur_ja(claim.value)]), sprintf("within %s of release", [lib.dur_en(claim.value)]))
}
