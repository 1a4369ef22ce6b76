package policies

import (
	"context"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
)

// TestRego runs every *_test.rego of the embedded library through OPA's tester,
// so go test runs the Rego tests too.
func TestRego(t *testing.T) {
	b, err := Load(FS, "policies", LoadOptions{Tests: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store := inmem.New()
	txn, err := store.NewTransaction(ctx, storage.WriteParams)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Abort(ctx, txn)
	ch, err := tester.NewRunner().
		SetStore(store).
		SetBundles(map[string]*bundle.Bundle{"kaiji": b}).
		RunTests(ctx, txn)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r := range ch {
		n++
		name := r.Package + "." + r.Name
		if r.Skip {
			t.Logf("SKIP %s", name)
			continue
		}
		if !r.Pass() {
			t.Errorf("FAIL %s (%s): %v\n%s", name, r.Location, r.Error, strings.TrimSpace(string(r.Output)))
		}
	}
	if n == 0 {
		t.Fatal("no Rego tests ran")
	}
	if testing.Verbose() {
		t.Logf("%d Rego tests", n)
	}
}
