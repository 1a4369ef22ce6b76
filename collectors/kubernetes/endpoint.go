package kubernetes

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
)

// ingressController guesses the controller serving an Ingress from its class.
func ingressController(o *object) (string, val) {
	c := o.v.path("spec", "ingressClassName")
	if !c.present() {
		c = o.v.path("metadata", "annotations", "kubernetes.io/ingress.class")
	}
	s := strings.ToLower(c.str())
	switch {
	case strings.Contains(s, "nginx"):
		return "nginx", c
	case s == "alb":
		return "alb", c
	case s == "gce-internal":
		return "gce-internal", c
	case s == "gce":
		return "gce", c
	case strings.Contains(s, "traefik"):
		return "traefik", c
	}
	return "", c
}

var (
	elbTLSPolicy    = regexp.MustCompile(`(?i)(?:TLS13|TLS|FS)-1-([0-3])`)
	elbLegacyPolicy = regexp.MustCompile(`(?i)^ELBSecurityPolicy-(2016-08|2015-05|2015-03|2015-02|2014-10|2014-01|2011-08|FS-2018-06)$`)
)

// minTLSFromELBPolicy derives the minimum TLS version of an AWS ELB security policy.
func minTLSFromELBPolicy(p string) (string, bool) {
	if elbLegacyPolicy.MatchString(p) {
		return "1.0", true
	}
	if m := elbTLSPolicy.FindStringSubmatch(p); m != nil {
		return "1." + m[1], true
	}
	return "", false
}

// ingressNginxMinTLS is ingress-nginx's documented default minimum TLS
// version (ssl-protocols: TLSv1.2 TLSv1.3).
const ingressNginxMinTLS = "1.2"

// minTLSFromProtocols reads an nginx ssl_protocols list (TLSv1.2 TLSv1.3).
func minTLSFromProtocols(s string) (string, bool) {
	best := ""
	for _, p := range strings.Fields(s) {
		v := strings.TrimPrefix(strings.ToLower(p), "tlsv")
		if v == "1" {
			v = "1.0"
		}
		switch v {
		case "1.0", "1.1", "1.2", "1.3":
			if best == "" || v < best {
				best = v
			}
		}
	}
	return best, best != ""
}

// ingressFacts maps an Ingress to an HTTPS endpoint when it has TLS and an
// HTTP endpoint unless the controller is told not to serve plain HTTP.
func ingressFacts(o *object) []*collectors.Fact {
	spec := o.v.get("spec")
	ann := o.v.path("metadata", "annotations")
	ctrl, ctrlAt := ingressController(o)
	tls := spec.get("tls")
	hasTLS := len(tls.list()) > 0
	managed := ann.get("cert-manager.io/cluster-issuer").present() || ann.get("cert-manager.io/issuer").present() ||
		ann.get("alb.ingress.kubernetes.io/certificate-arn").present() || ann.get("networking.gke.io/managed-certificates").present()

	public := func(f *collectors.Fact) {
		switch ctrl {
		case "alb":
			s := ann.get("alb.ingress.kubernetes.io/scheme")
			set(f, "public", s.str() == "internet-facing", s) // the controller's default scheme is internal
		case "gce-internal":
			set(f, "public", false, ctrlAt)
		default:
			f.SetUnknown("public")
		}
	}
	var out []*collectors.Fact
	if hasTLS {
		f := newFact(o, collectors.KindEndpoint, o.ref()+".https", val{})
		set(f, "field", "spec.tls", val{})
		set(f, "protocol", "https", tls)
		set(f, "port", int64(443), val{})
		set(f, "tls", true, tls)
		allSecrets := true
		for _, t := range tls.list() {
			if !t.get("secretName").present() {
				allSecrets = false
			}
		}
		switch {
		case allSecrets || managed:
			set(f, "certificate", true, tls)
		default:
			unknown(f, "certificate", tls) // the controller's default certificate
		}
		if p := ann.get("alb.ingress.kubernetes.io/ssl-policy"); p.present() {
			set(f, "tls_policy", p.str(), p)
			if v, ok := minTLSFromELBPolicy(p.str()); ok {
				set(f, "min_tls_version", v, p)
			} else {
				unknown(f, "min_tls_version", p)
			}
		} else if ctrl == "nginx" {
			// ingress-nginx serves TLSv1.2 TLSv1.3 unless its ConfigMap's
			// ssl-protocols says otherwise (linked when the scan has it).
			set(f, "min_tls_version", ingressNginxMinTLS, val{})
		} else {
			f.SetUnknown("min_tls_version") // set in the controller's configuration
		}
		public(f)
		out = append(out, f)
	}
	if f := ingressHTTP(o, ctrl, hasTLS); f != nil {
		public(f)
		out = append(out, f)
	}
	return out
}

