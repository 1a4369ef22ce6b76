// Package accel replaces the calls of the built-in library's hottest
// helpers by built-in functions written in Go that compute the same
// values: lib.evidence, lib.finding and lib.evaluation, which build the
// objects of every finding and evaluation, and main.rego's by_resource,
// details, actuals and evidence_of, which order and project them for every
// verdict.
//
// In OPA's interpreter a helper's object costs its body's expressions, a
// binding per reference read and a copy of the object literal; here it is
// one call that builds the object. The Rego definitions stay the library's
// reference: `opa eval` on the bundle evaluates them, and the tests compare
// both ways on every Rego test and on whole decisions. The engine applies
// the stage only to built-in packages that are unchanged (kaiji.lib,
// kaiji.main).
package accel

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/types"

	"github.com/kaiji-dev/kaiji/internal/inline"
)

// helper is a library function and the Go built-in that replaces it.
type helper struct {
	pkg string // its package: data.kaiji.lib
	ref string // the function: data.kaiji.lib.evidence
	// name is the built-in's: kaiji_accel_evidence. One identifier, not a
	// dotted name: OPA spells out the name of a dotted custom built-in at
	// every call (an allocation), and a plain one for free.
	name  string
	arity int
	fn    func(bctx topdown.BuiltinContext, args []*ast.Term) (*ast.Term, error)
	// reads are the rules of the library the function reads besides its
	// arguments; a `with` replacing one of them turns the stage off.
	reads []string
}

var helpers = []helper{
	{pkg: "data.kaiji.lib", ref: "data.kaiji.lib.unknown", name: "kaiji_accel_unknown", arity: 2, fn: unknown},
	{pkg: "data.kaiji.lib", ref: "data.kaiji.lib.attr", name: "kaiji_accel_attr", arity: 2, fn: attr},
	{pkg: "data.kaiji.lib", ref: "data.kaiji.lib.evidence", name: "kaiji_accel_evidence", arity: 2, fn: evidence},
	{pkg: "data.kaiji.lib", ref: "data.kaiji.lib.finding", name: "kaiji_accel_finding", arity: 5, fn: finding, reads: []string{"data.kaiji.lib.claim_outcomes"}},
	{pkg: "data.kaiji.lib", ref: "data.kaiji.lib.evaluation", name: "kaiji_accel_evaluation", arity: 4, fn: evaluation},
	{pkg: "data.kaiji.main", ref: "data.kaiji.main.by_resource", name: "kaiji_accel_by_resource", arity: 1, fn: byResource},
	{pkg: "data.kaiji.main", ref: "data.kaiji.main.details", name: "kaiji_accel_details", arity: 1, fn: details},
	{pkg: "data.kaiji.main", ref: "data.kaiji.main.actuals", name: "kaiji_accel_actuals", arity: 1, fn: actuals},
	{pkg: "data.kaiji.main", ref: "data.kaiji.main.evidence_of", name: "kaiji_accel_evidence_of", arity: 1, fn: evidenceOf},
}

// Stats counts the call sites rewritten per function.
type Stats map[string]int

// Stage returns the compiler stage that rewrites the calls of the helpers
// of the packages for which builtin is true (the built-in library's
// modules, unchanged). Register it after the type check, before the inline
// stage (whose copied bodies then call the built-ins) and the rule
// indices:
//
//	c.WithStageAfterID(ast.StageCheckTypes, accel.Stage(nil, builtin))
//
// A function with more than one definition, or one that a `with` anywhere
// replaces (or replaces what it reads), keeps its calls.
func Stage(stats Stats, builtin func(pkg string) bool) ast.CompilerStageDefinition {
	return ast.CompilerStageDefinition{
		Name:       "AccelerateHelpers",
		MetricName: "compile_stage_accelerate_helpers",
		Stage: func(c *ast.Compiler) *ast.Error {
			replaced := inline.Replaced(c)
			byRef := map[string]*ast.Term{}
			for _, h := range helpers {
				if builtin(h.pkg) && usable(c, h, replaced) {
					byRef[h.ref] = ast.RefTerm(ast.VarTerm(h.name))
				}
			}
			if len(byRef) == 0 {
				return nil
			}
			for _, m := range c.Modules {
				ast.WalkExprs(m, func(e *ast.Expr) bool {
					ts, ok := e.Terms.([]*ast.Term)
					if !ok || len(ts) == 0 {
						return false
					}
					if op, ok := ts[0].Value.(ast.Ref); ok {
						name := op.String()
						if b := byRef[name]; b != nil {
							ts[0] = b
							if stats != nil {
								stats[name]++
							}
						}
					}
					return false
				})
			}
			return nil
		},
	}
}

