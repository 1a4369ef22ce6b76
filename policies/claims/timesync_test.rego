package kaiji.claims.timesync_test

import data.kaiji.fixtures as fx

test_servers_support_time_sync if {
	fx.verdict([fx.fact("time_sync", "chrony", {"servers": ["ntp.nict.jp"]})], "time_sync.enabled", true) == "supported"
}

test_disabled_contradicts_time_sync if {
	fx.verdict([fx.fact("time_sync", "chrony", {"enabled": false})], "time_sync.enabled", true) == "contradicted"
}

test_no_servers_unproven if {
	fx.verdict([fx.vague("time_sync", "chrony", {}, ["servers"])], "time_sync.enabled", true) == "unproven"
}

test_no_configuration_unproven if {
	fx.verdict([], "time_sync.enabled", true) == "unproven"
}
