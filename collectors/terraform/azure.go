package terraform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/internal/schedule"
)

// azureMappers turns azurerm resources into facts.
var azureMappers = map[string]mapper{
	"azurerm_storage_account":                        mapAzureStorageAccount,
	"azurerm_mssql_database":                         mapAzureMSSQLDatabase,
	"azurerm_mssql_server":                           mapAzureMSSQLServer,
	"azurerm_postgresql_flexible_server":             mapAzureFlexibleServer,
	"azurerm_mysql_flexible_server":                  mapAzureFlexibleServer,
	"azurerm_managed_disk":                           mapAzureManagedDisk,
	"azurerm_recovery_services_vault":                mapAzureRecoveryVault,
	"azurerm_backup_policy_vm":                       mapAzureBackupPolicy,
	"azurerm_backup_policy_vm_workload":              mapAzureBackupPolicy,
	"azurerm_backup_policy_file_share":               mapAzureBackupPolicy,
	"azurerm_network_security_group":                 mapAzureNSG,
	"azurerm_network_security_rule":                  mapAzureNSGRule,
	"azurerm_log_analytics_workspace":                mapAzureLogAnalytics,
	"azurerm_linux_web_app":                          mapAzureWebApp,
	"azurerm_windows_web_app":                        mapAzureWebApp,
	"azurerm_app_service":                            mapAzureWebApp,
	"azurerm_security_center_subscription_pricing":   mapAzureDefender,
	"azurerm_monitor_metric_alert":                   mapAzureMetricAlert,
	"azurerm_application_insights_standard_web_test": mapAzureWebTest,
	"azurerm_application_insights_web_test":          mapAzureWebTest,
	"azurerm_role_assignment":                        mapAzureRoleAssignment,
	"azurerm_iothub":                                 mapAzureIoTHub,
	"azurerm_iothub_dps":                             mapAzureDPS,
	"azurerm_iothub_dps_certificate":                 mapAzureDPSCertificate,
	"azurerm_kubernetes_cluster":                     mapAzureAKS,
}

func azLocation(m *module, r *resource, f *collectors.Fact) {
	regionOf(m, r, f, azureRegion, "location")
}

func mapAzureStorageAccount(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindDatastore, "")
	set(f, "class", "object_storage")
	read(f, "name", b, "name", toString, absentOmit, nil)
	tags(f, b)
	// Azure Storage encrypts all data at rest with Microsoft-managed keys; it cannot be turned off.
	set(f, "encrypted_at_rest", true)
	set(f, "encryption", "platform_default")
	present(f, "kms_key", b.child("customer_managed_key"), "key_vault_key_id", "managed_hsm_key_id")
	if rt, ok := str(b, "account_replication_type"); ok {
		rt = strings.ToUpper(rt)
		line := b.get("account_replication_type").line
		zonal := strings.Contains(rt, "ZRS")
		geo := strings.Contains(rt, "GRS") || strings.Contains(rt, "GZRS")
		set(f, "multi_az", zonal)
		set(f, "cross_region_replica", geo)
		f.SetLine("multi_az", line)
		f.SetLine("cross_region_replica", line)
		if zonal {
			set(f, "zones", 3)
		}
	} else {
		f.SetUnknown("multi_az")
		f.SetUnknown("cross_region_replica")
	}
	read(f, "public", b, "public_network_access_enabled", toBool, absentDefault, true)
	if nr := b.child("network_rules"); nr != nil && f.Attrs["public"] == true {
		// Public access through the firewall only from listed networks.
		if da, ok := str(nr, "default_action"); ok && da == "Deny" {
			set(f, "public", false)
			set(f, "ip_restricted", true)
			f.SetLine("public", nr.get("default_action").line)
		}
	}
	if bp := b.child("blob_properties"); bp != nil {
		read(f, "versioning", bp, "versioning_enabled", toBool, absentDefault, false)
	} else {
		set(f, "versioning", false)
	}
	set(f, "object_lock", b.child("immutability_policy") != nil)
	azLocation(m, r, f)

	// The account's endpoints: HTTPS only by default, TLS 1.2 minimum by default (azurerm v3+).
	e := newFact(r, collectors.KindEndpoint, r.addr+"#endpoint")
	https := true
	v := b.get("https_traffic_only_enabled")
	if !v.present {
		v = b.get("enable_https_traffic_only")
	}
	if v.known {
		https, _ = asBool(v.v)
		e.SetLine("tls", v.line)
	}
	set(e, "protocol", map[bool]string{true: "https", false: "http"}[https])
	set(e, "tls", https)
	minTLS(e, b, "min_tls_version", "1.2")
	copyAttr(f, e, "public")
	azLocation(m, r, e)
	return []*collectors.Fact{f, e}
}

