package kubernetes

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
)

// networkPolicyFacts maps a NetworkPolicy: a deny fact per direction it
// isolates, and an allow fact per rule and port.
func networkPolicyFacts(o *object) ([]*collectors.Fact, collectors.Diagnostics) {
	spec := o.v.get("spec")
	types := spec.get("policyTypes").strs()
	if !spec.get("policyTypes").present() {
		// The API default: Ingress, plus Egress when egress rules exist.
		types = []string{"Ingress"}
		if spec.get("egress").present() {
			types = append(types, "Egress")
		}
	}
	allPods := len(spec.get("podSelector").keys()) == 0
	var out []*collectors.Fact
	for _, t := range types {
		dir := strings.ToLower(t)
		if dir != "ingress" && dir != "egress" {
			continue
		}
		// Selecting pods for a direction denies whatever no rule allows.
		deny := newFact(o, collectors.KindFirewallRule, o.ref()+"."+dir+".deny", val{})
		set(deny, "direction", dir, spec.get("policyTypes"))
		set(deny, "action", "deny", val{})
		set(deny, "protocol", "all", val{})
		set(deny, "from_port", int64(0), val{})
		set(deny, "to_port", int64(65535), val{})
		set(deny, "group", o.ref(), val{})
		set(deny, "field", "spec.podSelector", val{})
		// Only a policy that selects every pod and allows nothing is the
		// namespace's default deny; others isolate some pods or allow some traffic.
		set(deny, "default_deny", allPods && len(spec.get(dir).list()) == 0, spec.get("podSelector"))
		set(deny, "sources", []any{}, val{})
		set(deny, "internet_exposed", false, val{})
		out = append(out, deny)
		for i, r := range spec.get(dir).list() {
			out = append(out, ruleFacts(o, dir, i, r)...)
		}
	}
	return out, nil
}

// ruleFacts maps one ingress or egress rule, one fact per port.
func ruleFacts(o *object, dir string, i int, r val) []*collectors.Fact {
	peersKey := "from"
	if dir == "egress" {
		peersKey = "to"
	}
	peers := r.get(peersKey)
	var cidrs []string
	groups := false
	for _, p := range peers.list() {
		if b := p.get("ipBlock"); b.isMap() {
			cidrs = append(cidrs, b.get("cidr").str())
			continue
		}
		if p.get("podSelector").present() || p.get("namespaceSelector").present() {
			groups = true
		}
	}
	allSources := len(peers.list()) == 0 // no peers: every source, in and out of the cluster
	ports := r.get("ports").list()
	if len(ports) == 0 {
		ports = []val{{}}
	}
	var out []*collectors.Fact
	for j, p := range ports {
		id := fmt.Sprintf("%s.%s[%d]", o.ref(), dir, i)
		if len(ports) > 1 {
			id += fmt.Sprintf(".ports[%d]", j)
		}
		f := newFact(o, collectors.KindFirewallRule, id, r)
		set(f, "field", fmt.Sprintf("spec.%s[%d]", dir, i), val{})
		set(f, "direction", dir, r)
		set(f, "action", "allow", val{})
		set(f, "group", o.ref(), val{})
		policyPort(f, p)
		switch {
		case allSources:
			set(f, "sources", []any{"0.0.0.0/0", "::/0"}, r)
			set(f, "internet_exposed", true, r)
		default:
			sources(f, cidrs, peers)
			if groups {
				set(f, "source_groups", true, peers)
			}
		}
		out = append(out, f)
	}
	return out
}

// policyPort reads a NetworkPolicy port: protocol (TCP by default), port and endPort.
func policyPort(f *collectors.Fact, p val) {
	if !p.isMap() {
		set(f, "protocol", "all", val{})
		set(f, "from_port", int64(0), val{})
		set(f, "to_port", int64(65535), val{})
		return
	}
	proto := strings.ToLower(p.get("protocol").str())
	if proto == "" {
		proto = "tcp"
	}
	set(f, "protocol", proto, p.get("protocol"))
	port := p.get("port")
	switch n, ok := port.int(); {
	case !port.present():
		set(f, "from_port", int64(0), val{})
		set(f, "to_port", int64(65535), val{})
	case ok:
		set(f, "from_port", n, port)
		end := n
		if e, ok := p.get("endPort").int(); ok {
			end = e
		}
		set(f, "to_port", end, port)
	default:
		// A named port resolves against the pods' containers.
		unknown(f, "from_port", port)
		unknown(f, "to_port", port)
	}
}

