# METADATA
# title: ネットワークの公開範囲と暗号化 / Network exposure and encryption
# description: Firewall-rule exposure and endpoint TLS, shared by claims and controls.
# scope: package
package kaiji.lib.network

import data.kaiji.lib

# ingress_rules are the allow rules for incoming traffic.
ingress_rules := [r |
	some r in lib.facts("firewall_rule")
	object.get(r.attrs, "direction", "ingress") == "ingress"
	object.get(r.attrs, "action", "allow") == "allow"
]

# admin_ports_between lists the administrative ports a rule's port range
# opens. It takes the range's bounds, scalars, so that each range is compared
# with the port table once, not once per rule.
admin_ports_between(from, to) := [p |
	some p in data.kaiji.data.ports.administrative
	from <= p.port
	p.port <= to
]

# admin_port_names names the administrative ports of a range, as in reasons.
admin_port_names(from, to) := [sprintf("%d (%s)", [p.port, p.name]) | some p in admin_ports_between(from, to)]

ports_known(r) if {
	is_number(object.get(r.attrs, "from_port", null))
	is_number(object.get(r.attrs, "to_port", null))
}

# exposure_outcome (an else chain of exclusive branches): pass when a rule does not open an administrative port to
# the whole internet, fail when it does, unknown when sources or ports are not known.
exposure_outcome(r) := {
	"outcome": "fail", "actual": names,
	"evidence": [lib.evidence(r, "internet_exposed"), lib.evidence(r, "from_port")],
	"detail_ja": sprintf("%s はインターネット全体（0.0.0.0/0）に管理用ポート %s を開放しています", [r.id, concat(", ", names)]),
	"detail_en": sprintf("%s opens administrative port %s to the whole internet (0.0.0.0/0)", [r.id, concat(", ", names)]),
} if {
	object.get(r.attrs, "internet_exposed", null) == true
	ports_known(r)
	names := admin_port_names(r.attrs.from_port, r.attrs.to_port)
	count(names) > 0
} else := {
	"outcome": "pass", "actual": "restricted",
	"evidence": [lib.evidence(r, "internet_exposed")],
	"detail_ja": sprintf("%s は管理用ポートをインターネットに開放していません", [r.id]),
	"detail_en": sprintf("%s opens no administrative port to the internet", [r.id]),
} if {
	not lib.unknown(r, "internet_exposed")
	safe(r)
} else := {
	"outcome": "unknown", "actual": null,
	"evidence": [lib.evidence(r, "internet_exposed")],
	"detail_ja": sprintf("%s の送信元またはポートを静的に確定できません", [r.id]),
	"detail_en": sprintf("the sources or ports of %s cannot be known statically", [r.id]),
} if {
	lib.unknown(r, "internet_exposed")
} else := {
	"outcome": "unknown", "actual": null,
	"evidence": [lib.evidence(r, "from_port")],
	"detail_ja": sprintf("%s はインターネットに開放されていますが、ポートを静的に確定できません", [r.id]),
	"detail_en": sprintf("%s is open to the internet but its ports cannot be known statically", [r.id]),
} if {
	object.get(r.attrs, "internet_exposed", null) == true
	not ports_known(r)
}

safe(r) if object.get(r.attrs, "internet_exposed", null) == false

safe(r) if {
	object.get(r.attrs, "internet_exposed", null) == true
	ports_known(r)
	count(admin_ports_between(r.attrs.from_port, r.attrs.to_port)) == 0
}

# public_endpoints are endpoints that are, or may be, reachable from the internet.
public_endpoints := [e |
	some e in lib.facts("endpoint")
	object.get(e.attrs, "public", null) != false
]

