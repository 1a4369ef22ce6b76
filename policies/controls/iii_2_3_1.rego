# METADATA
# title: III.2.3.1 バックアップ / Backups of service data
# description: |
#   Evaluation items a (backup interval) and b (generations kept) of control
#   III.2.3.1, at the reference values of the chosen pattern: every database,
#   and every store a backup targets, must be backed up at least as often and
#   keep at least as many generations as the reference value.
# custom:
#   id: KJ-III.2.3.1
#   controls: [III.2.3.1]
#   reads: [datastore, backup]
package kaiji.controls.iii_2_3_1

import data.kaiji.lib
import data.kaiji.lib.backup

control := "III.2.3.1"

eval_items := {"a", "b"}

evaluations contains e if {
	ref := lib.reference(control, "a")
	ref != null
	some d in backup.subjects
	e := lib.evaluation(control, "a", d, backup.interval_outcome(d, ref.every_seconds))
}

evaluations contains e if {
	ref := lib.reference(control, "b")
	ref != null
	some d in backup.subjects
	e := lib.evaluation(control, "b", d, backup.generations_outcome(d, ref.machine.generations))
}
