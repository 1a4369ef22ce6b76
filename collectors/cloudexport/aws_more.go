package cloudexport

import (
	"regexp"
	"slices"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
)

var (
	elbTLSPolicy    = regexp.MustCompile(`(?i)(?:TLS13|TLS|FS)-1-([0-3])`)
	elbLegacyPolicy = regexp.MustCompile(`(?i)^ELBSecurityPolicy-(2016-08|2015-05|2015-03|2015-02|2014-10|2014-01|2011-08|FS-2018-06)$`)
)

// minTLSFromELBPolicy derives the minimum TLS version an ELB security policy allows.
func minTLSFromELBPolicy(p string) (string, bool) {
	if elbLegacyPolicy.MatchString(p) {
		return "1.0", true
	}
	if m := elbTLSPolicy.FindStringSubmatch(p); m != nil {
		return "1." + m[1], true
	}
	return "", false
}

// listener maps a load balancer listener (elbv2 describe-listeners, or an
// AWS Config item) to an endpoint, as the Terraform collector maps aws_lb_listener.
func (b *builder) listener(r jv, region string) {
	id := r.get("ListenerArn").str()
	if region == "" {
		region = arnRegion(id)
	}
	f := b.fact(collectors.KindEndpoint, "aws", "aws_lb_listener", id, r)
	proto := strings.ToUpper(r.get("Protocol").str())
	if proto != "" {
		set(f, "protocol", strings.ToLower(proto), r.get("Protocol"))
		set(f, "tls", proto == "HTTPS" || proto == "TLS", r.get("Protocol"))
	} else {
		unknown(f, "protocol", r)
	}
	if n, ok := r.get("Port").int(); ok {
		set(f, "port", n, r.get("Port"))
	}
	if proto == "HTTPS" || proto == "TLS" {
		sp := r.get("SslPolicy")
		if sp.str() != "" {
			set(f, "tls_policy", sp.str(), sp)
			if v, ok := minTLSFromELBPolicy(sp.str()); ok {
				set(f, "min_tls_version", v, sp)
			} else {
				unknown(f, "min_tls_version", sp)
			}
		} else {
			unknown(f, "min_tls_version", sp)
		}
		certs := r.get("Certificates")
		set(f, "certificate", len(certs.list()) > 0, certs)
	}
	for _, a := range r.get("DefaultActions").list() {
		if p := a.at("RedirectConfig", "Protocol"); strings.EqualFold(p.str(), "HTTPS") {
			set(f, "redirects_to_tls", true, p)
		}
	}
	if lb := r.get("LoadBalancerArn"); lb.str() != "" {
		set(f, "load_balancer", lb.str(), lb)
	}
	f.SetUnknown("public") // the load balancer's scheme (describe-load-balancers) decides
	location(f, "aws", region, jv{})
}

// linkListeners says whether listeners are public from the scheme of their
// load balancer (elbv2 describe-load-balancers), when the scan has it.
func linkListeners(facts []collectors.Fact, schemes map[string]string) {
	for i := range facts {
		f := &facts[i]
		lb, ok := f.Attrs["load_balancer"].(string)
		scheme, known := schemes[lb]
		if f.Type != "aws_lb_listener" || !ok || !known || scheme == "" {
			continue
		}
		f.Unknown = slices.DeleteFunc(f.Unknown, func(s string) bool { return s == "attrs.public" })
		f.Attrs["public"] = scheme == "internet-facing"
	}
}

// volume maps an EBS volume (ec2 describe-volumes, or an AWS Config item).
func (b *builder) volume(r jv, tags map[string]any, region string) {
	id := r.get("VolumeId").str()
	if region == "" {
		region = azRegion(r.get("AvailabilityZone").str())
	}
	f := b.fact(collectors.KindDatastore, "aws", "aws_ebs_volume", id, r)
	set(f, "class", "block_storage", jv{})
	if len(tags) > 0 {
		set(f, "tags", tags, jv{})
	}
	boolAttr(f, "encrypted_at_rest", r.get("Encrypted"), false)
	if k := r.get("KmsKeyId"); k.str() != "" {
		kmsKey(f, k)
	}
	set(f, "multi_az", false, jv{})
	location(f, "aws", region, jv{})
}

// alarm maps a CloudWatch metric alarm (cloudwatch describe-alarms).
func (b *builder) alarm(r jv, region string) {
	id := r.get("AlarmArn").str()
	if region == "" {
		region = arnRegion(id)
	}
	f := b.fact(collectors.KindMonitor, "aws", "aws_cloudwatch_metric_alarm", id, r)
	set(f, "check", "metric_alarm", jv{})
	if ns, name := r.get("Namespace").str(), r.get("MetricName").str(); ns != "" || name != "" {
		set(f, "target", strings.Trim(ns+"/"+name, "/"), r.get("MetricName"))
	}
	if n, ok := r.get("Period").int(); ok {
		set(f, "interval_seconds", n, r.get("Period"))
	}
	actions := r.get("AlarmActions")
	set(f, "notification", len(actions.list()) > 0, actions)
	boolAttr(f, "enabled", r.get("ActionsEnabled"), true)
	location(f, "aws", region, jv{})
}
