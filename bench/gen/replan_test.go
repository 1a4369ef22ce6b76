package gen_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/kaiji-dev/kaiji/bench/gen"
	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/terraform"
)

// TestReplicatePlan: a real plan's resources repeated to n give n
// resources of their kinds, each its own, as the collector reads them.
func TestReplicatePlan(t *testing.T) {
	src, err := os.ReadFile("../../collectors/terraform/testdata/corpus/checkov/tests/terraform/parser/resources/plan_booleans/tfplan.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{1, 7, 40} {
		plan, err := gen.ReplicatePlan(src, n)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		p := filepath.Join(dir, "plan.json")
		if err := os.WriteFile(p, plan, 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := collectors.NewRegistry(collectors.Options{}, terraform.New(terraform.Options{Vars: map[string]string{}})).Collect(context.Background(), []string{dir})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Diagnostics) > 0 {
			t.Fatalf("n=%d: %v", n, res.Diagnostics)
		}
		ids := map[string]bool{}
		stores := 0
		for _, f := range res.Facts {
			ids[fmt.Sprint(f.Kind, f.ID)] = true
			if f.Kind == collectors.KindDatastore {
				stores++
			}
		}
		// plan_booleans holds a compute instance (a data store: its disks)
		// and a service account: every other instance is a store.
		if want := (n + 1) / 2; stores != want || len(ids) != len(res.Facts) {
			t.Errorf("n=%d: %d stores (want %d), %d facts, %d distinct", n, stores, want, len(res.Facts), len(ids))
		}
	}
	if _, err := gen.ReplicatePlan([]byte(`{"planned_values":{}}`), 3); err == nil {
		t.Error("a plan without resources replicated")
	}
}
