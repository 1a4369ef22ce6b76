package terraform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/internal/schedule"
)

// googleMappers turns google (and google-beta) resources into facts.
var googleMappers = map[string]mapper{
	"google_sql_database_instance":          mapGoogleSQL,
	"google_storage_bucket":                 mapGoogleBucket,
	"google_compute_disk":                   mapGoogleDisk,
	"google_compute_region_disk":            mapGoogleDisk,
	"google_compute_resource_policy":        mapGoogleResourcePolicy,
	"google_backup_dr_backup_plan":          mapGoogleBackupDRPlan,
	"google_compute_firewall":               mapGoogleFirewall,
	"google_logging_project_bucket_config":  mapGoogleLogBucket,
	"google_compute_target_https_proxy":     mapGoogleHTTPSProxy,
	"google_monitoring_uptime_check_config": mapGoogleUptime,
	"google_monitoring_alert_policy":        mapGoogleAlertPolicy,
	"google_cloud_ids_endpoint":             mapGoogleIDS,
	"google_project_iam_member":             mapGoogleIAM,
	"google_project_iam_binding":            mapGoogleIAM,
	"google_organization_iam_member":        mapGoogleIAM,
	"google_organization_iam_binding":       mapGoogleIAM,
	"google_container_cluster":              mapGoogleGKE,
}

func gLocation(m *module, r *resource, f *collectors.Fact) {
	regionOf(m, r, f, lower, "region", "location")
}

func mapGoogleSQL(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindDatastore, "")
	set(f, "class", "database")
	read(f, "engine", b, "database_version", toString, absentOmit, nil)
	read(f, "name", b, "name", toString, absentOmit, nil)
	// Cloud SQL always encrypts at rest; encryption_key_name adds a CMEK.
	set(f, "encrypted_at_rest", true)
	set(f, "encryption", "platform_default")
	present(f, "kms_key", b, "encryption_key_name")
	s := b.child("settings")
	if v := s.get("user_labels"); v.known {
		if t, ok := v.v.(map[string]any); ok {
			set(f, "tags", t)
		}
	}
	if at, ok := str(s, "availability_type"); ok {
		set(f, "multi_az", at == "REGIONAL")
		f.SetLine("multi_az", s.get("availability_type").line)
	} else if s.get("availability_type").present {
		f.SetUnknown("multi_az")
	} else {
		set(f, "multi_az", false) // ZONAL by default
	}
	if v := b.get("master_instance_name"); v.present {
		set(f, "replica_of", true)
	}
	bc := s.child("backup_configuration")
	set(f, "backup.kind", "automated")
	switch v := bc.get("enabled"); {
	case v.known:
		on, _ := asBool(v.v)
		set(f, "backup.enabled", on)
		f.SetLine("backup.enabled", v.line)
		if on {
			// Automated backups run daily; 7 are retained unless set.
			set(f, "backup.interval_seconds", int64(schedule.Day))
			n := int64(7)
			rs := bc.child("backup_retention_settings")
			if rv := rs.get("retained_backups"); rv.known {
				n, _ = asInt(rv.v)
				f.SetLine("backup.generations", rv.line)
			} else if rv.present {
				f.SetUnknown("backup.generations")
				n = 0
			}
			if n > 0 {
				set(f, "backup.generations", n)
				set(f, "backup.retention_seconds", n*schedule.Day)
			}
			read(f, "backup.point_in_time_recovery", bc, "point_in_time_recovery_enabled", toBool, absentDefault, false)
		}
	case v.present:
		f.SetUnknown("backup.enabled")
	default:
		set(f, "backup.enabled", false)
	}
	ip := s.child("ip_configuration")
	read(f, "public", ip, "ipv4_enabled", toBool, absentDefault, true)
	gLocation(m, r, f)
	out := []*collectors.Fact{f}

	// The instance's connections: ssl_mode (or the older require_ssl).
	e := newFact(r, collectors.KindEndpoint, r.addr+"#endpoint")
	set(e, "protocol", "sql")
	mode, ok := str(ip, "ssl_mode")
	switch {
	case ok:
		set(e, "tls", mode != "ALLOW_UNENCRYPTED_AND_ENCRYPTED")
		set(e, "client_certificate", mode == "TRUSTED_CLIENT_CERTIFICATE_REQUIRED")
		e.SetLine("tls", ip.get("ssl_mode").line)
	case ip.get("require_ssl").known:
		req, _ := asBool(ip.get("require_ssl").v)
		set(e, "tls", req)
		e.SetLine("tls", ip.get("require_ssl").line)
	case ip.get("ssl_mode").present || ip.get("require_ssl").present:
		e.SetUnknown("tls")
	default:
		set(e, "tls", false) // unencrypted connections are accepted by default
	}
	copyAttr(f, e, "public")
	gLocation(m, r, e)
	out = append(out, e)

	// Authorized networks are the instance's ingress allow list.
	for i, an := range ip.children("authorized_networks") {
		rf := blockFact(r, an, collectors.KindFirewallRule, fmt.Sprintf("%s.authorized_networks[%d]", r.addr, i))
		set(rf, "group", r.addr)
		set(rf, "direction", "ingress")
		set(rf, "action", "allow")
		set(rf, "protocol", "tcp")
		var srcs []string
		unknown := false
		if v, ok := str(an, "value"); ok {
			srcs = append(srcs, v)
			rf.SetLine("sources", an.get("value").line)
		} else {
			unknown = true
		}
		sources(rf, srcs, unknown || an.dynamic, false)
		gLocation(m, r, rf)
		out = append(out, rf)
	}
	return out
}

