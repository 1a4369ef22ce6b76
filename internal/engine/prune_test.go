package engine

import (
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"

	"github.com/kaiji-dev/kaiji/policies"
)

// packages lists the packages of a bundle's modules, once each.
func packages(b *bundle.Bundle) []string {
	var out []string
	for _, m := range b.Modules {
		out = append(out, strings.TrimPrefix(m.Parsed.Package.Path.String(), "data."))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestPrune: a scan's compile leaves out the admission policies and the
// webhook's leaves out the claims, controls and aggregation; everything
// either query reaches stays.
func TestPrune(t *testing.T) {
	lib, err := policies.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	all := packages(lib)
	for _, tc := range []struct {
		query    string
		dropped  func(pkg string) bool
		reaching string
	}{
		{Query, func(pkg string) bool { return strings.HasPrefix(pkg, "kaiji.admission.") }, "kaiji.claims.backup"},
		{AdmissionQuery, func(pkg string) bool {
			return strings.HasPrefix(pkg, "kaiji.claims.") || strings.HasPrefix(pkg, "kaiji.controls.") || pkg == "kaiji.main"
		}, "kaiji.admission.lib"},
	} {
		kept := packages(prune(lib, tc.query))
		var want []string
		for _, pkg := range all {
			if !tc.dropped(pkg) {
				want = append(want, pkg)
			}
		}
		if !slices.Equal(kept, want) {
			t.Errorf("%s: kept %v\nwant %v", tc.query, kept, want)
		}
		if !slices.Contains(kept, tc.reaching) || len(kept) == len(all) {
			t.Errorf("%s: kept %d of %d packages", tc.query, len(kept), len(all))
		}
	}
}

// TestPruneKeepsUserModules: a module that is not the library's own is
// kept whatever the query, and so is what it refers to, through an import
// alias or a dynamic ref.
func TestPruneKeepsUserModules(t *testing.T) {
	lib, err := policies.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, src string
		reached   string
	}{
		{"import alias", "package custom.x\nimport data.kaiji.admission.lib as alib\np := alib.nothing\n", "kaiji.admission.lib"},
		{"dynamic ref", "package custom.x\np := data[x].y\n", "kaiji.admission.rules"},
		{"changed library module", "", "kaiji.admission.rules"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := *lib
			b.Modules = slices.Clone(lib.Modules)
			if tc.src != "" {
				m, err := ast.ParseModuleWithOpts("policies/custom.rego", tc.src, ast.ParserOptions{RegoVersion: ast.RegoV1})
				if err != nil {
					t.Fatal(err)
				}
				b.Modules = append(b.Modules, bundle.ModuleFile{Path: "policies/custom.rego", Raw: []byte(tc.src), Parsed: m})
			} else {
				for i := range b.Modules {
					if strings.HasSuffix(b.Modules[i].Path, "admission/rules.rego") {
						b.Modules[i].Raw = append([]byte("# changed\n"), b.Modules[i].Raw...)
					}
				}
			}
			kept := packages(prune(&b, Query))
			if !slices.Contains(kept, tc.reached) {
				t.Errorf("%s not kept: %v", tc.reached, kept)
			}
			if !slices.Contains(kept, "kaiji.main") {
				t.Errorf("the query's own package dropped: %v", kept)
			}
		})
	}
}
