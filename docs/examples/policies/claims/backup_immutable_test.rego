package kaiji.claims.x_backup_immutable_test

import data.kaiji.main

plan(immutable) := {
	"id": "aws_backup_plan.main", "kind": "backup", "provider": "aws", "type": "aws_backup_plan",
	"attrs": {"interval_seconds": 86400, "immutable": immutable}, "unknown": [], "lines": {"immutable": 12},
	"source": {"file": "backup.tf", "line": 1, "end_line": 20, "collector": "terraform"},
}

claim := {"index": 0, "item": 54, "key": "x.backup.immutable", "value": true, "raw": true}

verdict(facts) := v if {
	[c] := main.result.claims with input as {"facts": {"backup": facts}, "claims": [claim], "pattern": 2, "edition": "asp-saas"}
	v := c.verdict
}

test_locked_vault_supports if {
	verdict([plan(true)]) == "supported"
}

test_unlocked_vault_contradicts if {
	verdict([plan(true), object.union(plan(false), {"id": "aws_backup_plan.dev"})]) == "contradicted"
}

test_no_backup_is_unproven if {
	verdict([]) == "unproven"
}
