# Rules for conftest in the scan benchmark (bench/run.sh): a few checks of
# the kind kaiji's policies make (encryption at rest, backups, log retention,
# internet exposure), written over conftest's HCL input. They give conftest
# work comparable in kind, not in depth, to kaiji's claims and controls.
package main

import rego.v1

deny contains msg if {
	some name, blocks in input.resource.aws_db_instance
	some b in blocks
	not b.storage_encrypted
	msg := sprintf("aws_db_instance.%s is not encrypted at rest", [name])
}

deny contains msg if {
	some name, blocks in input.resource.aws_db_instance
	some b in blocks
	object.get(b, "backup_retention_period", 0) == 0
	msg := sprintf("aws_db_instance.%s has no automated backups", [name])
}

warn contains msg if {
	some name, blocks in input.resource.aws_cloudwatch_log_group
	some b in blocks
	not b.retention_in_days
	msg := sprintf("aws_cloudwatch_log_group.%s keeps logs forever", [name])
}

warn contains msg if {
	some name, blocks in input.resource.aws_security_group_rule
	some b in blocks
	"0.0.0.0/0" in object.get(b, "cidr_blocks", [])
	msg := sprintf("aws_security_group_rule.%s is open to the internet", [name])
}

deny contains msg if {
	some name, blocks in input.resource.azurerm_storage_account
	some b in blocks
	object.get(b, "min_tls_version", "TLS1_0") != "TLS1_2"
	msg := sprintf("azurerm_storage_account.%s allows TLS below 1.2", [name])
}

deny contains msg if {
	some name, blocks in input.resource.google_storage_bucket
	some b in blocks
	object.get(b, "public_access_prevention", "") != "enforced"
	msg := sprintf("google_storage_bucket.%s may be public", [name])
}
