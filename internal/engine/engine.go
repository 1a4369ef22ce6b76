// Package engine evaluates the policy library over facts and claims with
// the OPA Go library: policies are compiled and prepared once; the decision
// (data.kaiji.main.result) is evaluated over all facts at once, as one
// query or, on several cores, as several concurrent ones (split.go), and
// decoded from OPA's values straight into the result types (decode.go).
//
// A query is evaluated as OPA plans it (package vm) or by OPA's own
// evaluator, topdown; both give the same decisions (TestCompiledSameDecisions),
// the plan in less than half the time (a large scan in two thirds).
// topdown remains for small decisions and the queries OPA's planner
// declines.
package engine

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/internal/accel"
	"github.com/kaiji-dev/kaiji/internal/claims"
	"github.com/kaiji-dev/kaiji/internal/gcpace"
	"github.com/kaiji-dev/kaiji/internal/parallel"
	"github.com/kaiji-dev/kaiji/internal/results"
	"github.com/kaiji-dev/kaiji/internal/vm"
	"github.com/kaiji-dev/kaiji/policies"
)

// Query is the entrypoint every policy set answers.
const Query = "data.kaiji.main.result"

// AdmissionQuery is the entrypoint of the admission policies: the claims one
// Kubernetes object would make false.
const AdmissionQuery = "data.kaiji.admission.decision.result"

// Options configure an engine.
type Options struct {
	// Bundle replaces the embedded policies when set.
	Bundle *bundle.Bundle
	// Extra bundles add user policies and data (--policy, --data): their
	// modules join the library's and their data is merged over it, so a
	// data file overrides single reference values. See policies.Merge.
	Extra []*bundle.Bundle
	// Query is the entrypoint to prepare; Query by default.
	Query string
	// Evaluator is EvaluatorAuto (the default), EvaluatorPlan or
	// EvaluatorTopdown.
	Evaluator string

	// plain compiles the policies as OPA alone does, every helper function
	// called as written (the tests' reference for the inline and accel
	// stages).
	plain bool
	// noPlans compiles the built-in library even where builtin.plans
	// would serve (precompiled): to make that file, to fall back when it
	// does not decode, and for the tests that compare the two.
	noPlans bool
}

// The evaluators an engine may use (Options.Evaluator).
const (
	// EvaluatorAuto evaluates as planned for package vm every decision of
	// the built-in library (its plans made ahead: builtin.plans.json), a
	// decision over planFacts facts or more of other policies, and every
	// webhook request; a smaller decision of other policies, where planning
	// (~15 ms) would cost more than it saves, by topdown.
	EvaluatorAuto = "auto"
	// EvaluatorPlan evaluates every query as planned for package vm.
	EvaluatorPlan = "plan"
	// EvaluatorTopdown evaluates every query with OPA's own evaluator.
	EvaluatorTopdown = "topdown"
)

// Evaluators lists the names Options.Evaluator takes.
func Evaluators() []string { return []string{EvaluatorAuto, EvaluatorPlan, EvaluatorTopdown} }

// planFacts is the size of a decision from which EvaluatorAuto plans it:
// the demo (~40 facts) is 10–14 ms slower planned, a generated estate of
// 1,000 resources (~2,500 facts) 20–25 ms faster (BENCHMARKS.md).
const planFacts = 500

// Engine is a prepared policy set.
type Engine struct {
	// topdown is the query prepared for topdown: at once when the engine
	// compiles the policies, so that their errors are New's; from the
	// compiled library (slow) should a builtin.plans engine need it.
	topdown *planned[rego.PreparedEvalQuery]
	// plan is the whole query planned for package vm, on first use; nil
	// when topdown evaluates every query. When OPA's planner declines a
	// query, topdown evaluates it.
	plan   *planned[*vm.Program]
	split  *splitter
	digest string
	mode   string
	// precompiled is true when the plans come from builtin.plans: they
	// cost nothing to make, so every decision is planned; slow is the
	// compiled library, made only should a plan not decode.
	precompiled bool
	slow        func() (*Engine, error)
}

// planned is a query prepared or planned on its first use, once.
type planned[T any] struct {
	once sync.Once
	make func() (T, error)
	q    T
	err  error
}

