package kaiji.claims.location_test

import data.kaiji.fixtures as fx

bucket(id, provider, region) := object.union(fx.fact("datastore", id, {"class": "object_storage", "location": {"provider": provider, "region": region}}), {"provider": provider})

japan := {"country": "JP", "areas": []}

kanto := {"country": "JP", "areas": ["kanto"]}

halves := {"country": "JP", "areas": ["east_japan", "west_japan"]}

test_tokyo_supports_japan_and_kanto if {
	fx.verdict([bucket("a", "aws", "ap-northeast-1")], "location.data", japan) == "supported"
	fx.verdict([bucket("a", "aws", "ap-northeast-1")], "location.data", kanto) == "supported"
}

test_foreign_region_contradicts_japan if {
	fx.verdict([bucket("a", "aws", "ap-northeast-1"), bucket("b", "aws", "us-east-1")], "location.data", japan) == "contradicted"
}

test_osaka_contradicts_kanto_but_not_halves if {
	fx.verdict([bucket("a", "aws", "ap-northeast-3")], "location.data", kanto) == "contradicted"
	fx.verdict([bucket("a", "azure", "japaneast"), bucket("b", "azure", "japanwest")], "location.data", halves) == "supported"
}

test_dual_region_needs_both_blocks if {
	fx.verdict([bucket("a", "gcp", "ASIA1")], "location.data", kanto) == "contradicted"
	fx.verdict([bucket("a", "gcp", "asia1")], "location.data", {"country": "JP", "areas": ["kanto", "kinki"]}) == "supported"
}

test_unknown_or_unlisted_region_unproven if {
	fx.verdict([bucket("a", "aws", "ap-northeast-9")], "location.data", japan) == "unproven"
	vague := fx.vague("datastore", "a", {"class": "database", "location": {"provider": "aws"}}, ["location.region"])
	fx.verdict([vague], "location.data", japan) == "unproven"
}

test_provider_regions_judged_without_data_stores if {
	p := object.union(fx.fact("location", "provider.aws", {"provider": "aws", "region": "ap-northeast-1"}), {"provider": "aws"})
	fx.verdict([p], "location.data", kanto) == "supported"
	q := object.union(fx.fact("location", "provider.aws", {"provider": "aws", "region": "eu-west-1"}), {"provider": "aws"})
	fx.verdict([q], "location.data", japan) == "contradicted"
}
