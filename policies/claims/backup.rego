# METADATA
# title: バックアップの周期と世代 / Backup interval and generations
# description: |
#   A claim that user data is backed up at least every N (backup.interval) and
#   that M generations are kept (backup.generations) holds when every database
#   in scope, and every store a backup targets, is covered by a schedule that
#   runs at least that often and keeps at least that many restorable copies.
#   One store that is backed up less often or keeps fewer copies contradicts it.
# related_resources:
#   - description: 情報開示指針 IoT ASP・SaaS編 項目53 / ASP・SaaS 項目54
#     ref: https://www.soumu.go.jp/
# custom:
#   id: KJ-C-BACKUP
#   items:
#     iot-asp-saas: [53]
#     asp-saas: [54]
#   keys: [backup.interval, backup.generations]
#   reads: [datastore, backup]
#   severity: high
package kaiji.claims.backup

import data.kaiji.lib
import data.kaiji.lib.backup

keys := {"backup.interval", "backup.generations"}

findings contains f if {
	some claim in input.claims
	claim.key == "backup.interval"
	is_number(claim.value)
	some d in lib.scoped(backup.subjects, claim)
	r := backup.interval_outcome(d, claim.value)
	f := finding(claim, d, r, lib.dur_ja(claim.value), lib.dur_en(claim.value))
}

findings contains f if {
	some claim in input.claims
	claim.key == "backup.generations"
	is_number(claim.value)
	some d in lib.scoped(backup.subjects, claim)
	r := backup.generations_outcome(d, claim.value)
	f := finding(claim, d, r, sprintf("%d世代", [claim.value]), sprintf("%d generations", [claim.value]))
}

# With no data store in the scanned code, the schedules themselves are judged.
findings contains f if {
	some claim in input.claims
	claim.key == "backup.interval"
	is_number(claim.value)
	count(lib.scoped(backup.subjects, claim)) == 0
	some s in backup.schedules
	not s.builtin
	lib.in_scope(s.fact, claim)
	f := schedule_interval(claim, s)
}

findings contains f if {
	some claim in input.claims
	claim.key == "backup.generations"
	is_number(claim.value)
	count(lib.scoped(backup.subjects, claim)) == 0
	some s in backup.schedules
	not s.builtin
	lib.in_scope(s.fact, claim)
	f := schedule_generations(claim, s)
}

schedule_interval(claim, s) := finding(claim, s.fact, r, lib.dur_ja(claim.value), lib.dur_en(claim.value)) if {
	is_number(s.interval)
	r := {
		"outcome": lib.pass_fail(s.interval <= claim.value), "actual": s.interval,
		"evidence": [lib.evidence(s.fact, s.interval_path)],
		"detail_ja": sprintf("%s は %s ごとに実行されます", [s.fact.id, lib.dur_ja(s.interval)]),
		"detail_en": sprintf("%s runs every %s", [s.fact.id, lib.dur_en(s.interval)]),
	}
}

schedule_interval(claim, s) := finding(claim, s.fact, r, lib.dur_ja(claim.value), lib.dur_en(claim.value)) if {
	not is_number(s.interval)
	r := {
		"outcome": "unknown", "actual": null,
		"evidence": [lib.evidence(s.fact, s.interval_path)],
		"detail_ja": sprintf("%s の実行周期を静的に確定できません", [s.fact.id]),
		"detail_en": sprintf("the interval of %s cannot be known statically", [s.fact.id]),
	}
}

schedule_generations(claim, s) := finding(claim, s.fact, r, sprintf("%d世代", [claim.value]), sprintf("%d generations", [claim.value])) if {
	g := backup.gens(s)
	r := {
		"outcome": lib.pass_fail(g >= claim.value), "actual": backup.actual(s),
		"evidence": [lib.evidence(s.fact, s.generations_path)],
		"detail_ja": sprintf("%s は %s 世代を保持します", [s.fact.id, backup.shown(s)]),
		"detail_en": sprintf("%s keeps %s generations", [s.fact.id, backup.shown(s)]),
	}
}

schedule_generations(claim, s) := finding(claim, s.fact, r, sprintf("%d世代", [claim.value]), sprintf("%d generations", [claim.value])) if {
	not backup.gens(s)
	r := {
		"outcome": "unknown", "actual": null,
		"evidence": [lib.evidence(s.fact, s.generations_path)],
		"detail_ja": sprintf("%s の保持世代数を静的に確定できません", [s.fact.id]),
		"detail_en": sprintf("the generations kept by %s cannot be known statically", [s.fact.id]),
	}
}

finding(claim, subject, r, want_ja, want_en) := lib.finding(claim, subject, r, want_ja, want_en)
