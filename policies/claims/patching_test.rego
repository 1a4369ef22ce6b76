package kaiji.claims.patching_test

import data.kaiji.fixtures as fx

test_auto_update if {
	fx.verdict([fx.fact("patching", "db", {"auto_update": true, "maintenance_window": "sun:03:00-sun:04:00"})], "patch.auto_update", true) == "supported"
	fx.verdict([fx.fact("patching", "db", {"auto_update": false})], "patch.auto_update", true) == "contradicted"
}

test_patch_delay if {
	fx.verdict([fx.fact("patching", "baseline", {"approve_after_seconds": 86400})], "patch.within", 259200) == "supported"
	fx.verdict([fx.fact("patching", "baseline", {"approve_after_seconds": 604800})], "patch.within", 259200) == "contradicted"
	fx.verdict([fx.fact("patching", "db", {"auto_update": true})], "patch.within", 259200) == "unproven"
}
