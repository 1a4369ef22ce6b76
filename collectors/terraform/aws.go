package terraform

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/internal/schedule"
)

// awsMappers turns AWS resources into facts. Each mapper reads only its
// resource; links between resources are made afterwards by linkAWS.
var awsMappers = map[string]mapper{
	"aws_db_instance":                     mapDBInstance,
	"aws_rds_cluster":                     mapRDSCluster,
	"aws_s3_bucket":                       mapS3Bucket,
	"aws_backup_plan":                     mapBackupPlan,
	"aws_cloudwatch_log_group":            mapLogGroup,
	"aws_security_group":                  mapSecurityGroup,
	"aws_security_group_rule":             mapSecurityGroupRule,
	"aws_vpc_security_group_ingress_rule": mapSGIngressRule,
	"aws_lb_listener":                     mapLBListener,
	"aws_alb_listener":                    mapLBListener,
}

// location records where a resource runs, from its provider configuration.
func location(m *module, r *resource, f *collectors.Fact) {
	set(f, "location.provider", f.Provider)
	pc := m.providers[r.provider]
	if pc == nil {
		f.SetUnknown("location.region")
		return
	}
	read(f, "location.region", pc.body, "region", toString, absentUnknown, nil)
}

func mapDBInstance(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindDatastore, "")
	set(f, "class", "database")
	read(f, "engine", b, "engine", toString, absentOmit, nil)
	tags(f, b)
	// A member of an Aurora cluster inherits encryption from the cluster.
	if cid := b.get("cluster_identifier"); cid.present {
		set(f, "cluster_member", true)
		f.SetUnknown("encrypted_at_rest")
	} else if src := b.get("replicate_source_db"); src.present && !b.get("storage_encrypted").present {
		// A read replica inherits its source's encryption (linked when the source is known).
		f.SetUnknown("encrypted_at_rest")
	} else {
		read(f, "encrypted_at_rest", b, "storage_encrypted", toBool, absentDefault, false)
	}
	if v := b.get("kms_key_id"); nonEmpty(b, "kms_key_id") {
		set(f, "kms_key", true)
		f.SetLine("kms_key", v.line)
	}
	read(f, "multi_az", b, "multi_az", toBool, absentDefault, false)
	read(f, "public", b, "publicly_accessible", toBool, absentDefault, false)
	rdsBackup(f, b, "backup_retention_period")
	location(m, r, f)
	return []*collectors.Fact{f}
}

func mapRDSCluster(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindDatastore, "")
	set(f, "class", "database")
	read(f, "engine", b, "engine", toString, absentDefault, "aurora")
	tags(f, b)
	// Aurora Serverless v1 clusters are always encrypted; provisioned ones default to unencrypted.
	def := false
	if mode := b.get("engine_mode"); mode.known && mode.v == "serverless" {
		def = true
	}
	read(f, "encrypted_at_rest", b, "storage_encrypted", toBool, absentDefault, def)
	if v := b.get("kms_key_id"); nonEmpty(b, "kms_key_id") {
		set(f, "kms_key", true)
		f.SetLine("kms_key", v.line)
	}
	if v := b.get("availability_zones"); v.known {
		if zones, ok := asStrings(v.v); ok {
			set(f, "zones", len(zones))
			set(f, "multi_az", len(zones) > 1)
			f.SetLine("multi_az", v.line)
		}
	}
	// backup_retention_period defaults to 1 day for clusters (provider documentation).
	if v := b.get("backup_retention_period"); !v.present {
		setRDSBackup(f, 1, 0)
	} else {
		rdsBackup(f, b, "backup_retention_period")
	}
	location(m, r, f)
	return []*collectors.Fact{f}
}

// rdsBackup reads RDS automated backups: a daily snapshot kept N days gives N generations.
func rdsBackup(f *collectors.Fact, b *block, name string) {
	v := b.get(name)
	switch {
	case v.known:
		days, ok := asInt(v.v)
		if !ok {
			f.SetUnknown("backup")
			return
		}
		setRDSBackup(f, days, v.line)
	default:
		f.SetUnknown("backup.enabled")
		f.SetUnknown("backup.interval_seconds")
		f.SetUnknown("backup.generations")
		f.SetLine("backup.enabled", v.line)
	}
}

