package kaiji.claims.backup_test

import data.kaiji.claims.backup
import data.kaiji.main

db(id, days) := {
	"id": id, "kind": "datastore", "provider": "aws", "type": "aws_db_instance",
	"attrs": {"class": "database", "backup": {"enabled": days > 0, "interval_seconds": 86400, "generations": days}},
	"unknown": [], "lines": {"backup.generations": 9},
	"source": {"file": "db.tf", "line": 1, "end_line": 10, "collector": "terraform"},
}

plan(id, interval, gens, targets) := {
	"id": id, "kind": "backup", "provider": "aws", "type": "aws_backup_plan",
	"attrs": {"interval_seconds": interval, "generations": gens, "targets": targets},
	"unknown": [], "lines": {"generations": 14, "interval_seconds": 11},
	"source": {"file": "backup.tf", "line": 5, "end_line": 20, "collector": "terraform"},
}

claim(i, key, value) := {"index": i, "item": 54, "key": key, "value": value, "raw": value, "text": ""}

verdict_of(inp) := [c.verdict | some c in main.result.claims]

test_daily_rds_supports_daily_claim if {
	inp := {"facts": {"datastore": [db("aws_db_instance.a", 7)]}, "claims": [claim(0, "backup.interval", 86400)], "pattern": 2}
	verdict_of(inp) == ["supported"] with input as inp
}

test_weekly_plan_contradicts_daily_claim if {
	inp := {
		"facts": {"datastore": [db("aws_db_instance.a", 0)], "backup": [plan("p", 604800, 4, ["aws_db_instance.a"])]},
		"claims": [claim(0, "backup.interval", 86400)], "pattern": 2,
	}
	verdict_of(inp) == ["contradicted"] with input as inp
}

test_one_generation_contradicts_two if {
	inp := {
		"facts": {"datastore": [db("aws_db_instance.a", 1)]},
		"claims": [claim(0, "backup.generations", 2)], "pattern": 2,
	}
	verdict_of(inp) == ["contradicted"] with input as inp
}

test_unknown_retention_is_unproven if {
	d := {
		"id": "aws_db_instance.a", "kind": "datastore", "attrs": {"class": "database"},
		"unknown": ["attrs.backup.enabled", "attrs.backup.generations"],
		"source": {"file": "db.tf", "line": 1},
	}
	inp := {"facts": {"datastore": [d]}, "claims": [claim(0, "backup.generations", 2)], "pattern": 2}
	verdict_of(inp) == ["unproven"] with input as inp
}

test_no_database_is_unproven if {
	inp := {"facts": {}, "claims": [claim(0, "backup.interval", 86400)], "pattern": 2}
	verdict_of(inp) == ["unproven"] with input as inp
}

test_schedule_alone_judged_without_datastores if {
	inp := {"facts": {"backup": [plan("p", 86400, 1, [])]}, "claims": [claim(0, "backup.generations", 2)], "pattern": 2}
	verdict_of(inp) == ["contradicted"] with input as inp
}

test_keys_declared if {
	"backup.interval" in backup.keys
}

test_unbounded_retention_meets_any_generations if {
	p := {
		"id": "p", "kind": "backup", "provider": "aws", "type": "aws_backup_plan",
		"attrs": {"interval_seconds": 86400, "retention_forever": true, "generations_unbounded": true, "targets": ["aws_db_instance.a"]},
		"unknown": ["attrs.generations"], "lines": {}, "source": {"file": "backup.tf", "line": 5},
	}
	inp := {"facts": {"datastore": [db("aws_db_instance.a", 0)], "backup": [p]}, "claims": [claim(0, "backup.generations", 30)], "pattern": 2}
	verdict_of(inp) == ["supported"] with input as inp
}

test_unresolved_targets_leave_it_unproven if {
	p := {
		"id": "p", "kind": "backup", "provider": "aws", "type": "aws_backup_plan",
		"attrs": {"interval_seconds": 604800, "generations": 1},
		"unknown": ["attrs.targets"], "lines": {}, "source": {"file": "backup.tf", "line": 5},
	}
	d := {
		"id": "aws_db_instance.a", "kind": "datastore", "attrs": {"class": "database", "backup": {"enabled": false}},
		"unknown": [], "source": {"file": "db.tf", "line": 1},
	}
	inp := {"facts": {"datastore": [d], "backup": [p]}, "claims": [claim(0, "backup.interval", 86400), claim(1, "backup.generations", 2)], "pattern": 2}
	verdict_of(inp) == ["unproven", "unproven"] with input as inp
}

test_disabled_backups_contradict if {
	inp := {"facts": {"datastore": [db("aws_db_instance.a", 0)]}, "claims": [claim(0, "backup.interval", 86400), claim(1, "backup.generations", 1)], "pattern": 2}
	verdict_of(inp) == ["contradicted", "contradicted"] with input as inp
}

test_unknown_interval_unproven if {
	p := {
		"id": "p", "kind": "backup", "provider": "aws", "type": "aws_backup_plan",
		"attrs": {"generations": 3, "targets": ["aws_db_instance.a"]},
		"unknown": ["attrs.interval_seconds"], "lines": {}, "source": {"file": "backup.tf", "line": 5},
	}
	inp := {"facts": {"datastore": [db("aws_db_instance.a", 0)], "backup": [p]}, "claims": [claim(0, "backup.interval", 86400)], "pattern": 2}
	verdict_of(inp) == ["unproven"] with input as inp
}

test_schedule_alone_interval if {
	inp := {"facts": {"backup": [plan("p", 86400, 3, [])]}, "claims": [claim(0, "backup.interval", 86400), claim(1, "backup.generations", 2)], "pattern": 2}
	verdict_of(inp) == ["supported", "supported"] with input as inp
}
