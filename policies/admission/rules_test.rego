package kaiji.admission.rules_test

import data.kaiji.admission.decision

claim(key, value, item) := {"index": 0, "item": item, "key": key, "value": value, "raw": value}

probe(interval, configured) := {
	"id": "apps/v1/Deployment/shop/web#app", "kind": "monitor",
	"attrs": {"check": "liveness", "configured": configured, "interval_seconds": interval, "target": "app", "field": "spec.template.spec.containers[0].livenessProbe"},
	"source": {"file": "admission", "line": 1},
}

keys(inp) := ks if {
	vs := decision.result with input as inp
	ks := [v.key | some v in vs]
}

test_probe_within_claimed_interval_allowed if {
	count(decision.result) == 0 with input as {"facts": {"monitor": [probe(60, true)]}, "claims": [claim("monitoring.liveness_interval", 300, 60)], "pattern": 1}
}

test_probe_slower_than_claim_denied if {
	vs := decision.result with input as {"facts": {"monitor": [probe(600, true)]}, "claims": [claim("monitoring.liveness_interval", 300, 60)], "pattern": 1}
	count(vs) == 1
	vs[0].item == 60
	contains(vs[0].en, "every 10 minutes")
	vs[0].field == "spec.template.spec.containers[0].livenessProbe"
}

test_missing_probe_denied if {
	vs := decision.result with input as {"facts": {"monitor": [probe(null, false)]}, "claims": [claim("monitoring.liveness", true, 60)], "pattern": 2}
	count(vs) == 1
	contains(vs[0].ja, "livenessProbe がありません")
}

# Without a claimed interval the pattern's reference value applies: 5 min for pattern 1, 20 min for pattern 3.
test_reference_interval_by_pattern if {
	inp1 := {"facts": {"monitor": [probe(600, true)]}, "claims": [claim("monitoring.liveness", true, 60)], "pattern": 1}
	count(decision.result) == 1 with input as inp1
	inp3 := {"facts": {"monitor": [probe(600, true)]}, "claims": [claim("monitoring.liveness", true, 60)], "pattern": 3}
	count(decision.result) == 0 with input as inp3
}

test_no_claim_no_violation if {
	count(decision.result) == 0 with input as {"facts": {"monitor": [probe(null, false)]}, "claims": [], "pattern": 1}
}

ingress(tls) := {"id": "networking.k8s.io/v1/Ingress/shop/web", "kind": "endpoint", "attrs": {"tls": tls, "public": true}, "source": {"file": "a", "line": 1}}

test_ingress_without_tls_denied if {
	keys({"facts": {"endpoint": [ingress(false)]}, "claims": [claim("network.tls_min_version", "1.2", 76)], "pattern": 2}) == ["network.tls_min_version"]
}

test_ingress_with_tls_allowed if {
	keys({"facts": {"endpoint": [ingress(true)]}, "claims": [claim("network.tls_min_version", "1.2", 76)], "pattern": 2}) == []
}

lb(exposed) := {"id": "v1/Service/shop/web", "kind": "firewall_rule", "attrs": {"direction": "ingress", "internet_exposed": exposed}, "source": {"file": "a", "line": 1}}

test_open_load_balancer_denied if {
	keys({"facts": {"firewall_rule": [lb(true)]}, "claims": [claim("firewall.enabled", true, 71)], "pattern": 2}) == ["firewall.enabled"]
}

test_restricted_load_balancer_allowed if {
	keys({"facts": {"firewall_rule": [lb(false)]}, "claims": [claim("firewall.enabled", true, 71)], "pattern": 2}) == []
}

pvc(enc, sc) := {"id": "v1/PersistentVolumeClaim/shop/data", "kind": "datastore", "attrs": {"class": "block_storage", "encrypted_at_rest": enc, "storage_class": sc}, "source": {"file": "a", "line": 1}}

test_unencrypted_volume_denied if {
	keys({"facts": {"datastore": [pvc(false, "plain")]}, "claims": [claim("encryption.at_rest", true, 67)], "pattern": 2}) == ["encryption.at_rest"]
}

