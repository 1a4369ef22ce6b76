package cloudexport

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/internal/schedule"
)

// isARM reports whether a value is a list of ARM resources (az resource
// list, Resource Graph) or one such resource.
func isARM(x jv) bool {
	first := x
	if l := x.list(); len(l) > 0 {
		first = l[0]
	}
	id := strings.ToLower(first.get("id").str())
	return first.isMap() && strings.HasPrefix(id, "/subscriptions/") && strings.Contains(id, "/providers/")
}

// azureMapped lists the resource types read, lower case.
var azureMapped = map[string]bool{
	"microsoft.storage/storageaccounts": true, "microsoft.sql/servers/databases": true,
	"microsoft.dbforpostgresql/flexibleservers": true, "microsoft.dbformysql/flexibleservers": true,
	"microsoft.compute/disks": true, "microsoft.network/networksecuritygroups": true,
	"microsoft.operationalinsights/workspaces": true, "microsoft.recoveryservices/vaults/backuppolicies": true,
	"microsoft.web/sites": true, "microsoft.security/pricings": true,
}

// azureResources maps each ARM resource by type.
func (b *builder) azureResources(x jv) {
	list := x.list()
	if x.isMap() {
		list = []jv{x}
	}
	// Short-term retention policies are child resources of their database.
	retention := map[string]jv{}
	for _, r := range list {
		id := strings.ToLower(r.get("id").str())
		if i := strings.Index(id, "/backupshorttermretentionpolicies/"); i > 0 {
			retention[id[:i]] = r.get("properties")
		}
	}
	for _, r := range list {
		b.azureResource(r, retention)
	}
}

