package kubernetes

import (
	"math"
	"slices"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
)

// link enriches facts with objects that configure them from outside, within
// the scanned set: PodDisruptionBudgets, HorizontalPodAutoscalers and
// Services of workloads, StorageClasses of claims, Certificates of Ingresses,
// and the claims Velero Schedules cover. It returns the facts per object,
// dropping Certificate facts merged into an Ingress.
func link(objs []*object, facts [][]*collectors.Fact) [][]*collectors.Fact {
	var workloads, pdbs, hpas, services, classes, certs, ingresses []int
	for i, o := range objs {
		switch o.kind() {
		case "Deployment", "StatefulSet", "ReplicaSet", "ReplicationController":
			workloads = append(workloads, i)
		case "PodDisruptionBudget":
			pdbs = append(pdbs, i)
		case "HorizontalPodAutoscaler":
			hpas = append(hpas, i)
		case "Service":
			services = append(services, i)
		case "StorageClass":
			classes = append(classes, i)
		case "Certificate":
			certs = append(certs, i)
		case "Ingress":
			ingresses = append(ingresses, i)
		}
	}
	redundancy := func(i int) *collectors.Fact {
		for _, f := range facts[i] {
			if f.Kind == collectors.KindRedundancy && f.ID == objs[i].ref() {
				return f
			}
		}
		return nil
	}
	pdbIdx := newSelectorIndex(objs, pdbs, func(o *object) map[string]string {
		return o.v.path("spec", "selector", "matchLabels").strMap()
	})
	svcSel := map[int]map[string]string{}
	for _, s := range services {
		svcSel[s] = objs[s].v.path("spec", "selector").strMap()
	}
	svcIdx := newSelectorIndex(objs, services, func(o *object) map[string]string {
		return o.v.path("spec", "selector").strMap()
	})
	hpaByTarget := map[string][]int{}
	for _, h := range hpas {
		ho := objs[h]
		ref := ho.v.path("spec", "scaleTargetRef")
		k := ho.namespace() + "/" + ref.get("kind").str() + "/" + ref.get("name").str()
		hpaByTarget[k] = append(hpaByTarget[k], h)
	}
	for _, w := range workloads {
		f := redundancy(w)
		if f == nil {
			continue
		}
		wo := objs[w]
		podLabels := podTemplate(wo).path("metadata", "labels").strMap()
		for _, p := range pdbIdx.candidates(wo.namespace(), podLabels) {
			po := objs[p]
			if related(po, wo) && selects(po.v.path("spec", "selector"), podLabels) {
				// Kubernetes refuses evictions of pods with several budgets;
				// the first (in scan order) is the one recorded.
				linkPDB(f, po)
				break
			}
		}
		for _, h := range hpaByTarget[wo.namespace()+"/"+wo.kind()+"/"+wo.name()] {
			if related(objs[h], wo) {
				linkHPA(f, objs[h])
			}
		}
		for _, s := range svcIdx.candidates(wo.namespace(), podLabels) {
			if sel := svcSel[s]; related(objs[s], wo) && len(sel) > 0 && subset(sel, podLabels) {
				set(f, "load_balanced", true, val{})
				break
			}
		}
	}
	linkNginxConfig(objs, facts, ingresses)
	linkNginxPublic(objs, facts, ingresses)
	linkRoutes(objs, facts)
	linkAdminRoles(objs, facts)
	linkClasses(objs, facts, classes)
	facts = linkCertificates(objs, facts, certs, ingresses)
	linkVelero(objs, facts)
	return facts
}

// selectorIndex finds the objects (PodDisruptionBudgets, Services) whose
// label selector may match a set of labels, without trying every object:
// an object is filed under one of its selector's label pairs, or under the
// namespace when the selector has none (expressions only, or empty).
type selectorIndex struct {
	byPair map[string][]int // namespace + "\x00" + key=value
	anyIn  map[string][]int // namespace
}

