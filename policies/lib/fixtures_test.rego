# METADATA
# title: テスト用の事実と請求 / Test fixtures
# description: Builders of synthetic facts, claims and inputs shared by the Rego tests.
# scope: package
package kaiji.fixtures

import data.kaiji.main

# fact builds a fact of kind with attrs, read from main.tf line 1.
fact(kind, id, attrs) := {
	"id": id, "kind": kind, "provider": "aws", "type": kind,
	"attrs": attrs, "unknown": [], "lines": {},
	"source": {"file": "main.tf", "line": 1, "end_line": 9, "collector": "terraform"},
}

# vague is fact with the attribute paths in unknown not known statically.
vague(kind, id, attrs, unknown) := object.union(fact(kind, id, attrs), {"unknown": [sprintf("attrs.%s", [u]) | some u in unknown]})

claim(key, value) := {"index": 0, "item": 0, "key": key, "value": value, "raw": value, "text": ""}

# doc is a policy input: facts grouped by kind, claims, pattern.
doc(facts, claims, pattern) := {
	"facts": {k: [f | some f in facts; f.kind == k] | some g in facts; k := g.kind},
	"claims": claims,
	"pattern": pattern,
	"edition": "asp-saas",
}

# verdict is the verdict of the single claim on facts.
verdict(facts, key, value) := v if {
	inp := doc(facts, [claim(key, value)], 2)
	v := main.result.claims[0].verdict with input as inp
}

# control is the result of one control evaluation item at a pattern; Part IV
# countermeasures are judged for an IoT service.
control(facts, id, item, pattern) := r if {
	inp := object.union(doc(facts, [], pattern), {"edition": edition_for(id)})
	some r in main.result.controls with input as inp
	r.id == id
	r.eval_item == item
}

# outcome is the verdict and severity of one control evaluation item.
outcome(facts, id, item, pattern) := [r.verdict, r.severity] if {
	r := control(facts, id, item, pattern)
}

edition_for(id) := "iot-asp-saas" if startswith(id, "IV.")

edition_for(id) := "asp-saas" if not startswith(id, "IV.")