func (b *builder) azureResource(r jv, retention map[string]jv) {
	typ := strings.ToLower(r.get("type").str())
	p := r.get("properties")
	if !p.isMap() && azureMapped[typ] && !b.noProps {
		// az resource list leaves properties out unless asked to expand them.
		b.noProps = true
		b.diags = append(b.diags, collectors.Diagnostic{File: b.file, Line: r.line(), Severity: collectors.SeverityInfo,
			Message: "Azure resources without properties (az resource list?); export with az graph query (Resource Graph) or az resource show to read their configuration"})
	}
	switch typ {
	case "microsoft.storage/storageaccounts":
		b.azureStorage(r, p)
	case "microsoft.sql/servers/databases":
		if strings.EqualFold(r.get("name").str(), "master") || strings.HasSuffix(strings.ToLower(r.get("id").str()), "/databases/master") {
			return // the system database
		}
		f := b.azFact(collectors.KindDatastore, "azurerm_mssql_database", r)
		set(f, "class", "database", jv{})
		set(f, "engine", "sqlserver", jv{})
		set(f, "encrypted_at_rest", true, jv{}) // transparent data encryption is on by default
		set(f, "encryption", "platform_default", jv{})
		if z := p.get("zoneRedundant"); z.present() {
			on, _ := z.bool()
			set(f, "multi_az", on, z)
		}
		if s := p.get("requestedBackupStorageRedundancy"); s.present() {
			v := strings.ToLower(s.str())
			set(f, "cross_region_replica", v == "geo" || v == "geozone", s)
		}
		// Point-in-time restore is always on; how long and how often is the
		// short-term retention policy, a child resource the export may hold.
		set(f, "backup.kind", "point_in_time", jv{})
		set(f, "backup.enabled", true, jv{})
		str, ok := retention[strings.ToLower(r.get("id").str())]
		days, dok := str.get("retentionDays").int()
		if !ok || !dok {
			f.SetUnknown("backup.retention_seconds")
			f.SetUnknown("backup.interval_seconds")
			f.SetUnknown("backup.generations")
			break
		}
		interval := int64(12 * schedule.Hour) // the default differential backup interval
		if h, ok := str.get("diffBackupIntervalInHours").int(); ok && h > 0 {
			interval = h * schedule.Hour
		}
		set(f, "backup.retention_seconds", days*schedule.Day, str.get("retentionDays"))
		set(f, "backup.interval_seconds", interval, str.get("diffBackupIntervalInHours"))
		set(f, "backup.generations", days*schedule.Day/interval, str.get("retentionDays"))
	case "microsoft.dbforpostgresql/flexibleservers", "microsoft.dbformysql/flexibleservers":
		f := b.azFact(collectors.KindDatastore, "azurerm_"+map[bool]string{true: "postgresql", false: "mysql"}[strings.Contains(typ, "postgresql")]+"_flexible_server", r)
		set(f, "class", "database", jv{})
		set(f, "engine", map[bool]string{true: "postgresql", false: "mysql"}[strings.Contains(typ, "postgresql")], jv{})
		set(f, "encrypted_at_rest", true, jv{})
		set(f, "encryption", "platform_default", jv{})
		if k := p.at("dataEncryption", "type"); strings.EqualFold(k.str(), "AzureKeyVault") {
			set(f, "kms_key", true, k)
		}
		mode := p.at("highAvailability", "mode")
		set(f, "multi_az", strings.EqualFold(mode.str(), "ZoneRedundant"), mode)
		set(f, "backup.kind", "automated", jv{})
		set(f, "backup.enabled", true, jv{})
		set(f, "backup.interval_seconds", int64(schedule.Day), jv{})
		if n, ok := p.at("backup", "backupRetentionDays").int(); ok {
			at := p.at("backup", "backupRetentionDays")
			set(f, "backup.generations", n, at)
			set(f, "backup.retention_seconds", n*schedule.Day, at)
		} else {
			f.SetUnknown("backup.generations")
		}
		if g := p.at("backup", "geoRedundantBackup"); g.present() {
			set(f, "cross_region_replica", strings.EqualFold(g.str(), "Enabled"), g)
		}
	case "microsoft.compute/disks":
		f := b.azFact(collectors.KindDatastore, "azurerm_managed_disk", r)
		set(f, "class", "block_storage", jv{})
		set(f, "encrypted_at_rest", true, jv{}) // server-side encryption with platform keys is always on
		et := p.at("encryption", "type")
		if strings.Contains(et.str(), "CustomerKey") {
			set(f, "encryption", "azure:keyvault", et)
			set(f, "kms_key", true, et)
		} else {
			set(f, "encryption", "platform_default", et)
		}
		if sku := r.at("sku", "name"); sku.present() {
			set(f, "multi_az", strings.HasSuffix(strings.ToUpper(sku.str()), "ZRS"), sku)
		}
	case "microsoft.network/networksecuritygroups":
		for i, rule := range p.get("securityRules").list() {
			b.nsgRule(r, rule, i)
		}
	case "microsoft.network/networksecuritygroups/securityrules":
		b.nsgRule(jv{}, r, 0)
	case "microsoft.operationalinsights/workspaces":
		f := b.azFact(collectors.KindLog, "azurerm_log_analytics_workspace", r)
		set(f, "store", "log_analytics", jv{})
		set(f, "name", r.get("name").str(), r.get("name"))
		set(f, "category", "system", jv{})
		if n, ok := p.get("retentionInDays").int(); ok {
			set(f, "retention_seconds", n*schedule.Day, p.get("retentionInDays"))
		} else {
			set(f, "retention_seconds", int64(30*schedule.Day), jv{}) // the documented default
		}
		set(f, "encrypted", true, jv{})
		set(f, "tamper_protection", false, jv{})
	case "microsoft.recoveryservices/vaults/backuppolicies":
		b.azureBackupPolicy(r, p)
	case "microsoft.web/sites":
		f := b.azFact(collectors.KindEndpoint, "azurerm_linux_web_app", r)
		https := p.get("httpsOnly")
		on, _ := https.bool()
		set(f, "protocol", "https", jv{})
		set(f, "tls", true, jv{})
		set(f, "redirects_to_tls", on, https)
		if v, ok := tlsVersion(p.at("siteConfig", "minTlsVersion").str()); ok {
			set(f, "min_tls_version", v, p.at("siteConfig", "minTlsVersion"))
		} else {
			f.SetUnknown("min_tls_version") // Resource Graph omits siteConfig; az webapp config show has it
		}
	case "microsoft.security/pricings":
		f := b.azFact(collectors.KindDetection, "azurerm_security_center_subscription_pricing", r)
		set(f, "service", "defender", jv{})
		set(f, "managed", true, jv{})
		tier := p.get("pricingTier")
		on := strings.EqualFold(tier.str(), "Standard")
		set(f, "enabled", on, tier)
		set(f, "scope", r.get("name").str(), r.get("name"))
		set(f, "intrusion_detection", on, tier)
		switch r.get("name").str() {
		case "VirtualMachines", "StorageAccounts":
			set(f, "malware_protection", on, tier)
		}
	}
}

