# METADATA
# title: 開示内容をクラスタの入口で守る / Claims enforced at admission
# description: |
#   One Kubernetes object at a time, the claims it could make false:
#   liveness monitoring (every container needs a liveness probe at or below
#   the claimed, else the pattern's reference, interval); network encryption
#   (no Ingress or Gateway listener without TLS; a plaintext listener whose
#   redirect to HTTPS cannot be known is advisory: warned, never denied);
#   firewall (no LoadBalancer or NodePort Service open to the whole internet,
#   no namespace default-deny NetworkPolicy deleted or opened); storage encryption (no volume
#   on a storage class not known to encrypt); backups (Velero schedules meet
#   the claimed interval and generations); data location (no workload pinned
#   to a region outside the claimed places).
# custom:
#   id: KJ-A-CLAIMS
#   keys: [monitoring.liveness, monitoring.liveness_interval, network.tls_min_version, firewall.enabled, encryption.at_rest, backup.interval, backup.generations, location.data]
#   reads: [monitor, endpoint, firewall_rule, datastore, backup, location]
package kaiji.admission.rules

import data.kaiji.admission.lib as alib
import data.kaiji.lib

# ---- liveness monitoring ----

liveness_claim := alib.claim("monitoring.liveness_interval")

liveness_claim := alib.claim("monitoring.liveness") if not alib.claimed("monitoring.liveness_interval")

# liveness_limit: the claimed interval, else the reference value of III.1.1.1 a.
liveness_limit := liveness_claim.value if is_number(liveness_claim.value)

liveness_limit := ref.every_seconds if {
	not is_number(liveness_claim.value)
	ref := lib.reference("III.1.1.1", "a")
	ref != null
}

violations contains v if {
	c := liveness_claim
	some m in lib.facts("monitor")
	m.attrs.check == "liveness"
	m.attrs.configured == false
	v := alib.violation(c, m,
		sprintf("コンテナ %s に livenessProbe がありません（死活監視を開示しています）", [object.get(m.attrs, "target", m.id)]),
		sprintf("container %s has no livenessProbe, but the sheet claims liveness monitoring", [object.get(m.attrs, "target", m.id)]),
		alib.field(m, "spec.containers[].livenessProbe"))
}

violations contains v if {
	c := liveness_claim
	limit := liveness_limit
	some m in lib.facts("monitor")
	m.attrs.check == "liveness"
	m.attrs.interval_seconds > limit
	v := alib.violation(c, m,
		sprintf("%s の livenessProbe は %s ごとで、開示・参照値の %s より長い間隔です", [object.get(m.attrs, "target", m.id), alib.dur_ja(m.attrs.interval_seconds), alib.dur_ja(limit)]),
		sprintf("the livenessProbe of %s runs every %s, less often than the %s claimed or required", [object.get(m.attrs, "target", m.id), alib.dur_en(m.attrs.interval_seconds), alib.dur_en(limit)]),
		alib.field(m, "spec.containers[].livenessProbe.periodSeconds"))
}

# ---- network encryption ----

violations contains v if {
	c := alib.claim("network.tls_min_version")
	some e in lib.facts("endpoint")
	e.attrs.tls == false
	not e.attrs.redirects_to_tls == true
	not lib.unknown(e, "redirects_to_tls")
	v := alib.violation(c, e,
		sprintf("%s は TLS なしで公開されます（開示: TLS %v）", [e.id, c.value]),
		sprintf("%s would be served without TLS, but the sheet claims TLS %v", [e.id, c.value]),
		alib.field(e, "spec.tls"))
}

# A plaintext listener that may only redirect to HTTPS, which the object alone
# cannot tell (an Ingress controller's default, the HTTPRoutes attached to a
# Gateway): unproven, so advisory. Enforce admits it with a warning rather
# than refusing an object that may well keep the claim.
violations contains v if {
	c := alib.claim("network.tls_min_version")
	some e in lib.facts("endpoint")
	e.attrs.tls == false
	lib.unknown(e, "redirects_to_tls")
	v := alib.advisory(alib.violation(c, e,
		sprintf("%s は平文で公開され、HTTPS へのリダイレクトを確認できません（開示: TLS %v）", [e.id, c.value]),
		sprintf("%s serves plain HTTP and whether it only redirects to HTTPS cannot be known here (the sheet claims TLS %v)", [e.id, c.value]),
		alib.field(e, "spec.tls")))
}

violations contains v if {
	c := alib.claim("network.tls_min_version")
	is_string(c.value)
	some e in lib.facts("endpoint")
	e.attrs.tls == true
	is_string(e.attrs.min_tls_version)
	not lib.tls_at_least(e.attrs.min_tls_version, c.value)
	v := alib.violation(c, e,
		sprintf("%s は TLS %s を受け付けます（開示: TLS %s 以上）", [e.id, e.attrs.min_tls_version, c.value]),
		sprintf("%s accepts TLS %s, older than the TLS %s claimed", [e.id, e.attrs.min_tls_version, c.value]),
		alib.field(e, "spec.tls"))
}

# ---- firewall ----

violations contains v if {
	c := alib.claim("firewall.enabled")
	c.value == true
	some r in lib.facts("firewall_rule")
	object.get(r.attrs, "direction", "ingress") == "ingress"
	r.attrs.internet_exposed == true
	v := alib.violation(c, r,
		sprintf("%s はインターネット全体から到達可能です（送信元の制限がありません）", [r.id]),
		sprintf("%s would be reachable from the whole internet (no source ranges), but the sheet claims a firewall", [r.id]),
		alib.field(r, "spec.loadBalancerSourceRanges"))
}

