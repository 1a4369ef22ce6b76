package vm

import (
	"context"
	"errors"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/ir"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// target is the rego target under which Plan has OPA plan a query. OPA
// hands a target plugin the plan of the query it prepares; this one keeps
// the plan for the caller and is never asked to evaluate.
const target = "kaiji-ir"

var register sync.Once

var errNoPlan = errors.New("vm: OPA planned no query")

type slotKey struct{}

// slot receives the plan and the built-ins registered for the query.
type slot struct {
	policy   *ir.Policy
	builtins map[string]*topdown.Builtin
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
	s.policy, s.builtins = p, cfg.BuiltinFuncs()
	return unused{}, nil
}

type unused struct{}

func (unused) Eval(context.Context, *rego.EvalContext, ast.Value) (ast.Value, error) {
	return nil, errors.New("vm: evaluate a plan with Program.Eval")
}

// Plan has OPA compile and plan the query that opts describe (rego.Query,
// rego.Compiler, rego.Function… as for rego.New), and returns it ready to
// run. OPA's planner declines some policies; the error says which part.
func Plan(ctx context.Context, opts ...func(*rego.Rego)) (*Program, error) {
	p, builtins, err := PlanPolicy(ctx, opts...)
	if err != nil {
		return nil, err
	}
	return Compile(p, builtins)
}

// PlanPolicy is Plan without the last step: OPA's plan of the query, and
// the built-ins registered for it (the rego.Function options) for Compile.
func PlanPolicy(ctx context.Context, opts ...func(*rego.Rego)) (*ir.Policy, map[string]*topdown.Builtin, error) {
	register.Do(func() { rego.RegisterPlugin(target, planner{}) })
	s := &slot{}
	ctx = context.WithValue(ctx, slotKey{}, s)
	opts = append(opts[:len(opts):len(opts)], rego.Target(target))
	if _, err := rego.New(opts...).PrepareForEval(ctx); err != nil {
		return nil, nil, err
	}
	if s.policy == nil {
		return nil, nil, errNoPlan
	}
	return s.policy, s.builtins, nil
}

// Builtins returns the built-ins that opts register (rego.Function…), as
// Compile and LoadProgram take them, without planning anything of note: a
// program image is loaded with them.
func Builtins(ctx context.Context, opts ...func(*rego.Rego)) (map[string]*topdown.Builtin, error) {
	_, builtins, err := PlanPolicy(ctx, append(opts[:len(opts):len(opts)], rego.Query("true"))...)
	return builtins, err
}