// minTLS reads an Azure or Google minimum TLS version (TLS1_2, "1.2", TLS_1_2).
func minTLS(f *collectors.Fact, b *block, name, def string) {
	v := b.get(name)
	switch {
	case v.known:
		s, _ := asString(v.v)
		if t, ok := tlsVersion(s); ok {
			set(f, "min_tls_version", t)
		} else {
			f.SetUnknown("min_tls_version")
		}
		f.SetLine("min_tls_version", v.line)
	case v.present:
		f.SetUnknown("min_tls_version")
		f.SetLine("min_tls_version", v.line)
	case def != "":
		set(f, "min_tls_version", def)
	default:
		f.SetUnknown("min_tls_version")
	}
}

// tlsVersion normalizes TLS1_2, TLS_1_2, TLSv1.2, 1.2 to "1.2".
func tlsVersion(s string) (string, bool) {
	t := strings.ToUpper(s)
	for _, p := range []string{"TLSV", "TLS_", "TLS"} {
		t = strings.TrimPrefix(t, p)
	}
	t = strings.ReplaceAll(t, "_", ".")
	switch t {
	case "1.0", "1", "1.1", "1.2", "1.3":
		if t == "1" {
			t = "1.0"
		}
		return t, true
	}
	return "", false
}

func mapAzureMSSQLDatabase(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindDatastore, "")
	set(f, "class", "database")
	set(f, "engine", "sqlserver")
	read(f, "name", b, "name", toString, absentOmit, nil)
	tags(f, b)
	// Transparent data encryption is on by default.
	read(f, "encrypted_at_rest", b, "transparent_data_encryption_enabled", toBool, absentDefault, true)
	if f.Attrs["encrypted_at_rest"] == true {
		set(f, "encryption", "platform_default")
	}
	present(f, "kms_key", b, "transparent_data_encryption_key_vault_key_id")
	read(f, "multi_az", b, "zone_redundant", toBool, absentDefault, false)
	// Point-in-time restore: full backups weekly, differential every 12 or
	// 24 hours, logs every 5-10 minutes; kept 7 days unless set (1-35).
	set(f, "backup.kind", "point_in_time")
	set(f, "backup.enabled", true)
	st := b.child("short_term_retention_policy")
	if n, ok := days(f, "backup.retention_seconds", st, "retention_days", absentDefault, 7); ok {
		interval := int64(12 * schedule.Hour)
		if v := st.get("backup_interval_in_hours"); v.known {
			if h, ok := asInt(v.v); ok {
				interval = h * schedule.Hour
			}
		}
		set(f, "backup.interval_seconds", interval)
		set(f, "backup.generations", n*schedule.Day/interval)
	}
	if sa, ok := str(b, "storage_account_type"); ok {
		set(f, "cross_region_replica", strings.EqualFold(sa, "Geo") || strings.EqualFold(sa, "GeoZone"))
	} else if !b.get("storage_account_type").present {
		set(f, "cross_region_replica", true) // backups go to geo-redundant storage by default
	}
	f.SetUnknown("location.region") // the database lives where its server is
	set(f, "location.provider", "azure")
	return []*collectors.Fact{f}
}

func mapAzureMSSQLServer(m *module, r *resource) []*collectors.Fact {
	b := r.body
	e := newFact(r, collectors.KindEndpoint, "")
	set(e, "protocol", "tds")
	set(e, "port", 1433)
	set(e, "tls", true)
	minTLS(e, b, "minimum_tls_version", "1.2")
	read(e, "public", b, "public_network_access_enabled", toBool, absentDefault, true)
	azLocation(m, r, e)
	return []*collectors.Fact{e}
}

