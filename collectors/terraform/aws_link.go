package terraform

import (
	"slices"
	"strings"

	"github.com/zclconf/go-cty/cty"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/internal/schedule"
)

func init() {
	awsMappers["aws_db_instance"] = withPatching(mapDBInstance)
	awsMappers["aws_rds_cluster"] = withPatching(mapRDSCluster)
	awsMappers["aws_rds_cluster_instance"] = withPatching(func(*module, *resource) []*collectors.Fact { return nil })
}

// withPatching adds the patching fact of a database: minor engine versions
// are upgraded automatically unless auto_minor_version_upgrade = false.
func withPatching(mp mapper) mapper {
	return func(m *module, r *resource) []*collectors.Fact {
		out := mp(m, r)
		p := newFact(r, collectors.KindPatching, "")
		read(p, "auto_update", r.body, "auto_minor_version_upgrade", toBool, absentDefault, true)
		read(p, "maintenance_window", r.body, "preferred_maintenance_window", toString, absentOmit, nil)
		read(p, "maintenance_window", r.body, "maintenance_window", toString, absentOmit, nil)
		location(m, r, p)
		return append(out, p)
	}
}

// linkAWSMore links resources that configure others from outside: the S3
// bucket's versioning, object lock, lifecycle, replication and public access
// block; CloudTrail's bucket; backup vault locks; GuardDuty features; RDS
// read replicas; EBS encryption by default.
func linkAWSMore(m *module, byAddr map[string]*collectors.Fact, byType map[string][]*collectors.Fact) {
	bucketByName := map[string]*collectors.Fact{}
	for _, f := range byType["aws_s3_bucket"] {
		if n, ok := f.Attrs["name"].(string); ok {
			bucketByName[n] = f
		}
	}
	bucket := func(r *resource, name string) *collectors.Fact {
		if f := refFact(r.body.attr(name), byAddr); f != nil {
			return f
		}
		if s, ok := str(r.body, name); ok {
			return bucketByName[s]
		}
		return nil
	}
	// Backup rules whose vault is known record it, for vault locks. The
	// rules' facts by plan and line: looked up per rule, not scanned (a
	// module of thousands of plans was quadratic, BenchmarkLinks).
	type planRule struct {
		plan any
		line int
	}
	ruleFacts := map[planRule][]*collectors.Fact{}
	for _, f := range byType["aws_backup_plan"] {
		k := planRule{f.Attrs["plan"], f.Source.Line}
		ruleFacts[k] = append(ruleFacts[k], f)
	}
	for _, r := range m.resources {
		if r.typ != "aws_backup_plan" {
			continue
		}
		for _, rule := range r.body.children("rule") {
			vault := refResource(m, rule.attr("target_vault_name"))
			if vault == nil {
				continue
			}
			for _, f := range ruleFacts[planRule{r.addr, rule.rng.Start.Line}] {
				set(f, "vault", vault.addr)
			}
		}
	}
	// Inline lifecycle rules and versioning (AWS provider v3 style).
	for _, r := range m.resources {
		if r.typ != "aws_s3_bucket" {
			continue
		}
		f := byAddr[r.local]
		if f == nil {
			continue
		}
		if v := r.body.child("versioning"); v != nil {
			read(f, "versioning", v, "enabled", toBool, absentDefault, false)
		}
		lifecycleExpiration(f, r.body.children("lifecycle_rule"), "enabled")
	}
	for _, r := range m.resources {
		switch r.typ {
		case "aws_s3_bucket_versioning":
			f := bucket(r, "bucket")
			if f == nil {
				continue
			}
			vc := r.body.child("versioning_configuration")
			if s, ok := str(vc, "status"); ok {
				set(f, "versioning", s == "Enabled")
				f.SetLine("versioning", vc.get("status").line)
			} else {
				f.SetUnknown("versioning")
			}
		case "aws_s3_bucket_object_lock_configuration":
			f := bucket(r, "bucket")
			if f == nil {
				continue
			}
			set(f, "object_lock", true)
			f.SetLine("object_lock", r.body.rng.Start.Line)
			if dr := r.body.child("rule").child("default_retention"); dr != nil {
				read(f, "object_lock_mode", dr, "mode", toString, absentOmit, nil)
			}
		case "aws_s3_bucket_lifecycle_configuration":
			if f := bucket(r, "bucket"); f != nil {
				lifecycleExpiration(f, r.body.children("rule"), "status")
			}
		case "aws_s3_bucket_replication_configuration":
			f := bucket(r, "bucket")
			if f == nil {
				continue
			}
			set(f, "replicas", 1)
			for _, rule := range r.body.children("rule") {
				dest := rule.child("destination")
				df := refFact(dest.attr("bucket"), byAddr)
				if df == nil {
					f.SetUnknown("cross_region_replica")
					continue
				}
				crossRegion(f, df)
			}
		case "aws_s3_bucket_public_access_block":
			f := bucket(r, "bucket")
			if f == nil {
				continue
			}
			all := true
			for _, n := range []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"} {
				if v, ok := asBool(r.body.get(n).v); !ok || !v {
					all = false
				}
			}
			if all {
				set(f, "public", false)
				f.SetLine("public", r.body.rng.Start.Line)
			}
		case "aws_backup_vault_lock_configuration":
			vault := refResource(m, r.body.attr("backup_vault_name"))
			if vault == nil {
				continue
			}
			mode := "governance"
			if r.body.get("changeable_for_days").present {
				mode = "compliance"
			}
			for _, f := range byType["aws_backup_plan"] {
				if f.Attrs["vault"] == vault.addr {
					set(f, "immutable", true)
					set(f, "lock_mode", mode)
				}
			}
		case "aws_guardduty_detector_feature":
			det := refFact(r.body.attr("detector_id"), byAddr)
			name, _ := str(r.body, "name")
			status, _ := str(r.body, "status")
			if det != nil && name == "EBS_MALWARE_PROTECTION" {
				set(det, "malware_protection", status == "ENABLED")
				det.SetLine("malware_protection", r.body.rng.Start.Line)
			}
		case "aws_db_instance":
			src := refFact(r.body.attr("replicate_source_db"), byAddr)
			f := byAddr[r.local]
			if src == nil || f == nil {
				continue
			}
			n, _ := src.Attrs["replicas"].(int)
			set(src, "replicas", n+1)
			crossRegion(src, f)
			set(f, "replica_of", src.ID)
			if enc, ok := src.Attrs["encrypted_at_rest"].(bool); ok && slices.Contains(f.Unknown, "attrs.encrypted_at_rest") {
				set(f, "encrypted_at_rest", enc)
				clearUnknown(f, "encrypted_at_rest")
			}
		case "aws_lb_listener", "aws_alb_listener":
			f := byAddr[r.local]
			cert := refResource(m, r.body.attr("certificate_arn"))
			if cert != nil && cert.typ == "aws_acm_certificate_validation" {
				cert = refResource(m, cert.body.attr("certificate_arn"))
			}
			if f != nil && cert != nil {
				set(f, "certificate_id", cert.addr)
			}
		case "aws_lb_listener_certificate":
			if f := refFact(r.body.attr("listener_arn"), byAddr); f != nil && f.Kind == collectors.KindEndpoint {
				set(f, "certificate", true)
			}
		case "aws_rds_cluster_instance":
			// Each instance beyond the writer is an Aurora replica of its cluster.
			c := refFact(r.body.attr("cluster_identifier"), byAddr)
			if c == nil || c.Kind != collectors.KindDatastore {
				continue
			}
			n, _ := c.Attrs["instances"].(int)
			set(c, "instances", n+1)
			set(c, "replicas", n) // the first instance is the writer
			if r.unknownCount {
				c.SetUnknown("replicas")
			}
		case "aws_ebs_encryption_by_default":
			if on, ok := asBool(r.body.get("enabled").v); ok && on || !r.body.get("enabled").present {
				for _, f := range slices.Concat(byType["aws_ebs_volume"], byType["aws_instance"]) {
					if f.Lines["encrypted_at_rest"] == 0 {
						set(f, "encrypted_at_rest", true)
						clearUnknown(f, "encrypted_at_rest")
						set(f, "encryption_default", r.addr)
					}
				}
			}
		case "aws_cloudtrail", "aws_lb", "aws_alb", "aws_s3_bucket_logging", "aws_flow_log":
			linkLogs(m, r, byAddr, func(r *resource, a *attr) *collectors.Fact {
				if f := refFact(a, byAddr); f != nil {
					return f
				}
				if a != nil && a.val.IsKnown() && a.val.Type() == cty.String && !a.val.IsNull() {
					return bucketByName[a.val.AsString()]
				}
				return nil
			})
		}
	}
}

