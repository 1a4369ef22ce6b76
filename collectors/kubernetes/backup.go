package kubernetes

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/internal/schedule"
)

// Annotations (or labels) by which a CronJob declares itself a backup.
const (
	// AnnotationBackup set to "true" marks a CronJob as a backup schedule.
	AnnotationBackup = "kaiji.dev/backup"
	// AnnotationBackupGenerations is the number of copies the job keeps.
	AnnotationBackupGenerations = "kaiji.dev/backup-generations"
	// AnnotationBackupRetention is how long each copy is kept (720h, 30d).
	AnnotationBackupRetention = "kaiji.dev/backup-retention"
	// AnnotationBackupTargets lists the ids of the datastores backed up, comma-separated.
	AnnotationBackupTargets = "kaiji.dev/backup-targets"
)

// veleroDefaultTTL is a Velero backup's time to live when the schedule sets none (Velero documentation).
const veleroDefaultTTL = 720 * time.Hour

// veleroScheduleFacts maps a Velero Schedule: cron to interval, ttl to
// retention and generations.
func veleroScheduleFacts(o *object) ([]*collectors.Fact, collectors.Diagnostics) {
	f := newFact(o, collectors.KindBackup, "", val{})
	spec := o.v.get("spec")
	set(f, "plan", o.ref(), val{})
	set(f, "rule", o.name(), val{})
	set(f, "field", "spec.schedule", val{})
	diags := scheduleInterval(o, f, spec.get("schedule"), true)
	enabled := true
	if p, ok := spec.get("paused").bool(); ok && p {
		enabled = false
	}
	set(f, "enabled", enabled, spec.get("paused"))
	ttl := spec.path("template", "ttl")
	var retention int64
	switch {
	case !ttl.present():
		retention = int64(veleroDefaultTTL / time.Second)
		set(f, "retention_seconds", retention, val{})
	default:
		d, err := time.ParseDuration(ttl.str())
		if err != nil || d < 0 {
			unknown(f, "retention_seconds", ttl)
			diags = append(diags, collectors.Warnf(o.file, ttl.line(), "Velero Schedule %s: ttl %q is not a duration", o.name(), ttl.str()))
		} else if d == 0 {
			// Velero treats a zero TTL as the default.
			retention = int64(veleroDefaultTTL / time.Second)
			set(f, "retention_seconds", retention, ttl)
		} else {
			retention = int64(d / time.Second)
			set(f, "retention_seconds", retention, ttl)
		}
	}
	generations(f, retention, ttl)
	// The volumes covered depend on the cluster; the collector resolves
	// them against the claims it saw.
	f.SetUnknown("targets")
	f.SetUnknown("location.region")
	return []*collectors.Fact{f}, diags
}

// generations derives restorable copies from retention and interval.
func generations(f *collectors.Fact, retention int64, at val) {
	interval, ok := f.Attrs["interval_seconds"].(int64)
	if ok && interval > 0 && retention > 0 {
		set(f, "generations", retention/interval, at)
		return
	}
	f.SetUnknown("generations")
}

var everyRe = regexp.MustCompile(`^@every\s+(\S+)$`)

// scheduleInterval records schedule and interval_seconds from a cron field.
// Velero also accepts "@every <duration>".
func scheduleInterval(o *object, f *collectors.Fact, s val, every bool) collectors.Diagnostics {
	expr := strings.TrimSpace(s.str())
	if expr == "" {
		unknown(f, "schedule", s)
		unknown(f, "interval_seconds", s)
		return nil
	}
	set(f, "schedule", expr, s)
	if m := everyRe.FindStringSubmatch(expr); every && m != nil {
		if d, err := time.ParseDuration(m[1]); err == nil && d > 0 {
			set(f, "interval_seconds", int64(d/time.Second), s)
			return nil
		}
	}
	sec, err := schedule.MaxInterval(expr, schedule.Standard)
	if err != nil {
		unknown(f, "interval_seconds", s)
		return collectors.Diagnostics{collectors.Warnf(o.file, s.line(), "%s %s: schedule not understood: %v", o.kind(), o.name(), err)}
	}
	set(f, "interval_seconds", sec, s)
	return nil
}