func mapAzureFlexibleServer(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindDatastore, "")
	set(f, "class", "database")
	set(f, "engine", strings.TrimSuffix(strings.TrimPrefix(r.typ, "azurerm_"), "_flexible_server"))
	read(f, "name", b, "name", toString, absentOmit, nil)
	tags(f, b)
	set(f, "encrypted_at_rest", true)
	set(f, "encryption", "platform_default")
	present(f, "kms_key", b.child("customer_managed_key"), "key_vault_key_id")
	ha := b.child("high_availability")
	set(f, "multi_az", ha != nil)
	if ha != nil {
		if mode, ok := str(ha, "mode"); ok {
			set(f, "multi_az", mode == "ZoneRedundant")
		}
	}
	// Automated daily backups, kept 7 days unless set (1-35).
	set(f, "backup.kind", "automated")
	set(f, "backup.enabled", true)
	set(f, "backup.interval_seconds", int64(schedule.Day))
	if n, ok := days(f, "backup.retention_seconds", b, "backup_retention_days", absentDefault, 7); ok {
		set(f, "backup.generations", n)
	}
	read(f, "cross_region_replica", b, "geo_redundant_backup_enabled", toBool, absentDefault, false)
	read(f, "public", b, "public_network_access_enabled", toBool, absentDefault, true)
	azLocation(m, r, f)
	return []*collectors.Fact{f}
}

func mapAzureManagedDisk(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindDatastore, "")
	set(f, "class", "block_storage")
	read(f, "name", b, "name", toString, absentOmit, nil)
	tags(f, b)
	set(f, "encrypted_at_rest", true) // server-side encryption with platform keys is always on
	set(f, "encryption", "platform_default")
	present(f, "kms_key", b, "disk_encryption_set_id", "secure_vm_disk_encryption_set_id")
	if sa, ok := str(b, "storage_account_type"); ok {
		set(f, "multi_az", strings.HasSuffix(sa, "ZRS"))
	}
	azLocation(m, r, f)
	return []*collectors.Fact{f}
}

func mapAzureRecoveryVault(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindDR, "")
	mode := "GeoRedundant" // the default storage mode
	if v := b.get("storage_mode_type"); v.known {
		mode, _ = asString(v.v)
		f.SetLine("cross_region", v.line)
	} else if v.present {
		f.SetUnknown("cross_region")
		mode = ""
	}
	if mode != "" {
		set(f, "cross_region", mode == "GeoRedundant")
	}
	read(f, "cross_region_restore", b, "cross_region_restore_enabled", toBool, absentDefault, false)
	if v := b.get("immutability"); v.known {
		s, _ := asString(v.v)
		set(f, "immutable", s == "Locked")
		f.SetLine("immutable", v.line)
	} else if v.present {
		f.SetUnknown("immutable")
	} else {
		set(f, "immutable", false)
	}
	azLocation(m, r, f)
	return []*collectors.Fact{f}
}

