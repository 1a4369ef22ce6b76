package kaiji.claims.iot_test

import data.kaiji.fixtures as fx

test_device_certificates if {
	fx.verdict([fx.fact("device_auth", "hub", {"method": "x509", "certificate": true})], "iot.device_certificate", true) == "supported"
	fx.verdict([fx.fact("device_auth", "hub", {"method": "symmetric_key", "certificate": false})], "iot.device_certificate", true) == "contradicted"
	fx.verdict([fx.vague("device_auth", "hub", {}, ["certificate"])], "iot.device_certificate", true) == "unproven"
}

test_autoscaling if {
	fx.verdict([fx.fact("redundancy", "ingest", {"autoscaling": {"min": 2, "max": 10}})], "performance.autoscaling", true) == "supported"
	fx.verdict([fx.fact("redundancy", "ingest", {"autoscaling": {"min": 2, "max": 2}})], "performance.autoscaling", true) == "contradicted"
	fx.verdict([fx.vague("redundancy", "ingest", {}, ["autoscaling"])], "performance.autoscaling", true) == "unproven"
	fx.verdict([fx.fact("redundancy", "ingest", {"replicas": 2})], "performance.autoscaling", true) == "unproven"
}