func setRDSBackup(f *collectors.Fact, days int64, line int) {
	set(f, "backup.kind", "automated")
	set(f, "backup.enabled", days > 0)
	f.SetLine("backup.enabled", line)
	if days > 0 {
		set(f, "backup.interval_seconds", int64(schedule.Day))
		set(f, "backup.retention_seconds", days*schedule.Day)
		set(f, "backup.generations", days)
		f.SetLine("backup.generations", line)
		f.SetLine("backup.retention_seconds", line)
	}
}

func mapS3Bucket(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindDatastore, "")
	set(f, "class", "object_storage")
	read(f, "name", b, "bucket", toString, absentOmit, nil)
	tags(f, b)
	// Inline configuration (provider v3 style); the separate resource is linked later.
	if sse := b.child("server_side_encryption_configuration"); sse != nil {
		s3Encryption(f, sse)
	} else {
		// Since January 2023 S3 encrypts every new object with SSE-S3 by default (AWS documentation).
		set(f, "encrypted_at_rest", true)
		set(f, "encryption", "platform_default")
	}
	if ol := b.child("object_lock_configuration"); ol != nil {
		read(f, "object_lock", ol, "object_lock_enabled", func(v any) (any, bool) { s, ok := asString(v); return s == "Enabled", ok }, absentDefault, true)
	} else {
		read(f, "object_lock", b, "object_lock_enabled", toBool, absentDefault, false)
	}
	location(m, r, f)
	return []*collectors.Fact{f}
}

// s3Encryption reads a server_side_encryption_configuration block or resource body.
func s3Encryption(f *collectors.Fact, b *block) {
	rule := b.child("rule")
	def := rule.child("apply_server_side_encryption_by_default")
	if def == nil && rule != nil && rule.dynamic {
		set(f, "encrypted_at_rest", true)
		delete(f.Attrs, "encryption")
		f.SetUnknown("encryption")
		return
	}
	if def == nil {
		set(f, "encrypted_at_rest", true)
		set(f, "encryption", "platform_default")
		return
	}
	alg := def.get("sse_algorithm")
	f.SetLine("encrypted_at_rest", alg.line)
	if !alg.known {
		// S3 encrypts every object at least with SSE-S3; which algorithm is not known.
		set(f, "encrypted_at_rest", true)
		delete(f.Attrs, "encryption")
		f.SetUnknown("encryption")
		f.SetUnknown("kms_key")
		return
	}
	s, _ := asString(alg.v)
	set(f, "encrypted_at_rest", s != "")
	set(f, "encryption", s)
	f.SetLine("encryption", alg.line)
	if k := def.get("kms_master_key_id"); nonEmpty(def, "kms_master_key_id") {
		set(f, "kms_key", true)
		f.SetLine("kms_key", k.line)
	}
}

func tags(f *collectors.Fact, b *block) {
	if v := b.get("tags"); v.known {
		if t, ok := v.v.(map[string]any); ok {
			set(f, "tags", t)
		}
	}
}

// awsBackupDefaultSchedule is AWS Backup's schedule when a rule sets none (AWS documentation).
const awsBackupDefaultSchedule = "cron(0 5 ? * * *)"