// backupWords finds CronJobs that look like backups without saying so.
var backupWords = regexp.MustCompile(`(?i)backup|snapshot|dump`)

// declaresBackup reports whether a CronJob declares itself a backup, by the
// kaiji.dev/backup annotation or label, or app.kubernetes.io/component: backup.
func declaresBackup(o *object) (bool, val) {
	md := o.v.get("metadata")
	for _, where := range []string{"annotations", "labels"} {
		v := md.get(where).get(AnnotationBackup)
		if b, ok := v.bool(); ok {
			return b, v
		}
	}
	if c := md.path("labels", "app.kubernetes.io/component"); strings.EqualFold(c.str(), "backup") {
		return true, c
	}
	return false, val{}
}

// cronJobBackupFact maps a CronJob that declares itself a backup.
func cronJobBackupFact(o *object) (*collectors.Fact, collectors.Diagnostics) {
	ok, decl := declaresBackup(o)
	if !ok {
		if backupWords.MatchString(o.name()) && !decl.present() {
			return nil, collectors.Diagnostics{{File: o.file, Line: o.line, Severity: collectors.SeverityInfo,
				Message: fmt.Sprintf("CronJob %s looks like a backup job but does not declare itself; annotate it %s: \"true\" to count it as one", o.name(), AnnotationBackup)}}
		}
		return nil, nil
	}
	f := newFact(o, collectors.KindBackup, "", val{})
	set(f, "plan", o.ref(), decl)
	set(f, "rule", o.name(), val{})
	set(f, "field", "spec.schedule", val{})
	spec := o.v.get("spec")
	diags := scheduleInterval(o, f, spec.get("schedule"), false)
	enabled := true
	if s, ok := spec.get("suspend").bool(); ok && s {
		enabled = false
	}
	set(f, "enabled", enabled, spec.get("suspend"))
	ann := o.v.path("metadata", "annotations")
	var retention int64
	if r := ann.get(AnnotationBackupRetention); r.present() {
		if d, ok := parseDays(r.str()); ok {
			retention = d
			set(f, "retention_seconds", d, r)
		} else {
			unknown(f, "retention_seconds", r)
			diags = append(diags, collectors.Warnf(o.file, r.line(), "CronJob %s: %s %q is not a duration (720h, 30d)", o.name(), AnnotationBackupRetention, r.str()))
		}
	} else {
		f.SetUnknown("retention_seconds")
	}
	if g := ann.get(AnnotationBackupGenerations); g.present() {
		if n, err := strconv.ParseInt(strings.TrimSpace(g.str()), 10, 64); err == nil && n > 0 {
			set(f, "generations", n, g)
		} else {
			unknown(f, "generations", g)
			diags = append(diags, collectors.Warnf(o.file, g.line(), "CronJob %s: %s %q is not a positive number", o.name(), AnnotationBackupGenerations, g.str()))
		}
	} else {
		generations(f, retention, val{})
	}
	if t := ann.get(AnnotationBackupTargets); t.present() {
		var ids []any
		for _, s := range strings.Split(t.str(), ",") {
			if s = strings.TrimSpace(s); s != "" {
				ids = append(ids, s)
			}
		}
		set(f, "targets", ids, t)
	} else {
		f.SetUnknown("targets")
	}
	f.SetUnknown("location.region")
	return f, diags
}

var daysRe = regexp.MustCompile(`^(\d+)\s*d$`)

// parseDays reads a duration as Go writes it (720h) or in days (30d), in seconds.
func parseDays(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if m := daysRe.FindStringSubmatch(s); m != nil {
		n, err := strconv.ParseInt(m[1], 10, 64)
		return n * schedule.Day, err == nil && n > 0 && n < 1<<30
	}
	d, err := time.ParseDuration(s)
	return int64(d / time.Second), err == nil && d > 0
}
