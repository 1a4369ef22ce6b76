# METADATA
# title: III.3.1.4 不正アクセス対策 / Protection against unauthorized access
# description: |
#   Control III.3.1.4 (firewall, reverse proxy …) has no reference value: it
#   meets when firewall rules exist and none opens an administrative or
#   database port to the whole internet.
# custom:
#   id: KJ-III.3.1.4
#   controls: [III.3.1.4]
#   reads: [firewall_rule]
package kaiji.controls.iii_3_1_4

import data.kaiji.lib
import data.kaiji.lib.network

control := "III.3.1.4"

eval_items := {"-"}

evaluations contains e if {
	some r in network.ingress_rules
	e := lib.evaluation(control, "-", r, network.exposure_outcome(r))
}
