package engine

import (
	"bytes"
	"context"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite builtin.plans")

// TestBuiltinPlans: builtin.plans is the plan of the library in this tree,
// made by the OPA in go.mod; -update rewrites it.
func TestBuiltinPlans(t *testing.T) {
	want, err := makeBuiltinPlans(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("builtin.plans", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(builtinPlansFile, want) {
		t.Fatal("builtin.plans is not the plan of the policies in this tree; run: go test ./internal/engine -run TestBuiltinPlans -update")
	}
	if loadBuiltinPlans() == nil {
		t.Fatal("builtin.plans is current but not loaded")
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
	for name, e := range map[string]*Engine{"precompiled": precompiledFrom(ctx, Options{}, p), "fallback": fallback} {
		if got := decide(t, e, req); got != want {
			t.Errorf("%s: split, decides differently from the compiled library", name)
		}
		if got := decideWhole(t, e, req); got != want {
			t.Errorf("%s: as one query, decides differently from the compiled library", name)
		}
	}
	for _, stale := range []builtinPlans{{OPA: p.OPA, Digest: "sha256:other"}, {OPA: "0.0.1", Digest: p.Digest}} {
		if usable(&stale) {
			t.Errorf("plans of %s by OPA %s are used", stale.Digest, stale.OPA)
		}
	}
}
