# METADATA
# title: バックアップの改ざん防止（社内基準） / Immutable backups (in-house rule)
# description: |
#   x.backup.immutable: a claim that backup copies cannot be deleted or
#   altered before they expire holds when every backup schedule in scope
#   writes to an immutable vault (vault lock, immutability policy); one that
#   does not contradicts it. An example of a user policy for kaiji --policy.
# custom:
#   id: EX-C-BACKUP-IMMUTABLE
#   items:
#     asp-saas: [54]
#     iot-asp-saas: [53]
#   keys: [x.backup.immutable]
#   reads: [backup]
#   severity: medium
package kaiji.claims.x_backup_immutable

import data.kaiji.lib

# keys tells the aggregation that this package evaluates these claim keys.
keys := {"x.backup.immutable"}

# findings: one finding per backup schedule in the claim's scope.
findings contains f if {
	some claim in input.claims
	claim.key == "x.backup.immutable"
	is_boolean(claim.value)
	some b in lib.scoped(lib.facts("backup"), claim)
	f := lib.bool_finding(claim, b, lib.flag_outcome(
		b, "immutable",
		{
			"ja": sprintf("%s のバックアップは期限前に削除・変更できません", [b.id]),
			"en": sprintf("the copies of %s cannot be deleted or altered before they expire", [b.id]),
		},
		{
			"ja": sprintf("%s のバックアップは期限前に削除できます", [b.id]),
			"en": sprintf("the copies of %s can be deleted before they expire", [b.id]),
		},
	))
}
