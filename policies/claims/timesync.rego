# METADATA
# title: 時刻同期 / Time synchronisation
# description: |
#   time_sync.enabled: a claim that servers synchronise their clocks holds
#   when every time-sync configuration in scope names time servers (or the
#   provider's time service) and is not switched off. Host time sync is
#   often a platform default that never appears in code: with no
#   configuration found the claim stays unproven, never contradicted.
# custom:
#   id: KJ-C-TIMESYNC
#   items:
#     iot-asp-saas: [60]
#     asp-saas: [61]
#   keys: [time_sync.enabled]
#   reads: [time_sync]
#   severity: medium
package kaiji.claims.timesync

import data.kaiji.lib

keys := {"time_sync.enabled"}

findings contains f if {
	some claim in input.claims
	claim.key == "time_sync.enabled"
	is_boolean(claim.value)
	some t in lib.scoped(lib.facts("time_sync"), claim)
	f := lib.bool_finding(claim, t, outcome(t))
}

# outcome: a configuration that names servers and is not off syncs the clock.
outcome(t) := {
	"outcome": "fail", "actual": false,
	"evidence": [lib.evidence(t, "enabled")],
	"detail_ja": sprintf("%s は時刻同期を無効にしています", [t.id]),
	"detail_en": sprintf("%s switches time synchronisation off", [t.id]),
} if {
	lib.known_bool(t, "enabled")
	t.attrs.enabled == false
}

outcome(t) := {
	"outcome": "pass", "actual": servers,
	"evidence": [lib.evidence(t, "servers")],
	"detail_ja": sprintf("%s は %s と時刻を同期します", [t.id, concat(", ", servers)]),
	"detail_en": sprintf("%s synchronises its clock with %s", [t.id, concat(", ", servers)]),
} if {
	object.get(t.attrs, "enabled", null) != false
	not lib.unknown(t, "servers")
	servers := object.get(t.attrs, "servers", null)
	is_array(servers)
	count(servers) > 0
}

outcome(t) := lib.not_known(t, "servers") if {
	object.get(t.attrs, "enabled", null) != false
	not has_servers(t)
}

has_servers(t) if {
	not lib.unknown(t, "servers")
	count(object.get(t.attrs, "servers", [])) > 0
}
