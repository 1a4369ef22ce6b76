package terraform

import (
	"slices"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/internal/schedule"
)

// Azure Verified Modules write some Azure resources through the AzAPI
// provider: an azapi_resource whose type names the ARM resource type and
// whose body is the ARM request body. The ARM types read here are mapped
// like their azurerm counterparts.

func init() {
	azureMappers["azapi_resource"] = mapAzAPI
}

// azapiMappers maps ARM resource types (without API version) to mappers of the body.
var azapiMappers = map[string]func(m *module, r *resource, props map[string]any) []*collectors.Fact{
	"microsoft.recoveryservices/vaults":                mapAzAPIVault,
	"microsoft.recoveryservices/vaults/backuppolicies": mapAzAPIBackupPolicy,
}

func mapAzAPI(m *module, r *resource) []*collectors.Fact {
	typ, ok := str(r.body, "type")
	if !ok {
		return nil
	}
	typ, _, _ = strings.Cut(typ, "@")
	mp := azapiMappers[strings.ToLower(typ)]
	if mp == nil {
		return nil
	}
	body := r.body.get("body")
	props, _ := dig(body.v, "properties").(map[string]any)
	if !body.known {
		props = nil
	}
	return mp(m, r, props)
}

// dig walks nested maps; it returns nil when a key is missing.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func mapAzAPIVault(m *module, r *resource, props map[string]any) []*collectors.Fact {
	f := newFact(r, collectors.KindDR, "")
	line := r.body.get("body").line
	if props == nil {
		f.SetUnknown("cross_region")
		f.SetUnknown("immutable")
		azLocation(m, r, f)
		return []*collectors.Fact{f}
	}
	red, _ := dig(props, "redundancySettings", "standardTierStorageRedundancy").(string)
	switch red {
	case "":
		set(f, "cross_region", true) // GeoRedundant is the default
	default:
		set(f, "cross_region", red == "GeoRedundant")
	}
	f.SetLine("cross_region", line)
	crr, _ := dig(props, "redundancySettings", "crossRegionRestore").(string)
	set(f, "cross_region_restore", crr == "Enabled")
	state, _ := dig(props, "securitySettings", "immutabilitySettings", "state").(string)
	set(f, "immutable", state == "Locked")
	azLocation(m, r, f)
	return []*collectors.Fact{f}
}

// mapAzAPIBackupPolicy reads a Recovery Services backup policy body: the
// schedule (Hourly/Daily/Weekly) and the daily or weekly retention.
func mapAzAPIBackupPolicy(m *module, r *resource, props map[string]any) []*collectors.Fact {
	f := newFact(r, collectors.KindBackup, "")
	set(f, "plan", r.addr)
	read(f, "rule", r.body, "name", toString, absentOmit, nil)
	line := r.body.get("body").line
	if a := r.body.attr("parent_id"); a != nil {
		if s, ok := str(r.body, "parent_id"); ok {
			set(f, "vault", s[strings.LastIndex(s, "/")+1:])
		}
	}
	sp, _ := dig(props, "schedulePolicy").(map[string]any)
	rp, _ := dig(props, "retentionPolicy").(map[string]any)
	if sp == nil || rp == nil {
		f.SetUnknown("interval_seconds")
		f.SetUnknown("generations")
		azLocation(m, r, f)
		return []*collectors.Fact{f}
	}
	freq, _ := sp["scheduleRunFrequency"].(string)
	set(f, "schedule", freq)
	f.SetLine("schedule", line)
	var interval int64
	var runDays []string
	switch freq {
	case "Hourly":
		if h, ok := asInt(dig(sp, "hourlySchedule", "interval")); ok && h > 0 {
			interval = h * schedule.Hour
		}
	case "Daily":
		interval = schedule.Day
	case "Weekly":
		days := dig(sp, "weeklySchedule", "scheduleRunDays")
		if days == nil {
			days = sp["scheduleRunDays"]
		}
		runDays, _ = asStrings(days)
		interval = weeklyGap(runDays)
	}
	if interval > 0 {
		set(f, "interval_seconds", interval)
		f.SetLine("interval_seconds", line)
	} else {
		f.SetUnknown("interval_seconds")
	}
	daily, _ := asInt(dig(rp, "dailySchedule", "retentionDuration", "count"))
	weekly, _ := asInt(dig(rp, "weeklySchedule", "retentionDuration", "count"))
	switch {
	case daily > 0 && interval > 0:
		set(f, "retention_seconds", daily*schedule.Day)
		set(f, "generations", daily*schedule.Day/interval)
	case weekly > 0 && freq == "Weekly" && len(runDays) > 0:
		// Each weekly run is kept count weeks: count copies per run day.
		set(f, "retention_seconds", weekly*schedule.Week)
		set(f, "generations", weekly*int64(len(runDays)))
	default:
		f.SetUnknown("retention_seconds")
		f.SetUnknown("generations")
	}
	f.SetLine("generations", line)
	azLocation(m, r, f)
	return []*collectors.Fact{f}
}

// weeklyGap is the longest gap between the days of a weekly schedule
// (Monday, "TUESDAY" …), or 0 when a day is not recognised.
func weeklyGap(days []string) int64 {
	var nums []int
	for _, d := range days {
		n, ok := weekdays[strings.ToUpper(d)]
		if !ok {
			return 0
		}
		nums = append(nums, n)
	}
	if len(nums) == 0 {
		return 0
	}
	slices.Sort(nums)
	nums = slices.Compact(nums)
	gap := 7 - nums[len(nums)-1] + nums[0]
	for i := 1; i < len(nums); i++ {
		gap = max(gap, nums[i]-nums[i-1])
	}
	return int64(gap) * schedule.Day
}
