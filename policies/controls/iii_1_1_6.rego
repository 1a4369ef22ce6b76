# METADATA
# title: III.1.1.6 パッチ適用 / Applying security patches
# description: |
#   Evaluation item a: patches are approved for installation within the
#   pattern's reference time of their release (24 時間以内* for patterns
#   1–3, 3 日以内* for 4–6). Every patch baseline must state an approval
#   delay within it; automatic updates without a stated delay stay unknown.
# custom:
#   id: KJ-III.1.1.6
#   controls: [III.1.1.6]
#   reads: [patching]
package kaiji.controls.iii_1_1_6

import data.kaiji.lib
import data.kaiji.lib.patching

control := "III.1.1.6"

eval_items := {"a"}

evaluations contains e if {
	ref := lib.reference(control, "a")
	ref != null
	some p in lib.facts("patching")
	e := lib.evaluation(control, "a", p, patching.delay_outcome(p, ref.within_seconds))
}
