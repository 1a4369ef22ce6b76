# METADATA
# title: III.2.1.1 サービス稼働率 / Service availability
# description: |
#   Evaluation item a: the design can reach the pattern's availability
#   (99.5%以上* …). The measured ratio comes from monitoring, not code; the
#   code shows whether every workload and database is redundant enough for
#   it, by the table in data/availability.yaml (99.5%: spread over several
#   zones; 99%: at least two copies; 95%: any).
# custom:
#   id: KJ-III.2.1.1
#   controls: [III.2.1.1]
#   reads: [redundancy, datastore]
package kaiji.controls.iii_2_1_1

import data.kaiji.lib
import data.kaiji.lib.availability

control := "III.2.1.1"

eval_items := {"a"}

# required is the redundancy level the table asks for the reference ratio:
# the entry with the highest ratio not above it.
required(ratio) := level if {
	fits := [x | some x in data.kaiji.data.availability.levels; x.min_availability <= ratio]
	top := max([x.min_availability | some x in fits])
	level := [x.level | some x in fits; x.min_availability == top][0]
}

evaluations contains e if {
	ref := lib.reference(control, "a")
	ref != null
	want := required(ref.machine.min_availability)
	some s in availability.subjects
	e := lib.evaluation(control, "a", s, availability.outcome(s, want))
}
