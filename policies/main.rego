# METADATA
# title: 判定の集約 / Verdict aggregation
# description: |
#   Gathers the findings of every claim policy (packages under kaiji.claims)
#   and the evaluations of every control policy (kaiji.controls), and turns
#   them into exactly one verdict per claim and per control evaluation item,
#   conservatively, as an auditor would read them: one contradicting resource
#   contradicts a claim; support needs at least one relevant resource and
#   every relevant one proving it; anything unknown leaves it unproven.
# entrypoint: true
# scope: package
package kaiji.main

import data.kaiji.lib

# result is the whole decision: what kaiji scan reports.
result := {
	"claims": claims,
	"controls": controls,
}

# ---- claims ----

handled := {k | some k in data.kaiji.claims[_].keys}

claims := [claim_result(c, findings_of(c)) | some c in input.claims]

# findings_of gathers a claim's findings from the packages that declare its
# key (never a scan of every finding per claim), ordered by resource and
# outcome.
findings_of(c) := by_resource([f |
	some name
	c.key in data.kaiji.claims[name].keys
	some f in data.kaiji.claims[name].findings
	f.claim == c.index
])

# by_resource orders findings or evaluations by resource id, then outcome.
by_resource(xs) := [xs[p[2]] | some p in sort([[x.fact, x.outcome, i] | some i, x in xs])]

# item_reason explains a not-checkable item: its title and the reason of its group.
item_reason(entry) := {
	"ja": sprintf("%s: %s", [entry.title, r.ja]),
	"en": sprintf("%s: %s", [entry.title, r.en]),
} if {
	r := data.kaiji.data.not_checkable.reasons[entry.reason]
}

base(c) := {
	"index": c.index,
	"item": c.item,
	"key": object.get(c, "key", ""),
	"claimed": c.raw,
	"text": object.get(c, "text", ""),
}

claim_result(c, fs) := object.union(base(c), {
	"verdict": "not_checkable",
	"reason": {"ja": reason.ja, "en": reason.en},
	"evidence": [],
	"details": [],
}) if {
	reason := data.kaiji.data.not_checkable.keys[c.key]
} else := object.union(base(c), {
	"verdict": "not_checkable",
	"reason": item_reason(entry),
	"evidence": [],
	"details": [],
}) if {
	not object.get(c, "key", "") in handled
	entry := data.kaiji.data.not_checkable.items[input.edition][sprintf("%d", [c.item])]
} else := object.union(base(c), {
	"verdict": "unproven",
	"reason": {
		"ja": sprintf("キー %s を評価するポリシーがありません", [c.key]),
		"en": sprintf("no policy evaluates the key %s", [c.key]),
	},
	"evidence": [],
	"details": [],
}) if {
	not c.key in handled
} else := object.union(base(c), {
	"verdict": "unproven",
	"reason": {
		"ja": "開示された値を解釈できないため判定できません",
		"en": "the claimed value could not be interpreted, so it cannot be checked",
	},
	"evidence": [],
	"details": [],
}) if {
	c.value == null
} else := verdict(c, fs)

verdict(c, fs) := object.union(base(c), {
	"verdict": "contradicted",
	"reason": summary(bad),
	"evidence": evidence_of(bad),
	"details": details(fs),
}) if {
	bad := [f | some f in fs; f.outcome == "contradicts"]
	count(bad) > 0
} else := object.union(base(c), {
	"verdict": "unproven",
	"reason": summary(open),
	"evidence": evidence_of(open),
	"details": details(fs),
}) if {
	open := [f | some f in fs; f.outcome == "unknown"]
	count(open) > 0
} else := object.union(base(c), {
	"verdict": "supported",
	"reason": summary(fs),
	"evidence": evidence_of(fs),
	"details": details(fs),
}) if {
	count(fs) > 0
} else := object.union(base(c), {
	"verdict": "unproven",
	"reason": {
		"ja": "スキャンしたインフラに、この開示に関係するリソースが見つかりません",
		"en": "no resource this claim speaks about was found in the scanned infrastructure",
	},
	"evidence": [],
	"details": [],
})

evidence_of(fs) := sort_evidence({e | some f in fs; some e in f.evidence})

sort_evidence(s) := [e | some e in s]

# details lists every finding; fs is ordered by resource (findings_of).
details(fs) := [{"fact": f.fact, "outcome": f.outcome, "reason": f.reason} | some f in fs]

# summary: the first reason (fs is ordered by resource id) and how many more agree.
summary(fs) := first.reason if {
	count(fs) == 1
	first := fs[0]
}

