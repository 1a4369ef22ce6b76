# Rules for conftest over the benchmark's plan JSON: the checks of
# terraform.rego, over planned values (every instance, modules included).
package main

import rego.v1

resources contains r if {
	some r in input.planned_values.root_module.resources
}

resources contains r if {
	some m in input.planned_values.root_module.child_modules
	some r in m.resources
}

deny contains msg if {
	some r in resources
	r.type == "aws_db_instance"
	not r.values.storage_encrypted
	msg := sprintf("%s is not encrypted at rest", [r.address])
}

warn contains msg if {
	some r in resources
	r.type == "aws_security_group_rule"
	"0.0.0.0/0" in object.get(r.values, "cidr_blocks", [])
	msg := sprintf("%s is open to the internet", [r.address])
}

deny contains msg if {
	some r in resources
	r.type == "google_storage_bucket"
	object.get(r.values, "public_access_prevention", "") != "enforced"
	msg := sprintf("%s may be public", [r.address])
}
