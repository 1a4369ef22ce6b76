package kaiji.claims.encryption_test

import data.kaiji.fixtures as fx
import data.kaiji.main

store(attrs) := fx.fact("datastore", "db", object.union({"class": "database"}, attrs))

test_encrypted_store_supports if {
	fx.verdict([store({"encrypted_at_rest": true, "kms_key": true, "encryption": "aws:kms"})], "encryption.at_rest", true) == "supported"
	fx.verdict([store({"encrypted_at_rest": true, "encryption": "platform_default"})], "encryption.at_rest", true) == "supported"
	fx.verdict([store({"encrypted_at_rest": true, "encryption": "AES256"})], "encryption.at_rest", true) == "supported"
}

test_unencrypted_store_contradicts if {
	fx.verdict([store({"encrypted_at_rest": true}), object.union(store({"encrypted_at_rest": false}), {"id": "disk"})], "encryption.at_rest", true) == "contradicted"
}

test_unknown_encryption_unproven if {
	fx.verdict([fx.vague("datastore", "db", {"class": "database"}, ["encrypted_at_rest"])], "encryption.at_rest", true) == "unproven"
}

test_explanations_name_the_key if {
	inp := fx.doc([store({"encrypted_at_rest": true, "kms_key": true})], [fx.claim("encryption.at_rest", true)], 2)
	[c] := main.result.claims with input as inp
	contains(c.reason.ja, "KMS鍵")
	contains(c.reason.en, "KMS key")
}
