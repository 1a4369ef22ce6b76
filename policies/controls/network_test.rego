package kaiji.controls.network_test

import data.kaiji.fixtures as fx

https(attrs) := fx.fact("endpoint", "lb.https", object.union({"protocol": "https", "tls": true, "min_tls_version": "1.2", "certificate": true}, attrs))

mqtt := fx.fact("endpoint", "iot.mqtt", {"protocol": "mqtt", "tls": false, "public": true})

test_firewall if {
	open := fx.fact("firewall_rule", "sg", {"from_port": 3389, "to_port": 3389, "internet_exposed": true})
	fx.outcome([open], "III.3.1.4", "-", 1) == ["below", "advisory"]
	closed := fx.fact("firewall_rule", "sg", {"from_port": 443, "to_port": 443, "internet_exposed": true})
	fx.outcome([closed], "III.3.1.4", "-", 1) == ["meets", "advisory"]
}

test_communication_encryption if {
	fx.outcome([https({})], "III.3.2.2", "a", 4) == ["meets", "advisory"]
	fx.outcome([mqtt], "III.3.2.2", "a", 4) == ["below", "advisory"]
}

test_server_certificates if {
	fx.outcome([https({})], "III.3.2.3", "-", 1) == ["meets", "advisory"]
	fx.outcome([https({"certificate": false})], "III.3.2.3", "-", 1) == ["below", "advisory"]
}

test_iot_transport if {
	fx.outcome([https({})], "IV.C-2", "-", 1) == ["meets", "advisory"]
	fx.outcome([mqtt], "IV.C-2", "-", 1) == ["below", "advisory"]
	fx.control([mqtt], "IV.C-2", "-", 1).level == "iot"
}

test_edge_certificates if {
	x509 := fx.fact("device_auth", "dps", {"method": "x509", "certificate": true})
	sas := fx.fact("device_auth", "hub", {"method": "symmetric_key", "certificate": false})
	fx.outcome([x509], "IV.B-52", "-", 1) == ["meets", "advisory"]
	fx.outcome([x509, sas], "IV.B-52", "-", 1) == ["below", "advisory"]
	fx.outcome([sas], "IV.B-35", "-", 1) == ["below", "advisory"]
	startswith(fx.control([x509], "IV.B-52", "-", 1).title.ja, "エッジコンピュータ")
}

test_peak_scaling if {
	fx.outcome([fx.fact("redundancy", "ingest", {"autoscaling": {"min": 1, "max": 8}})], "IV.B-57", "-", 1) == ["meets", "advisory"]
	fx.outcome([fx.fact("redundancy", "ingest", {"autoscaling": {"min": 3, "max": 3}})], "IV.B-57", "-", 1) == ["below", "advisory"]
}

test_part_iv_only_for_iot_services if {
	x509 := fx.fact("device_auth", "dps", {"method": "x509", "certificate": true})
	inp := fx.doc([x509], [], 1)
	some r in data.kaiji.main.result.controls with input as inp
	r.id == "IV.B-52"
	r.verdict == "not_applicable"
}
