package bundles

import (
	"embed"
	"fmt"
	"path"
	"strings"

	"github.com/open-policy-agent/opa/v1/bundle"
	"sigs.k8s.io/yaml"

	"github.com/kaiji-dev/kaiji/internal/claims"
	"github.com/kaiji-dev/kaiji/policies"
)

// gatekeeperFS holds the Rego of the Gatekeeper ConstraintTemplates: Rego v1
// reading input.review.object and input.parameters, standard built-ins only.
//
//go:embed gatekeeper/*.rego
var gatekeeperFS embed.FS

// GatekeeperOptions configure Gatekeeper.
type GatekeeperOptions struct {
	// Disclosure gives the claims that parameterize the constraints.
	Disclosure *claims.Disclosure
	// Pattern overrides the disclosure's pattern for reference values.
	Pattern int
	// EnforcementAction is deny (default), warn or dryrun.
	EnforcementAction string
	// Policies supplies the reference values (data.kaiji.data.reference);
	// the embedded library when nil. Pass the merged set when the user
	// overrides reference values with --data.
	Policies *bundle.Bundle
}

// gkTemplate is one Gatekeeper rule: its template and how the claims
// parameterize its constraint.
type gkTemplate struct {
	Kind   string         // CRD kind, e.g. KaijiLivenessProbe
	Name   string         // the constraint's name
	File   string         // Rego under gatekeeper/
	Schema map[string]any // openAPIV3Schema of spec.parameters
	Match  []map[string]any
}

var gkTemplates = []gkTemplate{
	{
		Kind: "KaijiLivenessProbe", Name: "kaiji-liveness-probe", File: "livenessprobe.rego",
		Schema: map[string]any{"type": "object", "properties": map[string]any{
			"maxPeriodSeconds": map[string]any{"type": "integer", "description": "longest allowed livenessProbe.periodSeconds"},
			"source":           map[string]any{"type": "string", "description": "where the limit comes from, for messages"},
		}},
		Match: []map[string]any{
			{"apiGroups": []string{""}, "kinds": []string{"Pod"}},
			{"apiGroups": []string{"apps"}, "kinds": []string{"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"}},
		},
	},
	{
		Kind: "KaijiIngressTLS", Name: "kaiji-ingress-tls", File: "ingresstls.rego",
		Schema: map[string]any{"type": "object", "properties": map[string]any{
			"minTLSVersion": map[string]any{"type": "string", "description": "the claimed minimum TLS version, for messages"},
		}},
		Match: []map[string]any{{"apiGroups": []string{"networking.k8s.io", "extensions"}, "kinds": []string{"Ingress"}}},
	},
	{
		Kind: "KaijiLoadBalancerSourceRanges", Name: "kaiji-lb-source-ranges", File: "lbsourceranges.rego",
		Schema: map[string]any{"type": "object", "properties": map[string]any{
			"publicPorts": map[string]any{"type": "array", "items": map[string]any{"type": "integer"},
				"description": "ports that may be open to the whole internet (e.g. 443)"},
		}},
		Match: []map[string]any{{"apiGroups": []string{""}, "kinds": []string{"Service"}}},
	},
	{
		Kind: "KaijiStorageClassEncryption", Name: "kaiji-storageclass-encryption", File: "storageclassencryption.rego",
		Schema: map[string]any{"type": "object", "properties": map[string]any{
			"provisioners": map[string]any{"type": "array", "items": map[string]any{"type": "string"},
				"description": "provisioners that must be asked for encryption with parameters.encrypted: \"true\""},
		}},
		Match: []map[string]any{{"apiGroups": []string{"storage.k8s.io"}, "kinds": []string{"StorageClass"}}},
	},
}

// unencryptedByDefault are the provisioners whose volumes are unencrypted
// unless the StorageClass sets parameters.encrypted: "true" (and the
// account has no EBS encryption by default, which a cluster cannot see).
var unencryptedByDefault = []string{"ebs.csi.aws.com", "kubernetes.io/aws-ebs"}

// GatekeeperKinds lists the ConstraintTemplate kinds kaiji exports.
func GatekeeperKinds() []string {
	out := make([]string, len(gkTemplates))
	for i, t := range gkTemplates {
		out[i] = t.Kind
	}
	return out
}

// Gatekeeper returns ConstraintTemplates (templates/<name>.yaml, always all
// of them) and Constraints (constraints/<name>.yaml, only those the claims
// make apply), with parameters taken from the claims and the reference
// values of the pattern:
//
//   - KaijiLivenessProbe: always (control III.1.1.1 a applies to every
//     pattern); maxPeriodSeconds is the shorter of the claimed
//     monitoring.liveness_interval and the pattern's reference interval.
//   - KaijiIngressTLS: when network.tls_min_version is claimed.
//   - KaijiLoadBalancerSourceRanges: when firewall.enabled is claimed true.
//   - KaijiStorageClassEncryption: when encryption.at_rest is claimed true.
func Gatekeeper(opts GatekeeperOptions) ([]File, error) {
	d := opts.Disclosure
	if d == nil {
		d = &claims.Disclosure{}
	}
	action := opts.EnforcementAction
	if action == "" {
		action = "deny"
	}
	pattern := opts.Pattern
	if pattern == 0 {
		pattern = d.Pattern
	}
	if pattern == 0 {
		pattern = 1
	}

	var files []File
	for _, t := range gkTemplates {
		src, err := gatekeeperFS.ReadFile(path.Join("gatekeeper", t.File))
		if err != nil {
			return nil, err
		}
		files = append(files, File{Path: "templates/" + strings.ToLower(t.Kind) + ".yaml", Data: templateYAML(t, string(src))})
	}

	params, err := constraintParams(d, pattern, opts.Policies)
	if err != nil {
		return nil, err
	}
	for _, t := range gkTemplates {
		p, ok := params[t.Kind]
		if !ok {
			continue
		}
		c := map[string]any{
			"apiVersion": "constraints.gatekeeper.sh/v1beta1",
			"kind":       t.Kind,
			"metadata": map[string]any{
				"name":        t.Name,
				"annotations": map[string]any{"kaiji.dev/basis": p.basis},
			},
			"spec": map[string]any{
				"enforcementAction": action,
				"match": map[string]any{
					"kinds":              t.Match,
					"excludedNamespaces": []string{"kube-system", "gatekeeper-system"},
				},
				"parameters": p.values,
			},
		}
		js, err := yaml.Marshal(c)
		if err != nil {
			return nil, err
		}
		header := fmt.Sprintf("# Generated by kaiji export gatekeeper from %s (pattern %d).\n", cmpOr(d.File, "no claims file"), pattern)
		files = append(files, File{Path: "constraints/" + t.Name + ".yaml", Data: append([]byte(header), js...)})
	}
	return files, nil
}

