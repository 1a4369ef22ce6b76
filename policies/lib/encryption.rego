# METADATA
# title: 保存データの暗号化 / Encryption at rest
# description: Whether one data store is encrypted at rest, shared by claims and III.2.2.2.
# scope: package
package kaiji.lib.encryption

import data.kaiji.lib

outcome(d) := {
	"outcome": "unknown", "actual": null,
	"evidence": [lib.evidence(d, "encrypted_at_rest")],
	"detail_ja": sprintf("%s の暗号化設定を静的に確定できません", [d.id]),
	"detail_en": sprintf("whether %s is encrypted cannot be known statically", [d.id]),
} if {
	not lib.known(d, "encrypted_at_rest")
}

outcome(d) := {
	"outcome": "pass", "actual": true,
	"evidence": [lib.evidence(d, "encrypted_at_rest")],
	"detail_ja": sprintf("%s は保存時に暗号化されています%s", [d.id, how_ja(d)]),
	"detail_en": sprintf("%s is encrypted at rest%s", [d.id, how_en(d)]),
} if {
	object.get(d.attrs, "encrypted_at_rest", null) == true
}

outcome(d) := {
	"outcome": "fail", "actual": false,
	"evidence": [lib.evidence(d, "encrypted_at_rest")],
	"detail_ja": sprintf("%s は保存時に暗号化されていません", [d.id]),
	"detail_en": sprintf("%s is not encrypted at rest", [d.id]),
} if {
	object.get(d.attrs, "encrypted_at_rest", null) == false
}

how_ja(d) := "（プラットフォームの既定の暗号化）" if object.get(d.attrs, "encryption", null) == "platform_default"

how_ja(d) := "（KMS鍵）" if {
	object.get(d.attrs, "encryption", null) != "platform_default"
	object.get(d.attrs, "kms_key", null) == true
}

how_ja(d) := "" if {
	object.get(d.attrs, "encryption", null) != "platform_default"
	object.get(d.attrs, "kms_key", null) != true
}

how_en(d) := " (platform default encryption)" if object.get(d.attrs, "encryption", null) == "platform_default"

how_en(d) := " (KMS key)" if {
	object.get(d.attrs, "encryption", null) != "platform_default"
	object.get(d.attrs, "kms_key", null) == true
}

how_en(d) := "" if {
	object.get(d.attrs, "encryption", null) != "platform_default"
	object.get(d.attrs, "kms_key", null) != true
}
