# METADATA
# title: III.1.1.3 性能監視 / Performance monitoring
# description: |
#   Evaluation item a: every performance check (metric alarms on response
#   time and load) evaluates at least as often as the pattern's reference
#   interval. Item b: an anomaly is notified within the reference time.
# custom:
#   id: KJ-III.1.1.3
#   controls: [III.1.1.3]
#   reads: [monitor]
package kaiji.controls.iii_1_1_3

import data.kaiji.lib
import data.kaiji.lib.monitoring

control := "III.1.1.3"

eval_items := {"a", "b"}

evaluations contains e if {
	ref := lib.reference(control, "a")
	ref != null
	some m in monitoring.monitors("performance")
	e := lib.evaluation(control, "a", m, monitoring.interval_outcome(m, ref.every_seconds))
}

evaluations contains e if {
	ref := lib.reference(control, "b")
	ref != null
	some m in monitoring.monitors("performance")
	e := lib.evaluation(control, "b", m, monitoring.notify_outcome(m, ref.within_seconds))
}
