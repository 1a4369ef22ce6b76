package kubernetes

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
)

// Node label keys for zones and regions, current and deprecated.
var (
	zoneKeys   = map[string]bool{"topology.kubernetes.io/zone": true, "failure-domain.beta.kubernetes.io/zone": true}
	regionKeys = map[string]bool{"topology.kubernetes.io/region": true, "failure-domain.beta.kubernetes.io/region": true}
)

// defaultProbePeriod is periodSeconds when a probe does not set it (Kubernetes API reference).
const defaultProbePeriod = 10

// podTemplate returns the pod template (metadata and spec) of a workload.
func podTemplate(o *object) val {
	switch o.kind() {
	case "Pod":
		return o.v
	case "CronJob":
		return o.v.path("spec", "jobTemplate", "spec", "template")
	}
	return o.v.path("spec", "template")
}

// podSpecField is the field path of a workload's pod spec, for the field attribute.
func podSpecField(o *object) string {
	switch o.kind() {
	case "Pod":
		return "spec"
	case "CronJob":
		return "spec.jobTemplate.spec.template.spec"
	}
	return "spec.template.spec"
}

// longRunning reports whether the workload's containers are expected to
// run until stopped, so that a missing liveness probe matters.
func longRunning(kind string) bool {
	return kind != "Job" && kind != "CronJob"
}

// replicated reports whether the workload kind has spec.replicas.
func replicated(kind string) bool {
	switch kind {
	case "Deployment", "StatefulSet", "ReplicaSet", "ReplicationController":
		return true
	}
	return false
}

// workloadFacts maps a workload: probes, redundancy, region pinning,
// detection agents, declared backup jobs and StatefulSet volumes.
func workloadFacts(o *object) ([]*collectors.Fact, collectors.Diagnostics) {
	tpl := podTemplate(o)
	spec := tpl.get("spec")
	var out []*collectors.Fact
	var diags collectors.Diagnostics
	out = append(out, probeFacts(o, spec)...)
	if replicated(o.kind()) {
		out = append(out, redundancyFact(o, spec))
	}
	out = append(out, regionFacts(o, spec)...)
	if f := detectionFact(o, spec); f != nil {
		out = append(out, f)
	}
	if o.kind() == "CronJob" {
		f, ds := cronJobBackupFact(o)
		diags = append(diags, ds...)
		if f != nil {
			out = append(out, f)
		}
	}
	if o.kind() == "StatefulSet" {
		for i, t := range o.v.path("spec", "volumeClaimTemplates").list() {
			name := t.path("metadata", "name").str()
			f := pvcFact(o, t, o.ref()+".volumeClaimTemplates"+quoteKey(name), t)
			set(f, "field", fmt.Sprintf("spec.volumeClaimTemplates[%d].spec.storageClassName", i), val{})
			// The volumes of pods pinned to one region are provisioned there.
			if regions, at := pinnedValues(spec, regionKeys); len(regions) == 1 {
				clearUnknown(f, "location.region")
				if p := cloudOfRegion(regions[0]); p != "" {
					set(f, "location.provider", p, val{})
				}
				set(f, "location.region", regions[0], at)
			}
			out = append(out, f)
		}
	}
	return out, diags
}

// container is a container of a pod spec with its field path.
type container struct {
	val
	field string
}

// containers lists the containers that run for the pod's lifetime: regular
// containers and sidecars (init containers with restartPolicy Always).
func containers(spec val, prefix string) []container {
	var out []container
	for i, c := range spec.get("containers").list() {
		out = append(out, container{c, fmt.Sprintf("%s.containers[%d]", prefix, i)})
	}
	for i, c := range spec.get("initContainers").list() {
		if c.get("restartPolicy").str() == "Always" {
			out = append(out, container{c, fmt.Sprintf("%s.initContainers[%d]", prefix, i)})
		}
	}
	return out
}

var probeKinds = []struct{ field, check string }{
	{"livenessProbe", "liveness"},
	{"readinessProbe", "readiness"},
	{"startupProbe", "startup"},
}