// azFact starts a fact for an ARM resource with its location.
func (b *builder) azFact(kind collectors.Kind, typ string, r jv) *collectors.Fact {
	f := b.fact(kind, "azure", typ, r.get("id").str(), r)
	if t := r.get("tags"); t.isMap() && kind == collectors.KindDatastore {
		set(f, "tags", tagList(t), jv{})
	}
	location(f, "azure", strings.ToLower(strings.ReplaceAll(r.get("location").str(), " ", "")), r.get("location"))
	return f
}

func (b *builder) azureStorage(r, p jv) {
	f := b.azFact(collectors.KindDatastore, "azurerm_storage_account", r)
	set(f, "class", "object_storage", jv{})
	set(f, "name", r.get("name").str(), r.get("name"))
	set(f, "encrypted_at_rest", true, jv{}) // always on, Microsoft-managed keys by default
	set(f, "encryption", "platform_default", jv{})
	ks := p.at("encryption", "keySource")
	if strings.EqualFold(ks.str(), "Microsoft.Keyvault") {
		set(f, "kms_key", true, ks)
	}
	if sku := r.at("sku", "name"); sku.str() != "" {
		rt := strings.ToUpper(sku.str())
		zonal := strings.Contains(rt, "ZRS")
		set(f, "multi_az", zonal, sku)
		set(f, "cross_region_replica", strings.Contains(rt, "GRS") || strings.Contains(rt, "GZRS"), sku)
		if zonal {
			set(f, "zones", int64(3), sku)
		}
	}
	pna := p.get("publicNetworkAccess")
	set(f, "public", !strings.EqualFold(pna.str(), "Disabled"), pna)
	im := p.get("immutableStorageWithVersioning")
	on, _ := im.get("enabled").bool()
	set(f, "object_lock", on, im)
	f.SetUnknown("versioning") // a property of the blobServices child resource

	e := b.fact(collectors.KindEndpoint, "azure", "azurerm_storage_account", r.get("id").str()+"#endpoint", r)
	https := p.get("supportsHttpsTrafficOnly")
	on, ok := https.bool()
	if !ok {
		on = true // the default since 2019
	}
	set(e, "protocol", map[bool]string{true: "https", false: "http"}[on], https)
	set(e, "tls", on, https)
	mt := p.get("minimumTlsVersion")
	if v, ok := tlsVersion(mt.str()); ok {
		set(e, "min_tls_version", v, mt)
	} else {
		unknown(e, "min_tls_version", mt)
	}
	set(e, "public", f.Attrs["public"], pna)
	location(e, "azure", strings.ToLower(r.get("location").str()), r.get("location"))
}