# A namespace's default-deny NetworkPolicy is what keeps every pod in it
# behind the claimed firewall: deleting it, or updating it into a policy that
# allows something, is refused. (Whether a new namespace gets one cannot be
# judged one object at a time; kaiji scan reports namespaces without one.)
violations contains v if {
	c := alib.claim("firewall.enabled")
	c.value == true
	input.request.operation in {"DELETE", "UPDATE"}
	some old in object.get(input, ["old_facts", "firewall_rule"], [])
	old.attrs.default_deny == true
	not still_default_deny(old)
	v := alib.violation(c, old,
		sprintf("%s は名前空間の既定拒否（default deny）の NetworkPolicy です。%s、開示したファイアウォールの制限がなくなります", [old.id, removal_ja[input.request.operation]]),
		sprintf("%s is the namespace's default-deny NetworkPolicy; %s it would lift the firewall the sheet claims", [old.id, removal_en[input.request.operation]]),
		"spec.podSelector")
}

removal_ja := {"DELETE": "削除すると", "UPDATE": "この変更で許可を加えると"}

removal_en := {"DELETE": "deleting", "UPDATE": "this change to"}

still_default_deny(old) if {
	some r in lib.facts("firewall_rule")
	r.id == old.id
	r.attrs.default_deny == true
}

# ---- storage encryption ----

violations contains v if {
	c := alib.claim("encryption.at_rest")
	c.value == true
	some d in lib.facts("datastore")
	d.attrs.encrypted_at_rest == false
	v := alib.violation(c, d,
		sprintf("%s は暗号化されないストレージを使います", [d.id]),
		sprintf("%s would use storage that is not encrypted at rest", [d.id]),
		alib.field(d, "spec.storageClassName"))
}

# A volume on a storage class the operator has not listed as encrypted
# (data.kaiji.data.admission.encrypted_storage_classes, set with --data).
violations contains v if {
	c := alib.claim("encryption.at_rest")
	c.value == true
	allowed := object.get(data.kaiji.data, ["admission", "encrypted_storage_classes"], [])
	count(allowed) > 0
	some d in lib.facts("datastore")
	not d.attrs.encrypted_at_rest == true
	sc := object.get(d.attrs, "storage_class", "")
	not sc in allowed
	v := alib.violation(c, d,
		sprintf("%s のストレージクラス %q は暗号化済みとして登録されていません（%s）", [d.id, sc, concat(", ", allowed)]),
		sprintf("storage class %q of %s is not one of the encrypted classes (%s)", [sc, d.id, concat(", ", allowed)]),
		alib.field(d, "spec.storageClassName"))
}

# ---- backups ----

violations contains v if {
	c := alib.claim("backup.interval")
	is_number(c.value)
	some b in lib.facts("backup")
	is_number(b.attrs.interval_seconds)
	b.attrs.interval_seconds > c.value
	v := alib.violation(c, b,
		sprintf("%s は %s ごとの実行で、開示の %s より長い間隔です", [b.id, alib.dur_ja(b.attrs.interval_seconds), alib.dur_ja(c.value)]),
		sprintf("%s runs every %s, less often than the %s claimed", [b.id, alib.dur_en(b.attrs.interval_seconds), alib.dur_en(c.value)]),
		alib.field(b, "spec.schedule"))
}

violations contains v if {
	c := alib.claim("backup.generations")
	is_number(c.value)
	some b in lib.facts("backup")
	is_number(b.attrs.generations)
	b.attrs.generations < c.value
	v := alib.violation(c, b,
		sprintf("%s は %d 世代しか保持しません（開示: %d世代）", [b.id, b.attrs.generations, c.value]),
		sprintf("%s keeps only %d generations, fewer than the %d claimed", [b.id, b.attrs.generations, c.value]),
		generations_field(b))
}

# A fact names one field; a Velero Schedule's generations come from its
# ttl, not from the schedule the fact points at.
generations_field(b) := "spec.template.ttl" if object.get(b, "type", "") == "Schedule"

generations_field(b) := alib.field(b, "spec.template.ttl") if object.get(b, "type", "") != "Schedule"

# ---- data location ----

violations contains v if {
	c := alib.claim("location.data")
	is_object(c.value)
	some l in lib.facts("location")
	region := l.attrs.region
	is_string(region)
	entry := region_entry(lower(region))
	not inside(entry, c.value)
	v := alib.violation(c, l,
		sprintf("%s はリージョン %s に固定され、開示した設置場所の外です", [l.id, region]),
		sprintf("%s would be pinned to region %s, outside the places the sheet claims", [l.id, region]),
		alib.field(l, "spec.template.spec.affinity"))
}

# region_entry looks the region up in every provider's table: node labels
# do not say which cloud they belong to.
region_entry(r) := [e | some p, t in data.kaiji.data.regions; e := t[r]][0]

inside(entry, want) if {
	entry.country == want.country
	count(object.get(want, "areas", [])) == 0
}

inside(entry, want) if {
	entry.country == want.country
	some a in want.areas
	a in {object.get(entry, "block", ""), object.get(entry, "half", "")}
}
