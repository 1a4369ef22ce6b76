package cloudexport

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/internal/schedule"
)

// gcpAsset maps one Cloud Asset Inventory asset (gcloud asset export, JSON
// lines with name, asset_type and resource.data; camelCase keys also read).
func (b *builder) gcpAsset(a jv) {
	typ := a.get("asset_type").str()
	if typ == "" {
		typ = a.get("assetType").str()
	}
	d := a.at("resource", "data")
	if !d.isMap() {
		if !a.get("iam_policy").present() && !a.get("iamPolicy").present() && !a.get("org_policy").present() && !b.noData {
			b.noData = true
			b.diags = append(b.diags, collectors.Diagnostic{File: b.file, Line: a.line(), Severity: collectors.SeverityInfo,
				Message: "asset without resource data (search-all-resources output?); export with gcloud asset export --content-type=resource to read configuration"})
		}
		return // an IAM policy or org policy asset: no resource data
	}
	loc := strings.ToLower(a.at("resource", "location").str())
	switch typ {
	case "sqladmin.googleapis.com/Instance":
		b.gcpSQL(a, d, loc)
	case "storage.googleapis.com/Bucket":
		f := b.gcpFact(collectors.KindDatastore, "google_storage_bucket", a, cmpOr(loc, strings.ToLower(d.get("location").str())))
		set(f, "class", "object_storage", jv{})
		set(f, "name", d.get("name").str(), d.get("name"))
		set(f, "encrypted_at_rest", true, jv{}) // always, Google-managed keys by default
		set(f, "encryption", "platform_default", jv{})
		if k := d.at("encryption", "defaultKmsKeyName"); k.str() != "" {
			set(f, "kms_key", true, k)
			set(f, "encryption", "gcp:kms", k)
		}
		v := d.at("versioning", "enabled")
		on, _ := v.bool()
		set(f, "versioning", on, v)
		lock := d.at("retentionPolicy", "isLocked")
		locked, _ := lock.bool()
		set(f, "object_lock", locked, lock)
		if iam := d.at("iamConfiguration", "publicAccessPrevention"); iam.str() == "enforced" {
			set(f, "public", false, iam)
		}
	case "compute.googleapis.com/Firewall":
		b.gcpFirewall(a, d)
	case "logging.googleapis.com/LogBucket":
		f := b.gcpFact(collectors.KindLog, "google_logging_project_bucket_config", a, loc)
		set(f, "store", "cloud_logging", jv{})
		name := d.get("name").str()
		set(f, "name", name, d.get("name"))
		set(f, "category", map[bool]string{true: "audit", false: "system"}[strings.HasSuffix(name, "/_Required")], jv{})
		if n, ok := d.get("retentionDays").int(); ok {
			set(f, "retention_seconds", n*schedule.Day, d.get("retentionDays"))
		} else {
			f.SetUnknown("retention_seconds")
		}
		locked, _ := d.get("locked").bool()
		set(f, "tamper_protection", locked, d.get("locked"))
		if locked {
			set(f, "tamper_mechanism", "bucket_lock", d.get("locked"))
		}
		set(f, "encrypted", true, jv{})
	case "compute.googleapis.com/Disk":
		f := b.gcpFact(collectors.KindDatastore, "google_compute_disk", a, cmpOr(loc, zoneRegion(lastSegment(d.get("zone").str()))))
		set(f, "class", "block_storage", jv{})
		set(f, "name", d.get("name").str(), d.get("name"))
		set(f, "encrypted_at_rest", true, jv{})
		if k := d.at("diskEncryptionKey", "kmsKeyName"); k.str() != "" {
			set(f, "encryption", "gcp:kms", k)
			set(f, "kms_key", true, k)
		} else {
			set(f, "encryption", "platform_default", jv{})
		}
	case "compute.googleapis.com/SslPolicy":
		f := b.gcpFact(collectors.KindEndpoint, "google_compute_ssl_policy", a, loc)
		set(f, "tls", true, jv{})
		mt := d.get("minTlsVersion")
		if v, ok := tlsVersion(mt.str()); ok {
			set(f, "min_tls_version", v, mt)
		} else if !mt.present() {
			set(f, "min_tls_version", "1.0", jv{}) // the API default is TLS_1_0
		}
		set(f, "tls_policy", d.get("name").str(), d.get("name"))
		f.SetUnknown("public")
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// gcpFact starts a fact for an asset, named by its full resource name.
func (b *builder) gcpFact(kind collectors.Kind, typ string, a jv, region string) *collectors.Fact {
	f := b.fact(kind, "gcp", typ, a.get("name").str(), a)
	location(f, "gcp", region, a.at("resource", "location"))
	return f
}

// gcpSQL maps a Cloud SQL instance as the Terraform collector maps google_sql_database_instance.
func (b *builder) gcpSQL(a, d jv, loc string) {
	f := b.gcpFact(collectors.KindDatastore, "google_sql_database_instance", a, cmpOr(d.get("region").str(), loc))
	s := d.get("settings")
	set(f, "class", "database", jv{})
	set(f, "engine", d.get("databaseVersion").str(), d.get("databaseVersion"))
	set(f, "name", d.get("name").str(), d.get("name"))
	set(f, "encrypted_at_rest", true, jv{})
	set(f, "encryption", "platform_default", jv{})
	if k := d.at("diskEncryptionConfiguration", "kmsKeyName"); k.str() != "" {
		set(f, "kms_key", true, k)
	}
	at := s.get("availabilityType")
	set(f, "multi_az", at.str() == "REGIONAL", at)
	if labels := s.get("userLabels"); labels.isMap() {
		set(f, "tags", tagList(labels), jv{})
	}
	if d.get("masterInstanceName").str() != "" {
		set(f, "replica_of", true, d.get("masterInstanceName"))
	}
	bc := s.get("backupConfiguration")
	set(f, "backup.kind", "automated", jv{})
	on, _ := bc.get("enabled").bool()
	set(f, "backup.enabled", on, bc.get("enabled"))
	if on {
		pitr, _ := bc.get("pointInTimeRecoveryEnabled").bool()
		set(f, "backup.point_in_time_recovery", pitr, bc.get("pointInTimeRecoveryEnabled"))
		set(f, "backup.interval_seconds", int64(schedule.Day), jv{})
		rs := bc.get("backupRetentionSettings")
		n, ok := rs.get("retainedBackups").int()
		if !rs.present() {
			n, ok = 7, true // the API default: 7 backups
		}
		if ok && (rs.get("retentionUnit").str() == "" || rs.get("retentionUnit").str() == "COUNT") {
			set(f, "backup.generations", n, rs.get("retainedBackups"))
			set(f, "backup.retention_seconds", n*schedule.Day, rs.get("retainedBackups"))
		} else {
			f.SetUnknown("backup.generations")
		}
	}
	// A public IP makes the instance reachable; authorized networks below
	// say from where.
	ip := s.get("ipConfiguration")
	public := true
	if v, ok := ip.get("ipv4Enabled").bool(); ok {
		public = v
	}
	set(f, "public", public, ip.get("ipv4Enabled"))

	// The instance's connections: sslMode (or the older requireSsl).
	e := b.fact(collectors.KindEndpoint, "gcp", "google_sql_database_instance", a.get("name").str()+"#endpoint", a)
	set(e, "protocol", "sql", jv{})
	mode := ip.get("sslMode")
	switch {
	case mode.str() != "":
		set(e, "tls", mode.str() != "ALLOW_UNENCRYPTED_AND_ENCRYPTED", mode)
		set(e, "client_certificate", mode.str() == "TRUSTED_CLIENT_CERTIFICATE_REQUIRED", mode)
	case ip.get("requireSsl").present():
		req, _ := ip.get("requireSsl").bool()
		set(e, "tls", req, ip.get("requireSsl"))
	default:
		set(e, "tls", false, jv{}) // unencrypted connections are accepted by default
	}
	set(e, "public", public, ip.get("ipv4Enabled"))
	location(e, "gcp", cmpOr(d.get("region").str(), loc), jv{})

	for i, an := range ip.get("authorizedNetworks").list() {
		rf := b.fact(collectors.KindFirewallRule, "gcp", "google_sql_database_instance", fmt.Sprintf("%s.authorized_networks[%d]", a.get("name").str(), i), an)
		set(rf, "group", a.get("name").str(), jv{})
		set(rf, "direction", "ingress", jv{})
		set(rf, "action", "allow", jv{})
		set(rf, "protocol", "tcp", jv{})
		var srcs []string
		if v := an.get("value").str(); v != "" {
			srcs = append(srcs, v)
		}
		sources(rf, srcs, false, an.get("value"))
		location(rf, "gcp", cmpOr(d.get("region").str(), loc), jv{})
	}
}

// gcpFirewall maps a VPC firewall rule: one fact per allowed or denied protocol.
func (b *builder) gcpFirewall(a, d jv) {
	dir := strings.ToLower(d.get("direction").str())
	if dir == "" {
		dir = "ingress"
	}
	for _, kind := range []struct{ key, action string }{{"allowed", "allow"}, {"denied", "deny"}} {
		for i, e := range d.get(kind.key).list() {
			f := b.fact(collectors.KindFirewallRule, "gcp", "google_compute_firewall", fmt.Sprintf("%s.%s[%d]", a.get("name").str(), kind.key, i), e)
			if a.path != "" {
				f.Attrs["field"] = a.path
			} else {
				delete(f.Attrs, "field")
			}
			set(f, "group", d.get("network").str(), d.get("network"))
			set(f, "direction", dir, d.get("direction"))
			set(f, "action", kind.action, e)
			proto := strings.ToLower(e.get("IPProtocol").str())
			if proto == "" {
				proto = strings.ToLower(e.get("ip_protocol").str())
			}
			if proto == "all" || proto == "" {
				proto = "all"
			}
			set(f, "protocol", proto, e)
			ports := e.get("ports").strs()
			switch {
			case len(ports) == 0:
				set(f, "from_port", int64(0), jv{})
				set(f, "to_port", int64(65535), jv{})
			default:
				lo, hi, ok := int64(65535), int64(0), true
				for _, p := range ports {
					x, y, good := portRange(p)
					ok = ok && good
					lo, hi = min(lo, x), max(hi, y)
				}
				if ok {
					set(f, "from_port", lo, e.get("ports"))
					set(f, "to_port", hi, e.get("ports"))
				} else {
					unknown(f, "from_port", e.get("ports"))
					unknown(f, "to_port", e.get("ports"))
				}
			}
			groups := len(d.get("sourceTags").list()) > 0 || len(d.get("sourceServiceAccounts").list()) > 0
			sources(f, d.get("sourceRanges").strs(), groups, d.get("sourceRanges"))
			if kind.action == "deny" {
				set(f, "internet_exposed", false, jv{})
			}
			if dis, ok := d.get("disabled").bool(); ok {
				set(f, "disabled", dis, d.get("disabled"))
			}
			if n, ok := d.get("priority").int(); ok {
				set(f, "rule_number", n, d.get("priority"))
			}
			location(f, "gcp", "global", jv{})
		}
	}
}

func lastSegment(s string) string {
	if i := strings.LastIndex(s, "/"); i >= 0 {
		return s[i+1:]
	}
	return s
}

// zoneRegion strips the zone suffix (asia-northeast1-a → asia-northeast1).
func zoneRegion(z string) string {
	i := strings.LastIndex(z, "-")
	if i < 0 || i == len(z)-1 {
		return z
	}
	if _, err := strconv.Atoi(z[i+1:]); err == nil {
		return z
	}
	return z[:i]
}