// nsgRule maps one security rule of a network security group.
func (b *builder) nsgRule(nsg, rule jv, i int) {
	p := rule.get("properties")
	id := rule.get("id").str()
	if id == "" {
		id = fmt.Sprintf("%s/securityRules/%d", nsg.get("id").str(), i)
	}
	f := b.fact(collectors.KindFirewallRule, "azure", "azurerm_network_security_rule", id, rule)
	group := nsg.get("id").str()
	if i := strings.Index(strings.ToLower(id), "/securityrules/"); group == "" && i > 0 {
		group = id[:i]
	}
	set(f, "group", group, jv{})
	dir := p.get("direction")
	set(f, "direction", map[bool]string{true: "ingress", false: "egress"}[strings.EqualFold(dir.str(), "Inbound")], dir)
	acc := p.get("access")
	set(f, "action", strings.ToLower(acc.str()), acc)
	proto := strings.ToLower(p.get("protocol").str())
	if proto == "*" {
		proto = "all"
	}
	set(f, "protocol", proto, p.get("protocol"))
	ranges := p.get("destinationPortRanges").strs()
	if s := p.get("destinationPortRange").str(); s != "" {
		ranges = append(ranges, s)
	}
	lo, hi := int64(65535), int64(0)
	for _, s := range ranges {
		a, z, ok := portRange(s)
		if !ok {
			unknown(f, "from_port", p.get("destinationPortRange"))
			unknown(f, "to_port", p.get("destinationPortRange"))
			lo = -1
			break
		}
		lo, hi = min(lo, a), max(hi, z)
	}
	if lo >= 0 && len(ranges) > 0 {
		set(f, "from_port", lo, p.get("destinationPortRange"))
		set(f, "to_port", hi, p.get("destinationPortRange"))
	}
	srcs := p.get("sourceAddressPrefixes").strs()
	if s := p.get("sourceAddressPrefix").str(); s != "" {
		srcs = append(srcs, s)
	}
	var cidrs []string
	tags := false
	for _, s := range srcs {
		switch {
		case s == "*" || strings.EqualFold(s, "Internet") || strings.Contains(s, "/") || strings.Count(s, ".") == 3:
			cidrs = append(cidrs, s)
		default:
			tags = true // a service tag (VirtualNetwork, AzureLoadBalancer …)
		}
	}
	tags = tags || len(p.get("sourceApplicationSecurityGroups").list()) > 0
	sources(f, cidrs, tags, p)
	if f.Attrs["action"] == "deny" {
		set(f, "internet_exposed", false, jv{}) // a deny rule exposes nothing
	}
	if n, ok := p.get("priority").int(); ok {
		set(f, "rule_number", n, p.get("priority"))
	}
	loc := nsg.get("location")
	if !loc.present() {
		loc = rule.get("location")
	}
	location(f, "azure", strings.ToLower(loc.str()), loc)
}

// portRange reads "22", "80-443" or "*".
func portRange(s string) (int64, int64, bool) {
	if s == "*" {
		return 0, 65535, true
	}
	a, z, found := strings.Cut(s, "-")
	lo, err := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
	if err != nil {
		return 0, 0, false
	}
	if !found {
		return lo, lo, true
	}
	hi, err := strconv.ParseInt(strings.TrimSpace(z), 10, 64)
	return lo, hi, err == nil
}

// azureBackupPolicy maps a Recovery Services VM backup policy.
func (b *builder) azureBackupPolicy(r, p jv) {
	f := b.azFact(collectors.KindBackup, "azurerm_backup_policy_vm", r)
	set(f, "plan", r.get("id").str(), jv{})
	set(f, "rule", r.get("name").str(), r.get("name"))
	sp := p.get("schedulePolicy")
	freq := sp.get("scheduleRunFrequency")
	var interval int64
	switch strings.ToLower(freq.str()) {
	case "daily":
		interval = schedule.Day
	case "weekly":
		interval = schedule.Week
	case "hourly":
		if h, ok := sp.at("hourlySchedule", "interval").int(); ok && h > 0 {
			interval = h * schedule.Hour
		}
	}
	if freq.present() {
		set(f, "schedule", freq.str(), freq)
	}
	if interval > 0 {
		set(f, "interval_seconds", interval, freq)
	} else {
		unknown(f, "interval_seconds", freq)
	}
	rp := p.get("retentionPolicy")
	var count int64
	var at jv
	switch {
	case rp.get("dailySchedule").isMap() && interval <= schedule.Day:
		at = rp.at("dailySchedule", "retentionDuration", "count")
		if n, ok := at.int(); ok {
			count = n
			set(f, "retention_seconds", n*schedule.Day, at)
		}
	case rp.get("weeklySchedule").isMap():
		at = rp.at("weeklySchedule", "retentionDuration", "count")
		if n, ok := at.int(); ok {
			count = n
			set(f, "retention_seconds", n*schedule.Week, at)
		}
	}
	if ret, ok := f.Attrs["retention_seconds"].(int64); ok && interval > 0 {
		set(f, "generations", ret/interval, at)
	} else if count > 0 {
		set(f, "generations", count, at)
	} else {
		f.SetUnknown("generations")
	}
	f.SetUnknown("targets") // protected items are separate resources
}

// tlsVersion normalizes TLS1_2, TLS_1_2, TLSv1.2, 1.2 to "1.2".
func tlsVersion(s string) (string, bool) {
	t := strings.ToUpper(strings.TrimSpace(s))
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