summary(fs) := {
	"ja": sprintf("%s（ほか %d 件）", [first.reason.ja, count(fs) - 1]),
	"en": sprintf("%s (and %d more)", [first.reason.en, count(fs) - 1]),
} if {
	count(fs) > 1
	first := fs[0]
}

# ---- controls ----

# checked refers to the control and eval_items rules only, never to whole
# packages, so that test packages under kaiji.controls do not look recursive.
checked := {[id, item] |
	id := data.kaiji.controls[name].control
	some item in data.kaiji.controls[name].eval_items
}

controls := [control_result(id, item, evaluations_of(id, item)) | some [id, item] in sort(checked)]

# controls_for is the part of controls about one control, in the same order:
# kaiji evaluates the controls of a large estate in several concurrent
# queries, each asking for some controls.
controls_for(id) := [control_result(id, item, evaluations_of(id, item)) | some item in items_of(id)]

# items_of lists a control's evaluation items in order. (Kept apart from
# controls_for: there, binding id in the comprehension would let OPA index
# it, which evaluates it for every control at once.)
items_of(id) := sort([item | some [x, item] in checked; x == id])

# evaluations_of gathers one evaluation item's evaluations from the
# packages of its control, ordered by resource.
evaluations_of(id, item) := by_resource([e |
	some name
	data.kaiji.controls[name].control == id
	some e in object.get(evaluations_by_item(name), item, [])
])

# evaluations_by_item groups one control package's evaluations by item. It
# is a function of the package's name, not a rule keyed by it: evaluated
# once per package (calls with a string are remembered), and only for the
# packages a query asks about — the value of a rule keyed by name would be
# every package's.
evaluations_by_item(name) := {item: es |
	evs := data.kaiji.controls[name].evaluations
	some item in data.kaiji.controls[name].eval_items
	es := [e | some e in evs; e.eval_item == item]
}

control_result(id, item, es) := object.union(control_base(id, item), {
	"verdict": "not_applicable",
	"reason": {
		"ja": sprintf("パターン %d にはこの評価項目の対策参照値がありません", [input.pattern]),
		"en": sprintf("pattern %d has no reference value for this evaluation item", [input.pattern]),
	},
	"evidence": [],
	"actual": [],
}) if {
	item != "-"
	lib.reference(id, item) == null
} else := object.union(control_base(id, item), {
	"verdict": "not_applicable",
	"reason": {
		"ja": "第IV部の IoT 対策は IoT サービス（iot-asp-saas 版の開示）に適用されます",
		"en": "Part IV countermeasures apply to IoT services (disclosures in the iot-asp-saas edition)",
	},
	"evidence": [],
	"actual": [],
}) if {
	startswith(id, "IV.")
	object.get(input, "edition", "") != "iot-asp-saas"
} else := control_verdict(id, item, es)

control_base(id, item) := {
	"id": id,
	"eval_item": item,
	"pattern": input.pattern,
	"title": {"ja": described(id, "gloss_ja"), "en": described(id, "gloss")},
	"level": described(id, "level"),
	"reference": ref_value(id, item),
	"severity": severity(id, item),
}

# described reads a control's title or level from the reference values, or
# for Part IV countermeasures from data/countermeasures.yaml.
described(id, field) := object.get(data.kaiji.data.reference, [id, field], object.get(data.kaiji.data, ["countermeasures", id, field], ""))

ref_value(id, item) := null if item == "-"

ref_value(id, item) := lib.reference(id, item) if item != "-"

severity(id, item) := "hard" if lib.reference(id, item).star == true

severity(id, item) := "advisory" if not lib.reference(id, item).star == true

control_verdict(id, item, es) := object.union(control_base(id, item), {
	"verdict": "below",
	"reason": summary(bad),
	"evidence": evidence_of(bad),
	"actual": actuals(es),
}) if {
	bad := [e | some e in es; e.outcome == "fail"]
	count(bad) > 0
} else := object.union(control_base(id, item), {
	"verdict": "unknown",
	"reason": summary(open),
	"evidence": evidence_of(open),
	"actual": actuals(es),
}) if {
	open := [e | some e in es; e.outcome == "unknown"]
	count(open) > 0
} else := object.union(control_base(id, item), {
	"verdict": "meets",
	"reason": summary(es),
	"evidence": evidence_of(es),
	"actual": actuals(es),
}) if {
	count(es) > 0
} else := object.union(control_base(id, item), {
	"verdict": "unknown",
	"reason": {
		"ja": "スキャンしたインフラに、この対策を示すリソースが見つかりません",
		"en": "no resource showing this control was found in the scanned infrastructure",
	},
	"evidence": [],
	"actual": [],
})

actuals(es) := [{"fact": e.fact, "value": e.actual, "outcome": e.outcome} | some e in es]
