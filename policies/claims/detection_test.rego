package kaiji.claims.detection_test

import data.kaiji.fixtures as fx

guardduty(attrs) := fx.fact("detection", "gd", object.union({"service": "guardduty", "managed": true}, attrs))

test_malware_protection_supports_antivirus if {
	fx.verdict([guardduty({"enabled": true, "malware_protection": true})], "antivirus.enabled", true) == "supported"
}

test_disabled_scanner_contradicts_antivirus if {
	fx.verdict([guardduty({"enabled": false, "malware_protection": true})], "antivirus.enabled", true) == "contradicted"
}

test_no_malware_capability_unproven if {
	fx.verdict([guardduty({"enabled": true, "malware_protection": false, "intrusion_detection": true})], "antivirus.enabled", true) == "unproven"
}

test_intrusion_detection_supports_ids if {
	fx.verdict([guardduty({"intrusion_detection": true})], "ids.enabled", true) == "supported"
}

test_ids_contradicts_no_ids_claim if {
	fx.verdict([guardduty({"intrusion_detection": true})], "ids.enabled", false) == "contradicted"
}

test_unknown_switch_unproven if {
	fx.verdict([fx.vague("detection", "gd", {"intrusion_detection": true}, ["enabled"])], "ids.enabled", true) == "unproven"
	fx.verdict([fx.vague("detection", "gd", {}, ["intrusion_detection"])], "ids.enabled", true) == "unproven"
}
