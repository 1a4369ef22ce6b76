package engine

import (
	"bytes"
	"cmp"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
	opaversion "github.com/open-policy-agent/opa/v1/version"

	"github.com/kaiji-dev/kaiji/internal/accel"
	"github.com/kaiji-dev/kaiji/internal/vm"
	"github.com/kaiji-dev/kaiji/policies"
)

// The built-in library's decision planned ahead, as OPA's planner lays it
// out for package vm: parsing and compiling the library was most of a
// small scan (~65 of ~85 ms for the demo), and the library only changes
// with kaiji. builtin.plans.json describes the two plans, whole and split,
// kept beside it as compiled programs (vm.Program.MarshalBinary). TestBuiltinPlans
// checks that the three files are those of the library in this tree and
// rewrites them with -update:
//
//	go test ./internal/engine -run TestBuiltinPlans -update
var (
	//go:embed builtin.plans.json
	builtinPlansFile []byte
	//go:embed builtin.whole.plan
	builtinWholeFile []byte
	//go:embed builtin.split.plan
	builtinSplitFile []byte
)

// builtinPlans is what the files hold. They are the library's of
// SourceHash, planned by the OPA of version OPA, and nothing else's.
type builtinPlans struct {
	OPA    string `json:"opa"`
	Format string `json:"format"` // vm.ImageFormat
	Source string `json:"source"` // policies.SourceHash
	Digest string `json:"digest"` // policies.BuiltinDigest, the reports' policy digest
	// Data is the library's data document (policies.BuiltinSource) as
	// JSON: read without the YAML of its files.
	Data json.RawMessage `json:"data"`
	// ClaimPackages, ControlPackages and Reads are the splitter's.
	ClaimPackages   map[string][]string `json:"claim_packages"`
	ControlPackages map[string][]string `json:"control_packages"`
	Reads           map[string][]string `json:"reads"`
	// Whole plans "result := " + Query, Split splitQuery (the .plan files,
	// program images).
	Whole []byte `json:"-"`
	Split []byte `json:"-"`
}

// makeBuiltinPlans takes the plans of the built-in library's decision from
// the engine the compiler path makes, and returns the three files'
// contents.
func makeBuiltinPlans(ctx context.Context) (desc, whole, split []byte, err error) {
	eng, err := New(ctx, Options{Evaluator: EvaluatorPlan, noPlans: true})
	if err != nil {
		return nil, nil, nil, err
	}
	digest, doc, err := policies.BuiltinSource()
	if err != nil {
		return nil, nil, nil, err
	}
	source, err := policies.SourceHash()
	if err != nil {
		return nil, nil, nil, err
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return nil, nil, nil, err
	}
	out := builtinPlans{OPA: opaversion.Version, Format: vm.ImageFormat, Source: source, Digest: digest, Data: data,
		ClaimPackages: eng.split.claimPackages, ControlPackages: eng.split.controlPackages, Reads: eng.split.reads}
	for _, p := range []struct {
		plan *planned[*vm.Program]
		into *[]byte
	}{{eng.plan, &out.Whole}, {eng.split.plan, &out.Split}} {
		prog, err := p.plan.get()
		if err != nil {
			return nil, nil, nil, err
		}
		if *p.into, err = prog.MarshalBinary(); err != nil { // the program without its data
			return nil, nil, nil, err
		}
	}
	if desc, err = json.MarshalIndent(out, "", "\t"); err != nil {
		return nil, nil, nil, err
	}
	return append(desc, '\n'), out.Whole, out.Split, nil
}

// loadBuiltinPlans reads the files, once; nil when they are not the plans
// of the embedded library by this OPA (a tree whose policies changed
// since, until TestBuiltinPlans -update).
var loadBuiltinPlans = sync.OnceValue(func() *builtinPlans {
	var p builtinPlans
	if err := json.Unmarshal(builtinPlansFile, &p); err != nil || !usable(&p) {
		return nil
	}
	p.Whole, p.Split = builtinWholeFile, builtinSplitFile
	return &p
})