# tls_outcome judges one endpoint against a minimum TLS version (an else
# chain of exclusive branches).
tls_outcome(e, want) := {
	"outcome": "pass", "actual": "redirect",
	"evidence": [lib.evidence(e, "redirects_to_tls")],
	"detail_ja": sprintf("%s は平文の要求をすべて HTTPS にリダイレクトします", [e.id]),
	"detail_en": sprintf("%s redirects every plain request to HTTPS", [e.id]),
} if {
	object.get(e.attrs, "tls", null) == false
	object.get(e.attrs, "redirects_to_tls", null) == true
} else := {
	"outcome": "fail", "actual": "none",
	"evidence": [lib.evidence(e, "tls")],
	"detail_ja": sprintf("%s は暗号化されていない通信（%s）を受け付けます", [e.id, upper(object.get(e.attrs, "protocol", "?"))]),
	"detail_en": sprintf("%s accepts unencrypted connections (%s)", [e.id, upper(object.get(e.attrs, "protocol", "?"))]),
} if {
	object.get(e.attrs, "tls", null) == false
	object.get(e.attrs, "redirects_to_tls", null) != true
} else := {
	"outcome": lib.pass_fail(lib.tls_at_least(have, want)), "actual": have,
	"evidence": [lib.evidence(e, "min_tls_version")],
	"detail_ja": sprintf("%s の最小 TLS バージョンは %s です", [e.id, have]),
	"detail_en": sprintf("%s accepts TLS %s and above", [e.id, have]),
} if {
	object.get(e.attrs, "tls", null) == true
	have := object.get(e.attrs, "min_tls_version", null)
	is_string(have)
	not lib.unknown(e, "min_tls_version")
} else := {
	"outcome": "unknown", "actual": null,
	"evidence": [lib.evidence(e, "min_tls_version")],
	"detail_ja": sprintf("%s の最小 TLS バージョンを静的に確定できません", [e.id]),
	"detail_en": sprintf("the minimum TLS version of %s cannot be known statically", [e.id]),
} if {
	object.get(e.attrs, "tls", null) == true
	not is_string(object.get(e.attrs, "min_tls_version", null))
} else := {
	"outcome": "unknown", "actual": null,
	"evidence": [lib.evidence(e, "tls")],
	"detail_ja": sprintf("%s のプロトコルを静的に確定できません", [e.id]),
	"detail_en": sprintf("the protocol of %s cannot be known statically", [e.id]),
} if {
	not is_boolean(object.get(e.attrs, "tls", null))
}

# ---- server certificates (anti-spoofing) ----

# tls_endpoints are public endpoints that are not mere redirects to HTTPS.
tls_endpoints := [e |
	some e in public_endpoints
	object.get(e.attrs, "redirects_to_tls", null) != true
]

# certificate_outcome: a public endpoint proves its identity with a server certificate.
certificate_outcome(e) := {
	"outcome": "fail", "actual": "plaintext",
	"evidence": [lib.evidence(e, "tls")],
	"detail_ja": sprintf("%s は平文（%s）で公開されており、サーバ証明書で身元を示しません", [e.id, upper(object.get(e.attrs, "protocol", "?"))]),
	"detail_en": sprintf("%s is served in plaintext (%s) and proves its identity with no server certificate", [e.id, upper(object.get(e.attrs, "protocol", "?"))]),
} if {
	lib.known_bool(e, "tls")
	e.attrs.tls == false
}

certificate_outcome(e) := lib.flag_outcome(
	e, "certificate", {
		"ja": sprintf("%s はサーバ証明書を提示します", [e.id]),
		"en": sprintf("%s presents a server certificate", [e.id]),
	},
	{
		"ja": sprintf("%s にはサーバ証明書が設定されていません", [e.id]),
		"en": sprintf("%s has no server certificate configured", [e.id]),
	},
) if {
	lib.known_bool(e, "tls")
	e.attrs.tls == true
}

certificate_outcome(e) := lib.not_known(e, "tls") if not lib.known_bool(e, "tls")

# ---- line types (回線) ----

# line_type is the kind of line a subject is: a connection's type, or
# internet for a public endpoint.
line_type(f) := object.get(f.attrs, "type", null) if f.kind == "connection"

line_type(f) := "internet" if f.kind == "endpoint"

line_subjects := array.concat(lib.facts("connection"), public_endpoints)

# claimed_lines reads the line types a sheet names ("インターネット", "専用線",
# "VPN" …) with the word table of data/lines.yaml.
claimed_lines(value) := {t |
	some v in as_list(value)
	some word, t in data.kaiji.data.lines.words
	contains(lower(v), lower(word))
}

as_list(v) := [v] if is_string(v)

as_list(v) := [x | some x in v; is_string(x)] if is_array(v)

line_names := {
	"internet": {"ja": "インターネット", "en": "the internet"},
	"vpn": {"ja": "VPN", "en": "VPN"},
	"dedicated": {"ja": "専用線・閉域網", "en": "a dedicated line"},
}

line_outcome(f, claimed) := {
	"outcome": lib.pass_fail(t in claimed), "actual": t,
	"evidence": [lib.evidence(f, path)],
	"detail_ja": sprintf("%s は%s経由で接続されます", [f.id, object.get(line_names, [t, "ja"], t)]),
	"detail_en": sprintf("%s is reached over %s", [f.id, object.get(line_names, [t, "en"], t)]),
} if {
	t := line_type(f)
	is_string(t)
	path := {"connection": "type", "endpoint": "public"}[f.kind]
}

line_outcome(f, _) := lib.not_known(f, "type") if not is_string(line_type(f))
