package kaiji.controls.operations_test

import data.kaiji.fixtures as fx

# III.1.1.5 has no reference value.
test_time_sync if {
	fx.outcome([fx.fact("time_sync", "chrony", {"servers": ["169.254.169.123"], "source": "provider"})], "III.1.1.5", "-", 1) == ["meets", "advisory"]
	fx.outcome([fx.fact("time_sync", "chrony", {"enabled": false})], "III.1.1.5", "-", 1) == ["below", "advisory"]
}

# III.1.1.6 a: 24 時間以内* (patterns 1–3) vs 3 日以内* (patterns 4–6).
test_patch_delay_by_pattern if {
	baseline := fx.fact("patching", "baseline", {"approve_after_seconds": 172800})
	fx.outcome([baseline], "III.1.1.6", "a", 4) == ["meets", "hard"]
	fx.outcome([baseline], "III.1.1.6", "a", 1) == ["below", "hard"]
	fx.outcome([fx.fact("patching", "db", {"auto_update": true})], "III.1.1.6", "a", 4) == ["unknown", "hard"]
}

# III.2.1.1 a: 99.5%* needs several zones, 99%* two copies, 95%* any.
test_availability_by_pattern if {
	two := fx.fact("redundancy", "api", {"replicas": 2})
	fx.outcome([two], "III.2.1.1", "a", 2) == ["meets", "hard"]
	fx.outcome([two], "III.2.1.1", "a", 1) == ["below", "hard"]
	one := fx.fact("redundancy", "api", {"replicas": 1})
	fx.outcome([one], "III.2.1.1", "a", 3) == ["meets", "hard"]
	fx.outcome([one], "III.2.1.1", "a", 2) == ["below", "hard"]
	spread := fx.fact("datastore", "db", {"class": "database", "multi_az": true})
	fx.outcome([spread], "III.2.1.1", "a", 1) == ["meets", "hard"]
	fx.outcome([fx.fact("redundancy", "api", {})], "III.2.1.1", "a", 1) == ["unknown", "hard"]
}

# III.2.1.4 a: a continuous scanner meets 1 回／1 ヶ月.
test_vulnerability_scanning if {
	fx.outcome([fx.fact("detection", "inspector", {"service": "inspector", "vulnerability_scanning": true})], "III.2.1.4", "a", 1) == ["meets", "advisory"]
	fx.outcome([fx.fact("detection", "inspector", {"vulnerability_scanning": true, "enabled": false})], "III.2.1.4", "a", 1) == ["below", "advisory"]
}

# III.3.1.2: administrators must use MFA or allowed addresses.
test_admin_rights if {
	fx.outcome([fx.fact("identity", "ops", {"admin": true, "mfa": "required"})], "III.3.1.2", "-", 1) == ["meets", "advisory"]
	fx.outcome([fx.fact("identity", "ops", {"admin": true, "mfa": "off"})], "III.3.1.2", "-", 1) == ["below", "advisory"]
}

# III.3.1.3 a: users need biometrics or an IC card at pattern 1, ID and
# password suffice at pattern 3. b: administrators with certificates meet
# pattern 1 (デジタル証明書) and not pattern 2 (生体認証 又は IC カード).
test_authentication_methods_by_pattern if {
	users := fx.fact("identity", "users", {"auth_methods": ["password", "totp"]})
	fx.outcome([users], "III.3.1.3", "a", 3) == ["meets", "advisory"]
	fx.outcome([users], "III.3.1.3", "a", 1) == ["below", "advisory"]
	admins := fx.fact("identity", "admins", {"admin": true, "mfa": "required", "auth_methods": ["certificate"]})
	fx.outcome([admins], "III.3.1.3", "b", 1) == ["meets", "advisory"]
	fx.outcome([admins], "III.3.1.3", "b", 2) == ["below", "advisory"]
	keys := fx.fact("identity", "admins", {"admin": true, "auth_methods": ["webauthn"]})
	fx.outcome([keys], "III.3.1.3", "b", 2) == ["meets", "advisory"]
	fx.outcome([fx.fact("identity", "sso", {"auth_methods": ["federated"]})], "III.3.1.3", "a", 3) == ["unknown", "advisory"]
	fx.outcome([fx.vague("identity", "sso", {}, ["auth_methods"])], "III.3.1.3", "a", 3) == ["unknown", "advisory"]
}