// mapAzureBackupPolicy reads azurerm_backup_policy_vm (and the file share and
// workload variants): frequency, time and the daily retention count.
func mapAzureBackupPolicy(m *module, r *resource) []*collectors.Fact {
	b := r.body
	var out []*collectors.Fact
	blocks := b.children("backup")
	if r.typ == "azurerm_backup_policy_vm_workload" {
		blocks = nil
		for _, p := range b.children("protection_policy") {
			blocks = append(blocks, p.children("backup")...)
		}
	}
	for i, bk := range blocks {
		id := r.addr
		if len(blocks) > 1 {
			id = fmt.Sprintf("%s.backup[%d]", r.addr, i)
		}
		f := blockFact(r, bk, collectors.KindBackup, id)
		f.Source.Line, f.Source.EndLine = r.body.rng.Start.Line, r.body.rng.End.Line
		set(f, "plan", r.addr)
		read(f, "rule", b, "name", toString, absentOmit, nil)
		freq, fok := str(bk, "frequency")
		interval := int64(0)
		switch {
		case !fok:
			f.SetUnknown("interval_seconds")
		case freq == "Daily":
			interval = schedule.Day
		case freq == "Weekly":
			interval = schedule.Week
			if days, ok := strList(bk, "weekdays"); ok {
				interval = weeklyGap(days)
			}
		case freq == "Hourly":
			if h, ok := asInt(bk.get("hour_interval").v); ok && h > 0 {
				interval = h * schedule.Hour
			} else {
				f.SetUnknown("interval_seconds")
			}
		default:
			f.SetUnknown("interval_seconds")
		}
		if fok {
			sched := freq
			if t, ok := str(bk, "time"); ok {
				sched += " " + t
			}
			set(f, "schedule", sched)
			f.SetLine("schedule", bk.get("frequency").line)
		}
		if interval > 0 {
			set(f, "interval_seconds", interval)
			f.SetLine("interval_seconds", bk.get("frequency").line)
		}
		retention := int64(0)
		if rd := b.child("retention_daily"); rd != nil {
			if n, ok := days(f, "retention_seconds", rd, "count", absentUnknown, 0); ok {
				retention = n * schedule.Day
			}
		} else if rw := b.child("retention_weekly"); rw != nil && freq == "Weekly" {
			if n, ok := asInt(rw.get("count").v); ok {
				retention = n * schedule.Week
				set(f, "retention_seconds", retention)
				f.SetLine("retention_seconds", rw.get("count").line)
			}
		} else {
			f.SetUnknown("retention_seconds")
		}
		// Monthly and yearly points are kept longer, but generations count
		// the copies of the schedule itself.
		if interval > 0 && retention > 0 {
			set(f, "generations", retention/interval)
			f.SetLine("generations", f.Lines["retention_seconds"])
		} else {
			f.SetUnknown("generations")
		}
		azLocation(m, r, f)
		out = append(out, f)
	}
	return out
}

func mapAzureNSG(m *module, r *resource) []*collectors.Fact {
	var out []*collectors.Fact
	for i, rule := range r.body.children("security_rule") {
		f := blockFact(r, rule, collectors.KindFirewallRule, fmt.Sprintf("%s.security_rule[%d]", r.addr, i))
		set(f, "group", r.addr)
		nsgRule(f, rule)
		if rule.dynamic {
			set(f, "dynamic", true)
		}
		azLocation(m, r, f)
		out = append(out, f)
	}
	return out
}

func mapAzureNSGRule(m *module, r *resource) []*collectors.Fact {
	f := newFact(r, collectors.KindFirewallRule, "")
	if a := r.body.attr("network_security_group_name"); a != nil {
		if refs := a.refs(); len(refs) > 0 {
			set(f, "group", m.prefix+refs[0])
		} else if s, ok := str(r.body, "network_security_group_name"); ok {
			set(f, "group", s)
		}
	}
	nsgRule(f, r.body)
	set(f, "location.provider", "azure")
	f.SetUnknown("location.region") // the rule lives where its NSG is
	return []*collectors.Fact{f}
}

