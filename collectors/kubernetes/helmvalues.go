package kubernetes

import (
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