func mapBackupPlan(m *module, r *resource) []*collectors.Fact {
	var out []*collectors.Fact
	for i, rule := range r.body.children("rule") {
		name := fmt.Sprint(i)
		if v := rule.get("rule_name"); v.known {
			name, _ = asString(v.v)
		}
		f := blockFact(r, rule, collectors.KindBackup, fmt.Sprintf("%s.rule[%q]", r.addr, name))
		set(f, "plan", r.addr)
		set(f, "rule", name)
		if rule.dynamic {
			set(f, "dynamic", true)
		}
		interval := int64(0)
		sv := rule.get("schedule")
		expr := awsBackupDefaultSchedule
		switch {
		case sv.known:
			expr, _ = asString(sv.v)
			fallthrough
		case !sv.present:
			set(f, "schedule", expr)
			f.SetLine("schedule", sv.line)
			sec, err := schedule.MaxInterval(expr, schedule.AWS)
			if err != nil {
				f.SetUnknown("interval_seconds")
				set(f, "schedule_error", err.Error())
			} else {
				interval = sec
				set(f, "interval_seconds", sec)
				f.SetLine("interval_seconds", sv.line)
			}
		default:
			f.SetUnknown("schedule")
			f.SetUnknown("interval_seconds")
			f.SetLine("interval_seconds", sv.line)
		}
		lc := rule.child("lifecycle")
		var retention int64
		if lc == nil {
			set(f, "retention_forever", true)
		} else if v := lc.get("delete_after"); v.known {
			days, ok := asInt(v.v)
			if ok {
				retention = days * schedule.Day
				set(f, "retention_seconds", retention)
			} else {
				f.SetUnknown("retention_seconds")
			}
			f.SetLine("retention_seconds", v.line)
			f.SetLine("generations", v.line)
		} else if v.present {
			f.SetUnknown("retention_seconds")
			f.SetLine("retention_seconds", v.line)
		} else {
			set(f, "retention_forever", true)
		}
		switch {
		case interval > 0 && retention > 0:
			// Restorable copies at any time: runs within the retention window.
			set(f, "generations", retention/interval)
		case f.Attrs["retention_forever"] == true:
			set(f, "generations_unbounded", true)
		default:
			f.SetUnknown("generations")
		}
		var copies []any
		for _, ca := range rule.children("copy_action") {
			if v := ca.get("destination_vault_arn"); v.known {
				copies = append(copies, v.v)
			} else {
				copies = append(copies, nil)
				f.SetUnknown("copy_destinations")
			}
		}
		if len(copies) > 0 {
			set(f, "copy_destinations", copies)
		}
		location(m, r, f)
		out = append(out, f)
	}
	return out
}

var logCategories = []struct {
	re  *regexp.Regexp
	cat string
}{
	{regexp.MustCompile(`(?i)flow`), "flow"},
	{regexp.MustCompile(`(?i)cloudtrail|audit`), "audit"},
	{regexp.MustCompile(`(?i)access|waf|alb|elb|cloudfront|api-?gateway`), "access"},
	{regexp.MustCompile(`(?i)security|guardduty|securityhub`), "security"},
}

// logCategory classifies a log store by its name; "system" when nothing matches.
func logCategory(name string) string {
	for _, c := range logCategories {
		if c.re.MatchString(name) {
			return c.cat
		}
	}
	return "system"
}

func mapLogGroup(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindLog, "")
	set(f, "store", "cloudwatch_logs")
	name := b.get("name")
	if name.known {
		n, _ := asString(name.v)
		set(f, "name", n)
		set(f, "category", logCategory(n))
	} else {
		f.SetUnknown("category")
	}
	// retention_in_days absent or 0 means the logs never expire.
	rv := b.get("retention_in_days")
	switch {
	case !rv.present:
		set(f, "retention_forever", true)
	case rv.known:
		days, ok := asInt(rv.v)
		switch {
		case !ok:
			f.SetUnknown("retention_seconds")
		case days == 0:
			set(f, "retention_forever", true)
		default:
			set(f, "retention_seconds", days*schedule.Day)
		}
		f.SetLine("retention_seconds", rv.line)
	default:
		f.SetUnknown("retention_seconds")
		f.SetLine("retention_seconds", rv.line)
	}
	if v := b.get("kms_key_id"); nonEmpty(b, "kms_key_id") {
		set(f, "encrypted", true)
		f.SetLine("encrypted", v.line)
	}
	// CloudWatch Logs cannot be edited in place, but log groups can be deleted:
	// no tamper protection beyond that is configured here.
	set(f, "tamper_protection", false)
	location(m, r, f)
	return []*collectors.Fact{f}
}

