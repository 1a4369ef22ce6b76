package cloudexport

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/internal/schedule"
)

// aws maps an AWS CLI output or AWS Config file by its top-level keys.
func (b *builder) aws(root jv) {
	found := false
	for _, r := range root.get("DBInstances").list() {
		b.dbInstance(r, tagList(r.get("TagList")), arnRegion(r.get("DBInstanceArn").str()))
		found = true
	}
	for _, r := range root.get("DBClusters").list() {
		b.dbCluster(r, tagList(r.get("TagList")), arnRegion(r.get("DBClusterArn").str()))
		found = true
	}
	if p := root.get("BackupPlan"); p.isMap() {
		id := root.get("BackupPlanArn").str()
		b.backupPlan(p, id, arnRegion(id))
		found = true
	}
	if l := root.get("BackupPlansList"); l.present() {
		b.diags = append(b.diags, collectors.Diagnostic{File: b.file, Line: l.line(), Severity: collectors.SeverityInfo,
			Message: "backup list-backup-plans names plans but holds no rules; export aws backup get-backup-plan for each plan to read schedules and retention"})
		found = true
	}
	for _, r := range root.get("logGroups").list() {
		b.logGroup(r, arnRegion(r.get("arn").str()))
		found = true
	}
	for _, r := range root.get("SecurityGroups").list() {
		b.securityGroup(r, arnRegion(r.get("SecurityGroupArn").str()))
		found = true
	}
	for _, r := range root.get("trailList").list() {
		b.trail(r, r.get("HomeRegion").str())
		found = true
	}
	for _, r := range root.get("LoadBalancers").list() {
		if arn := r.get("LoadBalancerArn").str(); arn != "" {
			b.schemes[arn] = r.get("Scheme").str()
		}
		found = true
	}
	for _, r := range root.get("Listeners").list() {
		b.listener(r, "")
		found = true
	}
	for _, r := range root.get("Volumes").list() {
		b.volume(r, tagList(r.get("Tags")), "")
		found = true
	}
	for _, r := range root.get("MetricAlarms").list() {
		b.alarm(r, "")
		found = true
	}
	if root.get("FindingPublishingFrequency").present() {
		b.guardDuty(root, b.file+"#detector", "")
		found = true
	}
	if sse := root.get("ServerSideEncryptionConfiguration"); sse.isMap() {
		f := b.fact(collectors.KindDatastore, "aws", "aws_s3_bucket", b.file+"#bucket", root)
		set(f, "class", "object_storage", jv{})
		f.SetUnknown("name") // get-bucket-encryption output does not name the bucket
		s3Encryption(f, sse)
		location(f, "aws", "", jv{})
		found = true
	}
	found = b.awsConfig(root) || found
	if !found {
		b.diags = append(b.diags, collectors.Warnf(b.file, root.line(), "AWS export with no resource kaiji reads"))
	}
}

// tagList turns [{Key, Value}] into a map.
func tagList(l jv) map[string]any {
	if !l.present() {
		return nil
	}
	if l.isMap() { // AWS Config: tags as a map
		m := map[string]any{}
		for k, v := range l.v.(map[string]any) {
			m[k] = v
		}
		return m
	}
	m := map[string]any{}
	for _, t := range l.list() {
		m[t.get("Key").str()] = t.get("Value").str()
	}
	return m
}

// awsBackupDefaultSchedule is AWS Backup's schedule when a rule sets none (AWS documentation).
const awsBackupDefaultSchedule = "cron(0 5 ? * * *)"

// backupPlan maps the rules of a backup plan (get-backup-plan, or an AWS
// Config item whose rules are under BackupPlanRule).
func (b *builder) backupPlan(p jv, id, region string) {
	name := p.get("BackupPlanName").str()
	if id == "" {
		id = "backup-plan:" + name
	}
	rules := p.get("Rules").list()
	if len(rules) == 0 {
		rules = p.get("BackupPlanRule").list()
	}
	for i, rule := range rules {
		rname := rule.get("RuleName").str()
		if rname == "" {
			rname = fmt.Sprint(i)
		}
		f := b.fact(collectors.KindBackup, "aws", "aws_backup_plan", fmt.Sprintf("%s.rule[%q]", id, rname), rule)
		set(f, "plan", id, jv{})
		set(f, "rule", rname, rule.get("RuleName"))
		expr := awsBackupDefaultSchedule
		sv := rule.get("ScheduleExpression")
		if sv.str() != "" {
			expr = sv.str()
		}
		set(f, "schedule", expr, sv)
		var interval int64
		if sec, err := schedule.MaxInterval(expr, schedule.AWS); err == nil {
			interval = sec
			set(f, "interval_seconds", sec, sv)
		} else {
			unknown(f, "interval_seconds", sv)
			b.diags = append(b.diags, collectors.Warnf(b.file, sv.line(), "backup rule %s: schedule not understood: %v", rname, err))
		}
		var retention int64
		del := rule.at("Lifecycle", "DeleteAfterDays")
		switch days, ok := del.int(); {
		case ok && days > 0:
			retention = days * schedule.Day
			set(f, "retention_seconds", retention, del)
		case del.present():
			unknown(f, "retention_seconds", del)
		default:
			set(f, "retention_forever", true, jv{})
		}
		switch {
		case interval > 0 && retention > 0:
			set(f, "generations", retention/interval, del)
		case f.Attrs["retention_forever"] == true:
			set(f, "generations_unbounded", true, jv{})
		default:
			f.SetUnknown("generations")
		}
		var copies []any
		for _, ca := range rule.get("CopyActions").list() {
			if d := ca.get("DestinationBackupVaultArn").str(); d != "" {
				copies = append(copies, d)
			}
		}
		if len(copies) > 0 {
			set(f, "copy_destinations", copies, rule.get("CopyActions"))
		}
		if v := rule.get("TargetBackupVaultName"); v.str() != "" {
			set(f, "vault", v.str(), v)
		}
		f.SetUnknown("targets") // selections are separate (list-backup-selections)
		location(f, "aws", region, jv{})
	}
}

