package engine

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/kaiji-dev/kaiji/internal/claims"
	"github.com/kaiji-dev/kaiji/internal/parallel"
	"github.com/kaiji-dev/kaiji/internal/results"
	"github.com/kaiji-dev/kaiji/internal/vm"
	"github.com/kaiji-dev/kaiji/policies"
)

// splitter divides one decision into queries evaluated on as many
// goroutines as the machine has cores. OPA evaluates a query on one
// goroutine and the evaluation is most of a scan (BENCHMARKS.md), so this
// is what lets a scan use more than one core.
//
// The work is cut into units — the claims judged by the same packages,
// and each control — and the units are dealt to binsPerWorker queries per
// core by their expected cost, the facts of the kinds their packages read
// (METADATA custom.reads), largest first; the workers take the queries in
// turn. Rules that several units of one query share are evaluated once in
// it; only those shared across queries are evaluated again.
//
// It relies on the contract of docs/policies.md: main.rego judges every
// claim from its own findings, a claim policy's findings for a claim
// depend on that claim and the facts only, and each control's verdicts
// on its own evaluations. The engine splits only when the aggregation is
// the built-in main.rego.
type splitter struct {
	// plan is splitQuery planned for package vm, on first use; nil when
	// topdown evaluates every decision (query).
	plan *planned[*vm.Program]
	// claimPackages lists, per claim key, the claim packages that judge
	// it; controlPackages, per control id, the control packages.
	claimPackages, controlPackages map[string][]string
	// reads lists, per package (kaiji.claims.x, kaiji.controls.y), the fact
	// kinds its METADATA says it reads.
	reads map[string][]string
	// query is splitQuery prepared for topdown, on first use.
	query planned[rego.PreparedEvalQuery]
}

// splitQuery is the query of each part of a split decision: the verdicts of
// the claims in its input, and those of the controls it lists. One query
// serves every part, so it is prepared once.
const splitQuery = `claims := data.kaiji.main.claims; controls := [c | some id in input.controls; some c in data.kaiji.main.controls_for(id)]`

// newSplitter lists the claim and control packages of the policy set, or
// returns nil when its aggregation is not the built-in one.
func newSplitter(ctx context.Context, b *bundle.Bundle, prepare func(string) (rego.PreparedEvalQuery, error)) (*splitter, error) {
	if !builtinMain(b) {
		return nil, nil
	}
	s := &splitter{
		claimPackages:   map[string][]string{},
		controlPackages: map[string][]string{},
		reads:           map[string][]string{},
	}
	s.query.make = func() (rego.PreparedEvalQuery, error) { return prepare(splitQuery) }
	for _, l := range []struct {
		query string
		into  map[string][]string
		pkg   string
	}{
		{`x := {[k, name] | some name; some k in data.kaiji.claims[name].keys}`, s.claimPackages, "kaiji.claims."},
		{`x := {[id, name] | some name; id := data.kaiji.controls[name].control}`, s.controlPackages, "kaiji.controls."},
	} {
		pq, err := prepare(l.query)
		if err != nil {
			return nil, err
		}
		rs, err := pq.Eval(ctx)
		if err != nil {
			return nil, fmt.Errorf("list policies: %w", err)
		}
		if len(rs) != 1 {
			return nil, errors.New("list policies: undefined")
		}
		pairs, _ := rs[0].Bindings["x"].([]any)
		for _, p := range pairs {
			if pair, _ := p.([]any); len(pair) == 2 {
				k, _ := pair[0].(string)
				name, _ := pair[1].(string)
				l.into[k] = append(l.into[k], l.pkg+name)
			}
		}
	}
	infos, err := policies.List(b)
	if err != nil {
		return nil, err
	}
	for _, info := range infos {
		s.reads[info.Package] = info.Reads
	}
	return s, nil
}

// builtinMain is true when the bundle aggregates with the built-in
// main.rego, unchanged, and nothing else in package kaiji.main.
func builtinMain(b *bundle.Bundle) bool { return builtinPackage(b, "data.kaiji.main") }

// builtinPackage is true when the bundle's package pkg is the built-in
// library's one module of that package, unchanged, and nothing else.
func builtinPackage(b *bundle.Bundle, pkg string) bool {
	lib, err := policies.Builtin()
	if err != nil {
		return false
	}
	var want []byte
	for _, m := range lib.Modules {
		if m.Parsed != nil && m.Parsed.Package.Path.String() == pkg {
			if want != nil {
				return false // one module per package is all this compares
			}
			want = m.Raw
		}
	}
	n := 0
	for _, m := range b.Modules {
		if m.Parsed == nil || m.Parsed.Package.Path.String() != pkg {
			continue
		}
		if n++; !bytes.Equal(m.Raw, want) {
			return false
		}
	}
	return n == 1 && want != nil
}

// unit is a piece of the decision: a group of claims (positions in the
// request) judged by the same packages, or one control.
type unit struct {
	at      []int
	control string
	cost    int
}

// bin is the work of one query.
type bin struct {
	at       []int
	controls []string
	cost     int
	claims   []results.Claim
	ctrls    []results.Control
}

