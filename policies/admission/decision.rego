# METADATA
# title: アドミッション判定の集約 / Admission decision
# description: |
#   Gathers the violations of every admission package (kaiji.admission.*):
#   the claims of the disclosure sheet that one Kubernetes object, if
#   admitted, would make false. The webhook denies (enforce), warns (warn) or
#   records (audit) them.
# entrypoint: true
# scope: package
package kaiji.admission.decision

result := sort_violations({v | some v in data.kaiji.admission[_].violations})

sort_violations(s) := [v | some v in s]
