# METADATA
# title: IV B-57 ピーク時運用 / Scaling for peak load
# description: |
#   Part IV countermeasure B-57: technical measures against bursts, with
#   the scalability the predicted peak needs. Meets when every workload
#   that states an autoscaling range can grow beyond its minimum; one pinned
#   to a fixed size is below it.
# custom:
#   id: KJ-IV.B-57
#   controls: [IV.B-57]
#   reads: [redundancy]
package kaiji.controls.iv_b_57

import data.kaiji.lib
import data.kaiji.lib.iot

control := "IV.B-57"

eval_items := {"-"}

evaluations contains e if {
	some r in iot.scalable
	e := lib.evaluation(control, "-", r, iot.autoscaling_outcome(r))
}
