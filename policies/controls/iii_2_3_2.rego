# METADATA
# title: III.2.3.2 バックアップの確認 / Checking that backups restore
# description: |
#   Evaluation item a: backups are restored and checked each time one is
#   taken (バックアップ実施の都度, every pattern). A restore-testing plan
#   (attrs.restore_test_interval_seconds of a backup schedule) meets it when
#   it tests at least as often as the schedule backs up; a schedule with no
#   restore testing in code stays unknown, since the check may be manual.
# custom:
#   id: KJ-III.2.3.2
#   controls: [III.2.3.2]
#   reads: [backup]
package kaiji.controls.iii_2_3_2

import data.kaiji.lib

control := "III.2.3.2"

eval_items := {"a"}

evaluations contains e if {
	lib.reference(control, "a") != null
	some b in lib.facts("backup")
	e := lib.evaluation(control, "a", b, outcome(b))
}

outcome(b) := lib.duration_at_most(b, "restore_test_interval_seconds", b.attrs.interval_seconds, {"ja": "復元テストの間隔", "en": "restore-test interval"}) if {
	lib.known_number(b, "restore_test_interval_seconds")
	lib.known_number(b, "interval_seconds")
}

outcome(b) := {
	"outcome": "unknown", "actual": null,
	"evidence": [lib.evidence(b, "restore_test_interval_seconds")],
	"detail_ja": sprintf("%s のバックアップを復元して確認する仕組みはインフラのコードに見つかりません（手作業の確認は運用で確認してください）", [b.id]),
	"detail_en": sprintf("no restore testing of the backups of %s appears in the infrastructure code (a manual check is an operating procedure)", [b.id]),
} if {
	not both_known(b)
}

both_known(b) if {
	lib.known_number(b, "restore_test_interval_seconds")
	lib.known_number(b, "interval_seconds")
}