func mapSecurityGroup(m *module, r *resource) []*collectors.Fact {
	var out []*collectors.Fact
	for _, dir := range []string{"ingress", "egress"} {
		for i, rule := range r.body.children(dir) {
			f := blockFact(r, rule, collectors.KindFirewallRule, fmt.Sprintf("%s.%s[%d]", r.addr, dir, i))
			set(f, "group", r.addr)
			sgRule(f, rule, dir)
			if rule.dynamic {
				set(f, "dynamic", true)
			}
			location(m, r, f)
			out = append(out, f)
		}
	}
	return out
}

func mapSecurityGroupRule(m *module, r *resource) []*collectors.Fact {
	f := newFact(r, collectors.KindFirewallRule, "")
	dir := "ingress"
	if v := r.body.get("type"); v.known {
		dir, _ = asString(v.v)
	} else {
		f.SetUnknown("direction")
	}
	if a := r.body.attr("security_group_id"); a != nil {
		if refs := a.refs(); len(refs) > 0 {
			set(f, "group", m.prefix+refs[0])
		}
	}
	sgRule(f, r.body, dir)
	location(m, r, f)
	return []*collectors.Fact{f}
}

func mapSGIngressRule(m *module, r *resource) []*collectors.Fact {
	f := newFact(r, collectors.KindFirewallRule, "")
	b := r.body
	set(f, "direction", "ingress")
	set(f, "action", "allow")
	if a := b.attr("security_group_id"); a != nil {
		if refs := a.refs(); len(refs) > 0 {
			set(f, "group", m.prefix+refs[0])
		}
	}
	read(f, "protocol", b, "ip_protocol", toString, absentUnknown, nil)
	ports(f, b)
	var cidrs []string
	unknown := false
	for _, n := range []string{"cidr_ipv4", "cidr_ipv6"} {
		if v := b.get(n); v.known {
			s, _ := asString(v.v)
			cidrs = append(cidrs, s)
			f.SetLine("sources", v.line)
		} else if v.present {
			unknown = true
		}
	}
	sources(f, cidrs, unknown, b.get("referenced_security_group_id").present || b.get("prefix_list_id").present)
	location(m, r, f)
	return []*collectors.Fact{f}
}

// sgRule reads the common fields of an inline or standalone security group rule.
func sgRule(f *collectors.Fact, b *block, dir string) {
	set(f, "direction", dir)
	set(f, "action", "allow")
	read(f, "protocol", b, "protocol", toString, absentUnknown, nil)
	ports(f, b)
	var cidrs []string
	unknown := false
	for _, n := range []string{"cidr_blocks", "ipv6_cidr_blocks"} {
		v := b.get(n)
		switch {
		case v.known:
			list, ok := asStrings(v.v)
			if !ok {
				unknown = true
			}
			cidrs = append(cidrs, list...)
			f.SetLine("sources", v.line)
		case v.present:
			unknown = true
			f.SetLine("sources", v.line)
		}
	}
	other := nonEmpty(b, "security_groups") || nonEmpty(b, "source_security_group_id") || b.get("self").known && b.get("self").v == true || nonEmpty(b, "prefix_list_ids")
	sources(f, cidrs, unknown, other)
}

func ports(f *collectors.Fact, b *block) {
	read(f, "from_port", b, "from_port", toInt, absentUnknown, nil)
	read(f, "to_port", b, "to_port", toInt, absentUnknown, nil)
	if p, ok := f.Attrs["protocol"].(string); ok && (p == "-1" || strings.EqualFold(p, "all")) {
		set(f, "protocol", "all")
		set(f, "from_port", int64(0))
		set(f, "to_port", int64(65535))
		delete(f.Attrs, "unknown_ports")
		f.Unknown = slices.DeleteFunc(f.Unknown, func(s string) bool { return s == "attrs.from_port" || s == "attrs.to_port" })
	}
}

