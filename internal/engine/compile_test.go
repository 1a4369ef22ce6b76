package engine

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaiji-dev/kaiji/bench/gen"
	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/cloudexport"
	"github.com/kaiji-dev/kaiji/collectors/kubernetes"
	"github.com/kaiji-dev/kaiji/collectors/terraform"
	"github.com/kaiji-dev/kaiji/internal/claims"
	"github.com/kaiji-dev/kaiji/internal/vm"
)

// TestCompiledSameDecisions: the policies compiled as the engine compiles
// them (helper functions inlined, the hottest replaced by Go built-ins) and
// evaluated by either evaluator — their plan on package vm, the scan's
// default, or OPA's topdown — decide exactly as compiled and evaluated by
// OPA alone, over every kind of input the repository holds (the demo, the
// collectors' corpora and broken files, a generated estate as Terraform,
// plan and Kubernetes) and for every service pattern; as one query and
// split into several.
func TestCompiledSameDecisions(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates the policies 56 times")
	}
	ctx := context.Background()
	fast, err := New(ctx, Options{Evaluator: EvaluatorPlan, noPlans: true})
	if err != nil {
		t.Fatal(err)
	}
	if name, declined := fast.Evaluator(); name != EvaluatorPlan || declined != "" {
		t.Fatalf("the library is evaluated by %s (%s); want its plan", name, declined)
	}
	ahead, err := New(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !ahead.precompiled {
		t.Fatal("the library's decision is not evaluated from builtin.plans")
	}
	topdown, err := New(ctx, Options{Evaluator: EvaluatorTopdown})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := New(ctx, Options{plain: true, Evaluator: EvaluatorTopdown})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	l, err := gen.Write(dir, gen.Options{Resources: 1000})
	if err != nil {
		t.Fatal(err)
	}
	reg := collectors.NewRegistry(collectors.Options{},
		terraform.New(terraform.Options{Vars: map[string]string{}}),
		kubernetes.New(kubernetes.Options{}),
		cloudexport.New(cloudexport.Options{}),
	)
	repo := filepath.Join("..", "..")
	sheet, err := claims.LoadFile(filepath.Join(repo, "testdata", "sheets", "seed002.disclosure.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	estateSheet, err := claims.LoadFile(l.Claims)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		paths    []string
		sheet    *claims.Disclosure
		patterns []int
	}{
		{"demo", []string{filepath.Join(repo, "testdata", "demo", "infra")}, sheet, []int{1, 2, 3, 4, 5, 6}},
		{"corpora", []string{
			filepath.Join(repo, "collectors", "terraform", "testdata", "corpus"),
			filepath.Join(repo, "collectors", "kubernetes", "testdata", "corpus"),
			filepath.Join(repo, "collectors", "cloudexport", "testdata"),
			filepath.Join(repo, "testdata", "bad"),
			filepath.Join(repo, "testdata", "patterns"),
		}, sheet, []int{1, 2, 3, 4, 5, 6}},
		{"estate", []string{l.Terraform, l.Plan, l.Kubernetes}, estateSheet, []int{estateSheet.Pattern}},
	} {
		for _, p := range tc.paths {
			if _, err := os.Stat(p); err != nil {
				t.Fatal(err)
			}
		}
		res, err := reg.Collect(ctx, tc.paths)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Facts) == 0 {
			t.Fatalf("%s: %d facts; want the inputs read", tc.name, len(res.Facts))
		}
		for _, pattern := range tc.patterns {
			req := Request{Facts: res.Facts, Claims: tc.sheet.Inputs(), Pattern: pattern, Edition: tc.sheet.Edition}
			want := decide(t, plain, req)
			for _, e := range []struct {
				name string
				eng  *Engine
			}{{"plan", fast}, {"builtin.plans", ahead}, {"topdown", topdown}} {
				if got := decide(t, e.eng, req); got != want {
					t.Errorf("%s, pattern %d: the compiled policies evaluated by %s, split, decide differently from OPA alone", tc.name, pattern, e.name)
				}
				if got := decideWhole(t, e.eng, req); got != want {
					t.Errorf("%s, pattern %d: the compiled policies evaluated by %s as one query decide differently from OPA alone", tc.name, pattern, e.name)
				}
			}
		}
	}
}

// decideWhole returns the engine's decision as JSON, evaluated as one
// query (as the engine does on one core).
func decideWhole(t *testing.T, e *Engine, req Request) string {
	t.Helper()
	in, err := Input(req)
	if err != nil {
		t.Fatal(err)
	}
	var d decision
	if err := e.EvalRaw(context.Background(), in, &d); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return string(js)
}

