# METADATA
# title: III.1.1.1 稼働監視（死活監視） / Liveness monitoring
# description: |
#   Evaluation item a: every liveness check (probe, health or uptime check)
#   runs at least as often as the pattern's reference interval (1 回以上／5 分*
#   for patterns 1 and 4). Item b: a stop is notified within the reference
#   time: the check notifies someone and runs at least that often; notifying
#   users is an operating procedure the code cannot show.
# custom:
#   id: KJ-III.1.1.1
#   controls: [III.1.1.1]
#   reads: [monitor]
package kaiji.controls.iii_1_1_1

import data.kaiji.lib
import data.kaiji.lib.monitoring

control := "III.1.1.1"

eval_items := {"a", "b"}

evaluations contains e if {
	ref := lib.reference(control, "a")
	ref != null
	some m in monitoring.monitors("liveness")
	e := lib.evaluation(control, "a", m, monitoring.interval_outcome(m, ref.every_seconds))
}

evaluations contains e if {
	ref := lib.reference(control, "b")
	ref != null
	some m in monitoring.monitors("liveness")
	e := lib.evaluation(control, "b", m, monitoring.notify_outcome(m, ref.within_seconds))
}