// usable is true when the calls of h can be replaced: one definition, and
// neither it nor what it reads is replaced by a `with`.
func usable(c *ast.Compiler, h helper, replaced func(ref string) bool) bool {
	if len(c.GetRulesExact(ast.MustParseRef(h.ref))) != 1 {
		return false
	}
	return !replaced(h.ref) && !slices.ContainsFunc(h.reads, replaced)
}

// WithStages registers on c what kaiji scan compiles the policies with,
// after the type check: this stage for the packages builtin admits, then
// the inline stage (whose copied bodies then call the built-ins). c needs
// Capabilities.
func WithStages(c *ast.Compiler, builtin func(pkg string) bool) *ast.Compiler {
	return c.WithStageAfterID(ast.StageCheckTypes, Stage(nil, builtin)).
		WithStageAfterID(ast.StageCheckTypes, inline.Stage(nil))
}

// Capabilities are OPA's for this version with the built-ins declared, for
// a compiler that runs the stage: later stages ask for their arity.
func Capabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	caps.Builtins = append(caps.Builtins, Builtins()...)
	return caps
}

// Builtins declares the built-ins to the compiler (see Capabilities).
func Builtins() []*ast.Builtin {
	out := make([]*ast.Builtin, len(helpers))
	for i, h := range helpers {
		d := decl(h)
		out[i] = &ast.Builtin{Name: d.Name, Decl: d.Decl}
	}
	return out
}

// Options registers the built-ins for a query (rego.New).
func Options() []func(*rego.Rego) {
	out := make([]func(*rego.Rego), len(helpers))
	for i, h := range helpers {
		out[i] = option(h)
	}
	return out
}

// TesterBuiltins registers the built-ins with OPA's test runner.
func TesterBuiltins() []*tester.Builtin {
	decls := Builtins()
	out := make([]*tester.Builtin, len(helpers))
	for i, h := range helpers {
		out[i] = &tester.Builtin{Decl: decls[i], Func: option(h)}
	}
	return out
}

// option is the rego option that registers h's built-in.
func option(h helper) func(*rego.Rego) {
	return rego.FunctionDyn(decl(h), func(bctx rego.BuiltinContext, args []*ast.Term) (*ast.Term, error) {
		return h.fn(bctx, args)
	})
}

func decl(h helper) *rego.Function {
	args := make([]types.Type, h.arity)
	for i := range args {
		args[i] = types.A
	}
	return &rego.Function{Name: h.name, Decl: types.NewFunction(args, types.A)}
}

var (
	kActual, kAttribute, kClaim, kControl = ast.StringTerm("actual"), ast.StringTerm("attribute"), ast.StringTerm("claim"), ast.StringTerm("control")
	kDetailEN, kDetailJA, kEN, kEvalItem  = ast.StringTerm("detail_en"), ast.StringTerm("detail_ja"), ast.StringTerm("en"), ast.StringTerm("eval_item")
	kEvidence, kFact, kFile, kID          = ast.StringTerm("evidence"), ast.StringTerm("fact"), ast.StringTerm("file"), ast.StringTerm("id")
	kIndex, kJA, kLine, kLines            = ast.StringTerm("index"), ast.StringTerm("ja"), ast.StringTerm("line"), ast.StringTerm("lines")
	kOutcome, kReason, kSource, kValue    = ast.StringTerm("outcome"), ast.StringTerm("reason"), ast.StringTerm("source"), ast.StringTerm("value")
	kSortID                               = ast.StringTerm("_id") // lib.finding's first key

	emptyObject = ast.ObjectTerm()
	emptyArray  = ast.ArrayTerm()
	emptyString = ast.StringTerm("")
	attrsDot    = ast.StringTerm("attrs.")
	dot         = ast.StringTerm(".")
	zero        = ast.InternedTerm(0)
	kUnknown    = ast.StringTerm("unknown")
	kAttrs      = ast.StringTerm("attrs")

	fmtJA = ast.StringTerm("%s（開示: %s）")
	fmtEN = ast.StringTerm("%s (claimed: %s)")

	// claimOutcomes is lib.claim_outcomes.
	claimOutcomes = ast.NewObject(
		ast.Item(ast.StringTerm("pass"), ast.StringTerm("supports")),
		ast.Item(ast.StringTerm("fail"), ast.StringTerm("contradicts")),
		ast.Item(ast.StringTerm("unknown"), ast.StringTerm("unknown")),
	)
)

