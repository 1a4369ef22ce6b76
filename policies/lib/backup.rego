# METADATA
# title: Backup coverage / バックアップの対象と周期
# description: |
#   Which data each backup schedule covers, and the shortest interval and
#   most generations each data store gets. Shared by the backup claims and
#   control III.2.3.1.
# scope: package
package kaiji.lib.backup

import data.kaiji.lib

# schedules are backup facts plus the built-in backups of data stores (RDS
# automated backups …), as {fact, interval, generations, unbounded, path}.
schedules contains s if {
	some b in lib.facts("backup")
	s := {
		"fact": b,
		"interval": object.get(b.attrs, "interval_seconds", null),
		"generations": object.get(b.attrs, "generations", null),
		"unbounded": object.get(b.attrs, "generations_unbounded", null) == true,
		"interval_path": "interval_seconds",
		"generations_path": "generations",
		"builtin": false,
	}
}

schedules contains s if {
	some d in lib.facts("datastore")
	lib.attr(d, "backup.enabled") == true
	s := {
		"fact": d,
		"interval": lib.attr(d, "backup.interval_seconds"),
		"generations": lib.attr(d, "backup.generations"),
		"unbounded": false,
		"interval_path": "backup.interval_seconds",
		"generations_path": "backup.generations",
		"builtin": true,
	}
}

# targeted lists data store ids some backup names as a target.
targeted contains id if {
	some b in lib.facts("backup")
	some id in object.get(b.attrs, "targets", [])
}

# subjects are the data stores a backup claim speaks about: every database,
# and every other store a backup targets. With no data store in scope, the
# schedules themselves are the subjects.
subjects contains d if {
	some d in lib.facts("datastore")
	d.attrs.class == "database"
}

subjects contains d if {
	some d in lib.facts("datastore")
	d.id in targeted
}

# covering_of lists the schedules that back up the resource with this id:
# its own, and those targeting it by reference or tag. Schedules are indexed
# by the ids they cover (sorted [id, n] pairs in runs), so this stays
# n log n overall; and it is keyed by the id, a scalar the call cache keeps,
# so a resource's schedules are gathered once however many outcomes ask.
covering_of(id) := [schedule_list[p[1]] | some p in array.slice(cover_pairs, cover_starts[id], cover_ends[id])] if cover_starts[id]

else := []

schedule_list := [s | some s in schedules]

cover_pairs := sort([[id, n] | some n, s in schedule_list; some id in covered_ids(s)])

cover_starts := {p[0]: i | some i, p in cover_pairs; lib.run_starts(cover_pairs, i, 0)}

cover_ends := {p[0]: n | some i, p in cover_pairs; lib.run_ends(cover_pairs, i, 0); n := i + 1}

covered_ids(s) := [s.fact.id] if s.builtin

covered_ids(s) := [id | some id in object.get(s.fact.attrs, "targets", []); is_string(id)] if not s.builtin

# maybe_covering lists schedules whose targets are not known statically.
maybe_covering := [s |
	some s in schedules
	not s.builtin
	lib.unknown(s.fact, "targets")
]

# builtin_unknown is true when a store's own backup setting is not known.
builtin_unknown(d) if lib.unknown(d, "backup.enabled")

# disabled is true when a store's own backups are explicitly off.
disabled(d) if lib.attr(d, "backup.enabled") == false

# interval_outcome judges subject d against a maximum interval (seconds).
# Returns {outcome, actual, evidence, detail_ja, detail_en}.
interval_outcome(d, limit) := r if {
	ok := [s | some s in covering_of(d.id); is_number(s.interval); s.interval <= limit]
	count(ok) > 0
	best := min([s.interval | some s in ok])
	s := [x | some x in ok; x.interval == best][0]
	r := {
		"outcome": "pass", "actual": best,
		"evidence": [lib.evidence(s.fact, s.interval_path), lib.evidence(d, "class")],
		"detail_ja": sprintf("%s は %s ごとにバックアップされています（%s）", [d.id, lib.dur_ja(best), s.fact.id]),
		"detail_en": sprintf("%s is backed up every %s (%s)", [d.id, lib.dur_en(best), s.fact.id]),
	}
} else := r if {
	# no schedule meets the limit (the branch above would have)
	undecided(d)
	r := {
		"outcome": "unknown", "actual": null,
		"evidence": array.concat([lib.evidence(d, "backup.enabled")], [lib.evidence(s.fact, s.interval_path) | some s in unknown_schedules_of(d.id)]),
		"detail_ja": sprintf("%s のバックアップ周期を静的に確定できません", [d.id]),
		"detail_en": sprintf("the backup interval of %s cannot be known statically", [d.id]),
	}
} else := r if {
	known := [s | some s in covering_of(d.id); is_number(s.interval)]
	count(known) > 0
	best := min([s.interval | some s in known])
	s := [x | some x in known; x.interval == best][0]
	r := {
		"outcome": "fail", "actual": best,
		"evidence": [lib.evidence(s.fact, s.interval_path)],
		"detail_ja": sprintf("%s のバックアップ周期は %s です（%s）", [d.id, lib.dur_ja(best), s.fact.id]),
		"detail_en": sprintf("%s is backed up only every %s (%s)", [d.id, lib.dur_en(best), s.fact.id]),
	}
} else := r if {
	count(covering_of(d.id)) == 0
	disabled(d)
	r := {
		"outcome": "fail", "actual": null,
		"evidence": [lib.evidence(d, "backup.enabled")],
		"detail_ja": sprintf("%s の自動バックアップは無効で、対象とするバックアップ計画もありません", [d.id]),
		"detail_en": sprintf("%s has automated backups disabled and no backup plan covers it", [d.id]),
	}
} else := r if {
	count(covering_of(d.id)) == 0
	r := {
		"outcome": "unknown", "actual": null,
		"evidence": [lib.evidence(d, "class")],
		"detail_ja": sprintf("%s を対象とするバックアップが見つかりません", [d.id]),
		"detail_en": sprintf("no backup covering %s was found", [d.id]),
	}
}

