# METADATA
# title: サービス継続（冗長化・DR） / Service continuity (redundancy and DR)
# description: |
#   service.redundancy: a claim that the service is redundant (冗長化・負荷分散)
#   holds when every workload and database in scope runs as several copies or
#   across several zones; a single-instance one contradicts it.
#   dr.enabled: a claim of disaster-recovery measures holds when every
#   database has a replica or backup copy in another region (and every DR
#   fact says so); a database with neither contradicts it. A claim of "no
#   DR" is contradicted by any cross-region copy.
# custom:
#   id: KJ-C-CONTINUITY
#   items:
#     iot-asp-saas: [54]
#     asp-saas: [55]
#   keys: [service.redundancy, dr.enabled]
#   reads: [redundancy, dr, datastore, backup]
#   severity: high
package kaiji.claims.continuity

import data.kaiji.lib
import data.kaiji.lib.availability

keys := {"service.redundancy", "dr.enabled"}

findings contains f if {
	some claim in input.claims
	claim.key == "service.redundancy"
	is_boolean(claim.value)
	some s in lib.scoped(availability.subjects, claim)
	f := lib.bool_finding(claim, s, availability.outcome(s, "replicated"))
}

findings contains f if {
	some claim in input.claims
	claim.key == "dr.enabled"
	is_boolean(claim.value)
	some s in lib.scoped(availability.dr_subjects, claim)
	f := lib.bool_finding(claim, s, availability.dr_outcome(s))
}
