package engine

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"

	"github.com/kaiji-dev/kaiji/internal/results"
	"github.com/kaiji-dev/kaiji/internal/vm"
	"github.com/kaiji-dev/kaiji/policies"
)

// TestSplitMatchesSingleQuery: the decision assembled from concurrent
// queries is the single query's, whatever the number of queries.
func TestSplitMatchesSingleQuery(t *testing.T) {
	eng, in, e := evaluating(t, 1000)
	if eng.split == nil {
		t.Fatal("the built-in policies are not split")
	}
	var want struct {
		Claims   []results.Claim
		Controls []results.Control
	}
	if err := eng.EvalRaw(context.Background(), in, &want); err != nil {
		t.Fatal(err)
	}
	if len(want.Claims) == 0 || len(want.Controls) == 0 {
		t.Fatal("empty decision")
	}
	for _, p := range splitPlans(t, eng) {
		for _, n := range []int{2, 3, 7, 64} {
			cs, ctrls, err := eng.split.evaluate(context.Background(), e.request(), n, p)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(cs, want.Claims) {
				t.Errorf("%d queries (planned: %t): claims differ from the single query", n, p != nil)
			}
			if !reflect.DeepEqual(ctrls, want.Controls) {
				t.Errorf("%d queries (planned: %t): controls differ from the single query", n, p != nil)
			}
		}
	}
}

// splitPlans returns the split decision's evaluators: topdown (nil), its
// plan, and its plan read from builtin.plans.
func splitPlans(t *testing.T, eng *Engine) []*vm.Program {
	t.Helper()
	p, err := eng.split.plan.get()
	if err != nil {
		t.Fatal(err)
	}
	pre, err := New(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	kept, err := pre.split.plan.get()
	if err != nil || !pre.precompiled {
		t.Fatalf("builtin.plans: %v", err)
	}
	return []*vm.Program{nil, p, kept}
}

// TestSplitCancelled: a context ended before or while the queries run
// gives an error, never a decision with some claims missing.
func TestSplitCancelled(t *testing.T) {
	eng, _, e := evaluating(t, 1000)
	for _, p := range splitPlans(t, eng) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if cs, _, err := eng.split.evaluate(ctx, e.request(), 2, p); err == nil {
			t.Fatalf("cancelled evaluation returned %d claims and no error", len(cs))
		}
		for _, d := range []time.Duration{time.Millisecond, 20 * time.Millisecond, 100 * time.Millisecond} {
			ctx, cancel := context.WithTimeout(context.Background(), d)
			cs, _, err := eng.split.evaluate(ctx, e.request(), 2, p)
			cancel()
			if err != nil {
				continue
			}
			for i, c := range cs {
				if c.Verdict == "" {
					t.Fatalf("deadline %s (planned: %t): no error, but claim %d has no verdict", d, p != nil, i)
				}
			}
		}
	}
}

// TestSplitOnlyBuiltinMain: a bundle whose aggregation differs from the
// built-in main.rego is evaluated as one query.
func TestSplitOnlyBuiltinMain(t *testing.T) {
	b := customMainBundle(t)
	eng, err := New(context.Background(), Options{Bundle: b})
	if err != nil {
		t.Fatal(err)
	}
	if eng.split != nil {
		t.Fatal("a bundle with its own main.rego was split")
	}
}

// customMainBundle is the built-in library with a main.rego of its own.
func customMainBundle(t *testing.T) *bundle.Bundle {
	t.Helper()
	lib, err := policies.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	b := *lib
	b.Modules = slices.Clone(lib.Modules)
	for i, m := range b.Modules {
		if m.Parsed.Package.Path.String() != "data.kaiji.main" {
			continue
		}
		raw := append(slices.Clone(m.Raw), "\n# changed\n"...)
		parsed, err := ast.ParseModuleWithOpts(m.Path, string(raw), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatal(err)
		}
		b.Modules[i].Raw, b.Modules[i].Parsed = raw, parsed
	}
	return &b
}
