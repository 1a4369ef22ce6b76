# METADATA
# title: III.3.2.3 なりすまし対策（サーバ証明書） / Server certificates against spoofing
# description: |
#   Control III.3.2.3 has no reference value: it meets when every public
#   endpoint presents a server certificate (plain HTTP that only redirects
#   to HTTPS is not judged).
# custom:
#   id: KJ-III.3.2.3
#   controls: [III.3.2.3]
#   reads: [endpoint]
package kaiji.controls.iii_3_2_3

import data.kaiji.lib
import data.kaiji.lib.network

control := "III.3.2.3"

eval_items := {"-"}

evaluations contains e if {
	some ep in network.tls_endpoints
	e := lib.evaluation(control, "-", ep, network.certificate_outcome(ep))
}