// ingressHTTP maps the plain-HTTP side of an Ingress, or nil when the
// controller is told not to serve it.
func ingressHTTP(o *object, ctrl string, hasTLS bool) *collectors.Fact {
	ann := o.v.path("metadata", "annotations")
	switch ctrl {
	case "gce", "gce-internal":
		if v, ok := ann.get("kubernetes.io/ingress.allow-http").bool(); ok && !v {
			return nil
		}
	case "alb":
		if lp := ann.get("alb.ingress.kubernetes.io/listen-ports"); lp.present() && !strings.Contains(strings.ToUpper(lp.str()), `"HTTP"`) {
			return nil
		}
	case "traefik":
		if ep := ann.get("traefik.ingress.kubernetes.io/router.entrypoints"); ep.present() && !strings.Contains(ep.str(), "web,") && ep.str() != "web" && !strings.HasSuffix(ep.str(), ",web") {
			return nil
		}
	}
	f := newFact(o, collectors.KindEndpoint, o.ref()+".http", val{})
	set(f, "field", "spec.tls", val{})
	set(f, "protocol", "http", val{})
	set(f, "port", int64(80), val{})
	set(f, "tls", false, val{})
	switch ctrl {
	case "nginx":
		force := ann.get("nginx.ingress.kubernetes.io/force-ssl-redirect")
		redirect := ann.get("nginx.ingress.kubernetes.io/ssl-redirect")
		fv, _ := force.bool()
		rv, rok := redirect.bool()
		switch {
		case fv:
			set(f, "redirects_to_tls", true, force)
		case rok:
			set(f, "redirects_to_tls", rv && hasTLS, redirect)
		default:
			set(f, "redirects_to_tls", hasTLS, val{}) // ingress-nginx redirects by default when TLS is set
		}
	case "alb":
		r := ann.get("alb.ingress.kubernetes.io/ssl-redirect")
		set(f, "redirects_to_tls", r.present(), r)
	default:
		if hasTLS {
			f.SetUnknown("redirects_to_tls")
		} else {
			set(f, "redirects_to_tls", false, val{})
		}
	}
	return f
}

// gatewayFacts maps each Gateway API listener to an endpoint.
func gatewayFacts(o *object) []*collectors.Fact {
	var out []*collectors.Fact
	for i, l := range o.v.path("spec", "listeners").list() {
		name := l.get("name").str()
		f := newFact(o, collectors.KindEndpoint, o.ref()+".listeners"+quoteKey(name), l)
		set(f, "field", fmt.Sprintf("spec.listeners[%d]", i), val{})
		proto := strings.ToLower(l.get("protocol").str())
		set(f, "protocol", proto, l.get("protocol"))
		if n, ok := l.get("port").int(); ok {
			set(f, "port", n, l.get("port"))
		} else {
			unknown(f, "port", l.get("port"))
		}
		t := l.get("tls")
		switch {
		case proto == "https" || proto == "tls" && t.get("mode").str() != "Passthrough":
			set(f, "tls", true, l.get("protocol"))
			set(f, "certificate", len(t.get("certificateRefs").list()) > 0, t.get("certificateRefs"))
			if fv := t.path("frontendValidation", "caCertificateRefs"); len(fv.list()) > 0 {
				set(f, "client_certificate", true, fv)
			}
			f.SetUnknown("min_tls_version") // the implementation's default unless configured in options
		case proto == "tls":
			// Passthrough: the backend, not the gateway, terminates TLS.
			unknown(f, "tls", t.get("mode"))
		case proto == "http":
			set(f, "tls", false, l.get("protocol"))
			f.SetUnknown("redirects_to_tls") // decided by the HTTPRoutes attached
		default:
			set(f, "tls", false, l.get("protocol"))
		}
		f.SetUnknown("public")
		out = append(out, f)
	}
	return out
}

// certificateFacts maps a cert-manager Certificate: a managed server
// certificate. The collector merges it into the Ingress that serves its secret.
func certificateFacts(o *object) []*collectors.Fact {
	spec := o.v.get("spec")
	if ca, _ := spec.get("isCA").bool(); ca {
		return nil // a CA signs other certificates; no endpoint serves it
	}
	f := newFact(o, collectors.KindEndpoint, "", val{})
	set(f, "field", "spec.secretName", val{})
	set(f, "tls", true, spec.get("secretName"))
	set(f, "certificate", true, spec.get("secretName"))
	f.SetUnknown("protocol")
	f.SetUnknown("public")
	return []*collectors.Fact{f}
}
