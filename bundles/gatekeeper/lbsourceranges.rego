# METADATA
# title: LoadBalancer の接続元制限 / LoadBalancer Services restrict their sources
# description: |
#   Gatekeeper template KaijiLoadBalancerSourceRanges. When the disclosure
#   claims a firewall restricts access from the internet (firewall.enabled),
#   a Service of type LoadBalancer must restrict its sources with
#   spec.loadBalancerSourceRanges (or the
#   service.beta.kubernetes.io/load-balancer-source-ranges annotation), and
#   none of the ranges may be the whole internet unless the Service's ports
#   are all listed in input.parameters.publicPorts (e.g. 443 for a public
#   HTTPS front end).
# custom:
#   keys: [firewall.enabled]
package kaijilbsourceranges

obj := input.review.object

annotation := "service.beta.kubernetes.io/load-balancer-source-ranges"

is_lb if {
	obj.kind == "Service"
	obj.spec.type == "LoadBalancer"
}

ranges contains trim_space(r) if {
	some r in object.get(obj.spec, "loadBalancerSourceRanges", [])
}

ranges contains trim_space(r) if {
	some r in split(object.get(object.get(obj.metadata, "annotations", {}), annotation, ""), ",")
	trim_space(r) != ""
}

open_ranges := {"0.0.0.0/0", "::/0"}

public_ports := {p | some p in object.get(input.parameters, "publicPorts", [])}

all_public if {
	ports := {p.port | some p in object.get(obj.spec, "ports", [])}
	count(ports) > 0
	count(ports - public_ports) == 0
}

violation contains {"msg": msg} if {
	is_lb
	count(ranges) == 0
	msg := sprintf(
		"Service %s: type LoadBalancer without loadBalancerSourceRanges is open to the whole internet; the disclosure claims a firewall restricts access (ファイアウォール)",
		[obj.metadata.name],
	)
}

violation contains {"msg": msg, "details": {"range": r}} if {
	is_lb
	some r in ranges
	r in open_ranges
	not all_public
	msg := sprintf(
		"Service %s: loadBalancerSourceRanges allows %s; the disclosure claims a firewall restricts access (ファイアウォール)",
		[obj.metadata.name, r],
	)
}
