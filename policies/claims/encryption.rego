# METADATA
# title: 保存データの暗号化 / Encryption at rest
# description: |
#   A claim that databases and storage are encrypted (encryption.at_rest) holds
#   when every data store in scope is encrypted at rest, by its own setting or
#   by a documented platform default. One unencrypted store contradicts it.
# custom:
#   id: KJ-C-ENCRYPTION
#   items:
#     iot-asp-saas: [66]
#     asp-saas: [67]
#   keys: [encryption.at_rest]
#   reads: [datastore]
#   severity: high
package kaiji.claims.encryption

import data.kaiji.lib
import data.kaiji.lib.encryption

keys := {"encryption.at_rest"}

findings contains f if {
	some claim in input.claims
	claim.key == "encryption.at_rest"
	claim.value == true
	some d in lib.scoped(lib.facts("datastore"), claim)
	f := lib.finding(claim, d, encryption.outcome(d), "暗号化", "encrypted")
}
