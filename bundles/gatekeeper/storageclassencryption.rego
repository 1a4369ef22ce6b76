# METADATA
# title: 保存データの暗号化 / StorageClasses create encrypted volumes
# description: |
#   Gatekeeper template KaijiStorageClassEncryption. When the disclosure
#   claims data is encrypted at rest (encryption.at_rest), a StorageClass
#   whose provisioner leaves volumes unencrypted unless asked (listed in
#   input.parameters.provisioners, by default the AWS EBS provisioners) must
#   set parameters.encrypted: "true". Provisioners that always encrypt
#   (Azure Disk, Google PD) are not listed and pass.
# custom:
#   keys: [encryption.at_rest]
package kaijistorageclassencryption

obj := input.review.object

provisioners := {p | some p in object.get(input.parameters, "provisioners", [])}

encrypted if lower(object.get(object.get(obj, "parameters", {}), "encrypted", "false")) == "true"

violation contains {"msg": msg, "details": {"provisioner": obj.provisioner}} if {
	obj.kind == "StorageClass"
	obj.provisioner in provisioners
	not encrypted
	msg := sprintf(
		"StorageClass %s: provisioner %s creates unencrypted volumes (parameters.encrypted is not \"true\"); the disclosure claims data is encrypted at rest (保存データの暗号化)",
		[obj.metadata.name, obj.provisioner],
	)
}
