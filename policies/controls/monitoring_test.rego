package kaiji.controls.monitoring_test

import data.kaiji.fixtures as fx

probe(interval, notify) := fx.fact("monitor", "probe", {"check": "health_check", "interval_seconds": interval, "notification": notify})

alarm(interval) := fx.fact("monitor", "latency", {"check": "metric_alarm", "interval_seconds": interval, "notification": true})

# III.1.1.1 a: 1 回以上／10 分* (pattern 2) is met by a 10-minute check, and
# 1 回以上／5 分* (pattern 1) is not: a hard failure.
test_liveness_interval_by_pattern if {
	fx.outcome([probe(600, true)], "III.1.1.1", "a", 2) == ["meets", "hard"]
	fx.outcome([probe(600, true)], "III.1.1.1", "a", 1) == ["below", "hard"]
	fx.outcome([probe(1200, true)], "III.1.1.1", "a", 6) == ["meets", "hard"]
	fx.outcome([probe(1800, true)], "III.1.1.1", "a", 6) == ["below", "hard"]
}

# III.1.1.1 b: 60 分以内* (pattern 2) vs 20 分以内* (pattern 1).
test_liveness_notification_by_pattern if {
	fx.outcome([probe(1800, true)], "III.1.1.1", "b", 2) == ["meets", "hard"]
	fx.outcome([probe(1800, true)], "III.1.1.1", "b", 1) == ["below", "hard"]
	fx.outcome([probe(60, false)], "III.1.1.1", "b", 3) == ["below", "hard"]
	fx.outcome([fx.vague("monitor", "p", {"check": "uptime"}, ["notification"])], "III.1.1.1", "b", 3) == ["unknown", "hard"]
	fx.outcome([fx.vague("monitor", "p", {"check": "uptime", "notification": true}, ["interval_seconds"])], "III.1.1.1", "b", 3) == ["unknown", "hard"]
}

test_no_monitor_is_unknown if {
	fx.outcome([], "III.1.1.1", "a", 1) == ["unknown", "hard"]
}

# III.1.1.2 a: 1 回／30 分 (pattern 2) vs 1 回／10 分 (pattern 1), advisory.
test_failure_interval_by_pattern if {
	fx.outcome([probe(1800, true)], "III.1.1.2", "a", 2) == ["meets", "advisory"]
	fx.outcome([probe(1800, true)], "III.1.1.2", "a", 1) == ["below", "advisory"]
	fx.outcome([probe(1800, true)], "III.1.1.2", "b", 2) == ["meets", "advisory"]
	fx.outcome([probe(3600, true)], "III.1.1.2", "b", 1) == ["below", "advisory"]
}

# III.1.1.3 a: 1 回／60 分 (pattern 3) vs 1 回／30 分 (pattern 2).
test_performance_interval_by_pattern if {
	fx.outcome([alarm(3600)], "III.1.1.3", "a", 3) == ["meets", "advisory"]
	fx.outcome([alarm(3600)], "III.1.1.3", "a", 2) == ["below", "advisory"]
	fx.outcome([alarm(300)], "III.1.1.3", "b", 1) == ["meets", "advisory"]
}
