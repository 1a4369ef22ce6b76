package kubernetes

import (
	"slices"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
)

// linkRoutes decides whether plain-HTTP Gateway listeners only redirect to
// HTTPS: every HTTPRoute attached to the listener must redirect every rule
// to the https scheme. Without attached routes in the scan it stays unknown.
func linkRoutes(objs []*object, facts [][]*collectors.Fact) {
	var routes []*object
	for _, o := range objs {
		if o.kind() == "HTTPRoute" && o.group() == "gateway.networking.k8s.io" {
			routes = append(routes, o)
		}
	}
	if len(routes) == 0 {
		return
	}
	for i, gw := range objs {
		if gw.kind() != "Gateway" || gw.group() != "gateway.networking.k8s.io" {
			continue
		}
		for _, l := range gw.v.path("spec", "listeners").list() {
			if !strings.EqualFold(l.get("protocol").str(), "HTTP") {
				continue
			}
			attached, redirects := 0, true
			for _, r := range routes {
				if !related(r, gw) || !attaches(r, gw, l) {
					continue
				}
				attached++
				for _, rule := range r.v.path("spec", "rules").list() {
					redirects = redirects && redirectsToHTTPS(rule)
				}
			}
			if attached == 0 {
				continue
			}
			id := gw.ref() + ".listeners" + quoteKey(l.get("name").str())
			for _, f := range facts[i] {
				if f.ID == id {
					clearUnknown(f, "redirects_to_tls")
					set(f, "redirects_to_tls", redirects, val{})
				}
			}
		}
	}
}

// attaches reports whether an HTTPRoute's parentRefs select a listener.
func attaches(r, gw *object, l val) bool {
	for _, p := range r.v.path("spec", "parentRefs").list() {
		ns := p.get("namespace").str()
		if ns == "" {
			ns = r.namespace()
		}
		if p.get("name").str() != gw.name() || ns != gw.namespace() {
			continue
		}
		if k := p.get("kind").str(); k != "" && k != "Gateway" {
			continue
		}
		if s := p.get("sectionName").str(); s != "" && s != l.get("name").str() {
			continue
		}
		if port, ok := p.get("port").int(); ok {
			if lp, _ := l.get("port").int(); lp != port {
				continue
			}
		}
		return true
	}
	return false
}

// redirectsToHTTPS reports whether a route rule redirects to the https scheme.
func redirectsToHTTPS(rule val) bool {
	for _, f := range rule.get("filters").list() {
		if f.get("type").str() == "RequestRedirect" && strings.EqualFold(f.path("requestRedirect", "scheme").str(), "https") {
			return true
		}
	}
	return false
}

// linkNginxPublic says whether nginx Ingresses are public from the
// ingress-nginx controller's Service, when the scan has it: a LoadBalancer
// that is not internal is reachable from the internet.
func linkNginxPublic(objs []*object, facts [][]*collectors.Fact, ingresses []int) {
	var svc *object
	for _, o := range objs {
		if o.kind() == "Service" && o.v.path("spec", "type").str() == "LoadBalancer" &&
			(o.labels()["app.kubernetes.io/name"] == "ingress-nginx" || strings.HasPrefix(o.name(), "ingress-nginx-controller")) &&
			o.labels()["app.kubernetes.io/component"] != "admission-webhook" {
			svc = o
		}
	}
	if svc == nil {
		return
	}
	internal, _ := internalLoadBalancer(svc)
	for _, i := range ingresses {
		if c, _ := ingressController(objs[i]); c != "nginx" || !related(svc, objs[i]) {
			continue
		}
		for _, f := range facts[i] {
			if isUnknownAttr(f, "public") {
				clearUnknown(f, "public")
				set(f, "public", !internal, val{})
			}
		}
	}
}

// isUnknownAttr reports whether attrs.path is recorded as unknown.
func isUnknownAttr(f *collectors.Fact, path string) bool {
	return slices.Contains(f.Unknown, "attrs."+path)
}

// linkNginxConfig applies the ssl-protocols of an ingress-nginx controller
// ConfigMap (one whose name or labels say ingress-nginx) to the HTTPS
// endpoints of nginx Ingresses.
func linkNginxConfig(objs []*object, facts [][]*collectors.Fact, ingresses []int) {
	var cm *object
	for _, o := range objs {
		if o.kind() != "ConfigMap" || !o.v.path("data", "ssl-protocols").present() {
			continue
		}
		if strings.Contains(o.name(), "nginx") || strings.Contains(o.labels()["app.kubernetes.io/name"], "nginx") {
			cm = o
		}
	}
	if cm == nil {
		return
	}
	protos := cm.v.path("data", "ssl-protocols")
	v, ok := minTLSFromProtocols(protos.str())
	for _, i := range ingresses {
		if c, _ := ingressController(objs[i]); c != "nginx" || !related(cm, objs[i]) {
			continue
		}
		for _, f := range facts[i] {
			if f.ID != objs[i].ref()+".https" {
				continue
			}
			at := val{}
			if cm.file == f.Source.File {
				at = protos
			}
			delete(f.Lines, "min_tls_version")
			if ok {
				set(f, "min_tls_version", v, at)
			} else {
				delete(f.Attrs, "min_tls_version")
				f.SetUnknown("min_tls_version")
			}
			set(f, "tls_policy", protos.str(), at)
		}
	}
}

// linkCertificates merges each cert-manager Certificate into the Ingresses
// that serve its secret.
func linkCertificates(objs []*object, facts [][]*collectors.Fact, certs, ingresses []int) [][]*collectors.Fact {
	bySecret := map[string][]int{} // namespace/secret → Ingresses serving it
	for _, in := range ingresses {
		io := objs[in]
		for _, t := range io.v.path("spec", "tls").list() {
			if s := t.get("secretName").str(); s != "" {
				k := io.namespace() + "/" + s
				if !slices.Contains(bySecret[k], in) {
					bySecret[k] = append(bySecret[k], in)
				}
			}
		}
	}
	for _, c := range certs {
		co := objs[c]
		secret := co.v.path("spec", "secretName").str()
		merged := false
		for _, in := range bySecret[co.namespace()+"/"+secret] {
			io := objs[in]
			if !related(io, co) || secret == "" {
				continue
			}
			for _, f := range facts[in] {
				if f.ID == io.ref()+".https" {
					clearUnknown(f, "certificate")
					set(f, "certificate", true, val{})
					set(f, "certificate_ref", co.ref(), val{})
					merged = true
				}
			}
		}
		if merged {
			facts[c] = slices.DeleteFunc(facts[c], func(f *collectors.Fact) bool { return f.Kind == collectors.KindEndpoint })
		}
	}
	return facts
}