// ready is a planned value already made.
func ready[T any](v T) *planned[T] {
	p := &planned[T]{}
	p.once.Do(func() { p.q = v })
	return p
}

func (p *planned[T]) get() (T, error) {
	p.once.Do(func() { p.q, p.err = p.make() })
	return p.q, p.err
}

// New compiles and prepares the policies. The modules are compiled once and
// shared by every query prepared here; the data is stored as AST values, so
// the policies never convert it per read.
func New(ctx context.Context, opts Options) (*Engine, error) {
	defer gcpace.Preparation()()
	if e := precompiled(ctx, opts, cmp.Or(opts.Query, Query)); e != nil {
		return e, nil
	}
	b := opts.Bundle
	if b == nil {
		var err error
		if b, err = policies.Builtin(); err != nil {
			return nil, fmt.Errorf("load built-in policies: %w", err)
		}
	}
	query := opts.Query
	if query == "" {
		query = Query
	}
	digest := b.Manifest.Revision
	if len(opts.Extra) > 0 {
		// User policies and data share the kaiji root with the library (main
		// aggregates data.kaiji.claims and data.kaiji.controls), so they are
		// merged into one bundle rather than activated as overlapping bundles.
		merged, err := policies.Merge(b, opts.Extra...)
		if err != nil {
			return nil, err
		}
		b = merged
		for _, x := range opts.Extra {
			digest += "+" + x.Manifest.Revision
		}
	}
	compiler, store, err := compile(prune(b, query), !opts.plain)
	if err != nil {
		return nil, fmt.Errorf("compile policies: %w", err)
	}
	prepare := func(q string) (rego.PreparedEvalQuery, error) {
		opts := append([]func(*rego.Rego){
			rego.Query(q),
			rego.Compiler(compiler),
			rego.Store(store),
			rego.SetRegoVersion(ast.RegoV1),
		}, accel.Options()...)
		pq, err := rego.New(opts...).PrepareForEval(ctx)
		if err != nil {
			return pq, fmt.Errorf("compile policies: %w", err)
		}
		return pq, nil
	}
	pq, err := prepare(query)
	if err != nil {
		return nil, err
	}
	e := &Engine{topdown: ready(pq), digest: digest, mode: cmp.Or(opts.Evaluator, EvaluatorAuto)}
	if query == Query {
		if e.split, err = newSplitter(ctx, b, prepare); err != nil {
			return nil, err
		}
	}
	switch e.mode {
	case EvaluatorAuto, EvaluatorPlan:
		if err := e.usePlans(ctx, compiler, store, query); err != nil {
			return nil, err
		}
	case EvaluatorTopdown:
	default:
		return nil, fmt.Errorf("unknown evaluator %q (want %s)", opts.Evaluator, strings.Join(Evaluators(), ", "))
	}
	return e, nil
}

// usePlans has the engine plan its queries for package vm, each on its
// first use. A query that is not the decision (the webhook's) is planned
// now, with the rest of the preparation, not on the first request.
func (e *Engine) usePlans(ctx context.Context, compiler *ast.Compiler, store storage.Store, query string) error {
	doc, err := storage.ReadOne(ctx, store, storage.RootPath)
	if err != nil {
		return fmt.Errorf("read policy data: %w", err)
	}
	data, err := ast.InterfaceToValue(doc)
	if err != nil {
		return fmt.Errorf("read policy data: %w", err)
	}
	plan := func(q string) func() (*vm.Program, error) {
		return func() (*vm.Program, error) {
			p, err := vm.Plan(ctx, append([]func(*rego.Rego){
				rego.Query(q),
				rego.Compiler(compiler),
				rego.Store(store),
				rego.SetRegoVersion(ast.RegoV1),
			}, accel.Options()...)...)
			if err != nil {
				return nil, err
			}
			return p.WithData(data), nil
		}
	}
	e.plan = &planned[*vm.Program]{make: plan("result := " + query)}
	if e.split != nil {
		e.split.plan = &planned[*vm.Program]{make: plan(splitQuery)}
	} else {
		_, _ = e.plan.get()
	}
	return nil
}

