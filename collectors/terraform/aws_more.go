package terraform

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/internal/schedule"
)

func init() {
	for typ, m := range map[string]mapper{
		"aws_dynamodb_table":                    mapDynamoDB,
		"aws_ebs_volume":                        mapEBSVolume,
		"aws_efs_file_system":                   mapEFS,
		"aws_elasticache_replication_group":     mapElastiCache,
		"aws_cloudtrail":                        mapCloudTrail,
		"aws_route53_health_check":              mapRoute53HealthCheck,
		"aws_cloudwatch_metric_alarm":           mapMetricAlarm,
		"aws_guardduty_detector":                mapGuardDuty,
		"aws_guardduty_malware_protection_plan": mapGuardDutyMalwarePlan,
		"aws_securityhub_account":               mapSecurityHub,
		"aws_iam_role_policy_attachment":        mapIAMAttachment,
		"aws_iam_user_policy_attachment":        mapIAMAttachment,
		"aws_iam_group_policy_attachment":       mapIAMAttachment,
		"aws_iam_policy_attachment":             mapIAMAttachment,
		"aws_iam_policy":                        mapIAMPolicy,
		"aws_iam_role_policy":                   mapIAMPolicy,
		"aws_iam_user_policy":                   mapIAMPolicy,
		"aws_iam_group_policy":                  mapIAMPolicy,
		"aws_iam_account_password_policy":       mapPasswordPolicy,
		"aws_cognito_user_pool":                 mapCognitoUserPool,
		"aws_ssm_patch_baseline":                mapPatchBaseline,
		"aws_ssm_maintenance_window":            mapMaintenanceWindow,
		"aws_autoscaling_group":                 mapASG,
		"aws_iot_certificate":                   mapIoTCertificate,
		"aws_iot_policy":                        mapIoTPolicy,
		"aws_iot_domain_configuration":          mapIoTDomain,
		"aws_cloudfront_distribution":           mapCloudFront,
		"aws_api_gateway_domain_name":           mapAPIGatewayDomain,
		"aws_apigatewayv2_domain_name":          mapAPIGatewayDomain,
		"aws_network_acl":                       mapNetworkACL,
		"aws_network_acl_rule":                  mapNetworkACLRule,
		"aws_wafv2_web_acl":                     mapWAF,
		"aws_networkfirewall_firewall_policy":   mapNetworkFirewallPolicy,
		"aws_inspector2_enabler":                mapInspector,
	} {
		awsMappers[typ] = m
	}
}

func mapDynamoDB(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindDatastore, "")
	set(f, "class", "database")
	set(f, "engine", "dynamodb")
	read(f, "name", b, "name", toString, absentOmit, nil)
	tags(f, b)
	// DynamoDB encrypts every table at rest, with an AWS-owned key unless a KMS key is chosen.
	set(f, "encrypted_at_rest", true)
	set(f, "encryption", "platform_default")
	if sse := b.child("server_side_encryption"); sse != nil {
		if on, ok := asBool(sse.get("enabled").v); ok && on {
			set(f, "encryption", "aws:kms")
			set(f, "kms_key", sse.get("kms_key_arn").present)
		}
	}
	set(f, "multi_az", true) // tables are replicated across three zones
	pitr := b.child("point_in_time_recovery")
	on, ok := asBool(pitr.get("enabled").v)
	switch {
	case ok:
		set(f, "backup.kind", "point_in_time")
		set(f, "backup.enabled", on)
		f.SetLine("backup.enabled", pitr.get("enabled").line)
		if on {
			n := int64(35)
			if v, ok := asInt(pitr.get("recovery_period_in_days").v); ok {
				n = v
			}
			set(f, "backup.retention_seconds", n*schedule.Day)
		}
	case pitr.get("enabled").present:
		f.SetUnknown("backup.enabled")
	default:
		set(f, "backup.kind", "point_in_time")
		set(f, "backup.enabled", false)
	}
	reps := b.children("replica")
	if len(reps) > 0 {
		set(f, "replicas", len(reps))
		set(f, "cross_region_replica", true) // global table replicas live in other regions
	}
	location(m, r, f)
	return []*collectors.Fact{f}
}

