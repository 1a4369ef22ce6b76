# METADATA
# title: III.3.1.3 認証によるアクセス制御 / Authentication
# description: |
#   Evaluation items a (users) and b (system and network administrators):
#   every identity's sign-in methods must provide one of the methods the
#   pattern names (biometric, IC card, ID and password, digital
#   certificate), mapped by data/auth_methods.yaml. Pattern 1 users need
#   biometrics or an IC card, so password sign-in is below it; patterns 3–6
#   accept ID and password.
# custom:
#   id: KJ-III.3.1.3
#   controls: [III.3.1.3]
#   reads: [identity]
package kaiji.controls.iii_3_1_3

import data.kaiji.lib
import data.kaiji.lib.identity

control := "III.3.1.3"

eval_items := {"a", "b"}

# people lists the identities of users (a) and administrators (b) whose
# sign-in methods are stated.
people("a") := [i |
	some i in identity.stating("auth_methods")
	object.get(i.attrs, "admin", null) != true
]

people("b") := [i |
	some i in identity.stating("auth_methods")
	object.get(i.attrs, "admin", null) == true
]

evaluations contains e if {
	some item in eval_items
	ref := lib.reference(control, item)
	ref != null
	some i in people(item)
	e := lib.evaluation(control, item, i, identity.method_outcome(i, ref.machine.any_of))
}