// probeFacts maps each probe of each container, and the absence of a
// liveness probe in a long-running container (configured: false).
func probeFacts(o *object, spec val) []*collectors.Fact {
	var out []*collectors.Fact
	for i, c := range containers(spec, podSpecField(o)) {
		cname := c.get("name").str()
		if cname == "" {
			cname = fmt.Sprint(i)
		}
		for _, pk := range probeKinds {
			p := c.get(pk.field)
			id := o.ref() + ".containers" + quoteKey(cname) + "." + pk.field
			if !p.isMap() {
				if pk.check == "liveness" && longRunning(o.kind()) {
					f := newFact(o, collectors.KindMonitor, id, c.val)
					set(f, "check", pk.check, val{})
					set(f, "target", cname, c.get("name"))
					set(f, "configured", false, val{})
					set(f, "field", c.field+"."+pk.field, val{})
					out = append(out, f)
				}
				continue
			}
			f := newFact(o, collectors.KindMonitor, id, p)
			set(f, "check", pk.check, p)
			set(f, "configured", true, p)
			set(f, "field", c.field+"."+pk.field, val{})
			set(f, "target", cname+" "+probeTarget(p), p)
			switch period := p.get("periodSeconds"); {
			case !period.present():
				set(f, "interval_seconds", int64(defaultProbePeriod), val{})
			default:
				if n, ok := period.int(); ok {
					set(f, "interval_seconds", n, period)
				} else {
					unknown(f, "interval_seconds", period)
				}
			}
			out = append(out, f)
		}
	}
	return out
}

// probeTarget describes what a probe checks, without command arguments
// (they may carry credentials).
func probeTarget(p val) string {
	port := func(v val) string {
		if n, ok := v.get("port").int(); ok {
			return fmt.Sprint(n)
		}
		return v.get("port").str()
	}
	switch {
	case p.get("httpGet").isMap():
		h := p.get("httpGet")
		scheme := strings.ToLower(h.get("scheme").str())
		if scheme == "" {
			scheme = "http"
		}
		pth := h.get("path").str()
		if pth == "" {
			pth = "/"
		}
		return fmt.Sprintf("%s://:%s%s", scheme, port(h), pth)
	case p.get("tcpSocket").isMap():
		return "tcp://:" + port(p.get("tcpSocket"))
	case p.get("grpc").isMap():
		return "grpc://:" + port(p.get("grpc"))
	case p.get("exec").isMap():
		cmd := p.path("exec", "command").strs()
		if len(cmd) == 0 {
			return "exec"
		}
		prog := path.Base(cmd[0])
		// sh -c "pg_isready ..." names the program in the script.
		if (prog == "sh" || prog == "bash") && len(cmd) > 2 && cmd[1] == "-c" {
			if fields := strings.Fields(cmd[2]); len(fields) > 0 {
				prog = path.Base(fields[0])
			}
		}
		return "exec " + prog
	}
	return "unknown"
}

// redundancyFact records replicas and how the pods are spread over zones.
func redundancyFact(o *object, spec val) *collectors.Fact {
	f := newFact(o, collectors.KindRedundancy, "", val{})
	set(f, "field", "spec.replicas", val{})
	r := o.v.path("spec", "replicas")
	switch {
	case !r.present():
		set(f, "replicas", int64(1), val{}) // the API default
	default:
		if n, ok := r.int(); ok {
			set(f, "replicas", n, r)
		} else {
			unknown(f, "replicas", r)
		}
	}
	hard, soft, at := false, false, val{}
	for _, c := range spec.get("topologySpreadConstraints").list() {
		if !zoneKeys[c.get("topologyKey").str()] {
			continue
		}
		if c.get("whenUnsatisfiable").str() == "ScheduleAnyway" {
			soft = true
		} else {
			hard, at = true, c
		}
		if !at.present() {
			at = c
		}
	}
	anti := spec.path("affinity", "podAntiAffinity")
	for _, t := range anti.get("requiredDuringSchedulingIgnoredDuringExecution").list() {
		if zoneKeys[t.get("topologyKey").str()] {
			hard, at = true, t
		}
	}
	for _, t := range anti.get("preferredDuringSchedulingIgnoredDuringExecution").list() {
		if zoneKeys[t.path("podAffinityTerm", "topologyKey").str()] {
			soft = true
			if !at.present() {
				at = t
			}
		}
	}
	// Without a hard constraint the scheduler may put every pod in one zone.
	set(f, "spread_across_zones", hard, at)
	if soft && !hard {
		set(f, "spread_preferred", true, at)
	}
	if zones, v := pinnedValues(spec, zoneKeys); len(zones) > 0 {
		set(f, "zones", int64(len(zones)), v)
	} else {
		f.SetUnknown("zones") // depends on the cluster's nodes
	}
	return f
}