func mapEBSVolume(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindDatastore, "")
	set(f, "class", "block_storage")
	tags(f, b)
	// Unencrypted unless set here or by aws_ebs_encryption_by_default (linked later).
	read(f, "encrypted_at_rest", b, "encrypted", toBool, absentDefault, false)
	present(f, "kms_key", b, "kms_key_id")
	set(f, "multi_az", false)
	location(m, r, f)
	return []*collectors.Fact{f}
}

func mapEFS(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindDatastore, "")
	set(f, "class", "file_storage")
	tags(f, b)
	read(f, "encrypted_at_rest", b, "encrypted", toBool, absentDefault, false)
	present(f, "kms_key", b, "kms_key_id")
	set(f, "multi_az", !b.get("availability_zone_name").present)
	location(m, r, f)
	return []*collectors.Fact{f}
}

func mapElastiCache(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindDatastore, "")
	set(f, "class", "cache")
	read(f, "engine", b, "engine", toString, absentDefault, "redis")
	tags(f, b)
	read(f, "encrypted_at_rest", b, "at_rest_encryption_enabled", toBool, absentDefault, false)
	present(f, "kms_key", b, "kms_key_id")
	read(f, "multi_az", b, "multi_az_enabled", toBool, absentDefault, false)
	if n, ok := asInt(b.get("snapshot_retention_limit").v); ok {
		set(f, "backup.kind", "automated")
		set(f, "backup.enabled", n > 0)
		if n > 0 {
			set(f, "backup.interval_seconds", int64(schedule.Day))
			set(f, "backup.generations", n)
			set(f, "backup.retention_seconds", n*schedule.Day)
		}
	} else if !b.get("snapshot_retention_limit").present {
		set(f, "backup.enabled", false)
	}
	location(m, r, f)
	e := newFact(r, collectors.KindEndpoint, r.addr+"#endpoint")
	set(e, "protocol", "redis")
	read(e, "tls", b, "transit_encryption_enabled", toBool, absentDefault, false)
	set(e, "public", false) // caches live in a VPC
	location(m, r, e)
	return []*collectors.Fact{f, e}
}

func mapCloudTrail(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindLog, "")
	set(f, "store", "cloudtrail")
	read(f, "name", b, "name", toString, absentOmit, nil)
	set(f, "category", "audit")
	read(f, "multi_region", b, "is_multi_region_trail", toBool, absentDefault, false)
	v, ok := asBool(b.get("enable_log_file_validation").v)
	switch {
	case ok && v:
		set(f, "tamper_protection", true)
		set(f, "tamper_mechanism", "log_file_validation")
		f.SetLine("tamper_protection", b.get("enable_log_file_validation").line)
	case b.get("enable_log_file_validation").present && !ok:
		f.SetUnknown("tamper_protection")
	default:
		set(f, "tamper_protection", false)
	}
	// Trail files are SSE-S3 encrypted in the bucket at least; kms_key_id adds SSE-KMS.
	set(f, "encrypted", true)
	present(f, "kms_key", b, "kms_key_id")
	// Retention is the bucket's: filled in from its lifecycle by linkAWS.
	f.SetUnknown("retention_seconds")
	location(m, r, f)
	return []*collectors.Fact{f}
}

func mapRoute53HealthCheck(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindMonitor, "")
	set(f, "check", "health_check")
	if s, ok := str(b, "fqdn"); ok {
		set(f, "target", s)
	} else if s, ok := str(b, "ip_address"); ok {
		set(f, "target", s)
	}
	read(f, "protocol", b, "type", toString, absentOmit, nil)
	read(f, "interval_seconds", b, "request_interval", toInt, absentDefault, int64(30))
	f.SetUnknown("notification") // alarms on the health check are separate resources
	set(f, "location.provider", "aws")
	set(f, "location.region", "global")
	return []*collectors.Fact{f}
}

