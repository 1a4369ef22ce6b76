# METADATA
# title: 回線・ファイアウォール・なりすまし対策・通信の暗号化 / Lines, firewall, server certificates and network encryption
# description: |
#   firewall.enabled: a claim that a firewall restricts access holds when
#   firewall rules exist and none opens an administrative or database port to
#   the whole internet; one such rule contradicts it.
#   network.tls_min_version: a claim that external connections use TLS N or
#   later holds when every public endpoint accepts only TLS N or later (plain
#   HTTP that only redirects to HTTPS is fine); one endpoint that accepts an
#   older version or plaintext contradicts it.
#   network.server_certificate: a claim of anti-spoofing measures (server
#   certificates) holds when every public endpoint presents a server
#   certificate; a plaintext one, or one without a certificate, contradicts it.
#   network.line: a claim naming the center-side lines (インターネット, VPN,
#   専用線) holds when every connection and public endpoint uses a named
#   line type; a public endpoint contradicts a sheet naming only a
#   dedicated line.
# custom:
#   id: KJ-C-NETWORK
#   items:
#     iot-asp-saas: [69, 71, 76, 77]
#     asp-saas: [69, 71, 75, 76]
#   keys: [firewall.enabled, network.tls_min_version, network.server_certificate, network.line]
#   reads: [firewall_rule, endpoint, connection]
#   severity: high
package kaiji.claims.network

import data.kaiji.lib
import data.kaiji.lib.network

keys := {"firewall.enabled", "network.tls_min_version", "network.server_certificate", "network.line"}

findings contains f if {
	some claim in input.claims
	claim.key == "firewall.enabled"
	claim.value == true
	some r in lib.scoped(network.ingress_rules, claim)
	f := lib.finding(claim, r, network.exposure_outcome(r), "ファイアウォールあり", "a firewall restricts access")
}

# A sheet that says there is no firewall is contradicted by firewall rules.
findings contains f if {
	some claim in input.claims
	claim.key == "firewall.enabled"
	claim.value == false
	some r in lib.scoped(network.ingress_rules, claim)
	f := lib.finding(
		claim, r, {
			"outcome": "fail", "actual": true,
			"evidence": [lib.evidence(r, "direction")],
			"detail_ja": sprintf("%s はファイアウォールの許可ルールです", [r.id]),
			"detail_en": sprintf("%s is a firewall allow rule", [r.id]),
		},
		"ファイアウォールなし", "no firewall",
	)
}

findings contains f if {
	some claim in input.claims
	claim.key == "network.tls_min_version"
	is_string(claim.value)
	some e in lib.scoped(network.public_endpoints, claim)
	f := lib.finding(claim, e, network.tls_outcome(e, claim.value), sprintf("TLS %s以上", [claim.value]), sprintf("TLS %s or later", [claim.value]))
}

findings contains f if {
	some claim in input.claims
	claim.key == "network.server_certificate"
	is_boolean(claim.value)
	some e in lib.scoped(network.tls_endpoints, claim)
	f := lib.bool_finding(claim, e, network.certificate_outcome(e))
}

findings contains f if {
	some claim in input.claims
	claim.key == "network.line"
	claimed := network.claimed_lines(claim.value)
	count(claimed) > 0
	some s in lib.scoped(network.line_subjects, claim)
	f := lib.finding(claim, s, network.line_outcome(s, claimed), concat("・", [object.get(network.line_names, [t, "ja"], t) | some t in claimed]), concat(", ", [object.get(network.line_names, [t, "en"], t) | some t in claimed]))
}