// lifecycleExpiration records how long objects are kept under the bucket's
// lifecycle rules: the shortest enabled expiration, or forever when none expires.
func lifecycleExpiration(f *collectors.Fact, rules []*block, enabledAttr string) {
	if len(rules) == 0 {
		if _, ok := f.Attrs["retention_seconds"]; !ok {
			set(f, "retention_forever", true)
		}
		return
	}
	best := int64(-1)
	for _, rule := range rules {
		on := true
		if v := rule.get(enabledAttr); v.known {
			switch x := v.v.(type) {
			case bool:
				on = x
			case string:
				on = x == "Enabled"
			}
		}
		if !on {
			continue
		}
		for _, e := range rule.children("expiration") {
			if n, ok := asInt(e.get("days").v); ok && n > 0 && (best < 0 || n < best) {
				best = n
				f.SetLine("retention_seconds", e.get("days").line)
			}
		}
	}
	if best > 0 {
		set(f, "retention_seconds", best*schedule.Day)
		delete(f.Attrs, "retention_forever")
	} else {
		set(f, "retention_forever", true)
	}
}

// crossRegion records whether a copy lives in another region than the original.
func crossRegion(orig, cp *collectors.Fact) {
	r1 := regionAttr(orig)
	r2 := regionAttr(cp)
	if r1 == "" || r2 == "" {
		orig.SetUnknown("cross_region_replica")
		return
	}
	cross := r1 != r2
	if prev, ok := orig.Attrs["cross_region_replica"].(bool); ok && prev {
		cross = true
	}
	set(orig, "cross_region_replica", cross)
	orig.Unknown = slices.DeleteFunc(orig.Unknown, func(s string) bool { return s == "attrs.cross_region_replica" })
	if cross {
		set(orig, "replica_region", strings.ToLower(r2))
	}
}

func regionAttr(f *collectors.Fact) string {
	loc, _ := f.Attrs["location"].(map[string]any)
	s, _ := loc["region"].(string)
	return s
}
