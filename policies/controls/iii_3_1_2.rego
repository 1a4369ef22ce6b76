# METADATA
# title: III.3.1.2 管理者権限の制限 / Restricting administrator rights
# description: |
#   Control III.3.1.2 has no reference value: it meets when every identity
#   holding full administrator rights must sign in with MFA or only from
#   allowed addresses.
# custom:
#   id: KJ-III.3.1.2
#   controls: [III.3.1.2]
#   reads: [identity]
package kaiji.controls.iii_3_1_2

import data.kaiji.lib
import data.kaiji.lib.identity

control := "III.3.1.2"

eval_items := {"-"}

evaluations contains e if {
	some i in identity.admins
	e := lib.evaluation(control, "-", i, identity.admin_outcome(i))
}
