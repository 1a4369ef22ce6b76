# METADATA
# title: III.2.1.3 ログの取得と保存期間 / Log collection and retention
# description: |
#   Evaluation items a (retention of user-activity logs: access and audit
#   logs) and b (retention of exception and security-event logs: system,
#   security and flow logs) of control III.2.1.3, at the pattern's reference
#   values. Item c (standby log server) is not shown by infrastructure code.
# custom:
#   id: KJ-III.2.1.3
#   controls: [III.2.1.3]
#   reads: [log]
package kaiji.controls.iii_2_1_3

import data.kaiji.lib
import data.kaiji.lib.logs

control := "III.2.1.3"

eval_items := {"a", "b"}

categories := {
	"a": {"access", "audit"},
	"b": {"system", "security", "flow"},
}

evaluations contains e if {
	some item in eval_items
	ref := lib.reference(control, item)
	ref != null
	some l in lib.facts("log")
	object.get(l.attrs, "category", "system") in categories[item]
	e := lib.evaluation(control, item, l, logs.retention_outcome(l, ref.retention_seconds))
}