// get reads x.key as a reference does: nil (undefined) unless x is an
// object with the key, an array with the index or a set with the member.
func get(x *ast.Term, key *ast.Term) *ast.Term {
	if x == nil {
		return nil
	}
	return x.Get(key)
}

// call runs one of OPA's built-ins and returns its value (nil: undefined).
func call(bctx topdown.BuiltinContext, name string, operands ...*ast.Term) (*ast.Term, error) {
	f := topdown.GetBuiltin(name)
	if f == nil {
		return nil, fmt.Errorf("accel: no built-in %s", name)
	}
	var out *ast.Term
	err := f(bctx, operands, func(t *ast.Term) error {
		out = t
		return nil
	})
	return out, err
}

// format is sprintf(f, [a, b]) for a format with two %s verbs and nothing
// else: with two strings, what fmt.Sprintf gives, written directly; with
// anything else, OPA's sprintf (which renders numbers and other values its
// own way).
func format(bctx topdown.BuiltinContext, f, a, b *ast.Term) (*ast.Term, error) {
	sa, okA := a.Value.(ast.String)
	sb, okB := b.Value.(ast.String)
	if !okA || !okB {
		return call(bctx, "sprintf", f, ast.ArrayTerm(a, b))
	}
	head, rest, _ := strings.Cut(string(f.Value.(ast.String)), "%s")
	mid, tail, _ := strings.Cut(rest, "%s")
	return ast.StringTerm(head + string(sa) + mid + string(sb) + tail), nil
}

// unknown is lib.unknown(fact, path), a test: true, or undefined.
//
//	u := object.get(fact, "unknown", [])
//	count(u) > 0
//	concat("", ["attrs.", path]) in u
func unknown(bctx topdown.BuiltinContext, args []*ast.Term) (*ast.Term, error) {
	fact, path := args[0], args[1]
	u, err := objectGet(bctx, fact, kUnknown, emptyArray)
	if err != nil || u == nil {
		return nil, err
	}
	n, err := call(bctx, "count", u)
	if err != nil || n == nil || ast.Compare(n, zero) <= 0 {
		return nil, err
	}
	var name *ast.Term
	if p, ok := path.Value.(ast.String); ok {
		name = ast.StringTerm("attrs." + string(p))
	} else if name, err = call(bctx, "concat", emptyString, ast.ArrayTerm(attrsDot, path)); err != nil || name == nil {
		return nil, err
	}
	in, err := call(bctx, ast.Member.Name, name, u)
	if err != nil || in == nil || !ast.BooleanTerm(true).Equal(in) {
		return nil, err
	}
	return in, nil
}

// attr is lib.attr(fact, path): object.get(fact.attrs, split(path, "."), null),
// compiled as split first, then the reference.
func attr(bctx topdown.BuiltinContext, args []*ast.Term) (*ast.Term, error) {
	p, ok := args[1].Value.(ast.String)
	if !ok {
		parts, err := call(bctx, "split", args[1], dot)
		if err != nil || parts == nil {
			return nil, err
		}
		attrs := get(args[0], kAttrs)
		if attrs == nil {
			return nil, nil
		}
		return call(bctx, "object.get", attrs, parts, ast.NullTerm())
	}
	attrs := get(args[0], kAttrs)
	if attrs == nil {
		return nil, nil
	}
	if _, ok := attrs.Value.(ast.Object); !ok {
		return call(bctx, "object.get", attrs, ast.ArrayTerm(), ast.NullTerm()) // its error
	}
	cur := attrs
	for part := range strings.SplitSeq(string(p), ".") {
		if cur = cur.Get(ast.StringTerm(part)); cur == nil {
			return ast.NullTerm(), nil
		}
	}
	return cur, nil
}