// sources records a rule's CIDR sources and whether it opens to the whole internet.
func sources(f *collectors.Fact, cidrs []string, unknown, other bool) {
	slices.Sort(cidrs)
	list := make([]any, len(cidrs))
	exposed := false
	for i, c := range cidrs {
		list[i] = c
		if c == "0.0.0.0/0" || c == "::/0" {
			exposed = true
		}
	}
	set(f, "sources", list)
	if other {
		set(f, "source_groups", true)
	}
	switch {
	case exposed:
		set(f, "internet_exposed", true)
	case unknown:
		f.SetUnknown("internet_exposed")
	default:
		set(f, "internet_exposed", false)
	}
	if line, ok := f.Lines["sources"]; ok {
		f.SetLine("internet_exposed", line)
	}
}

var (
	tlsPolicyRe    = regexp.MustCompile(`(?i)(?:TLS13|TLS|FS)-1-([0-3])`)
	legacyPolicyRe = regexp.MustCompile(`(?i)^ELBSecurityPolicy-(2016-08|2015-05|2015-03|2015-02|2014-10|2014-01|2011-08|FS-2018-06)$`)
)

// minTLSFromELBPolicy derives the minimum TLS version an ELB security policy allows.
func minTLSFromELBPolicy(p string) (string, bool) {
	if legacyPolicyRe.MatchString(p) {
		return "1.0", true
	}
	if m := tlsPolicyRe.FindStringSubmatch(p); m != nil {
		return "1." + m[1], true
	}
	return "", false
}

func mapLBListener(m *module, r *resource) []*collectors.Fact {
	b := r.body
	f := newFact(r, collectors.KindEndpoint, "")
	proto := "HTTP" // provider default for ALB listeners without a certificate
	if v := b.get("protocol"); v.known {
		proto, _ = asString(v.v)
		proto = strings.ToUpper(proto)
		f.SetLine("protocol", v.line)
	} else if v.present {
		f.SetUnknown("protocol")
		proto = ""
	}
	if proto != "" {
		set(f, "protocol", strings.ToLower(proto))
		set(f, "tls", proto == "HTTPS" || proto == "TLS")
		f.SetLine("tls", f.Lines["protocol"])
	}
	read(f, "port", b, "port", toInt, absentOmit, nil)
	if proto == "HTTPS" || proto == "TLS" {
		sp := b.get("ssl_policy")
		switch {
		case sp.known:
			name, _ := asString(sp.v)
			set(f, "tls_policy", name)
			if v, ok := minTLSFromELBPolicy(name); ok {
				set(f, "min_tls_version", v)
			} else {
				f.SetUnknown("min_tls_version")
			}
			f.SetLine("min_tls_version", sp.line)
		default:
			f.SetUnknown("min_tls_version") // the provider picks the current default policy
			f.SetLine("min_tls_version", sp.line)
		}
		if v := b.get("certificate_arn"); nonEmpty(b, "certificate_arn") {
			set(f, "certificate", true)
			f.SetLine("certificate", v.line)
		}
	}
	// A plain-HTTP listener whose default action redirects to HTTPS serves no content in clear.
	for _, da := range b.children("default_action") {
		if rd := da.child("redirect"); rd != nil {
			if v := rd.get("protocol"); v.known && strings.EqualFold(fmt.Sprint(v.v), "HTTPS") {
				set(f, "redirects_to_tls", true)
				f.SetLine("redirects_to_tls", v.line)
			}
		}
	}
	f.SetUnknown("public")
	location(m, r, f)
	return []*collectors.Fact{f}
}

