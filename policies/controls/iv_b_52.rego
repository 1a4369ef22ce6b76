# METADATA
# title: IV B-52 エッジコンピュータのなりすまし防止 / Certificate authentication of edge computers
# description: |
#   Part IV countermeasure B-52 (and B-35, which asks partners for the same
#   in contract): the cloud authenticates edge computers and devices with
#   electronic certificates when they connect. Meets when every
#   device-authentication configuration uses certificates; one using shared
#   keys is below it.
# custom:
#   id: KJ-IV.B-52
#   controls: [IV.B-52]
#   reads: [device_auth]
package kaiji.controls.iv_b_52

import data.kaiji.lib
import data.kaiji.lib.iot

control := "IV.B-52"

eval_items := {"-"}

evaluations contains e if {
	some d in lib.facts("device_auth")
	e := lib.evaluation(control, "-", d, iot.certificate_outcome(d))
}
