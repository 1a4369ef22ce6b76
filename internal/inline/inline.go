// Package inline is a stage of OPA's compiler that copies the bodies of small
// helper functions into their call sites.
//
// In OPA's interpreter a call to a user function costs some 60 allocations
// before its body does anything (a child evaluation, bindings, the
// arguments plugged for the cache key, the head value plugged), and the
// policies build every finding through such helpers (lib.finding,
// lib.evidence, lib.evaluation …). Inlined, the same expressions run in the
// caller's body. The policies keep their helpers; a plain `opa eval` of the
// same bundle evaluates them as written and decides the same.
//
// Only calls whose meaning cannot change are rewritten: the function has
// one definition (no else, no default, plain variables as arguments), its
// body is straight-line (it cannot succeed twice, binds nothing the caller
// sees and holds no comprehension, whose result OPA would cache for scalar
// arguments), and the call is not negated and carries no `with`.
package inline

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// maxDepth bounds how deeply inlined bodies are inlined again. OPA rejects
// recursive functions before this stage runs; the bound only guards the
// rewrite itself.
const maxDepth = 8

// maxBody is the largest function body (in expressions) copied into callers.
const maxBody = 48

// Stage returns the compiler stage; stats, when not nil, counts the call
// sites rewritten per function. Register it after the type check and before
// the rule indices are built, so that they index the rewritten bodies:
//
//	c.WithStageAfterID(ast.StageCheckTypes, inline.Stage(nil))
//
// The stage never fails: a function it cannot prove safe to inline is left
// to be called.
func Stage(stats Stats) ast.CompilerStageDefinition {
	return ast.CompilerStageDefinition{
		Name:       "InlineFunctions",
		MetricName: "compile_stage_inline_functions",
		Stage: func(c *ast.Compiler) *ast.Error {
			in := newInliner(c)
			for _, name := range sortedKeys(c.Modules) {
				for _, r := range c.Modules[name].Rules {
					for ; r != nil; r = r.Else {
						in.rule(r)
					}
				}
			}
			for k, n := range in.stats {
				if stats != nil {
					stats[k] += n
				}
			}
			return nil
		},
	}
}

// Stats counts the call sites rewritten per function (its ref, as
// data.kaiji.lib.finding).
type Stats map[string]int

// fn is an inlinable function.
type fn struct {
	rule   *ast.Rule
	params []ast.Var
	// refHead holds the parameters used as the head of a reference (p.x):
	// a scalar argument is bound to a variable for those, never substituted.
	refHead map[ast.Var]bool
}

type inliner struct {
	c     *ast.Compiler
	fns   map[string]*fn
	fresh int
	stats Stats
}

func newInliner(c *ast.Compiler) *inliner {
	in := &inliner{c: c, fns: map[string]*fn{}, stats: Stats{}}
	byRef := map[string][]*ast.Rule{}
	for _, name := range sortedKeys(c.Modules) {
		for _, r := range c.Modules[name].Rules {
			if len(r.Head.Args) == 0 {
				continue
			}
			key := r.Ref().String()
			byRef[key] = append(byRef[key], r)
		}
	}
	// A function replaced by `with` somewhere (a test's mock) is called
	// wherever it is, so that the replacement reaches every call.
	mocked := Replaced(c)
	for key, rules := range byRef {
		if len(rules) != 1 || mocked(key) {
			continue
		}
		if f := in.inlinable(rules[0]); f != nil {
			in.fns[key] = f
		}
	}
	return in
}

// Replaced returns a test of whether a `with` in the compiler's modules
// replaces the document at a ref (data.kaiji.lib.finding), one it lies
// within (data.kaiji.lib) or one within it: a mocked function, package or
// rule. Stages that rewrite calls leave those alone, so that the mock
// reaches every call.
func Replaced(c *ast.Compiler) func(ref string) bool {
	var targets []string
	for _, m := range c.Modules {
		ast.WalkWiths(m, func(w *ast.With) bool {
			if _, ok := w.Target.Value.(ast.Ref); ok {
				targets = append(targets, w.Target.String())
			}
			return false
		})
	}
	return func(ref string) bool {
		for _, t := range targets {
			if t == ref || strings.HasPrefix(ref, t+".") || strings.HasPrefix(t, ref+".") {
				return true
			}
		}
		return false
	}
}

