package kaiji.main_test

import data.kaiji.fixtures as fx
import data.kaiji.lib
import data.kaiji.main

result(claims, edition) := r if {
	r := main.result.claims with input as {"facts": {}, "claims": claims, "pattern": 2, "edition": edition}
}

test_not_checkable_by_key if {
	[c] := result([fx.claim("facility.ups", true)], "asp-saas")
	c.verdict == "not_checkable"
	contains(c.reason.en, "data-centre")
}

test_not_checkable_by_item if {
	claim := {"index": 0, "item": 84, "key": "", "value": "72時間", "raw": "72時間"}
	[c] := result([claim], "asp-saas")
	c.verdict == "not_checkable"
	startswith(c.reason.ja, "無停電電源")
}

test_item_numbers_follow_edition if {
	claim := {"index": 0, "item": 99, "key": "custom.thing", "value": true, "raw": true}
	[iot] := result([claim], "iot-asp-saas")
	iot.verdict == "not_checkable"
	[asp] := result([claim], "asp-saas")
	asp.verdict == "unproven"
}

test_unknown_key_unproven if {
	[c] := result([fx.claim("custom.thing", true)], "asp-saas")
	c.verdict == "unproven"
	contains(c.reason.en, "no policy")
}

test_uninterpreted_value_unproven if {
	[c] := result([fx.claim("backup.interval", null)], "asp-saas")
	c.verdict == "unproven"
}

test_several_findings_summarised if {
	a := fx.fact("log", "a", {"retention_seconds": 100})
	b := fx.fact("log", "b", {"retention_seconds": 200})
	inp := fx.doc([a, b], [fx.claim("log.retention", 1000)], 2)
	[c] := main.result.claims with input as inp
	c.verdict == "contradicted"
	contains(c.reason.en, "and 1 more")
}

test_claim_scope if {
	a := object.union(fx.fact("log", "a", {"retention_seconds": 100}), {"attrs": {"retention_seconds": 100, "tags": {"env": "dev"}}})
	b := fx.fact("log", "b", {"retention_seconds": 2000})
	claim := object.union(fx.claim("log.retention", 1000), {"scope": {"ids": ["b*"], "paths": ["*.tf"]}})
	inp := fx.doc([a, b], [claim], 2)
	[c] := main.result.claims with input as inp
	c.verdict == "supported"
	tagged := object.union(fx.claim("log.retention", 1000), {"scope": {"tags": {"env": "dev"}}})
	[d] := main.result.claims with input as fx.doc([a, b], [tagged], 2)
	d.verdict == "contradicted"
}

# lib.scoped keeps the subjects a claim's scope admits, in order, and all of
# them, the list itself, when the claim has none.
test_scoped if {
	a := object.union(fx.fact("log", "a", {}), {"attrs": {"tags": {"env": "dev"}}})
	b := fx.fact("log", "b", {})
	c := fx.fact("log", "bb", {})
	subjects := [c, a, b]
	lib.scoped(subjects, fx.claim("log.retention", 1)) == subjects
	lib.scoped(subjects, object.union(fx.claim("log.retention", 1), {"scope": null})) == subjects
	lib.scoped(subjects, object.union(fx.claim("log.retention", 1), {"scope": {"ids": ["b*"]}})) == [c, b]
	lib.scoped(subjects, object.union(fx.claim("log.retention", 1), {"scope": {"tags": {"env": "dev"}}})) == [a]
	lib.scoped(subjects, object.union(fx.claim("log.retention", 1), {"scope": {"paths": ["other/*.tf"]}})) == []
	lib.scoped([], object.union(fx.claim("log.retention", 1), {"scope": {"ids": ["b*"]}})) == []
}

# controls_for, asked for every control in turn, gives controls in the same order.
test_controls_for_partitions_controls if {
	a := fx.fact("log", "a", {"retention_seconds": 100})
	b := fx.fact("monitor", "b", {"configured": true, "interval_seconds": 60})
	inp := fx.doc([a, b], [], 2)
	all := main.controls with input as inp
	count(all) > 10
	ids := sort({id | some [id, _] in main.checked})
	parts := [c | some id in ids; some c in main.controls_for(id)] with input as inp
	parts == all
}
