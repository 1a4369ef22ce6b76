# METADATA
# title: IV C-2 伝送中のデータの改ざん防止 / Protecting data in transit
# description: |
#   Part IV countermeasure C-2 (data content and accuracy: data not lost or
#   altered in transit): every public endpoint, IoT (MQTT) ones included,
#   accepts only TLS, or only redirects to it.
# custom:
#   id: KJ-IV.C-2
#   controls: [IV.C-2]
#   reads: [endpoint]
package kaiji.controls.iv_c_2

import data.kaiji.lib
import data.kaiji.lib.network

control := "IV.C-2"

eval_items := {"-"}

evaluations contains e if {
	some ep in network.public_endpoints
	e := lib.evaluation(control, "-", ep, network.tls_outcome(ep, "1.0"))
}