// usable says whether plans are those of the embedded library by the OPA
// kaiji is built with, in the image format of its vm.
func usable(p *builtinPlans) bool {
	source, err := policies.SourceHash()
	return err == nil && p.Source == source && p.OPA == opaversion.Version && p.Format == vm.ImageFormat
}

// precompiled returns an engine that evaluates the built-in library's
// decision from builtin.plans, without parsing or compiling the library,
// or nil when opts ask for anything else: other policies, extra ones, the
// webhook's query, topdown. Should a plan not decode, the engine falls
// back to the compiled library (slow).
func precompiled(ctx context.Context, opts Options, query string) *Engine {
	if opts.Bundle != nil || len(opts.Extra) > 0 || opts.plain || opts.noPlans || query != Query ||
		(opts.Evaluator != "" && opts.Evaluator != EvaluatorAuto && opts.Evaluator != EvaluatorPlan) {
		return nil
	}
	return precompiledFrom(ctx, opts, loadBuiltinPlans())
}

func precompiledFrom(ctx context.Context, opts Options, p *builtinPlans) *Engine {
	if p == nil {
		return nil
	}
	e := &Engine{digest: p.Digest, mode: cmp.Or(opts.Evaluator, EvaluatorAuto), precompiled: true}
	e.slow = sync.OnceValues(func() (*Engine, error) {
		o := opts
		o.noPlans = true
		return New(ctx, o)
	})
	// What both plans are made ready with, made once for the engine.
	data := sync.OnceValues(func() (ast.Value, error) { return ast.ValueFromReader(bytes.NewReader(p.Data)) })
	builtins := sync.OnceValues(func() (map[string]*topdown.Builtin, error) { return vm.Builtins(ctx, accel.Options()...) })
	decode := func(plan []byte, slow func(*Engine) *planned[*vm.Program]) *planned[*vm.Program] {
		return &planned[*vm.Program]{make: func() (*vm.Program, error) {
			prog, err := decodePlan(plan, builtins, data)
			if err == nil {
				return prog, nil
			}
			prog, serr := fromSlow(e, slow)()
			if serr != nil {
				return nil, errors.Join(err, serr)
			}
			return prog, nil
		}}
	}
	e.plan = decode(p.Whole, func(se *Engine) *planned[*vm.Program] { return se.plan })
	e.split = &splitter{
		claimPackages:   p.ClaimPackages,
		controlPackages: p.ControlPackages,
		reads:           p.Reads,
		plan:            decode(p.Split, func(se *Engine) *planned[*vm.Program] { return se.split.plan }),
	}
	// Topdown, should a plan neither load nor be planned, is the compiled
	// library's.
	e.topdown = &planned[rego.PreparedEvalQuery]{make: fromSlow(e, func(se *Engine) *planned[rego.PreparedEvalQuery] { return se.topdown })}
	e.split.query.make = fromSlow(e, func(se *Engine) *planned[rego.PreparedEvalQuery] { return &se.split.query })
	return e
}

// fromSlow makes what q picks of the compiled library (e.slow), for a
// builtin.plans engine that needs what the files do not give.
func fromSlow[T any](e *Engine, q func(*Engine) *planned[T]) func() (T, error) {
	return func() (T, error) {
		se, err := e.slow()
		if err != nil {
			var zero T
			return zero, err
		}
		return q(se).get()
	}
}

// decodePlan reads a plan of builtin.plans and makes it ready to run over
// the library's data, with kaiji's built-ins.
func decodePlan(plan []byte, builtins func() (map[string]*topdown.Builtin, error), data func() (ast.Value, error)) (*vm.Program, error) {
	bis, err := builtins()
	if err != nil {
		return nil, err
	}
	prog, err := vm.LoadProgram(plan, bis)
	if err != nil {
		return nil, fmt.Errorf("built-in plans: %w", err)
	}
	d, err := data()
	if err != nil {
		return nil, err
	}
	return prog.WithData(d), nil
}
