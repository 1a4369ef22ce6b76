package kubernetes

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kaiji-dev/kaiji/collectors"
)

// veleroValues reports whether a YAML file is the values file of the Velero
// Helm chart (vmware-tanzu/helm-charts): a schedules map next to the chart's
// configuration keys. Such a file declares Velero Schedules that helm renders
// one to one, so they are read as if rendered.
func veleroValues(file string, docs []document) bool {
	if len(docs) != 1 {
		return false
	}
	v := val{v: docs[0].value, n: docs[0].root}
	if !v.get("schedules").isMap() {
		return false
	}
	for _, k := range []string{"configuration", "snapshotsEnabled", "deployNodeAgent", "deployRestic", "initContainers", "credentials"} {
		if v.get(k).present() {
			return true
		}
	}
	return false
}

// falcoValues reports whether a YAML file is the values file of the Falco
// Helm chart (falcosecurity/charts): a driver and a falco section next to
// the chart's other components.
func falcoValues(docs []document) bool {
	if len(docs) != 1 {
		return false
	}
	v := val{v: docs[0].value, n: docs[0].root}
	if !v.get("driver").isMap() || !v.get("falco").isMap() {
		return false
	}
	return v.get("falcoctl").present() || v.get("falcosidekick").present() || v.get("collectors").present()
}

// falcoValuesObject builds the DaemonSet the Falco chart renders (unless
// its controller kind is a Deployment), so that it maps like a manifest.
func falcoValuesObject(file string, d document) *object {
	v := val{v: d.value, n: d.root}
	kind := "DaemonSet"
	if strings.EqualFold(v.path("controller", "kind").str(), "deployment") {
		kind = "Deployment"
	}
	image := "falcosecurity/falco"
	if r := v.path("image", "repository").str(); r != "" {
		image = r
	}
	obj := map[string]any{
		"apiVersion": "apps/v1",
		"kind":       kind,
		"metadata":   map[string]any{"name": "falco"},
		"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
			"containers": []any{map[string]any{"name": "falco", "image": image}},
		}}},
	}
	if kind == "Deployment" {
		if n, ok := v.path("controller", "deployment", "replicas").int(); ok {
			obj["spec"].(map[string]any)["replicas"] = n
		}
	}
	return &object{v: val{v: obj}, file: file, line: d.line, endLine: d.end, detectionOnly: true}
}

// veleroValuesObjects builds a Velero Schedule object per enabled entry of
// the chart's schedules map. The release name is unknown, so objects are
// named after their key, as in the chart's template (<fullname>-<key>).
func veleroValuesObjects(file string, docs []document) ([]*object, collectors.Diagnostics) {
	v := val{v: docs[0].value, n: docs[0].root}
	s := v.get("schedules")
	var out []*object
	for _, key := range s.keys() {
		e := s.get(key)
		if d, ok := e.get("disabled").bool(); ok && d {
			continue
		}
		if !e.isMap() {
			continue
		}
		spec := map[string]any{}
		for _, k := range []string{"schedule", "template", "paused", "useOwnerReferencesInBackup", "skipImmediately"} {
			if x := e.get(k); x.present() {
				spec[k] = x.v
			}
		}
		obj := map[string]any{
			"apiVersion": "velero.io/v1",
			"kind":       "Schedule",
			"metadata":   map[string]any{"name": key},
			"spec":       spec,
		}
		// A synthetic node keeps the lines of the values file for spec fields.
		node := &yaml.Node{Kind: yaml.MappingNode, Line: e.line(), Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Value: "spec", Line: e.line()}, e.n,
		}}
		out = append(out, &object{v: val{v: obj, n: node}, file: file, line: e.line(), endLine: max(e.endLine(), e.line())})
	}
	return out, nil
}
