# METADATA
# title: III.2.2.1 ウイルス対策 / Anti-virus measures
# description: |
#   Evaluation item a: pattern files are updated within the pattern's
#   reference time of the vendor's release (24 時間以内* or 3 日以内*). A
#   stated update interval is compared; a managed anti-malware service,
#   whose signatures the provider updates continuously, meets it; a
#   disabled one is below it.
# custom:
#   id: KJ-III.2.2.1
#   controls: [III.2.2.1]
#   reads: [detection]
package kaiji.controls.iii_2_2_1

import data.kaiji.lib
import data.kaiji.lib.detection

control := "III.2.2.1"

eval_items := {"a"}

evaluations contains e if {
	ref := lib.reference(control, "a")
	ref != null
	some d in detection.services("malware_protection")
	e := lib.evaluation(control, "a", d, detection.signature_outcome(d, "malware_protection", ref.within_seconds))
}
