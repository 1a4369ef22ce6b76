package engine

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/kaiji-dev/kaiji/internal/vm"
	"github.com/kaiji-dev/kaiji/policies"
)

var update = flag.Bool("update", false, "rewrite builtin.plans")

// TestBuiltinPlans: the builtin.* files are the plans of the library in
// this tree, made by the OPA in go.mod; -update rewrites them. Their data
// document is the library's.
func TestBuiltinPlans(t *testing.T) {
	desc, whole, split, err := makeBuiltinPlans(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	files := []struct {
		name      string
		got, want []byte
	}{{"builtin.plans.json", builtinPlansFile, desc}, {"builtin.whole.plan", builtinWholeFile, whole}, {"builtin.split.plan", builtinSplitFile, split}}
	for _, f := range files {
		if *update {
			if err := os.WriteFile(f.name, f.want, 0o644); err != nil {
				t.Fatal(err)
			}
		} else if !bytes.Equal(f.got, f.want) {
			t.Errorf("%s is not the plan of the policies in this tree; run: go test ./internal/engine -run TestBuiltinPlans -update", f.name)
		}
	}
	if *update || t.Failed() {
		return
	}
	p := loadBuiltinPlans()
	if p == nil {
		t.Fatal("builtin.plans.json is current but not loaded")
	}
	_, doc, err := policies.BuiltinSource()
	if err != nil {
		t.Fatal(err)
	}
	want, err := ast.InterfaceToValue(doc)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ast.ValueFromReader(bytes.NewReader(p.Data))
	if err != nil {
		t.Fatal(err)
	}
	if got.Compare(want) != 0 {
		t.Error("the data of builtin.plans.json is not the library's")
	}
}

// TestPrecompiled: the built-in library's decision is evaluated from
// builtin.plans by default and with the plan evaluator, at any size;
// never for other policies, the webhook's query or topdown. A plan that
// does not decode falls back to the compiled library, and a file of other
// policies or another OPA is not used.
func TestPrecompiled(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		opts Options
		want bool
	}{
		{Options{}, true},
		{Options{Evaluator: EvaluatorAuto}, true},
		{Options{Evaluator: EvaluatorPlan}, true},
		{Options{Evaluator: EvaluatorTopdown}, false},
		{Options{Query: AdmissionQuery}, false},
		{Options{noPlans: true}, false},
		{Options{plain: true}, false},
	} {
		e, err := New(ctx, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if e.precompiled != tc.want {
			t.Errorf("%+v: precompiled %t, want %t", tc.opts, e.precompiled, tc.want)
		}
		if tc.want && (e.planFor(e.plan, 1) == nil || e.planFor(e.split.plan, 1) == nil) {
			t.Errorf("%+v: a small decision is not planned", tc.opts)
		}
	}
	p := loadBuiltinPlans()
	if p == nil {
		t.Fatal("builtin.plans not loaded")
	}
	broken := *p
	broken.Whole, broken.Split = []byte("not a plan"), []byte{0xff, 0xff}
	fallback := precompiledFrom(ctx, Options{}, &broken)
	if fallback.planFor(fallback.plan, 1) == nil || fallback.planFor(fallback.split.plan, 1) == nil {
		t.Error("a plan that does not decode is not replaced by the compiled library's")
	}
	compiled, err := New(ctx, Options{noPlans: true, Evaluator: EvaluatorPlan})
	if err != nil {
		t.Fatal(err)
	}
	req := loadEstate(t, 1000).request()
	want := decide(t, compiled, req)
	// Should no plan come at all, the compiled library's topdown decides.
	unplanned := precompiledFrom(ctx, Options{}, p)
	none := func() (*vm.Program, error) { return nil, errors.New("no plan") }
	unplanned.plan.make, unplanned.split.plan.make = none, none
	for name, e := range map[string]*Engine{"precompiled": precompiledFrom(ctx, Options{}, p), "fallback": fallback, "unplanned": unplanned} {
		if got := decide(t, e, req); got != want {
			t.Errorf("%s: split, decides differently from the compiled library", name)
		}
		if got := decideWhole(t, e, req); got != want {
			t.Errorf("%s: as one query, decides differently from the compiled library", name)
		}
	}
	for _, stale := range []builtinPlans{
		{OPA: p.OPA, Format: p.Format, Source: "sha256:other"},
		{OPA: "0.0.1", Format: p.Format, Source: p.Source},
		{OPA: p.OPA, Format: "kaiji-vm-image-0", Source: p.Source},
	} {
		if usable(&stale) {
			t.Errorf("plans of %s by OPA %s in format %s are used", stale.Source, stale.OPA, stale.Format)
		}
	}
}