func newSelectorIndex(objs []*object, idx []int, labels func(*object) map[string]string) selectorIndex {
	si := selectorIndex{byPair: map[string][]int{}, anyIn: map[string][]int{}}
	for _, i := range idx {
		o := objs[i]
		ml := labels(o)
		if len(ml) == 0 {
			si.anyIn[o.namespace()] = append(si.anyIn[o.namespace()], i)
			continue
		}
		keys := make([]string, 0, len(ml))
		for k := range ml {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		k := keys[0]
		pair := o.namespace() + "\x00" + k + "=" + ml[k]
		si.byPair[pair] = append(si.byPair[pair], i)
	}
	return si
}

// candidates lists the objects that may select the labels, in order.
func (si selectorIndex) candidates(ns string, labels map[string]string) []int {
	out := slices.Clone(si.anyIn[ns])
	for k, v := range labels {
		out = append(out, si.byPair[ns+"\x00"+k+"="+v]...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// related reports whether two objects may refer to each other: objects of
// different Kustomize builds (overlays for different clusters) never do.
func related(a, b *object) bool {
	return a.origin == "" || b.origin == "" || a.origin == b.origin
}

// selects reports whether a label selector matches the labels.
func selects(sel val, labels map[string]string) bool {
	if !sel.isMap() {
		return false
	}
	ml := sel.get("matchLabels").strMap()
	exprs := sel.get("matchExpressions").list()
	if len(ml) == 0 && len(exprs) == 0 {
		return true // the empty selector selects every pod
	}
	if !subset(ml, labels) {
		return false
	}
	for _, e := range exprs {
		v, has := labels[e.get("key").str()]
		values := e.get("values").strs()
		switch e.get("operator").str() {
		case "In":
			if !has || !slices.Contains(values, v) {
				return false
			}
		case "NotIn":
			if has && slices.Contains(values, v) {
				return false
			}
		case "Exists":
			if !has {
				return false
			}
		case "DoesNotExist":
			if has {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func subset(sel, labels map[string]string) bool {
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// linkPDB records the pods a PodDisruptionBudget keeps available.
func linkPDB(f *collectors.Fact, pdb *object) {
	spec := pdb.v.get("spec")
	at := val{}
	if pdb.file == f.Source.File {
		at = spec
	}
	set(f, "disruption_budget", pdb.ref(), at)
	replicas, known := f.Attrs["replicas"].(int64)
	scaled := func(v val, roundUp bool) (int64, bool) {
		if n, ok := v.int(); ok {
			return n, true
		}
		s := v.str()
		if !strings.HasSuffix(s, "%") || !known {
			return 0, false
		}
		var pct float64
		for _, c := range strings.TrimSuffix(s, "%") {
			if c < '0' || c > '9' {
				return 0, false
			}
			pct = pct*10 + float64(c-'0')
		}
		x := pct * float64(replicas) / 100
		if roundUp {
			return int64(math.Ceil(x)), true
		}
		return int64(math.Floor(x)), true
	}
	if mv := spec.get("minAvailable"); mv.present() {
		if n, ok := scaled(mv, true); ok {
			set(f, "min_available", n, at)
			return
		}
		f.SetUnknown("min_available")
		return
	}
	if mu := spec.get("maxUnavailable"); mu.present() && known {
		if n, ok := scaled(mu, true); ok {
			set(f, "min_available", max(replicas-n, 0), at)
			return
		}
	}
	f.SetUnknown("min_available")
}

// linkHPA records a workload's autoscaling bounds.
func linkHPA(f *collectors.Fact, hpa *object) {
	spec := hpa.v.get("spec")
	at := func(v val) val {
		if hpa.file == f.Source.File {
			return v
		}
		return val{}
	}
	minR := int64(1) // the API default
	if n, ok := spec.get("minReplicas").int(); ok {
		minR = n
	}
	set(f, "autoscaling.min", minR, at(spec.get("minReplicas")))
	if n, ok := spec.get("maxReplicas").int(); ok {
		set(f, "autoscaling.max", n, at(spec.get("maxReplicas")))
	} else {
		f.SetUnknown("autoscaling.max")
	}
}
