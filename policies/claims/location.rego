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

subjects contains f if {
	some kind in data_kinds
	some f in lib.facts(kind)
	object.get(f.attrs, "location", null) != null
}

# With no data-bearing resource in the scanned code, provider regions are judged.
subjects contains f if {
	count([x | some kind in data_kinds; some x in lib.facts(kind); object.get(x.attrs, "location", null) != null]) == 0
	some f in lib.facts("location")
}

findings contains f if {
	some claim in input.claims
	claim.key == "location.data"
	is_object(claim.value)
	some s in subjects
	lib.in_scope(s, claim)
	f := lib.finding(claim, s, outcome(s, claim.value), want_ja(claim.value), want_en(claim.value))
}

region_path(s) := "location.region" if object.get(s.attrs, "location", null) != null

region_path(s) := "region" if object.get(s.attrs, "location", null) == null

provider(s) := object.get(s.attrs, ["location", "provider"], s.provider)

# outcome reads the subject's region once and judges it (region_outcome).
outcome(s, want) := region_outcome(s, path, lib.attr(s, path), want) if path := region_path(s)

region_outcome(s, path, region, _) := {
	"outcome": "unknown", "actual": null,
	"evidence": [lib.evidence(s, path)],
	"detail_ja": sprintf("%s のリージョンを静的に確定できません", [s.id]),
	"detail_en": sprintf("the region of %s cannot be known statically", [s.id]),
} if {
	not is_string(region)
}

region_outcome(s, path, region, _) := {
	"outcome": "unknown", "actual": region,
	"evidence": [lib.evidence(s, path)],
	"detail_ja": sprintf("%s のリージョン %s は地域表にありません（--data で追加できます）", [s.id, region]),
	"detail_en": sprintf("region %s of %s is not in the region table (add it with --data)", [region, s.id]),
} if {
	is_string(region)
	not data.kaiji.data.regions[provider(s)][lower(region)]
}

region_outcome(s, path, region, want) := {
	"outcome": lib.pass_fail(is_inside(entry, want)), "actual": region,
	"evidence": [lib.evidence(s, path)],
	"detail_ja": sprintf("%s は %s（%s）にあります", [s.id, region, place_ja(entry)]),
	"detail_en": sprintf("%s is in %s (%s)", [s.id, region, entry.city]),
} if {
	is_string(region)
	entry := data.kaiji.data.regions[provider(s)][lower(region)]
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
