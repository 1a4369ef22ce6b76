# METADATA
# title: Shared helpers / 共通ヘルパー
# description: |
#   Facts by kind, scope, evidence and unit formatting shared by the claim
#   and control policies. Policies read only facts, claims and data.
# scope: package
package kaiji.lib

# facts returns the facts of one kind.
facts(kind) := object.get(input.facts, kind, [])

# unknown is true when the collector could not know attrs.<path> statically.
unknown(fact, path) if {
	u := object.get(fact, "unknown", [])
	count(u) > 0
	concat("", ["attrs.", path]) in u
}

# known is true when attrs.<path> is set and known.
known(fact, path) if {
	not unknown(fact, path)
	object.get(fact.attrs, split(path, "."), null) != null
}

# attr returns attrs.<path>, or null. One definition: object.get with the
# path split at dots reads a top-level attribute as well, and a function of
# two definitions evaluates both on every call.
attr(fact, path) := object.get(fact.attrs, split(path, "."), null)

# line returns the line that sets attrs.<path>, or the fact's own line (for
# policies that point at a line; evidence writes the same lookup out).
line(fact, path) := object.get(object.get(fact, "lines", {}), path, fact.source.line)

# evidence names the fact, file and line behind a verdict. (line is written
# out here: evidence is built for every finding, and a call costs more than
# the lookup.)
evidence(fact, path) := {
	"fact": fact.id,
	"file": fact.source.file,
	"line": object.get(object.get(fact, "lines", {}), path, fact.source.line),
	"attribute": path,
}

# in_scope is true when the claim's scope (ids, path globs, tags) admits the fact.
in_scope(fact, claim) if object.get(claim, "scope", null) == null

else if {
	scope := claim.scope
	scope != null
	scope_ids(fact, scope)
	scope_paths(fact, scope)
	scope_tags(fact, scope)
}

# scoped is the part of subjects a claim's scope admits, in their order:
# all of them, as they are, when the claim has no scope. A policy iterates
# lib.scoped(subjects, claim), one call per claim, rather than asking
# in_scope of every resource.
scoped(subjects, claim) := subjects if object.get(claim, "scope", null) == null

else := [s | some s in subjects; in_scope(s, claim)]

scope_ids(_, scope) if count(object.get(scope, "ids", [])) == 0

scope_ids(fact, scope) if {
	some pattern in scope.ids
	glob.match(pattern, [], fact.id)
}

scope_paths(_, scope) if count(object.get(scope, "paths", [])) == 0

scope_paths(fact, scope) if {
	some pattern in scope.paths
	glob.match(pattern, ["/"], fact.source.file)
}

scope_tags(_, scope) if count(object.get(scope, "tags", {})) == 0

scope_tags(fact, scope) if {
	tags := object.get(fact.attrs, "tags", {})
	every k, v in scope.tags {
		tags[k] == v
	}
}

# Unit lengths in seconds; months and years as in the reference values.
minute := 60

hour := 3600

day := 86400

week := 604800

month := 2592000

year := 31536000

units := [
	[year, "年", "year"],
	[month, "ヶ月", "month"],
	[week, "週間", "week"],
	[day, "日", "day"],
	[hour, "時間", "hour"],
	[minute, "分", "minute"],
	[1, "秒", "second"],
]

# dur_ja formats seconds in the largest whole unit: 86400 → "1日".
dur_ja(sec) := s if {
	u := [x | some x in units; sec % x[0] == 0][0]
	s := sprintf("%d%s", [sec / u[0], u[1]])
}

# dur_en formats seconds in the largest whole unit: 172800 → "2 days".
dur_en(sec) := s if {
	u := [x | some x in units; sec % x[0] == 0][0]
	n := sec / u[0]
	s := sprintf("%d %s%s", [n, u[2], plural(n)])
}

plural(1) := ""

plural(n) := "s" if n != 1

# tls_at_least compares TLS versions written "1.2".
tls_at_least(have, want) := to_number(have) >= to_number(want)

# pass_fail turns a comparison into an outcome.
pass_fail(true) := "pass"

pass_fail(false) := "fail"

claim_outcomes := {"pass": "supports", "fail": "contradicts", "unknown": "unknown"}

# finding is one resource's bearing on one claim. r is an outcome object
# {outcome: pass|fail|unknown, actual, evidence, detail_ja, detail_en};
# want_ja / want_en render the claimed value. _id repeats fact as the
# object's first key: OPA sorts a set's members whenever a rule iterates
# it, comparing objects key by key, and with actual, claim and evidence
# first two findings were told apart deep in their evidence.
finding(claim, subject, r, want_ja, want_en) := {
	"_id": subject.id,
	"claim": claim.index,
	"outcome": claim_outcomes[r.outcome],
	"fact": subject.id,
	"actual": r.actual,
	"reason": {
		"ja": sprintf("%s（開示: %s）", [r.detail_ja, want_ja]),
		"en": sprintf("%s (claimed: %s)", [r.detail_en, want_en]),
	},
	"evidence": r.evidence,
}

