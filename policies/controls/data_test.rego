package kaiji.controls.data_test

import data.kaiji.fixtures as fx

log(id, attrs) := fx.fact("log", id, attrs)

# III.2.1.3 a: user-activity logs 1 ヶ月 (pattern 2) vs 3 ヶ月 (pattern 1).
test_user_activity_retention_by_pattern if {
	audit := log("audit", {"category": "audit", "retention_seconds": 5184000})
	fx.outcome([audit], "III.2.1.3", "a", 2) == ["meets", "advisory"]
	fx.outcome([audit], "III.2.1.3", "a", 1) == ["below", "advisory"]
}

# III.2.1.3 b: system logs 1 年 (pattern 2) vs 5 年 (pattern 1).
test_system_retention_by_pattern if {
	app := log("app", {"category": "system", "retention_seconds": 34560000})
	fx.outcome([app], "III.2.1.3", "b", 2) == ["meets", "advisory"]
	fx.outcome([app], "III.2.1.3", "b", 1) == ["below", "advisory"]
}

# III.2.1.3 c: hot standby (pattern 1) needs several regions; cold standby
# (pattern 2) is met by a managed store; pattern 3 has no reference value.
test_log_standby_by_pattern if {
	one := log("trail", {"multi_region": false, "store": "cloudwatch"})
	fx.outcome([one], "III.2.1.3", "c", 1) == ["below", "advisory"]
	fx.outcome([one], "III.2.1.3", "c", 2) == ["meets", "advisory"]
	fx.outcome([log("trail", {"multi_region": true})], "III.2.1.3", "c", 4) == ["meets", "advisory"]
	fx.outcome([log("trail", {})], "III.2.1.3", "c", 1) == ["unknown", "advisory"]
	fx.outcome([one], "III.2.1.3", "c", 3)[0] == "not_applicable"
}

db(id, attrs) := fx.fact("datastore", id, object.union({"class": "database"}, attrs))

test_database_encryption if {
	fx.outcome([db("db", {"encrypted_at_rest": true, "encryption": "platform_default"})], "III.2.2.2", "-", 1) == ["meets", "advisory"]
	fx.outcome([db("db", {"encrypted_at_rest": false})], "III.2.2.2", "-", 1) == ["below", "advisory"]
	fx.outcome([db("db", {})], "III.2.2.2", "-", 1) == ["unknown", "advisory"]
}

# III.2.3.1 a: 1 回／1 週間 (pattern 2) vs 1 回／1 日 (pattern 1); b: 2 世代
# (pattern 2) vs 5 世代 (pattern 1) vs 1 世代 (pattern 6).
test_backups_by_pattern if {
	weekly := fx.fact("backup", "plan", {"interval_seconds": 604800, "generations": 2, "targets": ["db"]})
	store := db("db", {"backup": {"enabled": false}})
	fx.outcome([store, weekly], "III.2.3.1", "a", 2) == ["meets", "advisory"]
	fx.outcome([store, weekly], "III.2.3.1", "a", 1) == ["below", "advisory"]
	fx.outcome([store, weekly], "III.2.3.1", "b", 2) == ["meets", "advisory"]
	fx.outcome([store, weekly], "III.2.3.1", "b", 1) == ["below", "advisory"]
	fx.outcome([store, weekly], "III.2.3.1", "b", 6) == ["meets", "advisory"]
	fx.outcome([store], "III.2.3.1", "a", 6) == ["below", "advisory"]
	fx.outcome([db("db", {})], "III.2.3.1", "b", 6) == ["unknown", "advisory"]
}

# III.5.1.1 a: unprotected records are below; protected ones stay unknown.
test_record_integrity if {
	fx.outcome([log("trail", {"tamper_protection": false})], "III.5.1.1", "a", 6) == ["below", "advisory"]
	fx.outcome([log("trail", {"tamper_protection": true, "tamper_mechanism": "object_lock"})], "III.5.1.1", "a", 6) == ["unknown", "advisory"]
}

# III.2.3.2 a: restore tests at least as often as backups (every pattern).
test_restore_testing if {
	daily := fx.fact("backup", "plan", {"interval_seconds": 86400, "restore_test_interval_seconds": 86400})
	fx.outcome([daily], "III.2.3.2", "a", 1) == ["meets", "advisory"]
	weekly_tests := fx.fact("backup", "plan", {"interval_seconds": 86400, "restore_test_interval_seconds": 604800})
	fx.outcome([weekly_tests], "III.2.3.2", "a", 6) == ["below", "advisory"]
	fx.outcome([fx.fact("backup", "plan", {"interval_seconds": 86400})], "III.2.3.2", "a", 2) == ["unknown", "advisory"]
}
