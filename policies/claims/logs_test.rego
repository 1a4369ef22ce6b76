package kaiji.claims.logs_test

import data.kaiji.fixtures as fx

log(id, attrs) := fx.fact("log", id, attrs)

test_retention_long_enough_supported if {
	fx.verdict([log("audit", {"category": "audit", "retention_seconds": 31536000})], "log.retention", 31536000) == "supported"
	fx.verdict([log("audit", {"category": "audit", "retention_forever": true})], "log.retention", 31536000) == "supported"
}

test_retention_too_short_contradicted if {
	fx.verdict([log("app", {"retention_seconds": 7776000})], "log.retention", 31536000) == "contradicted"
}

test_retention_unknown_unproven if {
	fx.verdict([fx.vague("log", "app", {}, ["retention_seconds"])], "log.retention", 31536000) == "unproven"
}

test_user_activity_log_collected if {
	fx.verdict([log("trail", {"category": "audit"})], "log.user_activity", true) == "supported"
	fx.verdict([log("app", {"category": "system"})], "log.user_activity", true) == "unproven"
	fx.verdict([log("trail", {"category": "access"})], "log.user_activity", false) == "contradicted"
}

test_system_log_collected if {
	fx.verdict([log("app", {})], "log.system", true) == "supported"
}

test_tamper_protection if {
	fx.verdict([log("trail", {"tamper_protection": true, "tamper_mechanism": "log_file_validation"})], "log.tamper_protection", true) == "supported"
	fx.verdict([log("trail", {"tamper_protection": true}), log("app", {"tamper_protection": false})], "log.tamper_protection", true) == "contradicted"
	fx.verdict([log("app", {})], "log.tamper_protection", true) == "unproven"
}
