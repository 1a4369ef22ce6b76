# METADATA
# title: III.2.1.3 ログの取得と保存期間 / Log collection and retention
# description: |
#   Evaluation items a (retention of user-activity logs: access and audit
#   logs) and b (retention of exception and security-event logs: system,
#   security and flow logs) of control III.2.1.3, at the pattern's reference
#   values. Item c (resuming the log server on a standby machine): a hot
#   standby (patterns 1, 4) needs log stores recording in several regions; a
#   cold standby (patterns 2, 5) is met by a managed log store the code
#   redeploys.
# custom:
#   id: KJ-III.2.1.3
#   controls: [III.2.1.3]
#   reads: [log]
package kaiji.controls.iii_2_1_3

import data.kaiji.lib
import data.kaiji.lib.logs

control := "III.2.1.3"

eval_items := {"a", "b", "c"}

kinds := {"a": "user_activity", "b": "system"}

evaluations contains e if {
	some item, kind in kinds
	ref := lib.reference(control, item)
	ref != null
	some l in logs.of_kind(kind)
	e := lib.evaluation(control, item, l, logs.retention_outcome(l, ref.retention_seconds))
}

evaluations contains e if {
	ref := lib.reference(control, "c")
	ref != null
	some l in lib.facts("log")
	e := lib.evaluation(control, "c", l, logs.standby_outcome(l, ref.machine.standby))
}