type gkParams struct {
	values map[string]any
	basis  string
}

func constraintParams(d *claims.Disclosure, pattern int, pol *bundle.Bundle) (map[string]gkParams, error) {
	out := map[string]gkParams{}
	in := d.Inputs()

	var basis []string
	limit, source := int64(0), ""
	ref, ok, err := referenceSeconds(pol, "III.1.1.1", "a", pattern)
	if err != nil {
		return nil, err
	}
	if ok {
		limit, source = ref, fmt.Sprintf("the guideline's reference value (III.1.1.1 a, pattern %d)", pattern)
		basis = append(basis, fmt.Sprintf("reference III.1.1.1 a, pattern %d: every %ds", pattern, ref))
	}
	for _, c := range in {
		if c.Key != "monitoring.liveness_interval" {
			continue
		}
		if s, ok := asInt(c.Value); ok && s > 0 {
			if limit == 0 || s < limit {
				limit, source = s, fmt.Sprintf("the disclosure (item %d, %v)", c.Item, c.Raw)
			}
			basis = append(basis, fmt.Sprintf("claim item %d %s: %v", c.Item, c.Key, c.Raw))
		}
	}
	if limit > 0 {
		out["KaijiLivenessProbe"] = gkParams{
			values: map[string]any{"maxPeriodSeconds": limit, "source": source},
			basis:  strings.Join(basis, "; "),
		}
	}
	for _, c := range in {
		switch {
		case c.Key == "network.tls_min_version" && c.Value != nil:
			out["KaijiIngressTLS"] = gkParams{
				values: map[string]any{"minTLSVersion": fmt.Sprint(c.Value)},
				basis:  fmt.Sprintf("claim item %d %s: %v", c.Item, c.Key, c.Raw),
			}
		case c.Key == "encryption.at_rest" && c.Value == true:
			out["KaijiStorageClassEncryption"] = gkParams{
				values: map[string]any{"provisioners": unencryptedByDefault},
				basis:  fmt.Sprintf("claim item %d %s: %v", c.Item, c.Key, c.Raw),
			}
		case c.Key == "firewall.enabled" && c.Value == true:
			out["KaijiLoadBalancerSourceRanges"] = gkParams{
				values: map[string]any{"publicPorts": []int{}},
				basis:  fmt.Sprintf("claim item %d %s: %v", c.Item, c.Key, c.Raw),
			}
		}
	}
	return out, nil
}

// referenceSeconds reads a control's reference interval for a pattern from
// the reference data (data.kaiji.data.reference) of b, or of the embedded
// library when b is nil.
func referenceSeconds(b *bundle.Bundle, control, item string, pattern int) (int64, bool, error) {
	if b == nil {
		var err error
		if b, err = policies.Builtin(); err != nil {
			return 0, false, fmt.Errorf("load reference values: %w", err)
		}
	}
	ref, ok := nested(b.Data, policies.Root, "data", "reference", control, "items", item, "values", fmt.Sprint(pattern))
	if !ok {
		return 0, false, nil
	}
	n, ok := asInt(ref["every_seconds"])
	return n, ok, nil
}

func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int64:
		return n, true
	case float64:
		return int64(n), n == float64(int64(n))
	case interface{ Int64() (int64, error) }:
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// templateYAML writes a ConstraintTemplate by hand so that the Rego stays
// a readable literal block (a YAML encoder would quote it on one line).
func templateYAML(t gkTemplate, rego string) []byte {
	schema, _ := yaml.Marshal(map[string]any{"openAPIV3Schema": t.Schema})
	var b strings.Builder
	fmt.Fprintf(&b, "# Generated by kaiji export gatekeeper. Rego v1, standard built-ins only.\n")
	fmt.Fprintf(&b, "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: %s\n", strings.ToLower(t.Kind))
	fmt.Fprintf(&b, "spec:\n  crd:\n    spec:\n      names:\n        kind: %s\n      validation:\n", t.Kind)
	b.WriteString(indent(string(schema), 8))
	b.WriteString("  targets:\n    - target: admission.k8s.gatekeeper.sh\n      code:\n        - engine: Rego\n          source:\n            version: \"v1\"\n            rego: |\n")
	b.WriteString(indent(rego, 14))
	return []byte(b.String())
}

func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}
