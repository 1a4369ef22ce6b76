# METADATA
# title: III.3.1.5 不正侵入検知 / Intrusion detection and prevention
# description: |
#   Evaluation item a: IDS/IPS signatures are updated at least as often as
#   the pattern's reference interval (1 回／1 日 for patterns 1 and 4,
#   1 回／3 週間 otherwise). A stated interval is compared; a managed service
#   whose signatures the provider updates continuously meets it.
# custom:
#   id: KJ-III.3.1.5
#   controls: [III.3.1.5]
#   reads: [detection]
package kaiji.controls.iii_3_1_5

import data.kaiji.lib
import data.kaiji.lib.detection

control := "III.3.1.5"

eval_items := {"a"}

evaluations contains e if {
	ref := lib.reference(control, "a")
	ref != null
	some d in detection.services("intrusion_detection")
	e := lib.evaluation(control, "a", d, detection.signature_outcome(d, "intrusion_detection", ref.every_seconds))
}