// PlanAhead plans the decision now, unless the evaluator is topdown, so
// that the planning overlaps other work: kaiji scan plans while the
// collectors still read a large input. Otherwise Evaluate plans a decision
// that its size calls for.
func (e *Engine) PlanAhead() {
	defer gcpace.Preparation()()
	e.planFor(e.decisionPlan(), planFacts)
}

// decisionPlan is the plan Evaluate uses: the split query's on several
// cores, the whole query's on one.
func (e *Engine) decisionPlan() *planned[*vm.Program] {
	if e.split != nil && workers() > 1 {
		return e.split.plan
	}
	return e.plan
}

// planFor returns the plan of p to evaluate a decision over facts facts,
// or nil when topdown evaluates it.
func (e *Engine) planFor(p *planned[*vm.Program], facts int) *vm.Program {
	if p == nil || !e.wantsPlan(facts) {
		return nil
	}
	prog, err := p.get()
	if err != nil {
		return nil // declined by OPA's planner: evaluated by topdown
	}
	return prog
}

// wantsPlan says whether a decision over facts facts is evaluated as
// planned: always with EvaluatorPlan and builtin.plans, from planFacts
// facts with EvaluatorAuto, never with EvaluatorTopdown (which makes no
// plans).
func (e *Engine) wantsPlan(facts int) bool {
	return e.mode != EvaluatorAuto || facts >= planFacts || e.precompiled
}

// Evaluator returns the engine's evaluator (Options.Evaluator) and, when
// OPA's planner declined the policies, why: topdown evaluates them then.
// It plans the decision if no evaluation has.
func (e *Engine) Evaluator() (name, declined string) {
	if p := e.decisionPlan(); p != nil {
		if _, err := p.get(); err != nil {
			return e.mode, err.Error()
		}
	}
	return e.mode, ""
}

// Declined says why OPA's planner declined the policies when a decision
// over facts facts is evaluated as planned (EvaluatorPlan, or
// EvaluatorAuto from planFacts facts), and "" otherwise: planned, or
// evaluated by topdown as asked. It plans nothing a decision of that size
// would not: kaiji scan calls it after the evaluation, to say why a large
// scan ran on topdown.
func (e *Engine) Declined(facts int) string {
	p := e.decisionPlan()
	if p == nil || !e.wantsPlan(facts) {
		return ""
	}
	if _, err := p.get(); err != nil {
		return err.Error()
	}
	return ""
}

// compile compiles the bundle's modules once and stores its data as AST.
// With fast, small helper functions are copied into their callers
// (package inline) and the calls of the hottest helpers of kaiji.lib and
// kaiji.main, where those are the built-in modules, go to Go built-ins
// (package accel): the
// same decisions, with about 35% fewer allocations (BENCHMARKS.md).
func compile(b *bundle.Bundle, fast bool) (*ast.Compiler, storage.Store, error) {
	modules := make(map[string]*ast.Module, len(b.Modules))
	for _, m := range b.Modules {
		parsed := m.Parsed
		if parsed == nil {
			var err error
			if parsed, err = ast.ParseModuleWithOpts(m.Path, string(m.Raw), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1}); err != nil {
				return nil, nil, err
			}
		}
		modules[m.Path] = parsed
	}
	c := ast.NewCompiler().
		WithDefaultRegoVersion(ast.RegoV1).
		WithCapabilities(accel.Capabilities()).
		WithEnablePrintStatements(false)
	if fast {
		builtin := map[string]bool{}
		for _, pkg := range []string{"data.kaiji.lib", "data.kaiji.main"} {
			builtin[pkg] = builtinPackage(b, pkg)
		}
		c = accel.WithStages(c, func(pkg string) bool { return builtin[pkg] })
	}
	if c.Compile(modules); c.Failed() {
		return nil, nil, c.Errors
	}
	data := b.Data
	if data == nil {
		data = map[string]any{}
	}
	return c, inmem.NewFromObjectWithOpts(data, inmem.OptReturnASTValuesOnRead(true)), nil
}

// PolicyDigest identifies the policy set the engine evaluates.
func (e *Engine) PolicyDigest() string { return e.digest }