# evaluation is one resource's bearing on one evaluation item of a control at
# the pattern's reference value (_id as in finding).
evaluation(control, item, subject, r) := {
	"_id": subject.id,
	"control": control,
	"eval_item": item,
	"outcome": r.outcome,
	"fact": subject.id,
	"actual": r.actual,
	"reason": {"ja": r.detail_ja, "en": r.detail_en},
	"evidence": r.evidence,
}

# reference returns the reference value of a control's evaluation item for the
# pattern being checked, or null when the pattern has none.
reference(control, item) := object.get(data.kaiji.data.reference, [control, "items", item, "values", sprintf("%d", [input.pattern])], null)

# ---- outcomes shared by the mechanism claims and controls ----

# known_bool is true when attrs.<path> is a boolean known statically.
known_bool(fact, path) if {
	not unknown(fact, path)
	is_boolean(attr(fact, path))
}

# flag_outcome judges a boolean attribute: pass when true, fail when false,
# unknown when it is absent or not known statically. yes and no are the
# {ja, en} explanations of the two values.
flag_outcome(fact, path, yes, no) := r if {
	v := flag_value(fact, path)
	r := flag_result(fact, path, v, yes, no)
}

# flag_value is attrs.<path> when it is a boolean known statically, else "unknown".
flag_value(fact, path) := "unknown" if unknown(fact, path)

else := v if {
	v := attr(fact, path)
	is_boolean(v)
}

else := "unknown"

flag_result(fact, path, true, yes, _) := {
	"outcome": "pass", "actual": true,
	"evidence": [evidence(fact, path)],
	"detail_ja": yes.ja, "detail_en": yes.en,
}

flag_result(fact, path, false, _, no) := {
	"outcome": "fail", "actual": false,
	"evidence": [evidence(fact, path)],
	"detail_ja": no.ja, "detail_en": no.en,
}

flag_result(fact, path, "unknown", _, _) := not_known(fact, path)

# not_known is the outcome of an attribute that cannot be known statically,
# or that the collector says nothing about.
not_known(fact, path) := {
	"outcome": "unknown", "actual": null,
	"evidence": [evidence(fact, path)],
	"detail_ja": sprintf("%s の %s を静的に確定できません", [fact.id, path]),
	"detail_en": sprintf("%s of %s cannot be known statically", [path, fact.id]),
} if unknown(fact, path)

else := {
	"outcome": "unknown", "actual": null,
	"evidence": [evidence(fact, path)],
	"detail_ja": sprintf("%s のコードからは %s がわかりません", [fact.id, path]),
	"detail_en": sprintf("the code of %s does not show %s", [fact.id, path]),
}

# known_number is true when attrs.<path> is a number known statically.
known_number(fact, path) if {
	not unknown(fact, path)
	is_number(attr(fact, path))
}

# duration_at_most judges a duration attribute (an interval or a delay)
# against an upper bound in seconds. what is the {ja, en} name of the value.
duration_at_most(fact, path, limit, what) := {
	"outcome": pass_fail(have <= limit), "actual": have,
	"evidence": [evidence(fact, path)],
	"detail_ja": sprintf("%s の%sは %s です", [fact.id, what.ja, dur_ja(have)]),
	"detail_en": sprintf("%s has a %s of %s", [fact.id, what.en, dur_en(have)]),
} if {
	known_number(fact, path)
	have := attr(fact, path)
} else := not_known(fact, path)

# negate turns the outcome for "the mechanism exists" into the outcome for a
# claim that it does not.
negate(r) := object.union(r, {"outcome": flipped[r.outcome]})

flipped := {"pass": "fail", "fail": "pass", "unknown": "unknown"}

# yes_ja and yes_en render a claimed boolean.
yes_ja(true) := "有り"

yes_ja(false) := "無し"

yes_en(true) := "yes"

yes_en(false) := "no"

# claim_bool is the outcome r of "the mechanism exists" read for a boolean
# claim: as is for 有り, negated for 無し.
claim_bool(claim, r) := r if claim.value == true

claim_bool(claim, r) := negate(r) if claim.value == false

# bool_finding is one resource's bearing on a boolean (有り/無し) claim.
bool_finding(claim, subject, r) := finding(claim, subject, claim_bool(claim, r), yes_ja(claim.value), yes_en(claim.value))

# ---- runs in sorted lists ----

# run_starts and run_ends are true where list[_][field] changes in a sorted
# list: grouping by sorting and slicing runs keeps large estates n log n
# where a comprehension per group would be quadratic.
run_starts(_, 0, _)

run_starts(list, i, field) if {
	i > 0
	list[i - 1][field] != list[i][field]
}

run_ends(list, i, _) if i == count(list) - 1

run_ends(list, i, field) if {
	i < count(list) - 1
	list[i + 1][field] != list[i][field]
}
