package cloudexport

import (
	"regexp"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/internal/schedule"
)

var logCategories = []struct {
	re  *regexp.Regexp
	cat string
}{
	{regexp.MustCompile(`(?i)flow`), "flow"},
	{regexp.MustCompile(`(?i)cloudtrail|audit`), "audit"},
	{regexp.MustCompile(`(?i)access|waf|alb|elb|cloudfront|api-?gateway`), "access"},
	{regexp.MustCompile(`(?i)security|guardduty|securityhub`), "security"},
}

// logGroup maps a CloudWatch Logs log group.
func (b *builder) logGroup(r jv, region string) {
	name := r.get("logGroupName")
	id := strings.TrimSuffix(r.get("arn").str(), ":*")
	if id == "" {
		id = "log-group:" + name.str()
	}
	f := b.fact(collectors.KindLog, "aws", "aws_cloudwatch_log_group", id, r)
	set(f, "store", "cloudwatch_logs", jv{})
	set(f, "name", name.str(), name)
	cat := "system"
	for _, c := range logCategories {
		if c.re.MatchString(name.str()) {
			cat = c.cat
			break
		}
	}
	set(f, "category", cat, name)
	ret := r.get("retentionInDays")
	switch days, ok := ret.int(); {
	case !ret.present() || ok && days == 0:
		set(f, "retention_forever", true, ret) // no retention: kept forever
	case ok:
		set(f, "retention_seconds", days*schedule.Day, ret)
	default:
		unknown(f, "retention_seconds", ret)
	}
	if k := r.get("kmsKeyId"); k.str() != "" {
		set(f, "encrypted", true, k)
	}
	set(f, "tamper_protection", false, jv{})
	location(f, "aws", region, jv{})
}

// trail maps a CloudTrail trail.
func (b *builder) trail(r jv, region string) {
	id := r.get("TrailARN").str()
	if id == "" {
		id = "trail:" + r.get("Name").str()
	}
	if region == "" {
		region = arnRegion(id)
	}
	f := b.fact(collectors.KindLog, "aws", "aws_cloudtrail", id, r)
	set(f, "store", "cloudtrail", jv{})
	set(f, "name", r.get("Name").str(), r.get("Name"))
	set(f, "category", "audit", jv{})
	boolAttr(f, "multi_region", r.get("IsMultiRegionTrail"), false)
	v := r.get("LogFileValidationEnabled")
	if on, ok := v.bool(); ok && on {
		set(f, "tamper_protection", true, v)
		set(f, "tamper_mechanism", "log_file_validation", v)
	} else {
		set(f, "tamper_protection", false, v)
	}
	set(f, "encrypted", true, jv{}) // SSE-S3 in the bucket at least
	if k := r.get("KmsKeyId"); k.str() != "" {
		set(f, "kms_key", true, k)
	} else {
		set(f, "kms_key", false, jv{})
	}
	if bk := r.get("S3BucketName"); bk.str() != "" {
		set(f, "bucket", bk.str(), bk)
	}
	f.SetUnknown("retention_seconds") // the bucket's lifecycle decides
	location(f, "aws", region, jv{})
}