// decide returns the engine's decision as JSON.
func decide(t *testing.T, e *Engine, req Request) string {
	t.Helper()
	cs, ctls, err := e.Evaluate(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) == 0 || len(ctls) == 0 {
		t.Fatalf("%d claims, %d controls", len(cs), len(ctls))
	}
	js, err := json.Marshal(decision{Claims: cs, Controls: ctls})
	if err != nil {
		t.Fatal(err)
	}
	return string(js)
}

// TestEvaluatorChoice: by default a small decision is evaluated by
// topdown, a large one and any webhook request as planned; the other
// evaluators are used whatever the size; an unknown one is an error.
func TestEvaluatorChoice(t *testing.T) {
	ctx := context.Background()
	usesPlan := func(e *Engine, p *planned[*vm.Program], facts int) bool { return e.planFor(p, facts) != nil }
	// The library compiled (noPlans), as for policies of the user's:
	// builtin.plans costs nothing to plan (TestPrecompiled).
	auto, err := New(ctx, Options{noPlans: true})
	if err != nil {
		t.Fatal(err)
	}
	if usesPlan(auto, auto.split.plan, planFacts-1) || !usesPlan(auto, auto.split.plan, planFacts) {
		t.Error("auto: the split decision is not planned by its size")
	}
	if usesPlan(auto, auto.plan, planFacts-1) || !usesPlan(auto, auto.plan, planFacts) {
		t.Error("auto: the whole decision is not planned by its size")
	}
	ahead, err := New(ctx, Options{noPlans: true})
	if err != nil {
		t.Fatal(err)
	}
	if ahead.PlanAhead(); (workers() > 1 && ahead.split.plan.q == nil) || (workers() == 1 && ahead.plan.q == nil) {
		t.Error("PlanAhead did not plan the decision")
	}
	always, err := New(ctx, Options{Evaluator: EvaluatorPlan, noPlans: true})
	if err != nil {
		t.Fatal(err)
	}
	if !usesPlan(always, always.split.plan, 1) || !usesPlan(always, always.plan, 1) {
		t.Error("plan: a small decision is not planned")
	}
	never, err := New(ctx, Options{Evaluator: EvaluatorTopdown})
	if err != nil {
		t.Fatal(err)
	}
	if never.plan != nil || never.split.plan != nil {
		t.Error("topdown: the engine plans queries")
	}
	webhook, err := New(ctx, Options{Query: AdmissionQuery})
	if err != nil {
		t.Fatal(err)
	}
	if webhook.split != nil || webhook.plan.q == nil {
		t.Error("auto: the webhook's query is not planned as the engine is made")
	}
	if _, err := New(ctx, Options{Evaluator: "wasm"}); err == nil || !strings.Contains(err.Error(), "unknown evaluator") {
		t.Errorf("an unknown evaluator gave %v", err)
	}
	// A query OPA's planner declines is evaluated by topdown, and the
	// engine says why.
	declined, err := New(ctx, Options{Evaluator: EvaluatorPlan, noPlans: true})
	if err != nil {
		t.Fatal(err)
	}
	fail := func() (*vm.Program, error) { return nil, errors.New("not plannable") }
	declined.split.plan, declined.plan = &planned[*vm.Program]{make: fail}, &planned[*vm.Program]{make: fail}
	if usesPlan(declined, declined.split.plan, planFacts) || usesPlan(declined, declined.plan, planFacts) {
		t.Error("a declined plan is used")
	}
	if _, why := declined.Evaluator(); why != "not plannable" {
		t.Errorf("the engine says the plan was declined because %q", why)
	}
	if _, _, err := declined.Evaluate(ctx, Request{Pattern: 1}); err != nil {
		t.Errorf("a declined plan's decision: %v", err)
	}
	if why := declined.Declined(1); why != "not plannable" {
		t.Errorf("plan: Declined(1) = %q", why)
	}
	// Declined says so only where the decision's size calls for the plan,
	// and plans nothing that size would not.
	tries := 0
	counted := func() (*vm.Program, error) { tries++; return nil, errors.New("not plannable") }
	auto.split.plan, auto.plan = &planned[*vm.Program]{make: counted}, &planned[*vm.Program]{make: counted}
	if why := auto.Declined(planFacts - 1); why != "" || tries != 0 {
		t.Errorf("auto: Declined(planFacts-1) = %q after %d plans, want \"\" after none", why, tries)
	}
	if why := auto.Declined(planFacts); why != "not plannable" {
		t.Errorf("auto: Declined(planFacts) = %q", why)
	}
	if why := never.Declined(planFacts); why != "" {
		t.Errorf("topdown: Declined = %q", why)
	}
	if why := always.Declined(1); why != "" {
		t.Errorf("a planned engine: Declined = %q", why)
	}
}
