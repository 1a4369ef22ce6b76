package kaiji.claims.monitoring_test

import data.kaiji.fixtures as fx

probe(interval) := fx.fact("monitor", "probe", {"check": "liveness", "interval_seconds": interval, "notification": true})

test_liveness_check_supports_monitoring if {
	fx.verdict([probe(10)], "monitoring.liveness", true) == "supported"
}

test_liveness_check_contradicts_no_monitoring if {
	fx.verdict([probe(10)], "monitoring.liveness", false) == "contradicted"
}

test_metric_alarm_is_not_liveness if {
	fx.verdict([fx.fact("monitor", "cpu", {"check": "metric_alarm", "interval_seconds": 60})], "monitoring.liveness", true) == "unproven"
}

test_interval_within_claim_supported if {
	fx.verdict([probe(60)], "monitoring.liveness_interval", 300) == "supported"
}

test_interval_beyond_claim_contradicted if {
	fx.verdict([probe(600)], "monitoring.liveness_interval", 300) == "contradicted"
}

test_unknown_interval_unproven if {
	fx.verdict([fx.vague("monitor", "probe", {"check": "uptime"}, ["interval_seconds"])], "monitoring.liveness_interval", 300) == "unproven"
}