func mapGoogleBucket(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindDatastore, "")
	set(f, "class", "object_storage")
	read(f, "name", b, "name", toString, absentOmit, nil)
	if v := b.get("labels"); v.known {
		if t, ok := v.v.(map[string]any); ok {
			set(f, "tags", t)
		}
	}
	set(f, "encrypted_at_rest", true)
	set(f, "encryption", "platform_default")
	present(f, "kms_key", b.child("encryption"), "default_kms_key_name")
	read(f, "versioning", b.child("versioning"), "enabled", toBool, absentDefault, false)
	rp := b.child("retention_policy")
	read(f, "object_lock", rp, "is_locked", toBool, absentDefault, false)
	if pap, ok := str(b, "public_access_prevention"); ok && strings.EqualFold(pap, "enforced") {
		set(f, "public", false)
		f.SetLine("public", b.get("public_access_prevention").line)
	} else {
		f.SetUnknown("public") // inherited: depends on the organization policy and IAM bindings
	}
	if loc, ok := str(b, "location"); ok {
		l := strings.ToLower(loc)
		set(f, "multi_az", true) // every Cloud Storage location stores data redundantly across zones
		set(f, "cross_region_replica", slices.Contains([]string{"asia", "eu", "us", "asia1", "eur4", "nam4"}, l) || strings.Contains(l, "+"))
	}
	gLocation(m, r, f)
	return []*collectors.Fact{f}
}

func mapGoogleDisk(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindDatastore, "")
	set(f, "class", "block_storage")
	read(f, "name", b, "name", toString, absentOmit, nil)
	set(f, "encrypted_at_rest", true)
	set(f, "encryption", "platform_default")
	if k := b.child("disk_encryption_key"); k != nil {
		present(f, "kms_key", k, "kms_key_self_link", "kms_key_name")
	}
	set(f, "multi_az", r.typ == "google_compute_region_disk")
	regionOf(m, r, f, zoneRegion, "region", "zone")
	return []*collectors.Fact{f}
}

// zoneRegion turns a zone (asia-northeast1-a) into its region.
func zoneRegion(s string) string {
	s = strings.ToLower(s)
	if i := strings.LastIndex(s, "-"); i > 0 && len(s)-i == 2 {
		return s[:i]
	}
	return s
}

