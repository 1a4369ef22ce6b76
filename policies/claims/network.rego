# METADATA
# title: ファイアウォールと通信の暗号化 / Firewall and network encryption
# description: |
#   firewall.enabled: a claim that a firewall restricts access holds when
#   firewall rules exist and none opens an administrative or database port to
#   the whole internet; one such rule contradicts it.
#   network.tls_min_version: a claim that external connections use TLS N or
#   later holds when every public endpoint accepts only TLS N or later (plain
#   HTTP that only redirects to HTTPS is fine); one endpoint that accepts an
#   older version or plaintext contradicts it.
# custom:
#   id: KJ-C-NETWORK
#   items:
#     iot-asp-saas: [71, 77]
#     asp-saas: [71, 76]
#   keys: [firewall.enabled, network.tls_min_version]
#   reads: [firewall_rule, endpoint]
#   severity: high
package kaiji.claims.network

import data.kaiji.lib
import data.kaiji.lib.network

keys := {"firewall.enabled", "network.tls_min_version"}

findings contains f if {
	some claim in input.claims
	claim.key == "firewall.enabled"
	claim.value == true
	some r in network.ingress_rules
	lib.in_scope(r, claim)
	f := lib.finding(claim, r, network.exposure_outcome(r), "ファイアウォールあり", "a firewall restricts access")
}

# A sheet that says there is no firewall is contradicted by firewall rules.
findings contains f if {
	some claim in input.claims
	claim.key == "firewall.enabled"
	claim.value == false
	some r in network.ingress_rules
	lib.in_scope(r, claim)
	f := lib.finding(claim, r, {
		"outcome": "fail", "actual": true,
		"evidence": [lib.evidence(r, "direction")],
		"detail_ja": sprintf("%s はファイアウォールの許可ルールです", [r.id]),
		"detail_en": sprintf("%s is a firewall allow rule", [r.id]),
	}, "ファイアウォールなし", "no firewall")
}

findings contains f if {
	some claim in input.claims
	claim.key == "network.tls_min_version"
	is_string(claim.value)
	some e in network.public_endpoints
	lib.in_scope(e, claim)
	f := lib.finding(claim, e, network.tls_outcome(e, claim.value), sprintf("TLS %s以上", [claim.value]), sprintf("TLS %s or later", [claim.value]))
}
