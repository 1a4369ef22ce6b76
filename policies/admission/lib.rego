# METADATA
# title: アドミッション共通 / Admission helpers
# description: Claims in force and the reference values the admission rules fall back on.
# scope: package
package kaiji.admission.lib

import data.kaiji.lib

# claim returns the first claim with the key, if the sheet makes it.
claim(key) := c if {
	some c in input.claims
	c.key == key
}

claimed(key) if claim(key)

# violation builds the record the webhook reports for a fact.
violation(c, fact, ja, en, field) := {
	"item": c.item,
	"key": c.key,
	"ja": ja,
	"en": en,
	"field": field,
	"fact": fact.id,
}

# advisory marks a violation that rests on a value the object cannot prove
# (an unknown fact): the webhook warns about it in every mode and never
# denies because of it.
advisory(v) := object.union(v, {"advisory": true})

# field is the object path a fact came from, when the collector recorded it.
field(fact, default_path) := object.get(fact.attrs, "field", default_path)

dur_ja(s) := lib.dur_ja(s)

dur_en(s) := lib.dur_en(s)
