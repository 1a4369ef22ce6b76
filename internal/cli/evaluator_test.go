package cli

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaiji-dev/kaiji/policies"
)

// declinedPolicy is a claim policy OPA's planner declines: a rule keyed by a
// variable whose other rule reads a key of the same rule.
const declinedPolicy = `package kaiji.claims.declined

keys := {"declined.example"}

findings contains f if {
	p.b == 1
	some f in []
}

p[x] := 1 if some x in ["a"]

p.b := y if y := p.a
`

// TestScanEvaluators: kaiji scan reports the same run with each evaluator;
// asked for the plan of policies OPA's planner declines, or given a large
// input by default, it says so and reports what OPA's own evaluator decides.
func TestScanEvaluators(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "claims"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "claims", "declined.rego"), []byte(declinedPolicy), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, extra := range [][]string{nil, {"--policy", dir}} {
		runs := map[string]string{}
		for _, ev := range []string{"topdown", "plan", "auto"} {
			args := append([]string{"scan", "--claims", "testdata/demo/disclosure.yaml", "--format", "json", "--fail-on", "none", "--evaluator", ev}, extra...)
			out, stderr, code := run(t, append(args, "testdata/demo/infra")...)
			if code != 0 {
				t.Fatalf("%v: exit %d\n%s", args, code, stderr)
			}
			declined := strings.Contains(stderr, "OPA's planner declined the policies")
			if want := ev == "plan" && extra != nil; declined != want {
				t.Errorf("%v: the warning shown %t, want %t; stderr:\n%s", args, declined, want, stderr)
			}
			runs[ev] = out
		}
		if runs["plan"] != runs["topdown"] || runs["auto"] != runs["topdown"] {
			t.Errorf("policies %v: the evaluators report different runs", extra)
		}
	}
	// By default a scan large enough to be planned says so too: it runs
	// about twice as long on OPA's own evaluator.
	infra := t.TempDir()
	buckets := "resource \"aws_s3_bucket\" \"logs\" {\n  count  = 600\n  bucket = \"logs-${count.index}\"\n}\n"
	if err := os.WriteFile(filepath.Join(infra, "main.tf"), []byte(buckets), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, extra := range [][]string{nil, {"--policy", dir}} {
		args := append([]string{"scan", "--claims", "testdata/demo/disclosure.yaml", "--format", "json", "--fail-on", "none"}, extra...)
		_, stderr, code := run(t, append(args, infra)...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr)
		}
		declined := strings.Contains(stderr, "OPA's planner declined the policies")
		if want := extra != nil; declined != want {
			t.Errorf("%v on 600 buckets: the warning shown %t, want %t; stderr:\n%s", args, declined, want, stderr)
		}
	}
}

// TestServeLogsDeclinedPlan: kaiji serve logs, as it loads the policies,
// that OPA's planner declined an admission policy of the user's; the
// library alone plans without a word.
func TestServeLogsDeclinedPlan(t *testing.T) {
	dir := t.TempDir()
	const admission = `package kaiji.admission.declined

violations contains v if {
	p.b == 1
	some v in []
}

p[x] := 1 if some x in ["a"]

p.b := y if y := p.a
`
	if err := os.WriteFile(filepath.Join(dir, "declined.rego"), []byte(admission), 0o644); err != nil {
		t.Fatal(err)
	}
	lib, err := policies.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		dirs []string
		want bool
	}{{nil, false}, {[]string{dir}, true}} {
		extra, err := (&PolicyExtension{Dirs: tc.dirs}).bundles(false)
		if err != nil {
			t.Fatal(err)
		}
		var logs bytes.Buffer
		if _, err := webhookPolicies(context.Background(), lib, extra, nil, 1, "auto", slog.New(slog.NewTextHandler(&logs, nil))); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(logs.String(), "planner declined the admission policies"); got != tc.want {
			t.Errorf("policies %v: declined logged %t, want %t; logs:\n%s", tc.dirs, got, tc.want, logs.String())
		}
	}
}
