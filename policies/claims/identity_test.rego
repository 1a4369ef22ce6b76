package kaiji.claims.identity_test

import data.kaiji.fixtures as fx

admin(attrs) := fx.fact("identity", "admins", object.union({"subject": "ops", "role": "AdministratorAccess", "admin": true}, attrs))

pool(attrs) := fx.fact("identity", "users", attrs)

test_admin_with_mfa_supports_restricted if {
	fx.verdict([admin({"mfa": "required"})], "admin.restricted", true) == "supported"
}

test_admin_from_allowed_addresses_supports_restricted if {
	fx.verdict([admin({"mfa": "off", "ip_restricted": true})], "admin.restricted", true) == "supported"
}

test_admin_without_mfa_contradicts_restricted if {
	fx.verdict([admin({"mfa": "optional"})], "admin.restricted", true) == "contradicted"
}

test_admin_unknown_unproven if {
	fx.verdict([admin({})], "admin.restricted", true) == "unproven"
	fx.verdict([fx.vague("identity", "a", {"admin": true, "mfa": "off"}, ["ip_restricted"])], "admin.restricted", true) == "unproven"
}

test_mfa_required_supports if {
	fx.verdict([pool({"mfa": "required"})], "auth.mfa", true) == "supported"
}

test_mfa_optional_contradicts if {
	fx.verdict([pool({"mfa": "optional"})], "auth.mfa", true) == "contradicted"
}

test_mfa_unknown_unproven if {
	fx.verdict([fx.vague("identity", "p", {}, ["mfa"])], "auth.mfa", true) == "unproven"
}

test_ip_restriction if {
	fx.verdict([pool({"ip_restricted": true})], "auth.ip_restriction", true) == "supported"
	fx.verdict([pool({"ip_restricted": false})], "auth.ip_restriction", true) == "contradicted"
}

test_password_length if {
	fx.verdict([pool({"password_policy": {"min_length": 12}})], "password.min_length", 8) == "supported"
	fx.verdict([pool({"password_policy": {"min_length": 8}})], "password.min_length", 12) == "contradicted"
	fx.verdict([pool({"password_policy": {}})], "password.min_length", 12) == "unproven"
}

test_password_age if {
	fx.verdict([pool({"password_policy": {"max_age_seconds": 7776000}})], "password.max_age", 7776000) == "supported"
	fx.verdict([pool({"password_policy": {"max_age_seconds": 31536000}})], "password.max_age", 7776000) == "contradicted"
	fx.verdict([pool({"password_policy": {"min_length": 8}})], "password.max_age", 7776000) == "contradicted"
	fx.verdict([fx.vague("identity", "p", {"password_policy": {}}, ["password_policy.max_age_seconds"])], "password.max_age", 7776000) == "unproven"
	fx.verdict([fx.vague("identity", "p", {}, ["password_policy"])], "password.max_age", 7776000) == "unproven"
}
