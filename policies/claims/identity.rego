# METADATA
# title: 管理者権限・ID/パスワード・利用者認証 / Administrator rights, passwords and user authentication
# description: |
#   admin.restricted: a claim that administrator rights are managed and
#   restricted holds when every identity holding them must use MFA or may
#   sign in only from allowed addresses; one usable with neither contradicts it.
#   auth.mfa, auth.ip_restriction: a claim that sign-in requires MFA (is
#   limited by source address) holds when every identity store in scope
#   that says so requires it; one that does not contradicts it.
#   password.min_length, password.max_age: every password policy in scope
#   requires at least the claimed length and expires passwords at least as
#   often as claimed.
# custom:
#   id: KJ-C-IDENTITY
#   items:
#     iot-asp-saas: [62, 63, 74]
#     asp-saas: [63, 64, 74]
#   keys: [admin.restricted, auth.mfa, auth.ip_restriction, password.min_length, password.max_age]
#   reads: [identity]
#   severity: high
package kaiji.claims.identity

import data.kaiji.lib
import data.kaiji.lib.identity

keys := {"admin.restricted", "auth.mfa", "auth.ip_restriction", "password.min_length", "password.max_age"}

findings contains f if {
	some claim in input.claims
	claim.key == "admin.restricted"
	is_boolean(claim.value)
	some i in lib.scoped(identity.admins, claim)
	f := lib.bool_finding(claim, i, identity.admin_outcome(i))
}

findings contains f if {
	some claim in input.claims
	claim.key == "auth.mfa"
	is_boolean(claim.value)
	some i in lib.scoped(identity.stating("mfa"), claim)
	f := lib.bool_finding(claim, i, identity.mfa_outcome(i))
}

findings contains f if {
	some claim in input.claims
	claim.key == "auth.ip_restriction"
	is_boolean(claim.value)
	some i in lib.scoped(identity.stating("ip_restricted"), claim)
	f := lib.bool_finding(claim, i, identity.ip_outcome(i))
}

findings contains f if {
	some claim in input.claims
	claim.key == "password.min_length"
	is_number(claim.value)
	some i in lib.scoped(identity.stating("password_policy"), claim)
	f := lib.finding(claim, i, identity.min_length_outcome(i, claim.value), sprintf("%d文字以上", [claim.value]), sprintf("at least %d characters", [claim.value]))
}

findings contains f if {
	some claim in input.claims
	claim.key == "password.max_age"
	is_number(claim.value)
	some i in lib.scoped(identity.stating("password_policy"), claim)
	f := lib.finding(claim, i, identity.max_age_outcome(i, claim.value), sprintf("%s以内に変更", [lib.dur_ja(claim.value)]), sprintf("changed at least every %s", [lib.dur_en(claim.value)]))
}