// Request is one evaluation's input.
type Request struct {
	Facts   []collectors.Fact
	Claims  []claims.Input
	Pattern int
	Edition string
}

// Input builds the policy input document: facts indexed by kind, so that
// policies never loop over facts they do not read.
func Input(req Request) (ast.Value, error) {
	facts, err := FactsValue(req.Facts)
	if err != nil {
		return nil, err
	}
	return inputValue(facts, req.Claims, req.Pattern, req.Edition)
}

// inputValue is Input with the facts already converted, so that the
// queries of a split evaluation share them.
func inputValue(facts ast.Value, cs []claims.Input, pattern int, edition string) (ast.Value, error) {
	doc, err := claimsDoc(cs)
	if err != nil {
		return nil, err
	}
	cl, err := ast.InterfaceToValue(doc)
	if err != nil {
		return nil, err
	}
	return ast.NewObject(
		ast.Item(ast.InternedTerm("facts"), ast.NewTerm(facts)),
		ast.Item(ast.InternedTerm("claims"), ast.NewTerm(cl)),
		ast.Item(ast.InternedTerm("pattern"), ast.InternedTerm(pattern)),
		ast.Item(ast.InternedTerm("edition"), ast.StringTerm(edition)),
	), nil
}

// FactsValue indexes the facts by kind as an OPA value: the facts of the
// input document. It builds the value directly, without Go maps for
// ast.InterfaceToValue to convert (TestFactsValue compares the two): fewer
// allocations for a scan, and for every request of the webhook.
func FactsValue(facts []collectors.Fact) (ast.Value, error) {
	// The facts are converted on every core, in chunks, and indexed in
	// their order.
	const chunk = 512
	values := make([]*ast.Term, len(facts))
	errs := make([]error, (len(facts)+chunk-1)/chunk)
	parallel.For(len(errs), 0, func(c int) {
		in := interner{}
		for i := c * chunk; i < min(len(facts), (c+1)*chunk); i++ {
			v, err := factValue(&facts[i], in)
			if err != nil {
				errs[c] = fmt.Errorf("fact %s: %w", facts[i].ID, err)
				return
			}
			values[i] = ast.NewTerm(v)
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	byKind := map[collectors.Kind][]*ast.Term{}
	var kinds []collectors.Kind
	for i := range facts {
		k := facts[i].Kind
		list, seen := byKind[k]
		if !seen {
			kinds = append(kinds, k)
		}
		byKind[k] = append(list, values[i])
	}
	items := make([][2]*ast.Term, len(kinds))
	for i, k := range kinds {
		items[i] = ast.Item(ast.StringTerm(string(k)), ast.ArrayTerm(byKind[k]...))
	}
	return ast.NewObject(items...), nil
}

var (
	keyID        = ast.InternedTerm("id")
	keyKind      = ast.InternedTerm("kind")
	keyProvider  = ast.InternedTerm("provider")
	keyType      = ast.InternedTerm("type")
	keyAttrs     = ast.InternedTerm("attrs")
	keyUnknown   = ast.InternedTerm("unknown")
	keyLines     = ast.InternedTerm("lines")
	keySource    = ast.InternedTerm("source")
	keyFile      = ast.InternedTerm("file")
	keyLine      = ast.InternedTerm("line")
	keyEndLine   = ast.InternedTerm("end_line")
	keyCollector = ast.InternedTerm("collector")
)

// interner shares one term per string among facts: kinds, providers,
// types, files and the names of unknown attributes and lines repeat across
// thousands of facts. (OPA never changes a term of the input.)
type interner map[string]*ast.Term

func (in interner) term(s string) *ast.Term {
	t, ok := in[s]
	if !ok {
		t = ast.StringTerm(s)
		in[s] = t
	}
	return t
}

func factValue(f *collectors.Fact, in interner) (ast.Value, error) {
	attrs, err := ast.InterfaceToValue(f.Attrs)
	if err != nil {
		return nil, err
	}
	unknown := make([]*ast.Term, len(f.Unknown))
	for i, u := range f.Unknown {
		unknown[i] = in.term(u)
	}
	lines := make([][2]*ast.Term, 0, len(f.Lines))
	for k, v := range f.Lines {
		lines = append(lines, ast.Item(in.term(k), ast.InternedTerm(v)))
	}
	return ast.NewObject(
		ast.Item(keyID, ast.StringTerm(f.ID)),
		ast.Item(keyKind, in.term(string(f.Kind))),
		ast.Item(keyProvider, in.term(f.Provider)),
		ast.Item(keyType, in.term(f.Type)),
		ast.Item(keyAttrs, ast.NewTerm(attrs)),
		ast.Item(keyUnknown, ast.ArrayTerm(unknown...)),
		ast.Item(keyLines, ast.ObjectTerm(lines...)),
		ast.Item(keySource, ast.ObjectTerm(
			ast.Item(keyFile, in.term(f.Source.File)),
			ast.Item(keyLine, ast.InternedTerm(f.Source.Line)),
			ast.Item(keyEndLine, ast.InternedTerm(f.Source.EndLine)),
			ast.Item(keyCollector, in.term(f.Source.Collector)),
		)),
	), nil
}

func claimsDoc(cs []claims.Input) ([]any, error) {
	cl := make([]any, len(cs))
	for i, c := range cs {
		js, err := json.Marshal(c)
		if err != nil {
			return nil, fmt.Errorf("encode claim %d: %w", i, err)
		}
		var doc any
		if err := json.Unmarshal(js, &doc); err != nil {
			return nil, fmt.Errorf("encode claim %d: %w", i, err)
		}
		cl[i] = doc
	}
	return cl, nil
}

// decision is the shape of data.kaiji.main.result.
type decision struct {
	Claims   []results.Claim   `json:"claims"`
	Controls []results.Control `json:"controls"`
}

// Evaluate runs the policies over all facts and claims: as one query, or
// on a machine of several cores as several concurrent ones (splitter).
func (e *Engine) Evaluate(ctx context.Context, req Request) ([]results.Claim, []results.Control, error) {
	defer gcpace.Evaluation()()
	p := e.planFor(e.decisionPlan(), len(req.Facts))
	if n := workers(); e.split != nil && n > 1 {
		return e.split.evaluate(ctx, req, n, p)
	}
	in, err := Input(req)
	if err != nil {
		return nil, nil, err
	}
	var d decision
	if err := e.evalRaw(ctx, p, in, &d); err != nil {
		return nil, nil, err
	}
	return d.Claims, d.Controls, nil
}

// EvalRaw evaluates the prepared query on an input document and decodes the
// value into out as encoding/json would decode it from JSON.
//
// An input of any size is evaluated as planned, unless the engine's
// evaluator is topdown: the webhook's requests are small, but many.
func (e *Engine) EvalRaw(ctx context.Context, in ast.Value, out any) error {
	return e.evalRaw(ctx, e.planFor(e.plan, planFacts), in, out)
}

func (e *Engine) evalRaw(ctx context.Context, p *vm.Program, in ast.Value, out any) error {
	if p == nil {
		pq, err := e.topdown.get()
		if err != nil {
			return err
		}
		return evalInto(ctx, pq, in, out)
	}
	bs, err := evalPlan(ctx, p, in)
	if err != nil {
		return err
	}
	return decodeInto(bs.Get(ast.InternedTerm("result")).Value, out)
}

// evalPlan evaluates a planned query and returns its one result's
// bindings.
func evalPlan(ctx context.Context, p *vm.Program, in ast.Value) (ast.Object, error) {
	rs, err := p.Eval(ctx, in, vm.EvalOptions{})
	if err != nil {
		return nil, fmt.Errorf("evaluate policies: %w", err)
	}
	if len(rs) != 1 {
		return nil, errors.New("evaluate policies: the query is undefined")
	}
	return rs[0], nil
}

func evalInto(ctx context.Context, pq rego.PreparedEvalQuery, in ast.Value, out any) error {
	rs, err := pq.Eval(ctx, rego.EvalParsedInput(in), rawValue, cacheOption())
	if err != nil {
		return fmt.Errorf("evaluate policies: %w", err)
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return errors.New("evaluate policies: the query is undefined")
	}
	return decodeInto(rs[0].Expressions[0].Value, out)
}
