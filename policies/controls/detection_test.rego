package kaiji.controls.detection_test

import data.kaiji.fixtures as fx

scanner(attrs) := fx.fact("detection", "av", object.union({"service": "clamav", "malware_protection": true, "intrusion_detection": true}, attrs))

# III.2.2.1 a: 24 時間以内* (pattern 1) vs 3 日以内* (pattern 5).
test_pattern_file_updates_by_pattern if {
	fx.outcome([scanner({"signature_update_seconds": 172800})], "III.2.2.1", "a", 5) == ["meets", "hard"]
	fx.outcome([scanner({"signature_update_seconds": 172800})], "III.2.2.1", "a", 1) == ["below", "hard"]
	fx.outcome([scanner({"managed": true})], "III.2.2.1", "a", 1) == ["meets", "hard"]
	fx.outcome([scanner({})], "III.2.2.1", "a", 1) == ["unknown", "hard"]
	fx.outcome([scanner({"enabled": false, "managed": true})], "III.2.2.1", "a", 5) == ["below", "hard"]
}

# III.3.1.5 a: 1 回／3 週間 (pattern 2) vs 1 回／1 日 (pattern 1).
test_ids_signatures_by_pattern if {
	fx.outcome([scanner({"signature_update_seconds": 604800})], "III.3.1.5", "a", 2) == ["meets", "advisory"]
	fx.outcome([scanner({"signature_update_seconds": 604800})], "III.3.1.5", "a", 1) == ["below", "advisory"]
	fx.outcome([scanner({"managed": true})], "III.3.1.5", "a", 1) == ["meets", "advisory"]
}
