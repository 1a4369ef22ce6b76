# METADATA
# title: ウイルス対策と不正侵入検知 / Anti-virus and intrusion detection
# description: |
#   antivirus.enabled and ids.enabled: a claim that anti-malware (intrusion
#   detection) is in place holds when every detection service in scope that
#   offers it is switched on, and at least one does; a disabled one
#   contradicts it. A claim that there is none is contradicted by one that
#   is on. Pattern-file update intervals are judged by III.2.2.1 and III.3.1.5.
# custom:
#   id: KJ-C-DETECTION
#   items:
#     iot-asp-saas: [61, 72]
#     asp-saas: [62, 72]
#   keys: [antivirus.enabled, ids.enabled]
#   reads: [detection]
#   severity: high
package kaiji.claims.detection

import data.kaiji.lib
import data.kaiji.lib.detection

keys := {"antivirus.enabled", "ids.enabled"}

capability := {"antivirus.enabled": "malware_protection", "ids.enabled": "intrusion_detection"}

findings contains f if {
	some claim in input.claims
	cap := capability[claim.key]
	is_boolean(claim.value)
	some d in lib.scoped(detection.services(cap), claim)
	f := lib.bool_finding(claim, d, detection.outcome(d, cap))
}
