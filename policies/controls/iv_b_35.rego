# METADATA
# title: IV B-35 エッジコンピュータのなりすまし（連携事業者） / Edge certificate authentication required of partners
# description: |
#   Part IV countermeasure B-35 asks partners, by contract, to have the cloud
#   authenticate edge computers with certificates. The contract is not in
#   code; the measure is: evaluated as B-52 over the device-authentication
#   configuration.
# custom:
#   id: KJ-IV.B-35
#   controls: [IV.B-35]
#   reads: [device_auth]
package kaiji.controls.iv_b_35

import data.kaiji.lib
import data.kaiji.lib.iot

control := "IV.B-35"

eval_items := {"-"}

evaluations contains e if {
	some d in lib.facts("device_auth")
	e := lib.evaluation(control, "-", d, iot.certificate_outcome(d))
}
