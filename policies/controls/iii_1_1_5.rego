# METADATA
# title: III.1.1.5 時刻同期 / Time synchronisation
# description: |
#   Control III.1.1.5 has no reference value: it meets when every time-sync
#   configuration names time servers and none switches synchronisation off.
# custom:
#   id: KJ-III.1.1.5
#   controls: [III.1.1.5]
#   reads: [time_sync]
package kaiji.controls.iii_1_1_5

import data.kaiji.claims.timesync
import data.kaiji.lib

control := "III.1.1.5"

eval_items := {"-"}

evaluations contains e if {
	some t in lib.facts("time_sync")
	e := lib.evaluation(control, "-", t, timesync.outcome(t))
}