// objectGet is object.get(obj, key, def) for a key that is not a path
// (an array): obj's value at key, or def; anything else goes to OPA's.
func objectGet(bctx topdown.BuiltinContext, obj, key, def *ast.Term) (*ast.Term, error) {
	if o, ok := obj.Value.(ast.Object); ok {
		if _, path := key.Value.(*ast.Array); !path {
			if v := o.Get(key); v != nil {
				return v, nil
			}
			return def, nil
		}
	}
	return call(bctx, "object.get", obj, key, def)
}

// evidence is lib.evidence(fact, path):
//
//	{"fact": fact.id, "file": fact.source.file,
//	 "line": object.get(object.get(fact, "lines", {}), path, fact.source.line),
//	 "attribute": path}
//
// read in the order OPA's compiled body reads it.
func evidence(bctx topdown.BuiltinContext, args []*ast.Term) (*ast.Term, error) {
	fact, path := args[0], args[1]
	lines, err := objectGet(bctx, fact, kLines, emptyObject)
	if err != nil || lines == nil {
		return nil, err
	}
	line := get(get(fact, kSource), kLine)
	if line == nil {
		return nil, nil
	}
	if line, err = objectGet(bctx, lines, path, line); err != nil || line == nil {
		return nil, err
	}
	id, file := get(fact, kID), get(get(fact, kSource), kFile)
	if id == nil || file == nil {
		return nil, nil
	}
	return ast.ObjectTerm(
		ast.Item(kAttribute, path),
		ast.Item(kFact, id),
		ast.Item(kFile, file),
		ast.Item(kLine, line),
	), nil
}

// finding is lib.finding(claim, subject, r, want_ja, want_en).
func finding(bctx topdown.BuiltinContext, args []*ast.Term) (*ast.Term, error) {
	claim, subject, r, wantJA, wantEN := args[0], args[1], args[2], args[3], args[4]
	detailEN := get(r, kDetailEN)
	if detailEN == nil {
		return nil, nil
	}
	en, err := format(bctx, fmtEN, detailEN, wantEN)
	if err != nil || en == nil {
		return nil, err
	}
	detailJA := get(r, kDetailJA)
	if detailJA == nil {
		return nil, nil
	}
	ja, err := format(bctx, fmtJA, detailJA, wantJA)
	if err != nil || ja == nil {
		return nil, err
	}
	actual, index, ev, id := get(r, kActual), get(claim, kIndex), get(r, kEvidence), get(subject, kID)
	outcome := get(r, kOutcome)
	if actual == nil || index == nil || ev == nil || id == nil || outcome == nil {
		return nil, nil
	}
	said := claimOutcomes.Get(outcome)
	if said == nil {
		return nil, nil
	}
	return ast.ObjectTerm(
		ast.Item(kSortID, id),
		ast.Item(kActual, actual),
		ast.Item(kClaim, index),
		ast.Item(kEvidence, ev),
		ast.Item(kFact, id),
		ast.Item(kOutcome, said),
		ast.Item(kReason, ast.ObjectTerm(ast.Item(kEN, en), ast.Item(kJA, ja))),
	), nil
}

// values lists what `some x in t` binds x to, in OPA's order: an array's
// elements, a set's members and an object's values, both sorted (by member
// and by key); nothing for anything else.
func values(t *ast.Term) []*ast.Term {
	if t == nil {
		return nil
	}
	switch v := t.Value.(type) {
	case *ast.Array:
		out := make([]*ast.Term, v.Len())
		for i := range out {
			out[i] = v.Elem(i)
		}
		return out
	case ast.Set:
		return v.Slice()
	case ast.Object:
		out := make([]*ast.Term, 0, v.Len())
		v.Foreach(func(_, x *ast.Term) { out = append(out, x) })
		return out
	}
	return nil
}