func mapMetricAlarm(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindMonitor, "")
	set(f, "check", "metric_alarm")
	if ns, ok := str(b, "namespace"); ok {
		name, _ := str(b, "metric_name")
		set(f, "target", strings.Trim(ns+"/"+name, "/"))
	}
	read(f, "interval_seconds", b, "period", toInt, absentOmit, nil)
	v := b.get("alarm_actions")
	if list, ok := v.v.([]any); v.known && ok {
		set(f, "notification", len(list) > 0)
	} else if v.present {
		set(f, "notification", true) // actions are references to topics
	} else {
		set(f, "notification", false)
	}
	f.SetLine("notification", v.line)
	read(f, "enabled", b, "actions_enabled", toBool, absentDefault, true)
	location(m, r, f)
	return []*collectors.Fact{f}
}

func mapGuardDuty(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindDetection, "")
	set(f, "service", "guardduty")
	set(f, "managed", true)
	read(f, "enabled", b, "enable", toBool, absentDefault, true)
	set(f, "intrusion_detection", f.Attrs["enabled"])
	mp := b.child("datasources").child("malware_protection").child("scan_ec2_instance_with_findings").child("ebs_volumes")
	if mp != nil {
		read(f, "malware_protection", mp, "enable", toBool, absentDefault, false)
	} else {
		set(f, "malware_protection", false) // unless an aws_guardduty_detector_feature enables it (linked)
	}
	location(m, r, f)
	return []*collectors.Fact{f}
}

func mapGuardDutyMalwarePlan(m *module, r *resource) []*collectors.Fact {
	f := newFact(r, collectors.KindDetection, "")
	set(f, "service", "guardduty")
	set(f, "enabled", true)
	set(f, "malware_protection", true)
	set(f, "scope", "s3")
	location(m, r, f)
	return []*collectors.Fact{f}
}

func mapSecurityHub(m *module, r *resource) []*collectors.Fact {
	f := newFact(r, collectors.KindDetection, "")
	set(f, "service", "securityhub")
	set(f, "enabled", true)
	location(m, r, f)
	return []*collectors.Fact{f}
}

func mapInspector(m *module, r *resource) []*collectors.Fact {
	f := newFact(r, collectors.KindDetection, "")
	set(f, "service", "inspector")
	set(f, "managed", true)
	set(f, "enabled", true)
	set(f, "vulnerability_scanning", true)
	location(m, r, f)
	return []*collectors.Fact{f}
}

var adminPolicyRe = regexp.MustCompile(`:policy/(AdministratorAccess|IAMFullAccess|PowerUserAccess)$`)

func mapIAMAttachment(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindIdentity, "")
	for _, n := range []string{"role", "user", "group", "roles", "users", "groups"} {
		a := b.attr(n)
		if a == nil {
			continue
		}
		if refs := a.refs(); len(refs) > 0 {
			set(f, "subject", m.prefix+refs[0])
		} else if s, ok := str(b, n); ok {
			set(f, "subject", s)
		} else if l, ok := strList(b, n); ok {
			set(f, "subject", strings.Join(l, ","))
		}
		break
	}
	arn, ok := str(b, "policy_arn")
	if !ok {
		// "arn:${data.aws_partition.current.partition}:iam::aws:policy/X": the
		// partition is unknown, but the policy name is written literally.
		arn, ok = literalSuffix(b.attr("policy_arn"))
		ok = ok && strings.Contains(arn, "/")
	}
	if !ok {
		f.SetUnknown("role")
		f.SetUnknown("admin")
		f.SetLine("admin", b.get("policy_arn").line)
		return []*collectors.Fact{f}
	}
	role := arn[strings.LastIndex(arn, "/")+1:]
	set(f, "role", role)
	mm := adminPolicyRe.FindStringSubmatch(arn)
	set(f, "admin", mm != nil && mm[1] == "AdministratorAccess")
	f.SetLine("admin", b.get("policy_arn").line)
	set(f, "location.provider", "aws")
	set(f, "location.region", "global")
	return []*collectors.Fact{f}
}