// nsgRule reads an Azure security rule (inline or standalone).
func nsgRule(f *collectors.Fact, b *block) {
	if d, ok := str(b, "direction"); ok {
		set(f, "direction", map[bool]string{true: "ingress", false: "egress"}[strings.EqualFold(d, "Inbound")])
		f.SetLine("direction", b.get("direction").line)
	} else {
		f.SetUnknown("direction")
	}
	if a, ok := str(b, "access"); ok {
		set(f, "action", strings.ToLower(a))
		f.SetLine("action", b.get("access").line)
	} else {
		f.SetUnknown("action")
	}
	if p, ok := str(b, "protocol"); ok {
		p = strings.ToLower(p)
		if p == "*" {
			p = "all"
		}
		set(f, "protocol", p)
	} else {
		f.SetUnknown("protocol")
	}
	var ranges []string
	known := true
	if s, ok := str(b, "destination_port_range"); ok {
		ranges = append(ranges, s)
	} else if b.get("destination_port_range").present {
		known = false
	}
	if l, ok := strList(b, "destination_port_ranges"); ok {
		ranges = append(ranges, l...)
	} else if b.get("destination_port_ranges").present {
		known = false
	}
	lo, hi := int64(65535), int64(0)
	for _, s := range ranges {
		a, z, ok := portRange(s)
		if !ok {
			known = false
			continue
		}
		lo, hi = min(lo, a), max(hi, z)
	}
	if known && len(ranges) > 0 {
		set(f, "from_port", lo)
		set(f, "to_port", hi)
	} else {
		f.SetUnknown("from_port")
		f.SetUnknown("to_port")
	}
	var srcs []string
	unknown := false
	if s, ok := str(b, "source_address_prefix"); ok {
		srcs = append(srcs, s)
		f.SetLine("sources", b.get("source_address_prefix").line)
	} else if b.get("source_address_prefix").present {
		unknown = true
	}
	if l, ok := strList(b, "source_address_prefixes"); ok {
		srcs = append(srcs, l...)
		f.SetLine("sources", b.get("source_address_prefixes").line)
	} else if b.get("source_address_prefixes").present {
		unknown = true
	}
	other := b.get("source_application_security_group_ids").present
	sources(f, srcs, unknown, other)
	for _, s := range srcs {
		if exposedSource(s) {
			set(f, "internet_exposed", true)
			clearUnknown(f, "internet_exposed")
		}
	}
	if f.Attrs["action"] == "deny" {
		set(f, "internet_exposed", false) // a deny rule exposes nothing
	}
}

func mapAzureLogAnalytics(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindLog, "")
	set(f, "store", "log_analytics")
	read(f, "name", b, "name", toString, absentOmit, nil)
	name, _ := str(b, "name")
	set(f, "category", logCategory(name))
	days(f, "retention_seconds", b, "retention_in_days", absentDefault, 30)
	set(f, "encrypted", true) // Azure Monitor encrypts data at rest with Microsoft-managed keys
	set(f, "tamper_protection", false)
	azLocation(m, r, f)
	return []*collectors.Fact{f}
}

func mapAzureWebApp(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindEndpoint, "")
	https, ok := asBool(b.get("https_only").v)
	if v := b.get("https_only"); v.present && !v.known {
		f.SetUnknown("redirects_to_tls")
	}
	// HTTPS is always served; https_only redirects plain HTTP to it (default false).
	set(f, "protocol", "https")
	set(f, "tls", true)
	set(f, "redirects_to_tls", ok && https)
	f.SetLine("redirects_to_tls", b.get("https_only").line)
	sc := b.child("site_config")
	name := "minimum_tls_version"
	if r.typ == "azurerm_app_service" {
		name = "min_tls_version"
	}
	minTLS(f, sc, name, "1.2")
	read(f, "public", b, "public_network_access_enabled", toBool, absentDefault, true)
	read(f, "client_certificate", b, "client_certificate_enabled", toBool, absentDefault, false)
	azLocation(m, r, f)
	return []*collectors.Fact{f}
}

func mapAzureDefender(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindDetection, "")
	set(f, "service", "defender")
	set(f, "managed", true)
	rt, rok := str(b, "resource_type")
	if !b.get("resource_type").present {
		rt, rok = "VirtualMachines", true // the provider's default
	}
	if rok {
		set(f, "scope", rt)
	}
	tier, ok := str(b, "tier")
	if !ok {
		f.SetUnknown("enabled")
		return []*collectors.Fact{f}
	}
	on := tier == "Standard"
	set(f, "enabled", on)
	f.SetLine("enabled", b.get("tier").line)
	switch {
	case !rok:
		f.SetUnknown("malware_protection")
	case rt == "VirtualMachines":
		// Defender for Servers includes endpoint antimalware and network threat detection.
		set(f, "malware_protection", on)
		set(f, "intrusion_detection", on)
	case rt == "StorageAccounts":
		scan := false
		for _, ext := range b.children("extension") {
			if n, _ := str(ext, "name"); n == "OnUploadMalwareScanning" {
				scan = true
			}
		}
		set(f, "malware_protection", on && scan)
	default:
		set(f, "intrusion_detection", on)
	}
	return []*collectors.Fact{f}
}

