package kaiji.claims.continuity_test

import data.kaiji.fixtures as fx

multi := fx.fact("redundancy", "web", {"zones": 3, "replicas": 3})

replicated := fx.fact("redundancy", "api", {"replicas": 2})

single := fx.fact("redundancy", "batch", {"replicas": 1})

db(id, attrs) := fx.fact("datastore", id, object.union({"class": "database"}, attrs))

test_multi_zone_supports_redundancy if {
	fx.verdict([multi, replicated, db("db", {"multi_az": true})], "service.redundancy", true) == "supported"
}

test_single_instance_contradicts_redundancy if {
	fx.verdict([multi, single], "service.redundancy", true) == "contradicted"
}

test_single_az_database_contradicts_redundancy if {
	fx.verdict([multi, db("db", {"multi_az": false})], "service.redundancy", true) == "contradicted"
}

test_database_replica_counts_as_redundant if {
	fx.verdict([db("db", {"multi_az": false, "replicas": 1})], "service.redundancy", true) == "supported"
}

test_no_redundancy_claim_contradicted_by_multi_zone if {
	fx.verdict([multi], "service.redundancy", false) == "contradicted"
}

test_unknown_zones_unproven if {
	fx.verdict([fx.vague("redundancy", "web", {}, ["replicas", "zones"])], "service.redundancy", true) == "unproven"
}

test_autoscaling_minimum_counts_as_copies if {
	fx.verdict([fx.fact("redundancy", "web", {"autoscaling": {"min": 2, "max": 6}})], "service.redundancy", true) == "supported"
}

test_cross_region_replica_supports_dr if {
	fx.verdict([db("db", {"cross_region_replica": true})], "dr.enabled", true) == "supported"
}

test_backup_copy_supports_dr if {
	plan := fx.fact("backup", "plan", {"interval_seconds": 86400, "generations": 7, "targets": ["db"], "copy_destinations": ["ap-northeast-3"]})
	fx.verdict([db("db", {"cross_region_replica": false}), plan], "dr.enabled", true) == "supported"
}

test_database_without_copy_contradicts_dr if {
	fx.verdict([db("db", {"cross_region_replica": false})], "dr.enabled", true) == "contradicted"
}

test_unknown_copy_leaves_dr_unproven if {
	fx.verdict([db("db", {})], "dr.enabled", true) == "unproven"
}

test_dr_fact_judged if {
	fx.verdict([fx.fact("dr", "repl", {"cross_region": true, "destination_region": "ap-northeast-3"})], "dr.enabled", true) == "supported"
	fx.verdict([fx.fact("dr", "repl", {"cross_region": false})], "dr.enabled", true) == "contradicted"
	fx.verdict([fx.fact("dr", "repl", {"cross_region": true})], "dr.enabled", false) == "contradicted"
}