// policyDoc is an IAM policy document.
type policyDoc struct {
	Statement json.RawMessage
}

type statement struct {
	Effect    string
	Action    any
	NotAction any
	Resource  any
}

// wildcardAdmin reports whether a policy document allows every action on every resource.
func wildcardAdmin(doc string) (bool, error) {
	var d policyDoc
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return false, fmt.Errorf("parse policy: %w", err)
	}
	var stmts []statement
	if err := json.Unmarshal(d.Statement, &stmts); err != nil {
		var one statement
		if err := json.Unmarshal(d.Statement, &one); err != nil {
			return false, fmt.Errorf("parse statement: %w", err)
		}
		stmts = []statement{one}
	}
	has := func(v any, s string) bool {
		switch x := v.(type) {
		case string:
			return x == s
		case []any:
			return slices.Contains(x, any(s))
		}
		return false
	}
	for _, st := range stmts {
		if st.Effect == "Allow" && has(st.Action, "*") && has(st.Resource, "*") {
			return true, nil
		}
	}
	return false, nil
}

func mapIAMPolicy(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindIdentity, "")
	if n, ok := str(b, "name"); ok {
		set(f, "role", n)
	}
	for _, n := range []string{"role", "user", "group"} {
		if a := b.attr(n); a != nil {
			if refs := a.refs(); len(refs) > 0 {
				set(f, "subject", m.prefix+refs[0])
			} else if s, ok := str(b, n); ok {
				set(f, "subject", s)
			}
		}
	}
	doc, ok := str(b, "policy")
	f.SetLine("admin", b.get("policy").line)
	if !ok {
		f.SetUnknown("admin")
	} else if admin, err := wildcardAdmin(doc); err != nil {
		f.SetUnknown("admin")
	} else {
		set(f, "admin", admin)
		set(f, "wildcard", admin)
	}
	set(f, "location.provider", "aws")
	set(f, "location.region", "global")
	return []*collectors.Fact{f}
}

func mapPasswordPolicy(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindIdentity, "")
	set(f, "subject", "account")
	read(f, "password_policy.min_length", b, "minimum_password_length", toInt, absentDefault, int64(6))
	if n, ok := asInt(b.get("max_password_age").v); ok {
		set(f, "password_policy.max_age_seconds", n*schedule.Day)
		f.SetLine("password_policy.max_age_seconds", b.get("max_password_age").line)
	}
	read(f, "password_policy.reuse_prevention", b, "password_reuse_prevention", toInt, absentOmit, nil)
	set(f, "location.provider", "aws")
	set(f, "location.region", "global")
	return []*collectors.Fact{f}
}

func mapCognitoUserPool(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindIdentity, "")
	read(f, "subject", b, "name", toString, absentOmit, nil)
	v := b.get("mfa_configuration")
	switch {
	case v.known:
		s, _ := asString(v.v)
		set(f, "mfa", map[string]string{"ON": "required", "OPTIONAL": "optional", "OFF": "off"}[strings.ToUpper(s)])
		f.SetLine("mfa", v.line)
	case v.present:
		f.SetUnknown("mfa")
	default:
		set(f, "mfa", "off")
	}
	if pp := b.child("password_policy"); pp != nil {
		read(f, "password_policy.min_length", pp, "minimum_length", toInt, absentDefault, int64(8))
	}
	location(m, r, f)
	return []*collectors.Fact{f}
}

func mapPatchBaseline(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindPatching, "")
	set(f, "auto_update", true)
	read(f, "name", b, "name", toString, absentOmit, nil)
	best := int64(-1)
	unknown := false
	for _, rule := range b.children("approval_rule") {
		v := rule.get("approve_after_days")
		n, ok := asInt(v.v)
		if !ok {
			unknown = true
			continue
		}
		if best < 0 || n > best {
			best = n // the slowest rule bounds how late a patch is applied
			f.SetLine("approve_after_seconds", v.line)
		}
	}
	switch {
	case unknown:
		f.SetUnknown("approve_after_seconds")
	case best >= 0:
		set(f, "approve_after_seconds", best*schedule.Day)
	}
	location(m, r, f)
	return []*collectors.Fact{f}
}

