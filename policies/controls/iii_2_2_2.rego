# METADATA
# title: III.2.2.2 データベースの暗号化 / Database encryption
# description: |
#   Control III.2.2.2 has no reference value: it meets when every database is
#   encrypted at rest.
# custom:
#   id: KJ-III.2.2.2
#   controls: [III.2.2.2]
#   reads: [datastore]
package kaiji.controls.iii_2_2_2

import data.kaiji.lib
import data.kaiji.lib.encryption

control := "III.2.2.2"

eval_items := {"-"}

evaluations contains e if {
	some d in lib.facts("datastore")
	d.attrs.class == "database"
	e := lib.evaluation(control, "-", d, encryption.outcome(d))
}
