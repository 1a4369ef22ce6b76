# Rules for conftest over the benchmark's Kubernetes manifests: probes,
# replicas and privilege, the kind of checks kube-score and kaiji make.
package main

import rego.v1

workloads := {"Deployment", "StatefulSet", "DaemonSet"}

deny contains msg if {
	input.kind in workloads
	some c in input.spec.template.spec.containers
	not c.livenessProbe
	msg := sprintf("%s/%s: container %s has no liveness probe", [input.kind, input.metadata.name, c.name])
}

warn contains msg if {
	input.kind in workloads
	object.get(input.spec, "replicas", 1) < 2
	msg := sprintf("%s/%s runs a single replica", [input.kind, input.metadata.name])
}

deny contains msg if {
	input.kind in workloads
	some c in input.spec.template.spec.containers
	c.securityContext.privileged == true
	msg := sprintf("%s/%s: container %s is privileged", [input.kind, input.metadata.name, c.name])
}

warn contains msg if {
	input.kind == "Service"
	input.spec.type == "LoadBalancer"
	not input.spec.loadBalancerSourceRanges
	msg := sprintf("Service/%s is open to the internet", [input.metadata.name])
}