// securityGroup maps each permission of a security group to a rule.
func (b *builder) securityGroup(r jv, region string) {
	gid := r.get("GroupId").str()
	for _, dir := range []struct{ key, name string }{{"IpPermissions", "ingress"}, {"IpPermissionsEgress", "egress"}} {
		for i, p := range r.get(dir.key).list() {
			f := b.fact(collectors.KindFirewallRule, "aws", "aws_security_group", fmt.Sprintf("%s.%s[%d]", gid, dir.name, i), p)
			set(f, "group", gid, r.get("GroupId"))
			set(f, "direction", dir.name, jv{})
			set(f, "action", "allow", jv{})
			proto := strings.ToLower(p.get("IpProtocol").str())
			if proto == "-1" {
				set(f, "protocol", "all", p.get("IpProtocol"))
				set(f, "from_port", int64(0), jv{})
				set(f, "to_port", int64(65535), jv{})
			} else {
				set(f, "protocol", proto, p.get("IpProtocol"))
				for _, k := range []struct{ key, attr string }{{"FromPort", "from_port"}, {"ToPort", "to_port"}} {
					if n, ok := p.get(k.key).int(); ok {
						set(f, k.attr, n, p.get(k.key))
					} else {
						unknown(f, k.attr, p.get(k.key))
					}
				}
			}
			var cidrs []string
			ranges := p.get("Ipv4Ranges") // AWS Config
			if !ranges.present() {
				ranges = p.get("IpRanges")
			}
			for _, x := range ranges.list() {
				if s := x.str(); s != "" {
					cidrs = append(cidrs, s)
				} else if s := x.get("CidrIp").str(); s != "" {
					cidrs = append(cidrs, s)
				}
			}
			for _, x := range p.get("Ipv6Ranges").list() {
				if s := x.get("CidrIpv6").str(); s != "" {
					cidrs = append(cidrs, s)
				}
			}
			other := len(p.get("UserIdGroupPairs").list()) > 0 || len(p.get("PrefixListIds").list()) > 0
			sources(f, cidrs, other, p)
			location(f, "aws", region, jv{})
		}
	}
}

// sources records a rule's CIDR sources and whether one is the whole internet.
func sources(f *collectors.Fact, cidrs []string, other bool, at jv) {
	slices.Sort(cidrs)
	cidrs = slices.Compact(cidrs)
	list := make([]any, len(cidrs))
	exposed := false
	for i, c := range cidrs {
		list[i] = c
		switch c {
		case "0.0.0.0/0", "::/0", "*", "Internet", "internet":
			exposed = true
		}
	}
	set(f, "sources", list, at)
	if other {
		set(f, "source_groups", true, at)
	}
	set(f, "internet_exposed", exposed, at)
}

// guardDuty maps a GuardDuty detector (get-detector output or AWS Config).
func (b *builder) guardDuty(r jv, id, region string) {
	f := b.fact(collectors.KindDetection, "aws", "aws_guardduty_detector", id, r)
	set(f, "service", "guardduty", jv{})
	set(f, "managed", true, jv{})
	st := r.get("Status")
	on := strings.EqualFold(st.str(), "ENABLED")
	if e, ok := r.get("Enable").bool(); ok { // AWS Config
		on, st = e, r.get("Enable")
	}
	set(f, "enabled", on, st)
	set(f, "intrusion_detection", on, st)
	malware, at := false, jv{}
	for _, ft := range r.get("Features").list() {
		if ft.get("Name").str() == "EBS_MALWARE_PROTECTION" && strings.EqualFold(ft.get("Status").str(), "ENABLED") {
			malware, at = true, ft
		}
	}
	ebs := r.at("DataSources", "MalwareProtection", "ScanEc2InstanceWithFindings", "EbsVolumes")
	if s := ebs.get("Status"); strings.EqualFold(s.str(), "ENABLED") {
		malware, at = true, s
	}
	set(f, "malware_protection", on && malware, at)
	location(f, "aws", region, jv{})
}

// s3Encryption reads a bucket's default encryption rules.
func s3Encryption(f *collectors.Fact, sse jv) {
	rules := sse.get("Rules").list()
	if len(rules) == 0 {
		// Since January 2023 S3 encrypts every new object with SSE-S3 (AWS documentation).
		set(f, "encrypted_at_rest", true, jv{})
		set(f, "encryption", "platform_default", jv{})
		return
	}
	def := rules[0].get("ApplyServerSideEncryptionByDefault")
	alg := def.get("SSEAlgorithm")
	set(f, "encrypted_at_rest", alg.str() != "", alg)
	set(f, "encryption", alg.str(), alg)
	if k := def.get("KMSMasterKeyID"); k.str() != "" {
		set(f, "kms_key", true, k)
	}
}