func mapGoogleResourcePolicy(m *module, r *resource) []*collectors.Fact {
	b := r.body
	sp := b.child("snapshot_schedule_policy")
	if sp == nil {
		return nil
	}
	f := newFact(r, collectors.KindBackup, "")
	set(f, "plan", r.addr)
	read(f, "rule", b, "name", toString, absentOmit, nil)
	sch := sp.child("schedule")
	interval := int64(0)
	switch {
	case sch.child("hourly_schedule") != nil:
		h := sch.child("hourly_schedule")
		if n, ok := asInt(h.get("hours_in_cycle").v); ok {
			interval = n * schedule.Hour
			set(f, "schedule", fmt.Sprintf("every %d hours", n))
			f.SetLine("interval_seconds", h.get("hours_in_cycle").line)
		}
	case sch.child("daily_schedule") != nil:
		d := sch.child("daily_schedule")
		if n, ok := asInt(d.get("days_in_cycle").v); ok {
			interval = n * schedule.Day
			set(f, "schedule", fmt.Sprintf("every %d days", n))
			f.SetLine("interval_seconds", d.get("days_in_cycle").line)
		}
	case sch.child("weekly_schedule") != nil:
		w := sch.child("weekly_schedule")
		ds := w.children("day_of_weeks")
		if len(ds) > 0 && !slices.ContainsFunc(ds, func(x *block) bool { return x.dynamic }) {
			interval = maxWeeklyGap(ds)
			set(f, "schedule", "weekly")
		}
	}
	if interval > 0 {
		set(f, "interval_seconds", interval)
	} else {
		f.SetUnknown("interval_seconds")
	}
	rp := sp.child("retention_policy")
	n, ok := days(f, "retention_seconds", rp, "max_retention_days", absentUnknown, 0)
	if ok && interval > 0 {
		set(f, "generations", n*schedule.Day/interval)
		f.SetLine("generations", f.Lines["retention_seconds"])
	} else {
		f.SetUnknown("generations")
	}
	if props := sp.child("snapshot_properties"); props != nil {
		if locs, ok := strList(props, "storage_locations"); ok {
			list := make([]any, len(locs))
			for i, l := range locs {
				list[i] = strings.ToLower(l)
			}
			set(f, "copy_destinations", list)
		}
	}
	gLocation(m, r, f)
	return []*collectors.Fact{f}
}

var weekdays = map[string]int{"MONDAY": 0, "TUESDAY": 1, "WEDNESDAY": 2, "THURSDAY": 3, "FRIDAY": 4, "SATURDAY": 5, "SUNDAY": 6}

// maxWeeklyGap is the longest gap between the days of a weekly schedule.
func maxWeeklyGap(ds []*block) int64 {
	var days []string
	for _, d := range ds {
		if s, ok := str(d, "day"); ok {
			days = append(days, s)
		}
	}
	return weeklyGap(days)
}

func mapGoogleBackupDRPlan(m *module, r *resource) []*collectors.Fact {
	b := r.body
	var out []*collectors.Fact
	for i, rule := range b.children("backup_rules") {
		name := fmt.Sprint(i)
		if s, ok := str(rule, "rule_id"); ok {
			name = s
		}
		f := blockFact(r, rule, collectors.KindBackup, fmt.Sprintf("%s.backup_rules[%q]", r.addr, name))
		set(f, "plan", r.addr)
		set(f, "rule", name)
		n, rok := days(f, "retention_seconds", rule, "backup_retention_days", absentUnknown, 0)
		interval := int64(0)
		if ss := rule.child("standard_schedule"); ss != nil {
			rt, _ := str(ss, "recurrence_type")
			set(f, "schedule", rt)
			switch rt {
			case "HOURLY":
				if h, ok := asInt(ss.get("hourly_frequency").v); ok {
					interval = h * schedule.Hour
				}
			case "DAILY":
				interval = schedule.Day
			case "WEEKLY":
				interval = schedule.Week
			case "MONTHLY":
				interval = schedule.Month
			case "YEARLY":
				interval = schedule.Year
			}
		}
		if interval > 0 {
			set(f, "interval_seconds", interval)
		} else {
			f.SetUnknown("interval_seconds")
		}
		if rok && interval > 0 {
			set(f, "generations", n*schedule.Day/interval)
		} else {
			f.SetUnknown("generations")
		}
		gLocation(m, r, f)
		out = append(out, f)
	}
	return out
}

func mapGoogleFirewall(m *module, r *resource) []*collectors.Fact {
	b := r.body
	var out []*collectors.Fact
	dir := "ingress"
	if d, ok := str(b, "direction"); ok {
		dir = strings.ToLower(d)
	}
	disabled, _ := asBool(b.get("disabled").v)
	for _, action := range []string{"allow", "deny"} {
		for i, rule := range b.children(action) {
			f := blockFact(r, rule, collectors.KindFirewallRule, fmt.Sprintf("%s.%s[%d]", r.addr, action, i))
			set(f, "group", r.addr)
			set(f, "direction", dir)
			set(f, "action", action)
			if disabled {
				set(f, "disabled", true)
			}
			if p, ok := str(rule, "protocol"); ok {
				p = strings.ToLower(p)
				if p == "all" {
					set(f, "protocol", "all")
				} else {
					set(f, "protocol", p)
				}
			} else {
				f.SetUnknown("protocol")
			}
			ports, pok := strList(rule, "ports")
			switch {
			case rule.get("ports").present && !pok:
				f.SetUnknown("from_port")
				f.SetUnknown("to_port")
			case len(ports) == 0:
				set(f, "from_port", int64(0))
				set(f, "to_port", int64(65535))
			default:
				lo, hi, known := int64(65535), int64(0), true
				for _, p := range ports {
					a, z, ok := portRange(p)
					if !ok {
						known = false
					}
					lo, hi = min(lo, a), max(hi, z)
				}
				if known {
					set(f, "from_port", lo)
					set(f, "to_port", hi)
				} else {
					f.SetUnknown("from_port")
					f.SetUnknown("to_port")
				}
			}
			name := "source_ranges"
			if dir == "egress" {
				name = "destination_ranges"
			}
			srcs, sok := strList(b, name)
			if sok {
				f.SetLine("sources", b.get(name).line)
			}
			other := b.get("source_tags").present || b.get("source_service_accounts").present
			sources(f, srcs, b.get(name).present && !sok || rule.dynamic, other)
			if action == "deny" || disabled {
				set(f, "internet_exposed", false)
				clearUnknown(f, "internet_exposed")
			}
			set(f, "location.provider", "gcp")
			set(f, "location.region", "global")
			out = append(out, f)
		}
	}
	return out
}