any_within(d, limit) if {
	some s in covering_of(d.id)
	is_number(s.interval)
	s.interval <= limit
}

# undecided: a schedule that might cover d, or d's own backup, is not known.
undecided(d) if count(unknown_schedules_of(d.id)) > 0

undecided(d) if builtin_unknown(d)

unknown_schedules_of(id) := array.concat(
	[s | some s in covering_of(id); not is_number(s.interval)],
	maybe_covering,
)

# generations_outcome judges subject d against a minimum number of generations.
generations_outcome(d, want) := r if {
	ok := [s | some s in covering_of(d.id); gens(s) >= want]
	count(ok) > 0
	best := max([gens(s) | some s in ok])
	s := [x | some x in ok; gens(x) == best][0]
	r := {
		"outcome": "pass", "actual": actual(s),
		"evidence": [lib.evidence(s.fact, s.generations_path)],
		"detail_ja": sprintf("%s は %s 世代保持されています（%s）", [d.id, shown(s), s.fact.id]),
		"detail_en": sprintf("%s keeps %s generations (%s)", [d.id, shown(s), s.fact.id]),
	}
} else := r if {
	# no schedule keeps enough generations (the branch above would have)
	gen_undecided(d)
	r := {
		"outcome": "unknown", "actual": null,
		"evidence": array.concat([lib.evidence(d, "backup.generations")], [lib.evidence(s.fact, s.generations_path) | some s in gen_unknown_of(d.id)]),
		"detail_ja": sprintf("%s のバックアップ世代数を静的に確定できません", [d.id]),
		"detail_en": sprintf("the number of backup generations of %s cannot be known statically", [d.id]),
	}
} else := r if {
	known := [s | some s in covering_of(d.id); is_number(gens(s))]
	count(known) > 0
	best := max([gens(s) | some s in known])
	s := [x | some x in known; gens(x) == best][0]
	r := {
		"outcome": "fail", "actual": best,
		"evidence": [lib.evidence(s.fact, s.generations_path)],
		"detail_ja": sprintf("%s は %d 世代しか保持されていません（%s）", [d.id, best, s.fact.id]),
		"detail_en": sprintf("%s keeps only %d generation%s (%s)", [d.id, best, lib.plural(best), s.fact.id]),
	}
} else := r if {
	count(covering_of(d.id)) == 0
	r := {
		"outcome": outcome_without_backup(d), "actual": null,
		"evidence": [lib.evidence(d, "backup.enabled")],
		"detail_ja": sprintf("%s を対象とするバックアップがありません", [d.id]),
		"detail_en": sprintf("no backup covering %s was found", [d.id]),
	}
}

outcome_without_backup(d) := "fail" if disabled(d)

outcome_without_backup(d) := "unknown" if not disabled(d)

# gens is a schedule's generation count; unbounded retention counts as infinite.
gens(s) := 1e18 if s.unbounded

gens(s) := s.generations if {
	not s.unbounded
	is_number(s.generations)
}

actual(s) := "unbounded" if s.unbounded

actual(s) := s.generations if not s.unbounded

shown(s) := "無制限/unbounded" if s.unbounded

shown(s) := sprintf("%d", [s.generations]) if not s.unbounded

any_generations(d, want) if {
	some s in covering_of(d.id)
	gens(s) >= want
}

gen_undecided(d) if count(gen_unknown_of(d.id)) > 0

gen_undecided(d) if builtin_unknown(d)

gen_unknown_of(id) := array.concat(
	[s | some s in covering_of(id); not gens(s)],
	maybe_covering,
)
