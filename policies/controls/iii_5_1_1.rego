# METADATA
# title: III.5.1.1 電子データの原本性確保 / Originality of electronic records
# description: |
#   Evaluation item a asks for time-stamping, signatures and print-data
#   management by pattern. Code can show only one part of it: whether log
#   records are protected against tampering. A store without protection is
#   below every pattern (its records can be altered unnoticed); a protected
#   one stays unknown, since time-stamping, signatures and print-data
#   management do not appear in code.
# custom:
#   id: KJ-III.5.1.1
#   controls: [III.5.1.1]
#   reads: [log]
package kaiji.controls.iii_5_1_1

import data.kaiji.lib
import data.kaiji.lib.logs

control := "III.5.1.1"

eval_items := {"a"}

evaluations contains e if {
	lib.reference(control, "a") != null
	some l in lib.facts("log")
	e := lib.evaluation(control, "a", l, outcome(logs.tamper_outcome(l)))
}

outcome(r) := object.union(r, {
	"outcome": "unknown",
	"detail_ja": sprintf("%s。時刻認証・署名・印刷データの電子化管理はインフラのコードに現れません", [r.detail_ja]),
	"detail_en": sprintf("%s; time-stamping, signatures and print-data management do not appear in infrastructure code", [r.detail_en]),
}) if {
	r.outcome == "pass"
} else := r