// sources records CIDR sources and whether one is the whole internet.
func sources(f *collectors.Fact, cidrs []string, at val) {
	slices.Sort(cidrs)
	list := make([]any, len(cidrs))
	exposed := false
	for i, c := range cidrs {
		list[i] = c
		if isInternet(c) {
			exposed = true
		}
	}
	set(f, "sources", list, at)
	set(f, "internet_exposed", exposed, at)
}

func isInternet(cidr string) bool {
	switch strings.TrimSpace(cidr) {
	case "0.0.0.0/0", "::/0", "*", "Internet", "0.0.0.0/00":
		return true
	}
	return false
}

// Annotations that make a LoadBalancer Service internal, per cloud.
var internalLB = []struct{ key, value string }{
	{"service.beta.kubernetes.io/aws-load-balancer-internal", ""},
	{"service.beta.kubernetes.io/aws-load-balancer-scheme", "internal"},
	{"service.beta.kubernetes.io/azure-load-balancer-internal", "true"},
	{"networking.gke.io/load-balancer-type", "Internal"},
	{"cloud.google.com/load-balancer-type", "Internal"},
	{"service.beta.kubernetes.io/oci-load-balancer-internal", "true"},
}

// internalLoadBalancer reports whether a Service's annotations ask its
// cloud for an internal load balancer, and where.
func internalLoadBalancer(o *object) (bool, val) {
	ann := o.v.path("metadata", "annotations")
	for _, a := range internalLB {
		v := ann.get(a.key)
		if !v.present() {
			continue
		}
		s := v.str()
		if b, ok := v.bool(); ok {
			s = fmt.Sprint(b)
		}
		if a.value == "" && s != "false" || strings.EqualFold(s, a.value) {
			return true, v
		}
	}
	return false, val{}
}

// sourceRangesAnnotation is the older form of spec.loadBalancerSourceRanges.
const sourceRangesAnnotation = "service.beta.kubernetes.io/load-balancer-source-ranges"

// serviceFacts maps LoadBalancer and NodePort Services: each port opens a
// way in from outside the cluster.
func serviceFacts(o *object) []*collectors.Fact {
	spec := o.v.get("spec")
	typ := spec.get("type").str()
	if typ != "LoadBalancer" && typ != "NodePort" {
		return nil
	}
	ann := o.v.path("metadata", "annotations")
	internal, internalAt := internalLoadBalancer(o)
	ranges := spec.get("loadBalancerSourceRanges")
	var cidrs []string
	if ranges.present() {
		cidrs = ranges.strs()
	} else if a := ann.get(sourceRangesAnnotation); a.present() {
		ranges = a
		for _, s := range strings.Split(a.str(), ",") {
			if s = strings.TrimSpace(s); s != "" {
				cidrs = append(cidrs, s)
			}
		}
	}
	var out []*collectors.Fact
	for i, p := range spec.get("ports").list() {
		key := p.get("name").str()
		if key == "" {
			key = fmt.Sprint(i)
		}
		f := newFact(o, collectors.KindFirewallRule, o.ref()+".ports"+quoteKey(key), p)
		set(f, "direction", "ingress", val{})
		set(f, "action", "allow", val{})
		set(f, "group", o.ref(), val{})
		set(f, "service_type", typ, spec.get("type"))
		if typ == "NodePort" {
			set(f, "field", fmt.Sprintf("spec.ports[%d].nodePort", i), val{})
		} else {
			set(f, "field", "spec.loadBalancerSourceRanges", val{})
		}
		proto := strings.ToLower(p.get("protocol").str())
		if proto == "" {
			proto = "tcp"
		}
		set(f, "protocol", proto, p.get("protocol"))
		port := p.get("port")
		if typ == "NodePort" {
			port = p.get("nodePort")
		}
		if n, ok := port.int(); ok {
			set(f, "from_port", n, port)
			set(f, "to_port", n, port)
		} else {
			// An unset nodePort is allocated by the cluster.
			unknown(f, "from_port", port)
			unknown(f, "to_port", port)
		}
		switch {
		case typ == "NodePort":
			// Reachable on every node's address: exposure depends on the nodes' network.
			set(f, "sources", []any{}, val{})
			f.SetUnknown("internet_exposed")
		case internal:
			sources(f, cidrs, ranges)
			set(f, "internet_exposed", false, internalAt)
		case len(cidrs) > 0:
			sources(f, cidrs, ranges)
		default:
			// Without source ranges a load balancer accepts every address (Kubernetes documentation).
			set(f, "sources", []any{"0.0.0.0/0"}, spec.get("type"))
			set(f, "internet_exposed", true, spec.get("type"))
		}
		out = append(out, f)
	}
	return out
}
