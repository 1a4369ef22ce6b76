# METADATA
# title: 認証と管理者権限 / Authentication and administrator rights
# description: |
#   Who holds administrator rights and how they sign in; MFA, source-address
#   restriction and password policy of identity stores; the guideline's
#   authentication methods each sign-in method provides. Shared by the
#   identity claims and controls III.3.1.2 and III.3.1.3.
# scope: package
package kaiji.lib.identity

import data.kaiji.lib

# admins are the identities holding full administrative rights.
admins := [i |
	some i in lib.facts("identity")
	object.get(i.attrs, "admin", null) == true
]

# with lists the identities that say something about attrs.<path>.
stating(path) := [i |
	some i in lib.facts("identity")
	says(i, path)
]

says(i, path) if lib.attr(i, path) != null

says(i, path) if lib.unknown(i, path)

# admin_outcome: an administrator's use is restricted when sign-in needs
# MFA or comes only from allowed addresses.
admin_outcome(i) := {
	"outcome": "pass", "actual": "mfa",
	"evidence": [lib.evidence(i, "mfa")],
	"detail_ja": sprintf("管理者権限（%s）を持つ %s は多要素認証が必須です", [role(i), i.id]),
	"detail_en": sprintf("%s holds administrator rights (%s) and must sign in with MFA", [i.id, role(i)]),
} if {
	mfa(i) == "required"
}

admin_outcome(i) := {
	"outcome": "pass", "actual": "ip_restricted",
	"evidence": [lib.evidence(i, "ip_restricted")],
	"detail_ja": sprintf("管理者権限（%s）を持つ %s は接続元アドレスが制限されています", [role(i), i.id]),
	"detail_en": sprintf("%s holds administrator rights (%s) and may sign in only from allowed addresses", [i.id, role(i)]),
} if {
	mfa(i) != "required"
	lib.known_bool(i, "ip_restricted")
	i.attrs.ip_restricted == true
}

admin_outcome(i) := {
	"outcome": "fail", "actual": mfa(i),
	"evidence": [lib.evidence(i, "mfa"), lib.evidence(i, "admin")],
	"detail_ja": sprintf("管理者権限（%s）を持つ %s は多要素認証も接続元制限もなく使えます（MFA: %s）", [role(i), i.id, mfa(i)]),
	"detail_en": sprintf("%s holds administrator rights (%s) usable without MFA or address restriction (MFA: %s)", [i.id, role(i), mfa(i)]),
} if {
	mfa(i) in {"optional", "off"}
	not lib.unknown(i, "ip_restricted")
	object.get(i.attrs, "ip_restricted", null) != true
}

admin_outcome(i) := {
	"outcome": "unknown", "actual": null,
	"evidence": [lib.evidence(i, "admin")],
	"detail_ja": sprintf("管理者権限（%s）を持つ %s の利用制限（MFA・接続元）を静的に確定できません", [role(i), i.id]),
	"detail_en": sprintf("how the use of administrator rights (%s) by %s is restricted (MFA, source address) cannot be known statically", [role(i), i.id]),
} if {
	mfa(i) != "required"
	not ip_ok(i)
	not mfa_known_weak(i)
}

admin_outcome(i) := {
	"outcome": "unknown", "actual": null,
	"evidence": [lib.evidence(i, "ip_restricted")],
	"detail_ja": sprintf("管理者権限（%s）を持つ %s の接続元制限を静的に確定できません", [role(i), i.id]),
	"detail_en": sprintf("whether %s, holding administrator rights (%s), is restricted by source address cannot be known statically", [i.id, role(i)]),
} if {
	mfa_known_weak(i)
	lib.unknown(i, "ip_restricted")
}

ip_ok(i) if {
	lib.known_bool(i, "ip_restricted")
	i.attrs.ip_restricted == true
}

mfa_known_weak(i) if mfa(i) in {"optional", "off"}

mfa(i) := "unknown" if lib.unknown(i, "mfa")

mfa(i) := object.get(i.attrs, "mfa", "unknown") if not lib.unknown(i, "mfa")

role(i) := object.get(i.attrs, "role", "admin")

# mfa_outcome: sign-in requires a second factor.
mfa_outcome(i) := {
	"outcome": lib.pass_fail(mfa(i) == "required"), "actual": mfa(i),
	"evidence": [lib.evidence(i, "mfa")],
	"detail_ja": sprintf("%s の多要素認証は %s です", [i.id, mfa_ja[mfa(i)]]),
	"detail_en": sprintf("%s has MFA %s", [i.id, mfa(i)]),
} if {
	mfa(i) in {"required", "optional", "off"}
}