// byResource is main.by_resource(xs):
//
//	[xs[p[2]] | some p in sort([[x.fact, x.outcome, i] | some i, x in xs])]
//
// xs[i] is x itself, so the values are returned in the order of the
// sorted triples; an x without fact or outcome is left out, as the
// comprehension leaves it. The keys i ascend in the order values lists
// (an array's indexes, a set's sorted members, an object's sorted keys),
// so a stable sort by fact and outcome breaks ties as the triples do.
func byResource(_ topdown.BuiltinContext, args []*ast.Term) (*ast.Term, error) {
	type pair struct{ fact, outcome, x *ast.Term }
	vals := values(args[0])
	ps := make([]pair, 0, len(vals))
	for _, x := range vals {
		fact, outcome := get(x, kFact), get(x, kOutcome)
		if fact == nil || outcome == nil {
			continue
		}
		ps = append(ps, pair{fact, outcome, x})
	}
	slices.SortStableFunc(ps, func(a, b pair) int {
		return cmp.Or(ast.Compare(a.fact, b.fact), ast.Compare(a.outcome, b.outcome))
	})
	out := make([]*ast.Term, len(ps))
	for i, p := range ps {
		out[i] = p.x
	}
	return ast.ArrayTerm(out...), nil
}

// details is main.details(fs):
//
//	[{"fact": f.fact, "outcome": f.outcome, "reason": f.reason} | some f in fs]
func details(_ topdown.BuiltinContext, args []*ast.Term) (*ast.Term, error) {
	return project(args[0], [3][2]*ast.Term{{kFact, kFact}, {kOutcome, kOutcome}, {kReason, kReason}}), nil
}

// actuals is main.actuals(es):
//
//	[{"fact": e.fact, "value": e.actual, "outcome": e.outcome} | some e in es]
func actuals(_ topdown.BuiltinContext, args []*ast.Term) (*ast.Term, error) {
	return project(args[0], [3][2]*ast.Term{{kFact, kFact}, {kValue, kActual}, {kOutcome, kOutcome}}), nil
}

// project is the array of objects {key: x[field]} for the values x of xs
// that have every field.
func project(xs *ast.Term, fields [3][2]*ast.Term) *ast.Term {
	vals := values(xs)
	out := make([]*ast.Term, 0, len(vals))
	for _, x := range vals {
		var items [3][2]*ast.Term
		ok := true
		for i, f := range fields {
			v := get(x, f[1])
			if v == nil {
				ok = false
				break
			}
			items[i] = ast.Item(f[0], v)
		}
		if ok {
			out = append(out, ast.ObjectTerm(items[:]...))
		}
	}
	return ast.ArrayTerm(out...)
}

// evidenceOf is main.evidence_of(fs):
//
//	sort_evidence({e | some f in fs; some e in f.evidence})
//	sort_evidence(s) := [e | some e in s]
//
// the distinct evidence of the findings, as the sorted members of a set.
func evidenceOf(_ topdown.BuiltinContext, args []*ast.Term) (*ast.Term, error) {
	set := ast.NewSet()
	for _, f := range values(args[0]) {
		for _, e := range values(get(f, kEvidence)) {
			set.Add(e)
		}
	}
	return ast.ArrayTerm(set.Slice()...), nil
}

// evaluation is lib.evaluation(control, item, subject, r).
func evaluation(_ topdown.BuiltinContext, args []*ast.Term) (*ast.Term, error) {
	control, item, subject, r := args[0], args[1], args[2], args[3]
	outcome, id, actual := get(r, kOutcome), get(subject, kID), get(r, kActual)
	ja, en, ev := get(r, kDetailJA), get(r, kDetailEN), get(r, kEvidence)
	if outcome == nil || id == nil || actual == nil || ja == nil || en == nil || ev == nil {
		return nil, nil
	}
	return ast.ObjectTerm(
		ast.Item(kSortID, id),
		ast.Item(kActual, actual),
		ast.Item(kControl, control),
		ast.Item(kEvalItem, item),
		ast.Item(kEvidence, ev),
		ast.Item(kFact, id),
		ast.Item(kOutcome, outcome),
		ast.Item(kReason, ast.ObjectTerm(ast.Item(kEN, en), ast.Item(kJA, ja))),
	), nil
}
