package policies

import (
	"context"
	"sort"
	"strings"
	"testing"
)

// TestRegoInlined runs the Rego tests on the modules compiled as kaiji scan
// compiles them, helper functions inlined into their callers and the
// hottest replaced by Go built-ins: every test that passes as OPA compiles
// the policies passes so too.
func TestRegoInlined(t *testing.T) {
	b, err := Load(FS, "policies", LoadOptions{Tests: true})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := RunTests(context.Background(), b, TestOptions{Inline: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		if !r.Pass && !r.Skip {
			t.Errorf("FAIL %s.%s (%s:%d): %v\n%s", r.Package, r.Name, r.File, r.Row, r.Err, strings.TrimSpace(r.Output))
		}
	}
	if len(rep.Results) < 100 {
		t.Fatalf("%d Rego tests ran; want the library's", len(rep.Results))
	}
	t.Logf("%d Rego tests, inlined", len(rep.Results))
}

// minCoverage is the policy line coverage the Rego tests must reach.
const minCoverage = 90.0

// TestRego runs every *_test.rego of the embedded library through OPA's
// tester, as kaiji policy test does, so go test runs the Rego tests too, and
// fails below minCoverage.
func TestRego(t *testing.T) {
	b, err := Load(FS, "policies", LoadOptions{Tests: true})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := RunTests(context.Background(), b, TestOptions{Coverage: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		name := r.Package + "." + r.Name
		if r.Skip {
			t.Logf("SKIP %s", name)
			continue
		}
		if !r.Pass {
			t.Errorf("FAIL %s (%s:%d): %v\n%s", name, r.File, r.Row, r.Err, strings.TrimSpace(r.Output))
		}
	}
	if len(rep.Results) == 0 {
		t.Fatal("no Rego tests ran")
	}
	t.Logf("%d Rego tests, policy coverage %.1f%%", len(rep.Results), rep.Coverage.Coverage)
	if rep.Coverage.Coverage < minCoverage {
		var low []string
		for f, fr := range rep.Coverage.Files {
			if fr.Coverage < minCoverage {
				low = append(low, f)
			}
		}
		sort.Strings(low)
		t.Errorf("policy coverage %.1f%% is below %.0f%%; least covered: %s", rep.Coverage.Coverage, minCoverage, strings.Join(low, ", "))
	}
}