func mapAzureMetricAlert(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindMonitor, "")
	set(f, "check", "metric_alarm")
	if c := b.child("criteria"); c != nil {
		read(f, "target", c, "metric_name", toString, absentOmit, nil)
	}
	freq := "PT1M"
	if s, ok := str(b, "frequency"); ok {
		freq = s
		f.SetLine("interval_seconds", b.get("frequency").line)
	}
	if sec, err := schedule.ISODuration(freq); err == nil {
		set(f, "interval_seconds", sec)
	} else {
		f.SetUnknown("interval_seconds")
	}
	set(f, "notification", len(b.children("action")) > 0)
	read(f, "enabled", b, "enabled", toBool, absentDefault, true)
	set(f, "location.provider", "azure")
	return []*collectors.Fact{f}
}

func mapAzureWebTest(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindMonitor, "")
	set(f, "check", "uptime")
	if req := b.child("request"); req != nil {
		read(f, "target", req, "url", toString, absentOmit, nil)
	}
	if n, ok := asInt(b.get("frequency").v); ok {
		set(f, "interval_seconds", n)
		f.SetLine("interval_seconds", b.get("frequency").line)
	} else if b.get("frequency").present {
		f.SetUnknown("interval_seconds")
	} else {
		set(f, "interval_seconds", int64(300))
	}
	read(f, "enabled", b, "enabled", toBool, absentDefault, true)
	f.SetUnknown("notification") // alerts on web tests are separate resources
	azLocation(m, r, f)
	return []*collectors.Fact{f}
}

// azureAdminRoles are built-in roles with full administrative rights.
var azureAdminRoles = []string{"Owner", "User Access Administrator", "Role Based Access Control Administrator"}

func mapAzureRoleAssignment(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindIdentity, "")
	if a := b.attr("principal_id"); a != nil {
		if refs := a.refs(); len(refs) > 0 {
			set(f, "subject", m.prefix+refs[0])
		} else if s, ok := str(b, "principal_id"); ok {
			set(f, "subject", s)
		}
	}
	role, ok := str(b, "role_definition_name")
	if !ok {
		f.SetUnknown("role")
		f.SetUnknown("admin")
		return []*collectors.Fact{f}
	}
	set(f, "role", role)
	set(f, "admin", slices.Contains(azureAdminRoles, role))
	f.SetLine("admin", b.get("role_definition_name").line)
	read(f, "scope", b, "scope", toString, absentOmit, nil)
	return []*collectors.Fact{f}
}

func mapAzureIoTHub(m *module, r *resource) []*collectors.Fact {
	b := r.body
	e := newFact(r, collectors.KindEndpoint, "")
	set(e, "protocol", "mqtt")
	set(e, "port", 8883)
	set(e, "tls", true)
	minTLS(e, b, "min_tls_version", "1.0")
	read(e, "public", b, "public_network_access_enabled", toBool, absentDefault, true)
	azLocation(m, r, e)
	d := newFact(r, collectors.KindDeviceAuth, r.addr+"#device_auth")
	// IoT Hub devices authenticate with symmetric keys (SAS) or X.509; the
	// per-device choice is not in Terraform.
	d.SetUnknown("method")
	azLocation(m, r, d)
	return []*collectors.Fact{e, d}
}

func mapAzureDPS(m *module, r *resource) []*collectors.Fact {
	d := newFact(r, collectors.KindDeviceAuth, "")
	set(d, "service", "dps")
	d.SetUnknown("method") // enrollment attestation is configured outside Terraform
	azLocation(m, r, d)
	return []*collectors.Fact{d}
}

func mapAzureDPSCertificate(m *module, r *resource) []*collectors.Fact {
	d := newFact(r, collectors.KindDeviceAuth, "")
	set(d, "method", "x509")
	set(d, "certificate", true)
	set(d, "location.provider", "azure")
	return []*collectors.Fact{d}
}