func mapMaintenanceWindow(m *module, r *resource) []*collectors.Fact {
	f := newFact(r, collectors.KindPatching, "")
	read(f, "maintenance_window", r.body, "schedule", toString, absentUnknown, nil)
	read(f, "enabled", r.body, "enabled", toBool, absentDefault, true)
	location(m, r, f)
	return []*collectors.Fact{f}
}

func mapASG(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindRedundancy, "")
	if zones, ok := strList(b, "availability_zones"); ok {
		set(f, "zones", len(zones))
		set(f, "spread_across_zones", len(zones) > 1)
	} else if subnets, ok := strList(b, "vpc_zone_identifier"); ok {
		// Subnets are zonal, but two subnets may share a zone: not proof of zones.
		set(f, "subnets", len(subnets))
		f.SetUnknown("zones")
	} else {
		f.SetUnknown("zones")
	}
	read(f, "autoscaling.min", b, "min_size", toInt, absentUnknown, nil)
	read(f, "autoscaling.max", b, "max_size", toInt, absentUnknown, nil)
	read(f, "replicas", b, "desired_capacity", toInt, absentOmit, nil)
	set(f, "load_balanced", b.get("target_group_arns").present || b.get("load_balancers").present)
	location(m, r, f)
	return []*collectors.Fact{f}
}

func mapIoTCertificate(m *module, r *resource) []*collectors.Fact {
	f := newFact(r, collectors.KindDeviceAuth, "")
	set(f, "method", "x509")
	read(f, "certificate", r.body, "active", toBool, absentUnknown, nil)
	location(m, r, f)
	return []*collectors.Fact{f}
}

func mapIoTPolicy(m *module, r *resource) []*collectors.Fact {
	f := newFact(r, collectors.KindIdentity, "")
	read(f, "role", r.body, "name", toString, absentOmit, nil)
	if doc, ok := str(r.body, "policy"); ok {
		if admin, err := wildcardAdmin(doc); err == nil {
			set(f, "wildcard", admin)
			set(f, "admin", admin)
		}
	}
	location(m, r, f)
	return []*collectors.Fact{f}
}

func mapIoTDomain(m *module, r *resource) []*collectors.Fact {
	b := r.body
	e := newFact(r, collectors.KindEndpoint, "")
	set(e, "protocol", "mqtt")
	set(e, "port", int64(8883))
	set(e, "tls", true)
	set(e, "client_certificate", true) // AWS IoT data endpoints authenticate devices with X.509 by default
	if tc := b.child("tls_config"); tc != nil {
		if p, ok := str(tc, "security_policy"); ok {
			set(e, "tls_policy", p)
			if v, ok := minTLSFromIoTPolicy(p); ok {
				set(e, "min_tls_version", v)
			}
		}
	}
	set(e, "public", true)
	location(m, r, e)
	return []*collectors.Fact{e}
}

var (
	iotPolicyRe = regexp.MustCompile(`IoTSecurityPolicy_TLS(\d)(\d)_`)
	apiPolicyRe = regexp.MustCompile(`TLS\d*_1_(\d)`)
)

// minTLSFromIoTPolicy reads the minimum TLS version of an AWS IoT security
// policy (IoTSecurityPolicy_TLS12_1_2_2022_10 → "1.2").
func minTLSFromIoTPolicy(p string) (string, bool) {
	if mm := iotPolicyRe.FindStringSubmatch(p); mm != nil {
		return mm[1] + "." + mm[2], true
	}
	return "", false
}

// cloudFrontTLS maps CloudFront's minimum_protocol_version to a TLS version.
var cloudFrontTLS = map[string]string{
	"SSLv3": "ssl3", "TLSv1": "1.0", "TLSv1_2016": "1.0", "TLSv1.1_2016": "1.1",
	"TLSv1.2_2018": "1.2", "TLSv1.2_2019": "1.2", "TLSv1.2_2021": "1.2", "TLSv1.3_2025": "1.3",
}

