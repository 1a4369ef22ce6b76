package vm

import (
	"context"
	"errors"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/ir"
	"github.com/open-policy-agent/opa/v1/rego"
)

// target is the rego target under which Plan has OPA plan a query. OPA
// hands a target plugin the plan of the query it prepares; this one keeps
// the plan for the caller and is never asked to evaluate.
const target = "kaiji-ir"

var register sync.Once

type slotKey struct{}

// slot receives the compiled plan.
type slot struct {
	prog *Program
	err  error
}

type planner struct{}

func (planner) IsTarget(t string) bool { return t == target }

func (planner) PrepareForEval(ctx context.Context, p *ir.Policy, opts ...rego.PrepareOption) (rego.TargetPluginEval, error) {
	s, _ := ctx.Value(slotKey{}).(*slot)
	if s == nil {
		return nil, errors.New("vm: a plan was prepared outside vm.Plan")
	}
	var cfg rego.PrepareConfig
	for _, o := range opts {
		o(&cfg)
	}
	s.prog, s.err = Compile(p, cfg.BuiltinFuncs())
	return unused{}, s.err
}

type unused struct{}

func (unused) Eval(context.Context, *rego.EvalContext, ast.Value) (ast.Value, error) {
	return nil, errors.New("vm: evaluate a plan with Program.Eval")
}

// Plan has OPA compile and plan the query that opts describe (rego.Query,
// rego.Compiler, rego.Function… as for rego.New), and returns it ready to
// run. OPA's planner declines some policies; the error says which part.
func Plan(ctx context.Context, opts ...func(*rego.Rego)) (*Program, error) {
	register.Do(func() { rego.RegisterPlugin(target, planner{}) })
	s := &slot{}
	ctx = context.WithValue(ctx, slotKey{}, s)
	opts = append(opts[:len(opts):len(opts)], rego.Target(target))
	if _, err := rego.New(opts...).PrepareForEval(ctx); err != nil {
		return nil, err
	}
	if s.prog == nil {
		return nil, errors.New("vm: OPA planned no query")
	}
	return s.prog, nil
}
