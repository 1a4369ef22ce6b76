package bundles

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"sort"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"

	"github.com/kaiji-dev/kaiji/internal/claims"
	"github.com/kaiji-dev/kaiji/policies"
)

// DisclosurePath is where a bundle carries the claims it was built with:
// data.kaiji.disclosure = {service, edition, pattern, claims}, the claims in
// the same form as input.claims. OPA users evaluating a bundle can copy it
// into the input; kaiji export gatekeeper derives constraint parameters
// from the same values.
const DisclosurePath = "kaiji/disclosure"

// BundledPath is the module a bundle with claims carries so that an OPA
// server can decide the bundled disclosure from facts alone:
// data.kaiji.bundled.result (see rego/bundled.rego).
const BundledPath = "kaiji/bundled.rego"

//go:embed rego/bundled.rego
var bundledFS embed.FS

// BuildOptions say what goes into a bundle.
type BuildOptions struct {
	// Policies returns the policy set to package, with the *_test.rego
	// modules when tests is true (kaiji's library plus any user policies and
	// data, as kaiji scan merges them); the embedded library when nil.
	Policies func(tests bool) (*bundle.Bundle, error)
	// Tests includes the *_test.rego modules, so that `opa test -b` can run
	// them on the bundle itself. The revision does not change.
	Tests bool
	// Disclosure, when set, is stored as data at DisclosurePath.
	Disclosure *claims.Disclosure
	// Pattern overrides the disclosure's pattern (1–6) in the stored data.
	Pattern int
	// Version is the kaiji version recorded in the manifest metadata.
	Version string
}

// Build packages the policies and their data (and optionally the claims)
// as a standard OPA bundle: a .manifest whose revision is the policy digest
// (the same one kaiji scan reports) and whose only root is "kaiji", every
// module at its source path, and every data document at
// /kaiji/data/<name>/data.json so OPA mounts it at data.kaiji.data.<name>
// exactly as kaiji does.
func Build(opts BuildOptions) (*Archive, error) {
	load := opts.Policies
	if load == nil {
		load = func(tests bool) (*bundle.Bundle, error) {
			return policies.Load(policies.FS, "policies", policies.LoadOptions{Tests: tests})
		}
	}
	// The revision identifies the policy set that decides, without tests,
	// so a bundle built with --tests reports the same digest.
	plain, err := load(false)
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	b := plain
	if opts.Tests {
		if b, err = load(true); err != nil {
			return nil, fmt.Errorf("load policies: %w", err)
		}
	}

	a := &Archive{}
	for _, m := range b.Modules {
		a.Put(m.Path, m.Raw)
	}
	docs, _ := nested(b.Data, policies.Root, "data")
	for _, name := range sortedKeys(docs) {
		js, err := json.MarshalIndent(docs[name], "", "  ")
		if err != nil {
			return nil, fmt.Errorf("encode data %s: %w", name, err)
		}
		a.Put(path.Join(policies.Root, "data", name, "data.json"), append(js, '\n'))
	}

	meta := map[string]any{"policy_digest": plain.Manifest.Revision}
	if opts.Version != "" {
		meta["version"] = opts.Version
	}
	if opts.Disclosure != nil {
		doc := DisclosureData(opts.Disclosure, opts.Pattern)
		js, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("encode claims: %w", err)
		}
		a.Put(path.Join(DisclosurePath, "data.json"), append(js, '\n'))
		src, err := bundledFS.ReadFile("rego/bundled.rego")
		if err != nil {
			return nil, err
		}
		a.Put(BundledPath, src)
		if opts.Disclosure.File != "" {
			meta["claims_file"] = opts.Disclosure.File
		}
	}

	m := bundle.Manifest{
		Revision: plain.Manifest.Revision,
		Roots:    &[]string{policies.Root},
		Metadata: map[string]any{"kaiji": meta},
	}
	m.SetRegoVersion(ast.RegoV1)
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	a.Put(bundle.ManifestExt, append(js, '\n'))
	a.sort()
	return a, nil
}

// DisclosureData is the data document a bundle stores at DisclosurePath.
func DisclosureData(d *claims.Disclosure, pattern int) map[string]any {
	if pattern == 0 {
		pattern = d.Pattern
	}
	if pattern == 0 {
		pattern = 1
	}
	edition := d.Edition
	if edition == "" {
		edition = claims.EditionASPSaaS
	}
	return map[string]any{
		"service": d.Service,
		"edition": edition,
		"pattern": pattern,
		"claims":  d.Inputs(),
	}
}

func nested(doc map[string]any, keys ...string) (map[string]any, bool) {
	cur := doc
	for _, k := range keys {
		next, ok := cur[k].(map[string]any)
		if !ok {
			return nil, false
		}
		cur = next
	}
	return cur, true
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