func mapAzureAKS(m *module, r *resource) []*collectors.Fact {
	b := r.body
	p := newFact(r, collectors.KindPatching, "")
	ch := b.get("automatic_upgrade_channel")
	if !ch.present {
		ch = b.get("automatic_channel_upgrade")
	}
	switch {
	case ch.known:
		s, _ := asString(ch.v)
		set(p, "channel", s)
		set(p, "auto_update", s != "none")
		p.SetLine("auto_update", ch.line)
	case ch.present:
		p.SetUnknown("auto_update")
	default:
		set(p, "auto_update", false)
	}
	azLocation(m, r, p)
	red := newFact(r, collectors.KindRedundancy, r.addr+"#redundancy")
	if np := b.child("default_node_pool"); np != nil {
		if zones, ok := strList(np, "zones"); ok {
			set(red, "zones", len(zones))
			set(red, "spread_across_zones", len(zones) > 1)
		} else if np.get("zones").present {
			red.SetUnknown("zones")
		} else {
			set(red, "zones", 1)
			set(red, "spread_across_zones", false)
		}
		if mn, ok := asInt(np.get("min_count").v); ok {
			set(red, "autoscaling.min", mn)
		}
		if mx, ok := asInt(np.get("max_count").v); ok {
			set(red, "autoscaling.max", mx)
		}
	}
	azLocation(m, r, red)
	return []*collectors.Fact{p, red}
}

// linkAzure links backup policies to their vault (immutability, geo copies)
// and to the VMs protected with them.
func linkAzure(m *module, byAddr map[string]*collectors.Fact, byType map[string][]*collectors.Fact) {
	policies := map[string][]*collectors.Fact{}
	for _, typ := range []string{"azurerm_backup_policy_vm", "azurerm_backup_policy_file_share", "azurerm_backup_policy_vm_workload"} {
		for _, f := range byType[typ] {
			policies[f.Attrs["plan"].(string)] = append(policies[f.Attrs["plan"].(string)], f)
		}
	}
	var protected targetSets // backup policies: what each protects
	for _, r := range m.resources {
		switch r.typ {
		case "azurerm_backup_policy_vm", "azurerm_backup_policy_file_share", "azurerm_backup_policy_vm_workload":
			vault := refFact(r.body.attr("recovery_vault_name"), byAddr)
			if vault == nil {
				continue
			}
			for _, f := range policies[r.addr] {
				if im, ok := vault.Attrs["immutable"].(bool); ok {
					set(f, "immutable", im)
				}
				if geo, ok := vault.Attrs["cross_region"].(bool); ok && geo {
					set(f, "copy_destinations", []any{"azure:paired-region"})
				}
				set(f, "vault", vault.ID)
				if slices.Contains(f.Unknown, "attrs.location.region") {
					if loc, ok := vault.Attrs["location"].(map[string]any); ok && loc["region"] != nil {
						set(f, "location.region", loc["region"]) // a policy lives in its vault's region
						clearUnknown(f, "location.region")
					}
				}
			}
		case "azurerm_backup_protected_vm", "azurerm_backup_protected_file_share":
			a := r.body.attr("backup_policy_id")
			if a == nil {
				continue
			}
			target := ""
			for _, n := range []string{"source_vm_id", "source_file_share_name", "source_storage_account_id"} {
				if ta := r.body.attr(n); ta != nil {
					if refs := ta.refs(); len(refs) > 0 {
						if tf := byAddr[refs[0]]; tf != nil {
							target = tf.ID
						} else {
							target = m.prefix + refs[0]
						}
						break
					}
				}
			}
			for _, ref := range a.refs() {
				for _, f := range policies[m.prefix+ref] {
					if target == "" {
						f.SetUnknown("targets")
						continue
					}
					protected.add(f, target)
				}
			}
		case "azurerm_mssql_database":
			// A database lives in its server's region.
			f := byAddr[r.local]
			srv := refFact(r.body.attr("server_id"), byAddr)
			if f == nil || srv == nil {
				continue
			}
			if loc, ok := srv.Attrs["location"].(map[string]any); ok && loc["region"] != nil {
				set(f, "location.region", loc["region"])
				clearUnknown(f, "location.region")
			}
		case "azurerm_network_security_rule":
			f := byAddr[r.local]
			nsg := refResource(m, r.body.attr("network_security_group_name"))
			if f == nil || nsg == nil {
				continue
			}
			if loc, ok := str(nsg.body, "location"); ok {
				set(f, "location.region", azureRegion(loc))
				clearUnknown(f, "location.region")
			}
		}
	}
	protected.write()
}
