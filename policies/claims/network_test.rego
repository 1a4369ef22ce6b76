package kaiji.claims.network_test

import data.kaiji.fixtures as fx

https(attrs) := fx.fact("endpoint", "lb.https", object.union({"protocol": "https", "port": 443, "tls": true, "min_tls_version": "1.2", "certificate": true, "public": true}, attrs))

http_redirect := fx.fact("endpoint", "lb.http", {"protocol": "http", "port": 80, "tls": false, "redirects_to_tls": true, "public": true})

http_plain := fx.fact("endpoint", "lb.http", {"protocol": "http", "port": 80, "tls": false, "public": true})

rule(attrs) := fx.fact("firewall_rule", "sg.in", object.union({"direction": "ingress", "action": "allow", "protocol": "tcp"}, attrs))

test_firewall if {
	fx.verdict([rule({"from_port": 443, "to_port": 443, "internet_exposed": true})], "firewall.enabled", true) == "supported"
	fx.verdict([rule({"from_port": 22, "to_port": 22, "internet_exposed": true})], "firewall.enabled", true) == "contradicted"
	fx.verdict([rule({"from_port": 22, "to_port": 22, "internet_exposed": false})], "firewall.enabled", false) == "contradicted"
	fx.verdict([fx.vague("firewall_rule", "r", {}, ["internet_exposed"])], "firewall.enabled", true) == "unproven"
	fx.verdict([rule({"internet_exposed": true})], "firewall.enabled", true) == "unproven"
}

test_tls_version if {
	fx.verdict([https({}), http_redirect], "network.tls_min_version", "1.2") == "supported"
	fx.verdict([https({"min_tls_version": "1.0"})], "network.tls_min_version", "1.2") == "contradicted"
	fx.verdict([http_plain], "network.tls_min_version", "1.2") == "contradicted"
	fx.verdict([fx.vague("endpoint", "e", {"tls": true}, ["min_tls_version"])], "network.tls_min_version", "1.2") == "unproven"
	fx.verdict([fx.vague("endpoint", "e", {}, ["tls"])], "network.tls_min_version", "1.2") == "unproven"
}

test_server_certificate if {
	fx.verdict([https({}), http_redirect], "network.server_certificate", true) == "supported"
	fx.verdict([https({"certificate": false})], "network.server_certificate", true) == "contradicted"
	fx.verdict([http_plain], "network.server_certificate", true) == "contradicted"
	fx.verdict([fx.vague("endpoint", "e", {}, ["tls"])], "network.server_certificate", true) == "unproven"
}

test_line_types if {
	fx.verdict([https({})], "network.line", "インターネット") == "supported"
	fx.verdict([https({})], "network.line", "専用線") == "contradicted"
	vpn := fx.fact("connection", "vpn", {"type": "vpn"})
	fx.verdict([https({}), vpn], "network.line", ["インターネット", "VPN"]) == "supported"
	fx.verdict([https({}), vpn], "network.line", "インターネット") == "contradicted"
	fx.verdict([fx.vague("connection", "c", {}, ["type"])], "network.line", "VPN") == "unproven"
}