// pinnedValues returns the values a pod's node selector or required node
// affinity allows for the given label keys, and where they are set.
func pinnedValues(spec val, keys map[string]bool) ([]string, val) {
	var out []string
	var at val
	seen := map[string]bool{}
	add := func(s string, v val) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
			if !at.present() {
				at = v
			}
		}
	}
	sel := spec.get("nodeSelector")
	for _, k := range sel.keys() {
		if keys[k] {
			add(sel.get(k).str(), sel.get(k))
		}
	}
	terms := spec.path("affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
	for _, t := range terms.list() {
		for _, e := range t.get("matchExpressions").list() {
			if keys[e.get("key").str()] && e.get("operator").str() == "In" {
				for _, v := range e.get("values").list() {
					add(v.str(), v)
				}
			}
		}
	}
	return out, at
}

// regionFacts records regions a workload is pinned to by node selector or
// required node affinity.
func regionFacts(o *object, spec val) []*collectors.Fact {
	regions, _ := pinnedValues(spec, regionKeys)
	var out []*collectors.Fact
	for _, r := range regions {
		at := findRegion(spec, r)
		f := newFact(o, collectors.KindLocation, o.ref()+".region"+quoteKey(r), at)
		if p := cloudOfRegion(r); p != "" {
			set(f, "provider", p, val{})
		} else {
			f.SetUnknown("provider")
		}
		set(f, "region", r, at)
		set(f, "field", podSpecField(o)+regionField(spec, r), val{})
		out = append(out, f)
	}
	return out
}

// regionField is the field, below the pod spec, that pins a region.
func regionField(spec val, region string) string {
	for _, k := range spec.get("nodeSelector").keys() {
		if regionKeys[k] && spec.get("nodeSelector").get(k).str() == region {
			return ".nodeSelector"
		}
	}
	return ".affinity.nodeAffinity"
}

// findRegion finds where a region value is set, for its line.
func findRegion(spec val, region string) val {
	sel := spec.get("nodeSelector")
	for _, k := range sel.keys() {
		if regionKeys[k] && sel.get(k).str() == region {
			return sel.get(k)
		}
	}
	terms := spec.path("affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
	for _, t := range terms.list() {
		for _, e := range t.get("matchExpressions").list() {
			for _, v := range e.get("values").list() {
				if regionKeys[e.get("key").str()] && v.str() == region {
					return v
				}
			}
		}
	}
	return val{}
}

var (
	awsRegion   = regexp.MustCompile(`^(us|eu|ap|sa|ca|me|af|il|mx)(-gov)?-[a-z]+-\d$`)
	gcpRegion   = regexp.MustCompile(`^[a-z]+-[a-z]+\d+$`)
	azureRegion = regexp.MustCompile(`^[a-z]+\d?$`)
)

// cloudOfRegion infers the cloud from the shape of a region code; "" when
// the shape is not one of the three providers'.
func cloudOfRegion(r string) string {
	switch {
	case awsRegion.MatchString(r):
		return "aws"
	case gcpRegion.MatchString(r):
		return "gcp"
	case azureRegion.MatchString(r):
		return "azure"
	}
	return ""
}

// Detection agents recognized by image.
var detectionImages = []struct {
	re      *regexp.Regexp
	service string
	attr    string
}{
	{regexp.MustCompile(`(^|/)falco(-no-driver|-distroless)?(:|@|$)`), "falco", "intrusion_detection"},
	{regexp.MustCompile(`(^|/)(clamav|clamav-debian|clamd)(:|@|$)`), "clamav", "malware_protection"},
}

// detectionFact records an intrusion-detection or anti-malware agent.
func detectionFact(o *object, spec val) *collectors.Fact {
	for _, c := range containers(spec, podSpecField(o)) {
		img := c.get("image")
		for _, d := range detectionImages {
			if !d.re.MatchString(img.str()) {
				continue
			}
			f := newFact(o, collectors.KindDetection, o.ref()+".detection"+quoteKey(d.service), val{})
			set(f, "service", d.service, img)
			set(f, "field", c.field+".image", val{})
			set(f, d.attr, true, img)
			enabled := true
			if r, ok := o.v.path("spec", "replicas").int(); ok && r == 0 {
				enabled = false
			}
			set(f, "enabled", enabled, o.v.path("spec", "replicas"))
			if d.service == "falco" {
				set(f, "mode", "alert", val{}) // Falco alerts; it does not block
			}
			return f
		}
	}
	return nil
}
