package bundles_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/bundle"
	"sigs.k8s.io/yaml"

	"github.com/kaiji-dev/kaiji/bundles"
	"github.com/kaiji-dev/kaiji/internal/claims"
	"github.com/kaiji-dev/kaiji/policies"
)

func parseClaims(t *testing.T, src string) *claims.Disclosure {
	t.Helper()
	d, err := claims.Parse("claims.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// constraints returns each exported Constraint's kind and parameters.
func constraints(t *testing.T, opts bundles.GatekeeperOptions) map[string]map[string]any {
	t.Helper()
	files, err := bundles.Gatekeeper(opts)
	if err != nil {
		t.Fatal(err)
	}
	templates, out := 0, map[string]map[string]any{}
	for _, f := range files {
		var doc struct {
			Kind string `json:"kind"`
			Spec struct {
				EnforcementAction string         `json:"enforcementAction"`
				Parameters        map[string]any `json:"parameters"`
			} `json:"spec"`
		}
		if err := yaml.Unmarshal(f.Data, &doc); err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		switch {
		case strings.HasPrefix(f.Path, "templates/"):
			templates++
			if doc.Kind != "ConstraintTemplate" {
				t.Errorf("%s: kind %s", f.Path, doc.Kind)
			}
		case strings.HasPrefix(f.Path, "constraints/"):
			if want := opts.EnforcementAction; want != "" && doc.Spec.EnforcementAction != want {
				t.Errorf("%s: enforcementAction %s, want %s", f.Path, doc.Spec.EnforcementAction, want)
			}
			out[doc.Kind] = doc.Spec.Parameters
		}
	}
	if templates != len(bundles.GatekeeperKinds()) {
		t.Errorf("%d templates, want %d", templates, len(bundles.GatekeeperKinds()))
	}
	return out
}

func TestGatekeeperParameters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		claims  string
		pattern int
		want    map[string]map[string]any
	}{
		{
			name:   "no claims: only the reference liveness interval of pattern 1",
			claims: "apiVersion: kaiji/v1\nkind: Disclosure\nedition: asp-saas\nclaims: []\n",
			want: map[string]map[string]any{
				"KaijiLivenessProbe": {"maxPeriodSeconds": float64(300), "source": "the guideline's reference value (III.1.1.1 a, pattern 1)"},
			},
		},
		{
			name: "claimed interval stricter than the reference wins; TLS and firewall claimed",
			claims: `apiVersion: kaiji/v1
kind: Disclosure
edition: asp-saas
pattern: 3
claims:
  - {item: 60, key: monitoring.liveness_interval, value: 1m}
  - {item: 76, key: network.tls_min_version, value: "1.2"}
  - {item: 71, key: firewall.enabled, value: true}
  - {item: 67, key: encryption.at_rest, value: true}
`,
			want: map[string]map[string]any{
				"KaijiLivenessProbe":            {"maxPeriodSeconds": float64(60), "source": "the disclosure (item 60, 1m)"},
				"KaijiIngressTLS":               {"minTLSVersion": "1.2"},
				"KaijiLoadBalancerSourceRanges": {"publicPorts": []any{}},
				"KaijiStorageClassEncryption":   {"provisioners": []any{"ebs.csi.aws.com", "kubernetes.io/aws-ebs"}},
			},
		},
		{
			name: "a laxer claimed interval does not loosen the reference; no firewall claimed",
			claims: `apiVersion: kaiji/v1
kind: Disclosure
edition: asp-saas
claims:
  - {item: 60, key: monitoring.liveness_interval, value: 1h}
  - {item: 71, key: firewall.enabled, value: false}
`,
			pattern: 2,
			want: map[string]map[string]any{
				"KaijiLivenessProbe": {"maxPeriodSeconds": float64(600), "source": "the guideline's reference value (III.1.1.1 a, pattern 2)"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := constraints(t, bundles.GatekeeperOptions{Disclosure: parseClaims(t, tt.claims), Pattern: tt.pattern, EnforcementAction: "warn"})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("constraint parameters (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGatekeeperReferenceOverride: reference values overridden like
// kaiji scan --data does set the constraint parameters too.
func TestGatekeeperReferenceOverride(t *testing.T) {
	t.Parallel()
	base, err := policies.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	override := &bundle.Bundle{Data: map[string]any{"kaiji": map[string]any{"data": map[string]any{"reference": map[string]any{
		"III.1.1.1": map[string]any{"items": map[string]any{"a": map[string]any{"values": map[string]any{"2": map[string]any{"every_seconds": 120}}}}},
	}}}}}
	merged, err := policies.Merge(base, override)
	if err != nil {
		t.Fatal(err)
	}
	d := parseClaims(t, "apiVersion: kaiji/v1\nkind: Disclosure\nedition: asp-saas\npattern: 2\nclaims: []\n")
	got := constraints(t, bundles.GatekeeperOptions{Disclosure: d, Policies: merged})
	if p := got["KaijiLivenessProbe"]["maxPeriodSeconds"]; p != float64(120) {
		t.Errorf("maxPeriodSeconds = %v, want the overridden 120", p)
	}
}
