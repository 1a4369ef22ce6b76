// Package accel replaces the calls of the built-in library's three hottest
// helpers — lib.evidence, lib.finding and lib.evaluation, which build the
// objects of every finding and evaluation — by built-in functions written
// in Go that compute the same values.
//
// In OPA's interpreter a helper's object costs its body's expressions, a
// binding per reference read and a copy of the object literal; here it is
// one call that builds the object. The Rego definitions stay the library's
// reference: `opa eval` on the bundle evaluates them, and the tests compare
// both ways on every Rego test and on whole decisions. The engine applies
// the stage only to the built-in package kaiji.lib, unchanged.
package accel

import (
	"fmt"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/types"
)

// helper is a library function and the Go built-in that replaces it.
type helper struct {
	ref   string // the function: data.kaiji.lib.evidence
	name  string // the built-in: kaiji.accel.evidence
	arity int
	fn    func(bctx topdown.BuiltinContext, args []*ast.Term) (*ast.Term, error)
	// reads are the rules of the library the function reads besides its
	// arguments; a `with` replacing one of them turns the stage off.
	reads []string
}

var helpers = []helper{
	{ref: "data.kaiji.lib.evidence", name: "kaiji.accel.evidence", arity: 2, fn: evidence},
	{ref: "data.kaiji.lib.finding", name: "kaiji.accel.finding", arity: 5, fn: finding, reads: []string{"data.kaiji.lib.claim_outcomes"}},
	{ref: "data.kaiji.lib.evaluation", name: "kaiji.accel.evaluation", arity: 4, fn: evaluation},
}

// Stats counts the call sites rewritten per function.
type Stats map[string]int

// Stage returns the compiler stage that rewrites the calls. Register it
// after the type check, before the inline stage (whose copied bodies then
// call the built-ins) and the rule indices:
//
//	c.WithStageAfterID(ast.StageCheckTypes, accel.Stage(nil))
//
// A function with more than one definition, or one that a `with` anywhere
// replaces (or replaces what it reads), keeps its calls.
func Stage(stats Stats) ast.CompilerStageDefinition {
	return ast.CompilerStageDefinition{
		Name:       "AccelerateHelpers",
		MetricName: "compile_stage_accelerate_helpers",
		Stage: func(c *ast.Compiler) *ast.Error {
			byRef := map[string]*ast.Term{}
			for _, h := range helpers {
				if usable(c, h) {
					byRef[h.ref] = ast.RefTerm(opRef(h.name)...)
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
						if b := byRef[op.String()]; b != nil {
							ts[0] = b
							if stats != nil {
								stats[op.String()]++
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
// neither it nor what it reads is replaced with `with` anywhere.
func usable(c *ast.Compiler, h helper) bool {
	ref := ast.MustParseRef(h.ref)
	if len(c.GetRulesExact(ref)) != 1 {
		return false
	}
	replaced := false
	for _, m := range c.Modules {
		ast.WalkWiths(m, func(w *ast.With) bool {
			t := w.Target.String()
			for _, r := range append([]string{h.ref}, h.reads...) {
				if t == r || strings.HasPrefix(r, t+".") || strings.HasPrefix(t, r+".") {
					replaced = true
				}
			}
			return replaced
		})
	}
	return !replaced
}

func opRef(name string) ast.Ref {
	parts := strings.Split(name, ".")
	ref := ast.Ref{ast.VarTerm(parts[0])}
	for _, p := range parts[1:] {
		ref = append(ref, ast.StringTerm(p))
	}
	return ref
}

// Builtins declares the built-ins to the compiler (ast.Capabilities), so
// that later stages know their arity.
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
		out[i] = rego.FunctionDyn(decl(h), func(bctx rego.BuiltinContext, args []*ast.Term) (*ast.Term, error) {
			return h.fn(bctx, args)
		})
	}
	return out
}

// TesterBuiltins registers the built-ins with OPA's test runner.
func TesterBuiltins() []*tester.Builtin {
	out := make([]*tester.Builtin, len(helpers))
	for i, h := range helpers {
		d := decl(h)
		out[i] = &tester.Builtin{
			Decl: Builtins()[i],
			Func: rego.FunctionDyn(d, func(bctx rego.BuiltinContext, args []*ast.Term) (*ast.Term, error) {
				return h.fn(bctx, args)
			}),
		}
	}
	return out
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
	kOutcome, kReason, kSource            = ast.StringTerm("outcome"), ast.StringTerm("reason"), ast.StringTerm("source")

	emptyObject = ast.ObjectTerm()

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

// evidence is lib.evidence(fact, path):
//
//	{"fact": fact.id, "file": fact.source.file,
//	 "line": object.get(object.get(fact, "lines", {}), path, fact.source.line),
//	 "attribute": path}
//
// read in the order OPA's compiled body reads it.
func evidence(bctx topdown.BuiltinContext, args []*ast.Term) (*ast.Term, error) {
	fact, path := args[0], args[1]
	lines, err := call(bctx, "object.get", fact, kLines, emptyObject)
	if err != nil || lines == nil {
		return nil, err
	}
	line := get(get(fact, kSource), kLine)
	if line == nil {
		return nil, nil
	}
	if line, err = call(bctx, "object.get", lines, path, line); err != nil || line == nil {
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
		ast.Item(kActual, actual),
		ast.Item(kClaim, index),
		ast.Item(kEvidence, ev),
		ast.Item(kFact, id),
		ast.Item(kOutcome, said),
		ast.Item(kReason, ast.ObjectTerm(ast.Item(kEN, en), ast.Item(kJA, ja))),
	), nil
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
		ast.Item(kActual, actual),
		ast.Item(kControl, control),
		ast.Item(kEvalItem, item),
		ast.Item(kEvidence, ev),
		ast.Item(kFact, id),
		ast.Item(kOutcome, outcome),
		ast.Item(kReason, ast.ObjectTerm(ast.Item(kEN, en), ast.Item(kJA, ja))),
	), nil
}
