# METADATA
# title: Ingress の TLS / Ingress must terminate TLS
# description: |
#   Gatekeeper template KaijiIngressTLS. When the disclosure claims that
#   external connections are encrypted (network.tls_min_version), an Ingress
#   must declare spec.tls, and every host it routes must be covered by a TLS
#   entry (exactly, or by a one-level wildcard such as *.example.com).
# custom:
#   keys: [network.tls_min_version]
package kaijiingresstls

obj := input.review.object

is_ingress if obj.kind == "Ingress"

tls := object.get(obj.spec, "tls", [])

claimed := object.get(input.parameters, "minTLSVersion", "1.2")

violation contains {"msg": msg} if {
	is_ingress
	count(tls) == 0
	msg := sprintf(
		"Ingress %s: no spec.tls; the disclosure claims external connections use TLS %s or later (通信の暗号化)",
		[obj.metadata.name, claimed],
	)
}

violation contains {"msg": msg, "details": {"host": host}} if {
	is_ingress
	count(tls) > 0
	some rule in object.get(obj.spec, "rules", [])
	host := rule.host
	not covered(host)
	msg := sprintf(
		"Ingress %s: host %q is served without TLS (not in spec.tls[].hosts); the disclosure claims TLS %s or later (通信の暗号化)",
		[obj.metadata.name, host, claimed],
	)
}

covered(host) if {
	some t in tls
	some h in object.get(t, "hosts", [])
	h == host
}

covered(host) if {
	some t in tls
	some h in object.get(t, "hosts", [])
	startswith(h, "*.")
	suffix := substring(h, 1, -1)
	endswith(host, suffix)
	not contains(substring(host, 0, count(host) - count(suffix)), ".")
}
