# METADATA
# title: IoT 機器認証と IoT 性能対策 / IoT device authentication and capacity
# description: |
#   iot.device_certificate: a claim that IoT devices authenticate with
#   certificates holds when every device-authentication configuration in
#   scope uses certificates; one using shared keys contradicts it.
#   performance.autoscaling: a claim that capacity follows load
#   (オートスケール) holds when every workload that states an autoscaling
#   range can grow beyond its minimum; one pinned to a fixed size
#   contradicts it.
# custom:
#   id: KJ-C-IOT
#   items:
#     iot-asp-saas: [50, 68, 75]
#     asp-saas: [49]
#   keys: [iot.device_certificate, performance.autoscaling]
#   reads: [device_auth, redundancy]
#   severity: medium
package kaiji.claims.iot

import data.kaiji.lib
import data.kaiji.lib.iot

keys := {"iot.device_certificate", "performance.autoscaling"}

findings contains f if {
	some claim in input.claims
	claim.key == "iot.device_certificate"
	is_boolean(claim.value)
	some d in lib.scoped(lib.facts("device_auth"), claim)
	f := lib.bool_finding(claim, d, iot.certificate_outcome(d))
}

findings contains f if {
	some claim in input.claims
	claim.key == "performance.autoscaling"
	is_boolean(claim.value)
	some r in lib.scoped(iot.scalable, claim)
	f := lib.bool_finding(claim, r, iot.autoscaling_outcome(r))
}
