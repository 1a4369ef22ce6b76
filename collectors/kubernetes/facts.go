package kubernetes

import (
	"fmt"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
)

// maxListDepth bounds List objects nested in List objects.
const maxListDepth = 4

// FactsFromObject maps one decoded Kubernetes object (for example the object
// of an admission request, or the Object of an unstructured.Unstructured) to
// facts. src says where the object came from; its Line and EndLine become the
// source range of every fact, as no finer positions are known.
//
// Facts that depend on other objects (a PersistentVolumeClaim's StorageClass,
// the PodDisruptionBudget of a Deployment) record those values as unknown:
// only the collector, which sees all objects, links them.
func FactsFromObject(obj map[string]any, src collectors.Source) ([]collectors.Fact, collectors.Diagnostics) {
	objs, diags := expand(val{v: obj}, src.File, src.Line, src.EndLine, 0)
	var out []collectors.Fact
	for _, o := range objs {
		fs, ds := objectFacts(o)
		diags = append(diags, ds...)
		for _, f := range fs {
			if src.Collector != "" {
				f.Source.Collector = src.Collector
			}
			out = append(out, *f)
		}
	}
	collectors.SortFacts(out)
	return out, diags
}

// expand turns a decoded document into objects, unpacking List objects.
func expand(v val, file string, line, end, depth int) ([]*object, collectors.Diagnostics) {
	if !v.isMap() {
		return nil, nil
	}
	o := &object{v: v, file: file, line: line, endLine: end}
	if l := v.line(); l > 0 {
		o.line, o.endLine = l, max(v.endLine(), l)
	}
	kind := o.kind()
	if o.apiVersion() == "" || kind == "" {
		return nil, nil // not a Kubernetes object (Helm values, other YAML)
	}
	items := v.get("items")
	if !strings.HasSuffix(kind, "List") || !items.present() {
		return []*object{o}, nil
	}
	if depth >= maxListDepth {
		return nil, collectors.Diagnostics{collectors.Warnf(file, o.line, "%s nested more than %d levels deep; its items were not read", kind, maxListDepth)}
	}
	var out []*object
	var diags collectors.Diagnostics
	for _, it := range items.list() {
		objs, ds := expand(it, file, o.line, o.endLine, depth+1)
		out = append(out, objs...)
		diags = append(diags, ds...)
	}
	return out, diags
}

// objectFacts maps one object by kind. Unknown kinds, custom resources
// included, produce no facts.
func objectFacts(o *object) ([]*collectors.Fact, collectors.Diagnostics) {
	if o.detectionOnly {
		if f := detectionFact(o, podTemplate(o).get("spec")); f != nil {
			return []*collectors.Fact{f}, nil
		}
		return nil, nil
	}
	group := o.group()
	switch o.kind() {
	case "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob":
		if group == "" || group == "apps" || group == "batch" || group == "extensions" {
			return workloadFacts(o)
		}
	case "NetworkPolicy":
		if group == "networking.k8s.io" || group == "extensions" {
			return networkPolicyFacts(o)
		}
	case "Service":
		if group == "" {
			return serviceFacts(o), nil
		}
	case "Ingress":
		if group == "networking.k8s.io" || group == "extensions" {
			return ingressFacts(o), nil
		}
	case "Gateway":
		if group == "gateway.networking.k8s.io" {
			return gatewayFacts(o), nil
		}
	case "Certificate":
		if group == "cert-manager.io" {
			return certificateFacts(o), nil
		}
	case "Schedule":
		if group == "velero.io" {
			return veleroScheduleFacts(o)
		}
	case "PersistentVolumeClaim":
		if group == "" {
			f := pvcFact(o, o.v, o.ref(), val{})
			set(f, "field", "spec.storageClassName", val{})
			return []*collectors.Fact{f}, nil
		}
	case "ClusterRoleBinding":
		if group == "rbac.authorization.k8s.io" {
			return clusterRoleBindingFacts(o), nil
		}
	}
	return nil, nil
}

// quoteKey formats a name as an index in fact ids: ["web"].
func quoteKey(s string) string { return fmt.Sprintf("[%q]", s) }
