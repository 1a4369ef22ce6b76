package engine

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/kaiji-dev/kaiji/bench/gen"
	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/cloudexport"
	"github.com/kaiji-dev/kaiji/collectors/kubernetes"
	"github.com/kaiji-dev/kaiji/collectors/terraform"
	"github.com/kaiji-dev/kaiji/internal/claims"
)

// TestCompiledSameDecisions: the policies compiled as the engine compiles
// them (helper functions inlined, the hottest replaced by Go built-ins)
// decide exactly as compiled by OPA alone, over every
// kind of input the repository holds (the demo, the collectors' corpora and
// broken files, a generated estate as Terraform, plan and Kubernetes) and
// for every service pattern.
func TestCompiledSameDecisions(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates the policies 14 times")
	}
	ctx := context.Background()
	fast, err := New(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := New(ctx, Options{plain: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	l, err := gen.Write(dir, gen.Options{Resources: 1000})
	if err != nil {
		t.Fatal(err)
	}
	reg := collectors.NewRegistry(collectors.Options{},
		terraform.New(terraform.Options{Vars: map[string]string{}}),
		kubernetes.New(kubernetes.Options{}),
		cloudexport.New(cloudexport.Options{}),
	)
	repo := filepath.Join("..", "..")
	sheet, err := claims.LoadFile(filepath.Join(repo, "testdata", "sheets", "seed002.disclosure.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	estateSheet, err := claims.LoadFile(l.Claims)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		paths    []string
		sheet    *claims.Disclosure
		patterns []int
	}{
		{"demo", []string{filepath.Join(repo, "testdata", "demo", "infra")}, sheet, []int{1, 2, 3, 4, 5, 6}},
		{"corpora", []string{
			filepath.Join(repo, "collectors", "terraform", "testdata", "corpus"),
			filepath.Join(repo, "collectors", "kubernetes", "testdata", "corpus"),
			filepath.Join(repo, "collectors", "cloudexport", "testdata"),
			filepath.Join(repo, "testdata", "bad"),
			filepath.Join(repo, "testdata", "patterns"),
		}, sheet, []int{1, 2, 3, 4, 5, 6}},
		{"estate", []string{l.Terraform, l.Plan, l.Kubernetes}, estateSheet, []int{estateSheet.Pattern}},
	} {
		for _, p := range tc.paths {
			if _, err := os.Stat(p); err != nil {
				t.Fatal(err)
			}
		}
		res, err := reg.Collect(ctx, tc.paths)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Facts) == 0 {
			t.Fatalf("%s: %d facts; want the inputs read", tc.name, len(res.Facts))
		}
		for _, pattern := range tc.patterns {
			req := Request{Facts: res.Facts, Claims: tc.sheet.Inputs(), Pattern: pattern, Edition: tc.sheet.Edition}
			want := decide(t, plain, req)
			if got := decide(t, fast, req); got != want {
				t.Errorf("%s, pattern %d: the compiled policies decide differently from OPA's compile", tc.name, pattern)
			}
		}
	}
}

// decide returns the engine's decision as JSON.
func decide(t *testing.T, e *Engine, req Request) string {
	t.Helper()
	cs, ctls, err := e.Evaluate(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) == 0 || len(ctls) == 0 {
		t.Fatalf("%d claims, %d controls", len(cs), len(ctls))
	}
	js, err := json.Marshal(decision{Claims: cs, Controls: ctls})
	if err != nil {
		t.Fatal(err)
	}
	return string(js)
}
