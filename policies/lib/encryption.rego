# METADATA
# title: 保存データの暗号化 / Encryption at rest
# description: Whether one data store is encrypted at rest, shared by claims and III.2.2.2.
# scope: package
package kaiji.lib.encryption

import data.kaiji.lib

# outcome: one data store encrypted at rest or not. The branches exclude
# one another; an else chain stops at the first that holds.
outcome(d) := {
	"outcome": "unknown", "actual": null,
	"evidence": [lib.evidence(d, "encrypted_at_rest")],
	"detail_ja": sprintf("%s の暗号化設定を静的に確定できません", [d.id]),
	"detail_en": sprintf("whether %s is encrypted cannot be known statically", [d.id]),
} if {
	not lib.known(d, "encrypted_at_rest")
} else := {
	"outcome": "pass", "actual": true,
	"evidence": [lib.evidence(d, "encrypted_at_rest")],
	"detail_ja": sprintf("%s は保存時に暗号化されています%s", [d.id, how_ja[h]]),
	"detail_en": sprintf("%s is encrypted at rest%s", [d.id, how_en[h]]),
} if {
	object.get(d.attrs, "encrypted_at_rest", null) == true
	h := how(d)
} else := {
	"outcome": "fail", "actual": false,
	"evidence": [lib.evidence(d, "encrypted_at_rest")],
	"detail_ja": sprintf("%s は保存時に暗号化されていません", [d.id]),
	"detail_en": sprintf("%s is not encrypted at rest", [d.id]),
} if {
	object.get(d.attrs, "encrypted_at_rest", null) == false
}

# how names the kind of encryption: the platform's default, a KMS key, or
# nothing more specific.
how(d) := "platform_default" if {
	object.get(d.attrs, "encryption", null) == "platform_default"
} else := "kms" if {
	object.get(d.attrs, "kms_key", null) == true
} else := ""

how_ja := {"platform_default": "（プラットフォームの既定の暗号化）", "kms": "（KMS鍵）", "": ""}

how_en := {"platform_default": " (platform default encryption)", "kms": " (KMS key)", "": ""}
