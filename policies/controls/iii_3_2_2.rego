# METADATA
# title: III.3.2.2 通信の暗号化 / Encryption of external communication
# description: |
#   Evaluation item a of control III.3.2.2: communication over external
#   networks is encrypted (TLS; IPsec VPN is an alternative for patterns 1–3).
#   Every public endpoint must accept only TLS, or only redirect to it.
# custom:
#   id: KJ-III.3.2.2
#   controls: [III.3.2.2]
#   reads: [endpoint]
package kaiji.controls.iii_3_2_2

import data.kaiji.lib
import data.kaiji.lib.network

control := "III.3.2.2"

eval_items := {"a"}

evaluations contains e if {
	lib.reference(control, "a") != null
	some ep in network.public_endpoints
	e := lib.evaluation(control, "a", ep, network.tls_outcome(ep, "1.0"))
}