// inlinable returns the function of rule r when its calls can be replaced by
// its body, else nil.
func (in *inliner) inlinable(r *ast.Rule) *fn {
	if r.Else != nil || r.Default || r.Head.Value == nil || len(r.Body) > maxBody {
		return nil
	}
	f := &fn{rule: r, refHead: map[ast.Var]bool{}}
	bound := map[ast.Var]bool{}
	for _, a := range r.Head.Args {
		v, ok := a.Value.(ast.Var)
		if !ok || bound[v] || isRoot(v) {
			return nil // a pattern (plural(1)) or a repeated argument unifies
		}
		bound[v] = true
		f.params = append(f.params, v)
	}
	closure := false
	ast.WalkClosures(r.Head.Value, func(any) bool { closure = true; return true })
	if closure {
		return nil
	}
	for _, e := range r.Body {
		if !in.straight(e, bound) {
			return nil
		}
	}
	ast.WalkRefs(r, func(ref ast.Ref) bool {
		if v, ok := ref[0].Value.(ast.Var); ok && slices.Contains(f.params, v) {
			f.refHead[v] = true
		}
		return false
	})
	return f
}

// straight is true when expression e, evaluated with the variables of bound
// bound, succeeds at most once; it adds the variables e binds to bound.
func (in *inliner) straight(e *ast.Expr, bound map[ast.Var]bool) bool {
	if len(e.With) > 0 {
		return false
	}
	closure := false
	ast.WalkClosures(e, func(any) bool { closure = true; return true })
	if closure {
		return false // comprehensions, every, not/and/or blocks
	}
	switch ts := e.Terms.(type) {
	case *ast.Term:
		return e.Negated || refsBound(ts, bound)
	case []*ast.Term:
		if e.Negated {
			return true // binds nothing, succeeds once or not at all
		}
		op := e.Operator()
		if op == nil {
			return false
		}
		args := ts[1:]
		name := op.String()
		switch name {
		case ast.Equality.Name, ast.Assign.Name:
			for _, t := range args {
				if !refsBound(t, bound) {
					return false
				}
			}
			for _, t := range args {
				bindVars(t, bound)
			}
			return true
		case ast.Member.Name, ast.MemberWithKey.Name:
			// x in xs with x bound is a test; with x unbound, iteration.
			for _, t := range args {
				if !allBound(t, bound) {
					return false
				}
			}
			return true
		}
		if b, ok := ast.BuiltinMap[name]; ok && (b.Relation || b.Decl == nil) {
			return false // walk: a relation yields several values
		}
		arity := in.c.GetArity(op) // built-ins the compiler knows, and functions
		if arity < 0 || len(args) < arity || len(args) > arity+1 {
			return false
		}
		for _, t := range args[:arity] {
			if !refsBound(t, bound) {
				return false
			}
		}
		if len(args) == arity+1 {
			if !refsBound(args[arity], bound) {
				return false
			}
			bindVars(args[arity], bound)
		}
		return true
	}
	return false // some, every and the other expression forms
}

// refsBound is true when every reference in t looks up a path whose
// variable parts are bound: a lookup, not an iteration.
func refsBound(t *ast.Term, bound map[ast.Var]bool) bool {
	ok := true
	ast.WalkRefs(t, func(r ast.Ref) bool {
		if v, isVar := r[0].Value.(ast.Var); isVar && !isRoot(v) && !bound[v] {
			ok = false
		}
		for _, p := range r[1:] {
			if !allBound(p, bound) {
				ok = false
			}
		}
		return !ok
	})
	return ok
}

func allBound(t *ast.Term, bound map[ast.Var]bool) bool {
	ok := true
	ast.WalkVars(t, func(v ast.Var) bool {
		if !isRoot(v) && !bound[v] {
			ok = false
		}
		return !ok
	})
	return ok
}

func bindVars(t *ast.Term, bound map[ast.Var]bool) {
	ast.WalkVars(t, func(v ast.Var) bool {
		bound[v] = true
		return false
	})
}

func isRoot(v ast.Var) bool {
	return v.Equal(ast.DefaultRootDocument.Value) || v.Equal(ast.InputRootDocument.Value)
}

// rule rewrites the call sites in rule r: its body and the bodies of the
// comprehensions in its head and body.
func (in *inliner) rule(r *ast.Rule) {
	in.closures(r.Head, 0)
	r.Body = in.body(r.Body, 0)
}