func mapGoogleLogBucket(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindLog, "")
	set(f, "store", "cloud_logging")
	id, _ := str(b, "bucket_id")
	if id != "" {
		set(f, "name", id)
	}
	set(f, "category", logCategory(id))
	if id == "_Required" {
		set(f, "category", "audit") // admin activity and system event audit logs
	}
	if id == "_Required" {
		set(f, "retention_seconds", int64(400*schedule.Day)) // fixed by Cloud Logging
	} else {
		days(f, "retention_seconds", b, "retention_days", absentDefault, 30)
	}
	locked, ok := asBool(b.get("locked").v)
	set(f, "tamper_protection", ok && locked)
	if ok && locked {
		set(f, "tamper_mechanism", "bucket_lock")
		f.SetLine("tamper_protection", b.get("locked").line)
	}
	set(f, "encrypted", true)
	present(f, "kms_key", b.child("cmek_settings"), "kms_key_name")
	regionOf(m, r, f, lower, "location")
	return []*collectors.Fact{f}
}

// googleTLSDefault is the minimum TLS version of Google load balancers
// without an SSL policy.
const googleTLSDefault = "1.0"

func mapGoogleHTTPSProxy(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindEndpoint, "")
	set(f, "protocol", "https")
	set(f, "port", int64(443))
	set(f, "tls", true)
	present(f, "certificate", b, "ssl_certificates", "certificate_map", "certificate_manager_certificates")
	if !b.get("ssl_policy").present {
		set(f, "min_tls_version", googleTLSDefault)
	} else {
		f.SetUnknown("min_tls_version")
		f.SetLine("min_tls_version", b.get("ssl_policy").line)
	}
	f.SetUnknown("public")
	set(f, "location.provider", "gcp")
	set(f, "location.region", "global")
	return []*collectors.Fact{f}
}

func mapGoogleUptime(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindMonitor, "")
	set(f, "check", "uptime")
	if mr := b.child("monitored_resource"); mr != nil {
		if l := mr.get("labels"); l.known {
			if labels, ok := l.v.(map[string]any); ok && labels["host"] != nil {
				set(f, "target", labels["host"])
			}
		}
	}
	period := "300s"
	if s, ok := str(b, "period"); ok {
		period = s
		f.SetLine("interval_seconds", b.get("period").line)
	} else if b.get("period").present {
		period = ""
	}
	if sec, err := schedule.SecondsString(period); err == nil {
		set(f, "interval_seconds", sec)
	} else {
		f.SetUnknown("interval_seconds")
	}
	f.SetUnknown("notification") // alerting is a separate alert policy
	set(f, "location.provider", "gcp")
	set(f, "location.region", "global")
	return []*collectors.Fact{f}
}

func mapGoogleAlertPolicy(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindMonitor, "")
	set(f, "check", "metric_alarm")
	read(f, "target", b, "display_name", toString, absentOmit, nil)
	v := b.get("notification_channels")
	switch {
	case v.known:
		list, _ := v.v.([]any)
		set(f, "notification", len(list) > 0)
	case v.present:
		set(f, "notification", true) // channels referenced from other resources
	default:
		set(f, "notification", false)
	}
	f.SetLine("notification", v.line)
	for _, c := range b.children("conditions") {
		if ct := c.child("condition_threshold"); ct != nil {
			if d, ok := str(ct, "duration"); ok {
				if sec, err := schedule.SecondsString(d); err == nil {
					set(f, "interval_seconds", max(sec, 60))
				}
			}
		}
	}
	read(f, "enabled", b, "enabled", toBool, absentDefault, true)
	set(f, "location.provider", "gcp")
	set(f, "location.region", "global")
	return []*collectors.Fact{f}
}