// bins deals the request's units to n queries, largest first, each to the
// query with the least expected work so far.
func (s *splitter) bins(req Request, n int) []*bin {
	kinds := map[string]int{}
	for i := range req.Facts {
		kinds[string(req.Facts[i].Kind)]++
	}
	cost := func(pkgs []string) int {
		c := 1
		for _, p := range pkgs {
			rs, ok := s.reads[p]
			if !ok {
				c += len(req.Facts) // no METADATA: it may read anything
			}
			for _, k := range rs {
				c += kinds[k]
			}
		}
		return c
	}
	var us []*unit
	byGroup := map[string]*unit{}
	for i, c := range req.Claims {
		pkgs := s.claimPackages[c.Key]
		group := strings.Join(pkgs, "+")
		u := byGroup[group]
		if u == nil {
			u = &unit{cost: cost(pkgs)}
			byGroup[group] = u
			us = append(us, u)
		}
		u.at = append(u.at, i)
	}
	for _, id := range slices.Sorted(maps.Keys(s.controlPackages)) {
		us = append(us, &unit{control: id, cost: cost(s.controlPackages[id])})
	}
	slices.SortStableFunc(us, func(x, y *unit) int { return cmp.Compare(y.cost, x.cost) })
	bs := make([]*bin, min(n, len(us)))
	for i := range bs {
		bs[i] = &bin{}
	}
	for _, u := range us {
		b := slices.MinFunc(bs, func(x, y *bin) int { return cmp.Compare(x.cost, y.cost) })
		b.cost += u.cost
		b.at = append(b.at, u.at...)
		if u.control != "" {
			b.controls = append(b.controls, u.control)
		}
	}
	for _, b := range bs {
		slices.Sort(b.at)
		slices.Sort(b.controls)
	}
	return bs
}

// evaluate runs the bins concurrently and assembles the decision in the
// order of the single query: claims in request order, controls sorted by
// id and evaluation item as main.rego sorts them.
//
// p is the plan of splitQuery to evaluate, or nil for topdown.
func (s *splitter) evaluate(ctx context.Context, req Request, n int, p *vm.Program) ([]results.Claim, []results.Control, error) {
	facts, err := FactsValue(req.Facts)
	if err != nil {
		return nil, nil, err
	}
	bs := s.bins(req, n*binsPerWorker)
	// The facts are input now; the queries need only the claims. Dropped,
	// the caller's facts can be collected while the policies run.
	req.Facts = nil
	// Largest expected first; each worker takes the next bin when it is
	// done, so a bin that costs more than expected delays only its
	// worker, and a finished query's cache is freed while the others run.
	slices.SortStableFunc(bs, func(x, y *bin) int { return cmp.Compare(y.cost, x.cost) })
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(bs))
	parallel.For(len(bs), n, func(i int) {
		if err := ctx.Err(); err != nil {
			errs[i] = err // never a decision with claims missing
			return
		}
		if errs[i] = s.run(ctx, req, facts, bs[i], p); errs[i] != nil {
			cancel()
		}
	})
	for _, err := range errs {
		// The first error that is not another query's cancellation.
		if err != nil && !errors.Is(err, context.Canceled) {
			return nil, nil, err
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	out := make([]results.Claim, len(req.Claims))
	var controls []results.Control
	for _, b := range bs {
		for j, at := range b.at {
			out[at] = b.claims[j]
		}
		controls = append(controls, b.ctrls...)
	}
	slices.SortStableFunc(controls, func(x, y results.Control) int {
		return cmp.Or(strings.Compare(x.ID, y.ID), strings.Compare(x.EvalItem, y.EvalItem))
	})
	return out, controls, nil
}

// run evaluates one bin over the shared facts.
func (s *splitter) run(ctx context.Context, req Request, facts ast.Value, b *bin, p *vm.Program) error {
	cs := make([]claims.Input, len(b.at))
	for j, at := range b.at {
		cs[j] = req.Claims[at]
	}
	in, err := inputValue(facts, cs, req.Pattern, req.Edition)
	if err != nil {
		return err
	}
	ids := make([]*ast.Term, len(b.controls))
	for i, id := range b.controls {
		ids[i] = ast.StringTerm(id)
	}
	in.(ast.Object).Insert(ast.InternedTerm("controls"), ast.ArrayTerm(ids...))
	var verdicts, controls ast.Value
	if p != nil {
		bs, err := evalPlan(ctx, p, in)
		if err != nil {
			return err
		}
		verdicts, controls = bs.Get(ast.InternedTerm("claims")).Value, bs.Get(ast.InternedTerm("controls")).Value
	} else {
		pq, err := s.query.get()
		if err != nil {
			return err
		}
		rs, err := pq.Eval(ctx, rego.EvalParsedInput(in), rawValue, cacheOption())
		if err != nil {
			return fmt.Errorf("evaluate policies: %w", err)
		}
		if len(rs) != 1 {
			return errors.New("evaluate policies: the query is undefined")
		}
		verdicts, _ = rs[0].Bindings["claims"].(ast.Value)
		controls, _ = rs[0].Bindings["controls"].(ast.Value)
	}
	if err := decodeInto(verdicts, &b.claims); err != nil {
		return err
	}
	if err := decodeInto(controls, &b.ctrls); err != nil {
		return err
	}
	if len(b.claims) != len(b.at) {
		return fmt.Errorf("evaluate policies: %d verdicts for %d claims", len(b.claims), len(b.at))
	}
	return nil
}

// binsPerWorker is how many queries the decision is cut into per
// worker. The expected costs are estimates (facts of the kinds a package
// reads), and on the Kubernetes estate two bins of equal estimate took
// 0.95 and 1.6 s; smaller bins, taken in turn, keep both cores busy to the
// end and hold fewer query caches at once (10k Terraform peak RSS ~460 →
// ~360 MB at four), for a little shared work evaluated more than once.
// Five since the findings sort by _id: the 10k Terraform scan's last
// query ran alone for 60 ms at four (BENCHMARKS.md).
const binsPerWorker = 5

// workers is how many concurrent queries an evaluation uses: one per core
// the Go runtime may use (GOMAXPROCS; GOMAXPROCS=1 evaluates one query).
func workers() int { return runtime.GOMAXPROCS(0) }
