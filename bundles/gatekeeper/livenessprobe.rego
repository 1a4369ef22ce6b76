# METADATA
# title: 死活監視の間隔 / Liveness probes at the disclosed interval
# description: |
#   Gatekeeper template KaijiLivenessProbe. Every container of a Pod or a
#   workload (Deployment, StatefulSet, DaemonSet, ReplicaSet) must have a
#   livenessProbe, checked at least every input.parameters.maxPeriodSeconds:
#   the interval the disclosure claims (monitoring.liveness_interval) or the
#   guideline's reference value for the pattern (III.1.1.1 a), whichever is
#   shorter. periodSeconds defaults to 10 when unset, as in Kubernetes.
# custom:
#   control: III.1.1.1
#   keys: [monitoring.liveness, monitoring.liveness_interval]
package kaijilivenessprobe

obj := input.review.object

workload_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"}

containers contains c if {
	obj.kind == "Pod"
	some c in obj.spec.containers
}

containers contains c if {
	obj.kind in workload_kinds
	some c in obj.spec.template.spec.containers
}

max_period := input.parameters.maxPeriodSeconds

source := object.get(input.parameters, "source", "the disclosure")

violation contains {"msg": msg, "details": {"container": c.name, "maxPeriodSeconds": max_period}} if {
	some c in containers
	not c.livenessProbe
	msg := sprintf(
		"%s %s: container %q has no livenessProbe; %s requires liveness checks at least every %ds (死活監視)",
		[obj.kind, obj.metadata.name, c.name, source, max_period],
	)
}

violation contains {"msg": msg, "details": {"container": c.name, "periodSeconds": period, "maxPeriodSeconds": max_period}} if {
	some c in containers
	c.livenessProbe
	period := object.get(c.livenessProbe, "periodSeconds", 10)
	period > max_period
	msg := sprintf(
		"%s %s: container %q checks liveness every %ds; %s requires at least every %ds (死活監視)",
		[obj.kind, obj.metadata.name, c.name, period, source, max_period],
	)
}