func mapGoogleIDS(m *module, r *resource) []*collectors.Fact {
	f := newFact(r, collectors.KindDetection, "")
	set(f, "service", "cloud_ids")
	set(f, "managed", true)
	set(f, "enabled", true)
	set(f, "intrusion_detection", true)
	read(f, "severity", r.body, "severity", toString, absentOmit, nil)
	regionOf(m, r, f, zoneRegion, "location")
	return []*collectors.Fact{f}
}

// googleAdminRoles grant full administrative rights.
var googleAdminRoles = []string{"roles/owner", "roles/editor", "roles/iam.securityAdmin", "roles/resourcemanager.organizationAdmin"}

func mapGoogleIAM(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindIdentity, "")
	if s, ok := str(b, "member"); ok {
		set(f, "subject", s)
	} else if l, ok := strList(b, "members"); ok {
		set(f, "subject", strings.Join(l, ","))
	} else {
		f.SetUnknown("subject")
	}
	role, ok := str(b, "role")
	if !ok {
		f.SetUnknown("role")
		f.SetUnknown("admin")
		return []*collectors.Fact{f}
	}
	set(f, "role", role)
	set(f, "admin", slices.Contains(googleAdminRoles, role))
	f.SetLine("admin", b.get("role").line)
	return []*collectors.Fact{f}
}

func mapGoogleGKE(m *module, r *resource) []*collectors.Fact {
	b := r.body
	p := newFact(r, collectors.KindPatching, "")
	if rc := b.child("release_channel"); rc != nil {
		ch, ok := str(rc, "channel")
		if ok {
			set(p, "channel", ch)
			set(p, "auto_update", ch != "UNSPECIFIED")
		} else {
			p.SetUnknown("auto_update")
		}
	} else {
		set(p, "channel", "REGULAR") // GKE enrolls new clusters in the Regular channel
		set(p, "auto_update", true)
	}
	gLocation(m, r, p)
	red := newFact(r, collectors.KindRedundancy, r.addr+"#redundancy")
	if locs, ok := strList(b, "node_locations"); ok {
		set(red, "zones", len(locs))
		set(red, "spread_across_zones", len(locs) > 1)
	} else if loc, ok := str(b, "location"); ok && zoneRegion(loc) == loc {
		set(red, "zones", 3) // a regional cluster spreads over the region's zones
		set(red, "spread_across_zones", true)
	} else {
		red.SetUnknown("zones")
	}
	gLocation(m, r, red)
	return []*collectors.Fact{p, red}
}

// linkGoogle links HTTPS proxies to their SSL policy, and snapshot schedules
// to the disks that use them.
func linkGoogle(m *module, byAddr map[string]*collectors.Fact, byType map[string][]*collectors.Fact) {
	var attached targetSets // backup policies: the disks attached to each
	for _, r := range m.resources {
		switch r.typ {
		case "google_compute_target_https_proxy":
			f := byAddr[r.local]
			pol := refResource(m, r.body.attr("ssl_policy"))
			if f == nil || pol == nil {
				continue
			}
			mv, ok := str(pol.body, "min_tls_version")
			if !pol.body.get("min_tls_version").present {
				mv, ok = "TLS_1_0", true
			}
			if v, vok := tlsVersion(mv); ok && vok {
				set(f, "min_tls_version", v)
				clearUnknown(f, "min_tls_version")
			}
			if n, ok := str(pol.body, "name"); ok {
				set(f, "tls_policy", n)
			}
		case "google_compute_disk_resource_policy_attachment", "google_compute_disk", "google_compute_region_disk":
			attrName := "name"
			if r.typ != "google_compute_disk_resource_policy_attachment" {
				attrName = "resource_policies"
			}
			a := r.body.attr(attrName)
			if a == nil {
				continue
			}
			target := r.addr
			if r.typ == "google_compute_disk_resource_policy_attachment" {
				d := refResource(m, r.body.attr("disk"))
				if d == nil {
					continue
				}
				target = d.addr
			}
			for _, ref := range a.refs() {
				if pf := byAddr[ref]; pf != nil && pf.Kind == collectors.KindBackup {
					attached.add(pf, target)
				}
			}
		}
	}
	attached.write()
}
