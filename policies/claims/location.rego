# METADATA
# title: データの保管場所 / Data location
# description: |
#   A claim that data is kept in a country, and in Japan in given region
#   blocks (関東, 近畿 …) or halves (東日本, 西日本), holds when every
#   data-bearing resource in scope (data stores, backups, logs) runs in a
#   region that the region table places there. One resource elsewhere
#   contradicts it; a region missing from the table leaves it unproven.
# custom:
#   id: KJ-C-LOCATION
#   items:
#     iot-asp-saas: [97]
#     asp-saas: [82]
#   keys: [location.data]
#   reads: [datastore, backup, log, location]
#   severity: high
package kaiji.claims.location

import data.kaiji.lib

keys := {"location.data"}

data_kinds := ["datastore", "backup", "log"]

# subjects: the data-bearing resources that say where they are; with none
# in the scanned code, the provider regions are judged. A list built once
# (a set would hash every fact, and the fallback counted them again).
subjects := s if {
	s := [f |
		some kind in data_kinds
		some f in lib.facts(kind)
		object.get(f.attrs, "location", null) != null
	]
	count(s) > 0
} else := lib.facts("location")

findings contains f if {
	some claim in input.claims
	claim.key == "location.data"
	is_object(claim.value)
	want_j := want_ja(claim.value)
	want_e := want_en(claim.value)
	some s in lib.scoped(subjects, claim)
	f := lib.finding(claim, s, outcome(s, claim.index), want_j, want_e)
}

# outcome reads the subject's region once and judges it. What depends only
# on the provider, the region and the claim (judged) is computed once per
# region, not once per resource.
outcome(s, claim) := {
	"outcome": j.outcome, "actual": region,
	"evidence": [lib.evidence(s, path)],
	"detail_ja": concat("", [j.ja[0], s.id, j.ja[1]]),
	"detail_en": concat("", [j.en[0], s.id, j.en[1]]),
} if {
	path := region_path(s)
	region := lib.attr(s, path)
	is_string(region)
	j := judged(provider(s), region, claim)
} else := {
	"outcome": "unknown", "actual": null,
	"evidence": [lib.evidence(s, region_path(s))],
	"detail_ja": sprintf("%s のリージョンを静的に確定できません", [s.id]),
	"detail_en": sprintf("the region of %s cannot be known statically", [s.id]),
}

region_path(s) := "location.region" if object.get(s.attrs, "location", null) != null

else := "region"

provider(s) := object.get(s.attrs, ["location", "provider"], s.provider)

# claimed is each location claim's value by claim index.
claimed[c.index] := c.value if some c in input.claims

# judged is the outcome and the reasons (the text before and after the
# resource id) of a region against one claim. Called with scalars only, it
# is evaluated once per provider, region and claim.
judged(provider, region, claim) := {
	"outcome": lib.pass_fail(is_inside(entry, claimed[claim])),
	"ja": ["", sprintf(" は %s（%s）にあります", [region, place_ja(entry)])],
	"en": ["", sprintf(" is in %s (%s)", [region, entry.city])],
} if {
	entry := data.kaiji.data.regions[provider][lower(region)]
} else := {
	"outcome": "unknown",
	"ja": ["", sprintf(" のリージョン %s は地域表にありません（--data で追加できます）", [region])],
	"en": [sprintf("region %s of ", [region]), " is not in the region table (add it with --data)"],
}

# is_inside is inside as a boolean, false when it does not hold.
is_inside(entry, want) if inside(entry, want)

else := false

# inside: the region's country matches, and its block or half is claimed.
inside(entry, want) if {
	entry.country == want.country
	count(object.get(want, "areas", [])) == 0
}

inside(entry, want) if {
	entry.country == want.country
	every a in areas(entry) {
		some x in a
		x in want.areas
	}
}

# areas lists, for each place the region covers, the ids that name it.
areas(entry) := [[b, h] |
	some i, b in entry.blocks
	h := entry.halves[i]
] if entry.blocks

areas(entry) := [[entry.block, entry.half]] if not entry.blocks

names_ja := {
	"JP": "日本", "hokkaido": "北海道", "tohoku": "東北", "kanto": "関東", "chubu": "中部", "kinki": "近畿",
	"chugoku": "中国", "shikoku": "四国", "kyushu": "九州", "east_japan": "東日本", "west_japan": "西日本",
}

names_en := {
	"JP": "Japan", "hokkaido": "Hokkaido", "tohoku": "Tohoku", "kanto": "Kanto", "chubu": "Chubu", "kinki": "Kinki",
	"chugoku": "Chugoku", "shikoku": "Shikoku", "kyushu": "Kyushu", "east_japan": "East Japan", "west_japan": "West Japan",
}

place_ja(entry) := concat("・", [object.get(names_ja, b, b) | some a in areas(entry); b := a[0]]) if entry.country == "JP"

place_ja(entry) := entry.country if entry.country != "JP"

want_ja(want) := object.get(names_ja, want.country, want.country) if count(object.get(want, "areas", [])) == 0

want_ja(want) := concat("、", [object.get(names_ja, a, a) | some a in want.areas]) if count(object.get(want, "areas", [])) > 0

want_en(want) := object.get(names_en, want.country, want.country) if count(object.get(want, "areas", [])) == 0

want_en(want) := concat(", ", [object.get(names_en, a, a) | some a in want.areas]) if count(object.get(want, "areas", [])) > 0
