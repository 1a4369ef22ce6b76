# METADATA
# title: 侵入検知とマルウェア対策 / Intrusion detection and anti-malware
# description: |
#   Detection services by capability (malware_protection,
#   intrusion_detection, vulnerability_scanning), whether each is on, and
#   how often its signatures are updated. Shared by the detection claims and
#   controls III.2.1.4, III.2.2.1 and III.3.1.5.
# scope: package
package kaiji.lib.detection

import data.kaiji.lib

names := {
	"malware_protection": {"ja": "マルウェア対策", "en": "malware protection"},
	"intrusion_detection": {"ja": "不正侵入検知", "en": "intrusion detection"},
	"vulnerability_scanning": {"ja": "脆弱性診断", "en": "vulnerability scanning"},
}

# services lists the detection facts that have, or may have, a capability.
services(capability) := [d |
	some d in lib.facts("detection")
	has(d, capability)
]

has(d, capability) if lib.attr(d, capability) == true

has(d, capability) if lib.unknown(d, capability)

# on: a service is on unless it says it is off. The resource existing is
# the switch; enabled is written only where the provider has one.
on(d) if {
	not lib.unknown(d, "enabled")
	object.get(d.attrs, "enabled", null) != false
}

# outcome: the capability is present and switched on.
outcome(d, capability) := {
	"outcome": "pass", "actual": object.get(d.attrs, "service", null),
	"evidence": [lib.evidence(d, capability)],
	"detail_ja": sprintf("%s で%sが有効です", [d.id, names[capability].ja]),
	"detail_en": sprintf("%s provides %s and is enabled", [d.id, names[capability].en]),
} if {
	lib.attr(d, capability) == true
	not lib.unknown(d, capability)
	on(d)
}

outcome(d, capability) := off(d, capability) if {
	lib.known_bool(d, "enabled")
	d.attrs.enabled == false
}

outcome(d, capability) := lib.not_known(d, capability) if {
	not lib.known_bool(d, capability)
	not off_known(d)
}

outcome(d, capability) := lib.not_known(d, "enabled") if {
	lib.known_bool(d, capability)
	lib.unknown(d, "enabled")
}

off(d, capability) := {
	"outcome": "fail", "actual": false,
	"evidence": [lib.evidence(d, "enabled")],
	"detail_ja": sprintf("%s の%sは無効です", [d.id, names[capability].ja]),
	"detail_en": sprintf("%s (%s) is disabled", [d.id, names[capability].en]),
}

# signature_outcome judges how soon signatures (pattern files) are updated
# against a maximum: a stated interval is compared; a managed service that
# updates its own signatures continuously meets any interval.
signature_outcome(d, capability, _) := off(d, capability) if {
	lib.known_bool(d, "enabled")
	d.attrs.enabled == false
}

signature_outcome(d, _, limit) := lib.duration_at_most(d, "signature_update_seconds", limit, {"ja": "シグネチャ更新間隔", "en": "signature update interval"}) if {
	on(d)
	lib.known_number(d, "signature_update_seconds")
}

signature_outcome(d, _, _) := {
	"outcome": "pass", "actual": "managed",
	"evidence": [lib.evidence(d, "managed")],
	"detail_ja": sprintf("%s はマネージドサービス（%s）で、シグネチャは事業者が継続的に更新します", [d.id, object.get(d.attrs, "service", "?")]),
	"detail_en": sprintf("%s is a managed service (%s) whose signatures the provider updates continuously", [d.id, object.get(d.attrs, "service", "?")]),
} if {
	on(d)
	not lib.known_number(d, "signature_update_seconds")
	object.get(d.attrs, "managed", null) == true
}

signature_outcome(d, _, _) := {
	"outcome": "unknown", "actual": null,
	"evidence": [lib.evidence(d, "signature_update_seconds")],
	"detail_ja": sprintf("%s のシグネチャ（パターンファイル）更新間隔はインフラのコードに現れません", [d.id]),
	"detail_en": sprintf("how often %s updates its signatures (pattern files) does not appear in the infrastructure code", [d.id]),
} if {
	not lib.known_number(d, "signature_update_seconds")
	object.get(d.attrs, "managed", null) != true
	not off_known(d)
}

off_known(d) if {
	lib.known_bool(d, "enabled")
	d.attrs.enabled == false
}