mfa_outcome(i) := lib.not_known(i, "mfa") if not mfa(i) in {"required", "optional", "off"}

mfa_ja := {"required": "必須", "optional": "任意", "off": "無効"}

# ip_outcome: sign-in is limited by source address.
ip_outcome(i) := lib.flag_outcome(
	i, "ip_restricted", {
		"ja": sprintf("%s は接続元アドレスで利用を制限しています", [i.id]),
		"en": sprintf("%s restricts access by source address", [i.id]),
	},
	{
		"ja": sprintf("%s は接続元アドレスで利用を制限していません", [i.id]),
		"en": sprintf("%s does not restrict access by source address", [i.id]),
	},
)

# min_length_outcome: passwords must be at least want characters.
min_length_outcome(i, want) := {
	"outcome": lib.pass_fail(have >= want), "actual": have,
	"evidence": [lib.evidence(i, "password_policy.min_length")],
	"detail_ja": sprintf("%s のパスワードは %d 文字以上です", [i.id, have]),
	"detail_en": sprintf("%s requires passwords of at least %d characters", [i.id, have]),
} if {
	lib.known_number(i, "password_policy.min_length")
	have := i.attrs.password_policy.min_length
}

min_length_outcome(i, _) := lib.not_known(i, "password_policy.min_length") if not lib.known_number(i, "password_policy.min_length")

# max_age_outcome: passwords must be changed at least every want seconds.
max_age_outcome(i, want) := lib.duration_at_most(i, "password_policy.max_age_seconds", want, {"ja": "パスワード有効期間", "en": "password lifetime"}) if {
	lib.known_number(i, "password_policy.max_age_seconds")
}

max_age_outcome(i, _) := {
	"outcome": "fail", "actual": "never",
	"evidence": [lib.evidence(i, "password_policy")],
	"detail_ja": sprintf("%s のパスワードには有効期限がありません", [i.id]),
	"detail_en": sprintf("passwords of %s never expire", [i.id]),
} if {
	is_object(object.get(i.attrs, "password_policy", null))
	not lib.unknown(i, "password_policy.max_age_seconds")
	lib.attr(i, "password_policy.max_age_seconds") == null
}

max_age_outcome(i, _) := lib.not_known(i, "password_policy.max_age_seconds") if {
	lib.unknown(i, "password_policy.max_age_seconds")
}

max_age_outcome(i, _) := lib.not_known(i, "password_policy") if {
	not is_object(object.get(i.attrs, "password_policy", null))
	not lib.unknown(i, "password_policy.max_age_seconds")
}

# ---- guideline authentication methods (III.3.1.3) ----

# provided lists the guideline methods an identity's sign-in methods give,
# by the table in data/auth_methods.yaml.
provided(i) := {g |
	some m in i.attrs.auth_methods
	some g in object.get(data.kaiji.data.auth_methods.methods, m, [])
}

method_names_ja := {"biometric": "生体認証", "ic_card": "ICカード", "id_password": "ID・パスワード", "digital_certificate": "デジタル証明書"}

method_outcome(i, want) := {
	"outcome": lib.pass_fail(count(provided(i) & {x | some x in want}) > 0), "actual": sort(provided(i)),
	"evidence": [lib.evidence(i, "auth_methods")],
	"detail_ja": sprintf("%s の認証方式は %s です（ガイドライン上: %s）", [i.id, concat(", ", i.attrs.auth_methods), concat("、", [object.get(method_names_ja, g, g) | some g in sort(provided(i))])]),
	"detail_en": sprintf("%s signs in with %s (guideline methods: %s)", [i.id, concat(", ", i.attrs.auth_methods), concat(", ", sort(provided(i)))]),
} if {
	lib.known(i, "auth_methods")
	count(provided(i)) > 0
}

method_outcome(i, _) := {
	"outcome": "unknown", "actual": null,
	"evidence": [lib.evidence(i, "auth_methods")],
	"detail_ja": sprintf("%s の認証方式（%s）がガイドラインのどの方式に当たるかはインフラのコードから判断できません", [i.id, concat(", ", object.get(i.attrs, "auth_methods", []))]),
	"detail_en": sprintf("which guideline method the sign-in of %s (%s) amounts to cannot be told from the infrastructure code", [i.id, concat(", ", object.get(i.attrs, "auth_methods", []))]),
} if {
	not lib.unknown(i, "auth_methods")
	count(provided(i)) == 0
}

method_outcome(i, _) := lib.not_known(i, "auth_methods") if lib.unknown(i, "auth_methods")
