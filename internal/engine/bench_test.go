package engine

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/profiler"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/kaiji-dev/kaiji/bench/gen"
	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/terraform"
	"github.com/kaiji-dev/kaiji/internal/claims"
)

// estate is the generated Terraform estate of n resources (bench/gen), as
// facts, and its disclosure sheet; built once per size and process.
type estate struct {
	facts  []collectors.Fact
	claims *claims.Disclosure
}

var (
	estatesMu sync.Mutex
	estates   = map[int]*estate{}
)

func loadEstate(tb testing.TB, n int) *estate {
	tb.Helper()
	estatesMu.Lock()
	defer estatesMu.Unlock()
	if e := estates[n]; e != nil {
		return e
	}
	dir, err := os.MkdirTemp("", "kaiji-estate-")
	if err != nil {
		tb.Fatal(err)
	}
	defer os.RemoveAll(dir)
	l, err := gen.Write(dir, gen.Options{Resources: n, NoPlan: true, NoKubernetes: true})
	if err != nil {
		tb.Fatal(err)
	}
	res, err := collectors.NewRegistry(collectors.Options{}, terraform.New(terraform.Options{Vars: map[string]string{}})).Collect(context.Background(), []string{l.Terraform})
	if err != nil {
		tb.Fatal(err)
	}
	d, err := claims.LoadFile(l.Claims)
	if err != nil {
		tb.Fatal(err)
	}
	e := &estate{facts: res.Facts, claims: d}
	estates[n] = e
	return e
}

// evaluating returns the built-in engine, compiled (not from
// builtin.plans: its topdown query is read), and the input of the
// generated estate of n resources.
func evaluating(t testing.TB, n int) (*Engine, ast.Value, *estate) {
	t.Helper()
	e := loadEstate(t, n)
	eng, err := New(context.Background(), Options{noPlans: true})
	if err != nil {
		t.Fatal(err)
	}
	in, err := Input(e.request())
	if err != nil {
		t.Fatal(err)
	}
	return eng, in, e
}

// topdownQuery is the engine's query prepared for topdown.
func topdownQuery(tb testing.TB, e *Engine) rego.PreparedEvalQuery {
	tb.Helper()
	pq, err := e.topdown.get()
	if err != nil {
		tb.Fatal(err)
	}
	return pq
}

func (e *estate) request() Request {
	return Request{Facts: e.facts, Claims: e.claims.Inputs(), Pattern: e.claims.Pattern, Edition: e.claims.Edition}
}

// BenchmarkEvaluate evaluates every claim and control of the built-in
// library over the generated Terraform estates (one prepared engine per
// evaluator).
func BenchmarkEvaluate(b *testing.B) {
	for _, ev := range []string{EvaluatorPlan, EvaluatorTopdown} {
		eng, err := New(context.Background(), Options{Evaluator: ev})
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range []int{1000, 10000} {
			e := loadEstate(b, n)
			b.Run(fmt.Sprintf("evaluator=%s/resources=%d", ev, n), func(b *testing.B) {
				b.ReportMetric(float64(len(e.facts)), "facts")
				for b.Loop() {
					if _, _, err := eng.Evaluate(context.Background(), e.request()); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkNew compiles and prepares the built-in library, as for
// --evaluator topdown or with policies of the user's.
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(context.Background(), Options{noPlans: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewPrecompiled is what a scan of the built-in library pays
// instead of BenchmarkNew and BenchmarkPlan: the engine of builtin.plans
// and its split decision's plan decoded (a fresh engine each time; the
// file's JSON is read once per process).
func BenchmarkNewPrecompiled(b *testing.B) {
	for b.Loop() {
		eng, err := New(context.Background(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := eng.split.plan.get(); err != nil || !eng.precompiled {
			b.Fatalf("not precompiled: %v", err)
		}
	}
}

// BenchmarkPlan plans the split decision for package vm (OPA's planner
// and vm.Compile): the fixed cost a large scan pays on top of BenchmarkNew.
func BenchmarkPlan(b *testing.B) {
	eng, err := New(context.Background(), Options{Evaluator: EvaluatorPlan, noPlans: true})
	if err != nil {
		b.Fatal(err)
	}
	plan := eng.split.plan.make
	for b.Loop() {
		if _, err := plan(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInput builds the input document of the 10k estate.
func BenchmarkInput(b *testing.B) {
	e := loadEstate(b, 10000)
	for b.Loop() {
		if _, err := Input(e.request()); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRegoProfile prints OPA's profile (the expressions that took longest)
// of one evaluation over a generated estate of KAIJI_REGO_PROFILE resources.
func TestRegoProfile(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("KAIJI_REGO_PROFILE"))
	if n == 0 {
		t.Skip("set KAIJI_REGO_PROFILE=<resources> to profile the policies")
	}
	eng, in, _ := evaluating(t, n)
	p := profiler.New()
	if _, err := topdownQuery(t, eng).Eval(context.Background(), rego.EvalParsedInput(in), rego.EvalQueryTracer(p)); err != nil {
		t.Fatal(err)
	}
	all := p.ReportTopNResults(1<<30, []string{"total_time_ns", "num_eval", "num_redo", "file", "line"})
	byFile := map[string]int64{}
	var total int64
	for _, s := range all {
		byFile[s.Location.File] += s.ExprTimeNs
		total += s.ExprTimeNs
	}
	t.Logf("total %.1fms", float64(total)/1e6)
	for f, ns := range byFile {
		t.Logf("file %8.1fms %s", float64(ns)/1e6, f)
	}
	for _, s := range all[:min(40, len(all))] {
		t.Logf("%8.1fms eval %7d redo %8d gen %4d %s:%d", float64(s.ExprTimeNs)/1e6, s.NumEval, s.NumRedo, s.NumGenExpr, s.Location.File, s.Location.Row)
	}
}
