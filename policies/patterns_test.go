package policies_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/terraform"
	"github.com/kaiji-dev/kaiji/internal/claims"
	"github.com/kaiji-dev/kaiji/internal/engine"
	"github.com/kaiji-dev/kaiji/internal/results"
)

// patterns are the service patterns the projects are scanned at.
var patterns = []int{1, 2, 6}

type goldenClaim struct {
	Item     int      `json:"item"`
	Key      string   `json:"key"`
	Claimed  any      `json:"claimed"`
	Verdict  string   `json:"verdict"`
	Evidence []string `json:"evidence"`
	Reason   string   `json:"reason"`
}

type goldenControl struct {
	ID        string `json:"id"`
	Item      string `json:"eval_item"`
	Reference string `json:"reference"`
	Severity  string `json:"severity"`
	Verdict   string `json:"verdict"`
	Actual    []any  `json:"actual"`
}

type goldenScan struct {
	Pattern  int             `json:"pattern"`
	Claims   []goldenClaim   `json:"claims"`
	Controls []goldenControl `json:"controls"`
}

// scanPattern scans one project at one pattern, as kaiji scan does.
func scanPattern(t *testing.T, eng *engine.Engine, dir string, pattern int) goldenScan {
	t.Helper()
	ctx := context.Background()
	reg := collectors.NewRegistry(collectors.Options{}, terraform.New(terraform.Options{Vars: map[string]string{}}))
	res, err := reg.Collect(ctx, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if res.Diagnostics.HasErrors() {
		t.Fatalf("%s: %v", dir, res.Diagnostics)
	}
	d, err := claims.LoadFile(filepath.Join(dir, "disclosure.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cs, ctls, err := eng.Evaluate(ctx, engine.Request{Facts: res.Facts, Claims: d.Inputs(), Pattern: pattern, Edition: d.Edition})
	if err != nil {
		t.Fatal(err)
	}
	out := goldenScan{Pattern: pattern, Claims: []goldenClaim{}, Controls: []goldenControl{}}
	for _, c := range cs {
		out.Claims = append(out.Claims, goldenClaim{Item: c.Item, Key: c.Key, Claimed: c.Claimed, Verdict: c.Verdict, Evidence: evidence(c.Evidence), Reason: c.Reason.En})
	}
	for _, c := range ctls {
		if c.Verdict == results.NotApplicable {
			continue
		}
		ref := "-"
		if v, ok := c.Reference["value_ja"].(string); ok {
			ref = v
		}
		actual := make([]any, 0, len(c.Actual))
		for _, a := range c.Actual {
			actual = append(actual, a)
		}
		out.Controls = append(out.Controls, goldenControl{ID: c.ID, Item: c.EvalItem, Reference: ref, Severity: c.Severity, Verdict: c.Verdict, Actual: actual})
	}
	return out
}

func evidence(es []results.Evidence) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, fmt.Sprintf("%s:%d %s", e.File, e.Line, e.Attribute))
	}
	return out
}

// TestPatterns scans the projects under testdata/patterns at patterns 1, 2
// and 6 and compares with the golden results; the expected differences
// between patterns are also asserted directly.
func TestPatterns(t *testing.T) {
	t.Chdir("..")
	eng, err := engine.New(context.Background(), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dirs, err := filepath.Glob("testdata/patterns/*/main.tf")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no pattern projects: %v", err)
	}
	got := map[string]map[int]goldenScan{}
	for _, f := range dirs {
		dir := filepath.ToSlash(filepath.Dir(f))
		got[filepath.Base(dir)] = map[int]goldenScan{}
		for _, p := range patterns {
			scan := scanPattern(t, eng, dir, p)
			got[filepath.Base(dir)][p] = scan
			js, err := json.MarshalIndent(scan, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			js = append(js, '\n')
			path := filepath.Join(dir, fmt.Sprintf("scan.p%d.golden.json", p))
			if updating() {
				if err := os.WriteFile(path, js, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run go test ./policies -run TestPatterns -update): %v", err)
			}
			if diff := cmp.Diff(string(want), string(js)); diff != "" {
				t.Errorf("%s differs (-want +got); run go test ./policies -run TestPatterns -update if intended:\n%s", path, diff)
			}
		}
	}

	expect := []struct {
		project, control, item string
		pattern                int
		verdict, severity      string
	}{
		// 2 generations meet pattern 2 (2世代) and 6 (1世代), not pattern 1 (5世代).
		{"daily-2gen", "III.2.3.1", "b", 2, "meets", "advisory"},
		{"daily-2gen", "III.2.3.1", "b", 6, "meets", "advisory"},
		{"daily-2gen", "III.2.3.1", "b", 1, "below", "advisory"},
		{"daily-2gen", "III.2.3.1", "a", 1, "meets", "advisory"},
		// System logs kept 400 days: 1年 (2) and 6ヶ月 (6) met, 5年 (1) not.
		{"daily-2gen", "III.2.1.3", "b", 2, "meets", "advisory"},
		{"daily-2gen", "III.2.1.3", "b", 1, "below", "advisory"},
		// A multi-AZ database reaches 99.5%* by design.
		{"daily-2gen", "III.2.1.1", "a", 1, "meets", "hard"},
		// Weekly backups meet 1回/1週間 (2) and 1回/1ヶ月 (6), not 1回/1日 (1).
		{"weekly-1gen", "III.2.3.1", "a", 2, "meets", "advisory"},
		{"weekly-1gen", "III.2.3.1", "a", 6, "meets", "advisory"},
		{"weekly-1gen", "III.2.3.1", "a", 1, "below", "advisory"},
		{"weekly-1gen", "III.2.3.1", "b", 6, "meets", "advisory"},
		{"weekly-1gen", "III.2.3.1", "b", 2, "below", "advisory"},
		// A single-AZ database is below 99%* (2) but meets 95%* (6).
		{"weekly-1gen", "III.2.1.1", "a", 2, "below", "hard"},
		{"weekly-1gen", "III.2.1.1", "a", 6, "meets", "hard"},
		// Audit logs kept 14 days meet only 1週間 (6).
		{"weekly-1gen", "III.2.1.3", "a", 6, "meets", "advisory"},
		{"weekly-1gen", "III.2.1.3", "a", 2, "below", "advisory"},
	}
	for _, e := range expect {
		found := false
		for _, c := range got[e.project][e.pattern].Controls {
			if c.ID == e.control && c.Item == e.item {
				found = true
				if c.Verdict != e.verdict || c.Severity != e.severity {
					t.Errorf("%s pattern %d %s %s: want %s (%s), have %s (%s)", e.project, e.pattern, e.control, e.item, e.verdict, e.severity, c.Verdict, c.Severity)
				}
			}
		}
		if !found {
			t.Errorf("%s pattern %d: no result for %s %s", e.project, e.pattern, e.control, e.item)
		}
	}
}

// updating reports whether -update (defined by the internal tests of this
// package, which share the test binary) asks to rewrite golden files.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}
