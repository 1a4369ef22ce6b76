# METADATA
# title: 冗長化と災害対策 / Redundancy and disaster recovery
# description: |
#   How redundant one workload or database is (several zones, several
#   copies in one zone, or a single instance) and whether a copy lives in
#   another region. Shared by the continuity claims, III.2.1.1 and B-57.
# scope: package
package kaiji.lib.availability

import data.kaiji.lib
import data.kaiji.lib.backup

# subjects are the workloads and databases whose redundancy is judged. A
# list, as the two kinds never share a fact: a set of facts is sorted by
# comparing whole facts, attrs first (a tenth of a second per query at
# 100k workloads).
subjects := array.concat(lib.facts("redundancy"), databases)

databases := [d |
	some d in lib.facts("datastore")
	d.attrs.class == "database"
]

# rank orders redundancy levels: single < replicated < multi_zone.
rank := {"single": 0, "replicated": 1, "multi_zone": 2}

names := {
	"single": {"ja": "単一構成", "en": "a single instance"},
	"replicated": {"ja": "同一ゾーン内の複数台構成", "en": "several copies in one zone"},
	"multi_zone": {"ja": "複数ゾーンへの分散構成", "en": "spread over several zones"},
}

spread(f) if object.get(f.attrs, "multi_az", null) == true

spread(f) if object.get(f.attrs, "spread_across_zones", null) == true

spread(f) if {
	lib.known_number(f, "zones")
	f.attrs.zones >= 2
}

# copies counts the running instances: a database's primary plus its
# replicas, a workload's replicas or its autoscaling minimum.
copies(f) := object.get(f.attrs, "replicas", null) + 1 if {
	f.kind == "datastore"
	lib.known_number(f, "replicas")
} else := 1 if {
	f.kind == "datastore"
	not lib.unknown(f, "replicas")
	object.get(f.attrs, "replicas", null) == null
} else := max([n |
	some n in [object.get(f.attrs, "replicas", null), lib.attr(f, "autoscaling.min")]
	is_number(n)
]) if {
	f.kind != "datastore"
	not lib.unknown(f, "replicas")
	count([n | some n in [object.get(f.attrs, "replicas", null), lib.attr(f, "autoscaling.min")]; is_number(n)]) > 0
}

# single_known: the zone count is known to be one.
one_zone(f) if object.get(f.attrs, "multi_az", null) == false

one_zone(f) if object.get(f.attrs, "zones", null) == 1

one_zone(f) if {
	f.kind != "datastore"
	object.get(f.attrs, "zones", null) == null
	not lib.unknown(f, "zones")
	object.get(f.attrs, "spread_across_zones", null) != true
}

# level is the redundancy level of f (an else chain: the first that holds).
level(f) := "multi_zone" if {
	spread(f)
} else := "replicated" if {
	copies(f) >= 2
} else := "single" if {
	one_zone(f)
	copies(f) < 2
}

path(f) := "multi_az" if {
	f.kind == "datastore"
} else := "zones" if {
	object.get(f.attrs, "zones", null) != null
} else := "replicas"

# outcome judges f against a minimum level (single, replicated, multi_zone),
# or is unknown when its level is.
outcome(f, want) := {
	"outcome": lib.pass_fail(rank[have] >= rank[want]), "actual": have,
	"evidence": [lib.evidence(f, path(f))],
	"detail_ja": sprintf("%s は%sです", [f.id, names[have].ja]),
	"detail_en": sprintf("%s is %s", [f.id, names[have].en]),
} if {
	have := level(f)
} else := {
	"outcome": "unknown", "actual": null,
	"evidence": [lib.evidence(f, path(f))],
	"detail_ja": sprintf("%s の冗長構成（ゾーン数・台数）を静的に確定できません", [f.id]),
	"detail_en": sprintf("how many zones and copies %s runs in cannot be known statically", [f.id]),
}

# ---- disaster recovery ----

# dr_subjects are the DR facts and the databases whose copies are judged
# (a list, as subjects).
dr_subjects := array.concat(lib.facts("dr"), databases)

# offsite_of lists the backup schedules covering the resource with this id
# that copy elsewhere; keyed by the id, so the outcome's branches list them
# once.
offsite_of(id) := [s |
	some s in backup.covering_of(id)
	count(object.get(s.fact.attrs, "copy_destinations", [])) > 0
]

dr_outcome(f) := lib.flag_outcome(
	f, "cross_region", {
		"ja": sprintf("%s は別リージョン%sに複製を持ちます", [f.id, dest_ja(f)]),
		"en": sprintf("%s keeps a copy in another region%s", [f.id, dest_en(f)]),
	},
	{
		"ja": sprintf("%s は別リージョンに複製を持ちません", [f.id]),
		"en": sprintf("%s keeps no copy in another region", [f.id]),
	},
) if f.kind == "dr"

dr_outcome(d) := {
	"outcome": "pass", "actual": true,
	"evidence": [lib.evidence(d, "cross_region_replica")],
	"detail_ja": sprintf("%s は別リージョンにレプリカを持ちます", [d.id]),
	"detail_en": sprintf("%s has a replica in another region", [d.id]),
} if {
	d.kind == "datastore"
	object.get(d.attrs, "cross_region_replica", null) == true
}

dr_outcome(d) := {
	"outcome": "pass", "actual": true,
	"evidence": [lib.evidence(s.fact, "copy_destinations")],
	"detail_ja": sprintf("%s のバックアップは %s に複製されます（%s）", [d.id, destinations(s.fact), s.fact.id]),
	"detail_en": sprintf("the backups of %s are copied to %s (%s)", [d.id, destinations(s.fact), s.fact.id]),
} if {
	d.kind == "datastore"
	object.get(d.attrs, "cross_region_replica", null) != true
	s := offsite_of(d.id)[0]
}

dr_outcome(d) := {
	"outcome": "fail", "actual": false,
	"evidence": [lib.evidence(d, "cross_region_replica")],
	"detail_ja": sprintf("%s には別リージョンのレプリカもバックアップの複製もありません", [d.id]),
	"detail_en": sprintf("%s has neither a replica nor a backup copy in another region", [d.id]),
} if {
	d.kind == "datastore"
	lib.known_bool(d, "cross_region_replica")
	d.attrs.cross_region_replica == false
	count(offsite_of(d.id)) == 0
	count(backup.maybe_covering) == 0
}

dr_outcome(d) := {
	"outcome": "unknown", "actual": null,
	"evidence": [lib.evidence(d, "cross_region_replica")],
	"detail_ja": sprintf("%s の別リージョンへの複製の有無を静的に確定できません", [d.id]),
	"detail_en": sprintf("whether %s is copied to another region cannot be known statically", [d.id]),
} if {
	d.kind == "datastore"
	object.get(d.attrs, "cross_region_replica", null) != true
	count(offsite_of(d.id)) == 0
	not dr_known_absent(d)
}

dr_known_absent(d) if {
	lib.known_bool(d, "cross_region_replica")
	d.attrs.cross_region_replica == false
	count(backup.maybe_covering) == 0
}

dest_ja(f) := sprintf("（%s）", [f.attrs.destination_region]) if is_string(object.get(f.attrs, "destination_region", null))

dest_ja(f) := "" if not is_string(object.get(f.attrs, "destination_region", null))

dest_en(f) := sprintf(" (%s)", [f.attrs.destination_region]) if is_string(object.get(f.attrs, "destination_region", null))

dest_en(f) := "" if not is_string(object.get(f.attrs, "destination_region", null))

destinations(b) := concat(", ", [sprintf("%v", [x]) | some x in b.attrs.copy_destinations])
