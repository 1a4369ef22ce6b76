# METADATA
# title: III.2.1.4 脆弱性診断 / Vulnerability assessment
# description: |
#   Evaluation item a (simple automated assessment at least monthly): a
#   continuous vulnerability scanner that is switched on meets it. Items b
#   and c (detailed external and application assessments) are done by
#   people and do not appear in code.
# custom:
#   id: KJ-III.2.1.4
#   controls: [III.2.1.4]
#   reads: [detection]
package kaiji.controls.iii_2_1_4

import data.kaiji.lib
import data.kaiji.lib.detection

control := "III.2.1.4"

eval_items := {"a"}

evaluations contains e if {
	lib.reference(control, "a") != null
	some d in detection.services("vulnerability_scanning")
	e := lib.evaluation(control, "a", d, detection.outcome(d, "vulnerability_scanning"))
}