// closures rewrites the bodies of the comprehensions and every expressions
// directly under x.
func (in *inliner) closures(x any, depth int) {
	ast.WalkClosures(x, func(c any) bool {
		switch c := c.(type) {
		case *ast.ArrayComprehension:
			c.Body = in.body(c.Body, depth)
		case *ast.SetComprehension:
			c.Body = in.body(c.Body, depth)
		case *ast.ObjectComprehension:
			c.Body = in.body(c.Body, depth)
		case *ast.Every:
			c.Body = in.body(c.Body, depth)
		}
		return true // body recursed into the nested ones; others are left alone
	})
}

// body returns b with its inlinable calls replaced by the functions' bodies.
func (in *inliner) body(b ast.Body, depth int) ast.Body {
	var out ast.Body
	changed := false
	for i, e := range b {
		in.closures(e, depth)
		exprs := in.expand(e, depth)
		if exprs == nil {
			if changed {
				out = append(out, e)
			}
			continue
		}
		if !changed {
			out = append(make(ast.Body, 0, len(b)+len(exprs)), b[:i]...)
			changed = true
		}
		out = append(out, exprs...)
	}
	if !changed {
		return b
	}
	for i := range out {
		out[i].Index = i
	}
	return out
}

// expand returns the expressions that replace e when e calls an inlinable
// function, else nil.
func (in *inliner) expand(e *ast.Expr, depth int) []*ast.Expr {
	if depth >= maxDepth || e.Negated || len(e.With) > 0 || !e.IsCall() {
		return nil
	}
	op := e.Operator()
	if op == nil {
		return nil
	}
	name := op.String()
	f := in.fns[name]
	if f == nil {
		return nil
	}
	args := e.Operands()
	var out *ast.Term
	switch len(args) {
	case len(f.params):
		if !ast.BooleanTerm(true).Equal(f.rule.Head.Value) {
			return nil // a value called as a test: true unless false or undefined
		}
	case len(f.params) + 1:
		out = args[len(f.params)]
	default:
		return nil
	}

	// Each variable of the function gets a fresh name; each parameter is
	// the argument itself when that is a variable (or a scalar not used as
	// a reference's head), else a fresh variable bound to it first.
	in.fresh++
	prefix := fmt.Sprintf("__kinl%d_", in.fresh)
	names := map[ast.Var]ast.Value{}
	var exprs []*ast.Expr
	for i, p := range f.params {
		a := args[i]
		switch a.Value.(type) {
		case ast.Var:
			names[p] = a.Value
			continue
		case ast.String, ast.Number, ast.Boolean, ast.Null:
			if !f.refHead[p] {
				names[p] = a.Value
				continue
			}
		}
		v := ast.Var(prefix + "arg" + fmt.Sprint(i))
		names[p] = v
		exprs = append(exprs, located(ast.Equality.Expr(ast.NewTerm(v), a.Copy()), e))
	}
	rename := func(v ast.Var) (ast.Value, error) {
		if isRoot(v) {
			return v, nil
		}
		if n, ok := names[v]; ok {
			return n, nil
		}
		n := ast.Var(prefix + string(v))
		names[v] = n
		return n, nil
	}
	for _, fe := range f.rule.Body {
		c := fe.Copy()
		c.Terms = renameTerms(c, rename)
		c.Location = fe.Location
		exprs = append(exprs, c)
	}
	if out != nil {
		exprs = append(exprs, located(ast.Equality.Expr(out, renameTerm(f.rule.Head.Value, rename)), e))
	}
	in.stats[name]++
	// The copied body may call inlinable functions itself.
	return in.body(exprs, depth+1)
}

// renameTerms renames the variables of an expression's terms, leaving a
// call's operator (a built-in's name is a variable) as it is.
func renameTerms(e *ast.Expr, rename func(ast.Var) (ast.Value, error)) any {
	switch ts := e.Terms.(type) {
	case *ast.Term:
		return renameTerm(ts, rename)
	case []*ast.Term:
		out := make([]*ast.Term, len(ts))
		out[0] = ts[0]
		for i, t := range ts[1:] {
			out[i+1] = renameTerm(t, rename)
		}
		return out
	}
	return e.Terms
}

// renameTerm returns a copy of t with its variables renamed.
func renameTerm(t *ast.Term, rename func(ast.Var) (ast.Value, error)) *ast.Term {
	c := t.Copy()
	v, _ := ast.TransformVars(c.Value, rename)
	c.Value = v.(ast.Value)
	return c
}

func located(x, at *ast.Expr) *ast.Expr {
	x.Location = at.Location
	x.Generated = true
	return x
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmp.Compare)
	return keys
}