func mapCloudFront(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindEndpoint, "")
	set(f, "protocol", "https")
	set(f, "tls", true)
	set(f, "public", true)
	vc := b.child("viewer_certificate")
	if def, ok := asBool(vc.get("cloudfront_default_certificate").v); ok && def {
		set(f, "min_tls_version", "1.0") // the *.cloudfront.net certificate accepts TLSv1
		set(f, "certificate", true)
	} else if v, ok := str(vc, "minimum_protocol_version"); ok {
		set(f, "tls_policy", v)
		if t := cloudFrontTLS[v]; t != "" {
			set(f, "min_tls_version", t)
		} else {
			f.SetUnknown("min_tls_version")
		}
		f.SetLine("min_tls_version", vc.get("minimum_protocol_version").line)
		set(f, "certificate", vc.get("acm_certificate_arn").present || vc.get("iam_certificate_id").present)
	} else if vc != nil && !vc.get("minimum_protocol_version").present {
		set(f, "min_tls_version", "1.0") // TLSv1 is the provider's default
		set(f, "certificate", vc.get("acm_certificate_arn").present || vc.get("iam_certificate_id").present)
	} else {
		f.SetUnknown("min_tls_version")
	}
	if p, ok := str(b.child("default_cache_behavior"), "viewer_protocol_policy"); ok {
		set(f, "viewer_protocol_policy", p)
		set(f, "redirects_to_tls", p == "redirect-to-https")
		set(f, "plaintext_allowed", p == "allow-all")
		f.SetLine("redirects_to_tls", b.child("default_cache_behavior").get("viewer_protocol_policy").line)
	}
	set(f, "location.provider", "aws")
	set(f, "location.region", "global")
	return []*collectors.Fact{f}
}

func mapAPIGatewayDomain(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindEndpoint, "")
	set(f, "protocol", "https")
	set(f, "tls", true)
	set(f, "certificate", true)
	set(f, "public", true)
	src := b
	if r.typ == "aws_apigatewayv2_domain_name" {
		src = b.child("domain_name_configuration")
	}
	p, ok := str(src, "security_policy")
	switch {
	case ok:
		set(f, "tls_policy", p)
		if t, ok := tlsVersion(p); ok {
			set(f, "min_tls_version", t)
		} else if mm := apiPolicyRe.FindStringSubmatch(p); mm != nil {
			set(f, "min_tls_version", "1."+mm[1])
		} else {
			f.SetUnknown("min_tls_version")
		}
		f.SetLine("min_tls_version", src.get("security_policy").line)
	case src.get("security_policy").present:
		f.SetUnknown("min_tls_version")
	default:
		set(f, "min_tls_version", "1.2") // TLS_1_2 is the provider's default
	}
	location(m, r, f)
	return []*collectors.Fact{f}
}

func mapNetworkACL(m *module, r *resource) []*collectors.Fact {
	var out []*collectors.Fact
	for _, dir := range []string{"ingress", "egress"} {
		for i, rule := range r.body.children(dir) {
			f := blockFact(r, rule, collectors.KindFirewallRule, fmt.Sprintf("%s.%s[%d]", r.addr, dir, i))
			set(f, "group", r.addr)
			set(f, "direction", dir)
			naclRule(f, rule, "action", "cidr_block", "ipv6_cidr_block")
			location(m, r, f)
			out = append(out, f)
		}
	}
	return out
}

func mapNetworkACLRule(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindFirewallRule, "")
	if a := b.attr("network_acl_id"); a != nil {
		if refs := a.refs(); len(refs) > 0 {
			set(f, "group", m.prefix+refs[0])
		}
	}
	if eg, ok := asBool(b.get("egress").v); ok && eg {
		set(f, "direction", "egress")
	} else {
		set(f, "direction", "ingress")
	}
	naclRule(f, b, "rule_action", "cidr_block", "ipv6_cidr_block")
	location(m, r, f)
	return []*collectors.Fact{f}
}