test_storage_class_allow_list if {
	inp := {"facts": {"datastore": [{"id": "pvc", "kind": "datastore", "attrs": {"storage_class": "standard"}, "unknown": ["attrs.encrypted_at_rest"], "source": {"file": "a", "line": 1}}]}, "claims": [claim("encryption.at_rest", true, 67)], "pattern": 2}
	count(decision.result) == 1 with input as inp with data.kaiji.data.admission.encrypted_storage_classes as ["gp3-encrypted"]
	count(decision.result) == 0 with input as inp
}

schedule(interval, gens) := {"id": "velero.io/v1/Schedule/velero/daily", "kind": "backup", "attrs": {"interval_seconds": interval, "generations": gens}, "source": {"file": "a", "line": 1}}

test_velero_schedule_meets_claims if {
	inp := {"facts": {"backup": [schedule(86400, 10)]}, "claims": [claim("backup.interval", 86400, 54), claim("backup.generations", 5, 54)], "pattern": 2}
	count(decision.result) == 0 with input as inp
}

test_velero_schedule_below_claims if {
	inp := {"facts": {"backup": [schedule(604800, 2)]}, "claims": [claim("backup.interval", 86400, 54), claim("backup.generations", 5, 54)], "pattern": 2}
	keys(inp) == ["backup.generations", "backup.interval"]
}

pinned(region) := {"id": "apps/v1/Deployment/shop/web", "kind": "location", "attrs": {"region": region}, "source": {"file": "a", "line": 1}}

test_workload_pinned_abroad_denied if {
	inp := {"facts": {"location": [pinned("ap-northeast-2")]}, "claims": [claim("location.data", {"country": "JP", "areas": []}, 82)], "pattern": 2}
	keys(inp) == ["location.data"]
}

test_workload_pinned_to_claimed_block_allowed if {
	inp := {"facts": {"location": [pinned("asia-northeast1")]}, "claims": [claim("location.data", {"country": "JP", "areas": ["east_japan"]}, 82)], "pattern": 2}
	keys(inp) == []
	inp2 := {"facts": {"location": [pinned("japanwest")]}, "claims": [claim("location.data", {"country": "JP", "areas": ["east_japan"]}, 82)], "pattern": 2}
	keys(inp2) == ["location.data"]
}

plain_http := {"id": "gateway.networking.k8s.io/v1/Gateway/shop/web.listeners[\"http\"]", "kind": "endpoint", "attrs": {"tls": false, "protocol": "http"}, "source": {"file": "a", "line": 1}}

# A redirect that cannot be known is advisory (warned, never denied); a
# plaintext listener known not to redirect is a violation.
test_unknown_redirect_is_advisory if {
	vs := decision.result with input as {"facts": {"endpoint": [object.union(plain_http, {"unknown": ["attrs.redirects_to_tls"]})]}, "claims": [claim("network.tls_min_version", "1.2", 76)], "pattern": 2}
	count(vs) == 1
	vs[0].advisory == true
	vs2 := decision.result with input as {"facts": {"endpoint": [plain_http]}, "claims": [claim("network.tls_min_version", "1.2", 76)], "pattern": 2}
	count(vs2) == 1
	not vs2[0].advisory
}

deny_all := {"id": "networking.k8s.io/v1/NetworkPolicy/shop/default-deny.ingress.deny", "kind": "firewall_rule", "attrs": {"direction": "ingress", "action": "deny", "default_deny": true, "internet_exposed": false}, "source": {"file": "a", "line": 1}}

test_deleting_default_deny_denied if {
	inp := {"facts": {}, "old_facts": {"firewall_rule": [deny_all]}, "request": {"operation": "DELETE"}, "claims": [claim("firewall.enabled", true, 71)], "pattern": 2}
	keys(inp) == ["firewall.enabled"]
}

test_updating_default_deny_kept_allowed if {
	inp := {"facts": {"firewall_rule": [deny_all]}, "old_facts": {"firewall_rule": [deny_all]}, "request": {"operation": "UPDATE"}, "claims": [claim("firewall.enabled", true, 71)], "pattern": 2}
	keys(inp) == []
}
