# METADATA
# title: III.1.1.2 障害監視 / Failure monitoring
# description: |
#   Evaluation item a: every functional check of the service (synthetic,
#   uptime and health checks) runs at least as often as the pattern's
#   reference interval (1 回／10 分 for patterns 1 and 4). Item b: a detected
#   failure is notified within the reference time.
# custom:
#   id: KJ-III.1.1.2
#   controls: [III.1.1.2]
#   reads: [monitor]
package kaiji.controls.iii_1_1_2

import data.kaiji.lib
import data.kaiji.lib.monitoring

control := "III.1.1.2"

eval_items := {"a", "b"}

evaluations contains e if {
	ref := lib.reference(control, "a")
	ref != null
	some m in monitoring.monitors("failure")
	e := lib.evaluation(control, "a", m, monitoring.interval_outcome(m, ref.every_seconds))
}

evaluations contains e if {
	ref := lib.reference(control, "b")
	ref != null
	some m in monitoring.monitors("failure")
	e := lib.evaluation(control, "b", m, monitoring.notify_outcome(m, ref.within_seconds))
}