// naclRule reads a network ACL entry.
func naclRule(f *collectors.Fact, b *block, actionAttr string, cidrAttrs ...string) {
	if a, ok := str(b, actionAttr); ok {
		set(f, "action", strings.ToLower(a))
	} else {
		f.SetUnknown("action")
	}
	read(f, "rule_number", b, "rule_no", toInt, absentOmit, nil)
	read(f, "rule_number", b, "rule_number", toInt, absentOmit, nil)
	read(f, "protocol", b, "protocol", toString, absentUnknown, nil)
	ports(f, b)
	var cidrs []string
	unknown := false
	for _, n := range cidrAttrs {
		if s, ok := str(b, n); ok && s != "" {
			cidrs = append(cidrs, s)
			f.SetLine("sources", b.get(n).line)
		} else if b.get(n).present && !b.get(n).known {
			unknown = true
		}
	}
	sources(f, cidrs, unknown, false)
	if f.Attrs["action"] == "deny" {
		set(f, "internet_exposed", false)
		clearUnknown(f, "internet_exposed")
	}
}

func mapWAF(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindDetection, "")
	set(f, "service", "waf")
	set(f, "enabled", true)
	managed := false
	for _, rule := range b.children("rule") {
		if rule.child("statement").child("managed_rule_group_statement") != nil {
			managed = true
		}
	}
	set(f, "intrusion_detection", managed)
	read(f, "scope", b, "scope", toString, absentOmit, nil)
	location(m, r, f)
	return []*collectors.Fact{f}
}

func mapNetworkFirewallPolicy(m *module, r *resource) []*collectors.Fact {
	f := newFact(r, collectors.KindDetection, "")
	set(f, "service", "network_firewall")
	set(f, "enabled", true)
	fp := r.body.child("firewall_policy")
	set(f, "intrusion_detection", len(fp.children("stateful_rule_group_reference")) > 0)
	location(m, r, f)
	return []*collectors.Fact{f}
}

// literalSuffix returns the literal text that ends a string template
// ("${local.prefix}/AdministratorAccess" → "/AdministratorAccess").
func literalSuffix(a *attr) (string, bool) {
	if a == nil {
		return "", false
	}
	t, ok := a.expr.(*hclsyntax.TemplateExpr)
	if !ok || len(t.Parts) == 0 {
		return "", false
	}
	lit, ok := t.Parts[len(t.Parts)-1].(*hclsyntax.LiteralValueExpr)
	if !ok || lit.Val.Type() != cty.String || lit.Val.IsNull() {
		return "", false
	}
	return lit.Val.AsString(), true
}

func init() {
	awsMappers["aws_instance"] = mapInstanceVolumes
}

// mapInstanceVolumes reads the EBS volumes an EC2 instance creates with it
// (root and additional block devices): unencrypted unless set, or unless
// aws_ebs_encryption_by_default is on (linked later).
func mapInstanceVolumes(m *module, r *resource) []*collectors.Fact {
	var out []*collectors.Fact
	if r.body.child("root_block_device") == nil {
		// The root volume exists anyway; its encryption comes from the AMI's snapshot.
		f := newFact(r, collectors.KindDatastore, r.addr+".root_block_device[0]")
		set(f, "class", "block_storage")
		tags(f, r.body)
		f.SetUnknown("encrypted_at_rest")
		set(f, "multi_az", false)
		location(m, r, f)
		out = append(out, f)
	}
	for _, typ := range []string{"root_block_device", "ebs_block_device"} {
		for i, d := range r.body.children(typ) {
			f := blockFact(r, d, collectors.KindDatastore, fmt.Sprintf("%s.%s[%d]", r.addr, typ, i))
			set(f, "class", "block_storage")
			tags(f, r.body)
			if d.dynamic {
				set(f, "dynamic", true)
			}
			read(f, "encrypted_at_rest", d, "encrypted", toBool, absentDefault, false)
			present(f, "kms_key", d, "kms_key_id")
			set(f, "multi_az", false)
			location(m, r, f)
			out = append(out, f)
		}
	}
	return out
}