// linkAWS enriches facts with the resources that configure them from outside:
// bucket encryption resources, backup selections, load balancers of listeners.
func linkAWS(m *module, facts map[string]*collectors.Fact, byType map[string][]*collectors.Fact) {
	bucketByName := map[string]*collectors.Fact{}
	for _, f := range byType["aws_s3_bucket"] {
		if n, ok := f.Attrs["name"].(string); ok {
			bucketByName[n] = f
		}
	}
	target := func(a *attr) *collectors.Fact {
		if a == nil {
			return nil
		}
		for _, ref := range a.refs() {
			if f := facts[ref]; f != nil {
				return f
			}
		}
		if s, ok := asString(goValue(a.val)); ok && a.val.IsKnown() {
			return bucketByName[s]
		}
		return nil
	}
	plans := map[string][]*collectors.Fact{}
	var selected targetSets
	for _, f := range byType["aws_backup_plan"] {
		plans[f.Attrs["plan"].(string)] = append(plans[f.Attrs["plan"].(string)], f)
	}
	for _, r := range m.resources {
		switch r.typ {
		case "aws_s3_bucket_server_side_encryption_configuration":
			if f := target(r.body.attr("bucket")); f != nil {
				s3Encryption(f, r.body)
				set(f, "encryption_resource", r.addr)
			}
		case "aws_backup_selection":
			a := r.body.attr("plan_id")
			if a == nil {
				continue
			}
			var rules []*collectors.Fact
			for _, ref := range a.refs() {
				rules = append(rules, plans[m.prefix+ref]...)
			}
			targets, known := backupTargets(m, r, facts)
			for _, rule := range rules {
				set(rule, "selection", r.addr)
				if !known {
					rule.SetUnknown("targets")
					continue
				}
				selected.add(rule, targets...)
				rule.SetLine("targets", r.body.rng.Start.Line)
			}
		}
	}
	selected.write()
	linkAWSMore(m, facts, byType)
	for _, f := range byType["aws_lb_listener"] {
		linkListener(m, f, facts)
	}
	for _, f := range byType["aws_alb_listener"] {
		linkListener(m, f, facts)
	}
}

func linkListener(m *module, f *collectors.Fact, facts map[string]*collectors.Fact) {
	idx := m.resourceIndex()
	r := idx.byAddr[f.ID]
	if r == nil {
		return
	}
	a := r.body.attr("load_balancer_arn")
	if a == nil {
		return
	}
	for _, ref := range a.refs() {
		lb := idx.byTypeName[ref]
		if lb == nil || lb.typ != "aws_lb" && lb.typ != "aws_alb" {
			continue
		}
		set(f, "load_balancer", lb.addr)
		v := lb.body.get("internal")
		switch {
		case !v.present:
			set(f, "public", true) // load balancers are internet-facing unless internal = true
		case v.known:
			internal, _ := asBool(v.v)
			set(f, "public", !internal)
		default:
			return
		}
		f.Unknown = slices.DeleteFunc(f.Unknown, func(s string) bool { return s == "attrs.public" })
		return
	}
}

// backupTargets resolves the resources an aws_backup_selection covers, by
// reference or by tag. known is false when they cannot be resolved statically.
func backupTargets(m *module, r *resource, facts map[string]*collectors.Fact) ([]string, bool) {
	var out []string
	known := true
	if a := r.body.attr("resources"); a != nil {
		// Databases in child modules, through the module's outputs.
		viaModules, ok := m.moduleTargets(a)
		out = append(out, viaModules...)
		known = known && ok
		refs := a.refs()
		for _, ref := range refs {
			if f, ok := facts[ref]; ok {
				out = append(out, f.ID)
			} else {
				known = false
			}
		}
		if len(refs) == 0 && len(viaModules) == 0 {
			if list, ok := asStrings(goValue(a.val)); ok && slices.Contains(list, "*") {
				for _, f := range facts {
					if f.Kind == collectors.KindDatastore {
						out = append(out, f.ID)
					}
				}
			} else {
				known = false
			}
		}
	}
	for _, st := range r.body.children("selection_tag") {
		k, v := st.get("key"), st.get("value")
		if !k.known || !v.known {
			known = false
			continue
		}
		for _, f := range facts {
			if t, ok := f.Attrs["tags"].(map[string]any); ok && fmt.Sprint(t[fmt.Sprint(k.v)]) == fmt.Sprint(v.v) {
				out = append(out, f.ID)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out), known
}
