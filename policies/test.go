package policies

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/open-policy-agent/opa/v1/cover"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/kaiji-dev/kaiji/internal/accel"
)

// TestOptions say how to run the Rego tests of a policy set.
type TestOptions struct {
	// Run keeps only tests whose package.name matches this regular expression.
	Run string
	// Coverage records which policy lines the tests evaluate.
	Coverage bool
	// Timeout bounds each test; zero means 10s.
	Timeout time.Duration
	// Only restricts the reported tests and the coverage to modules whose
	// path starts with one of these prefixes (a user's --policy
	// directories); empty means every module.
	Only []string
	// Inline compiles the modules as kaiji scan compiles the built-in
	// library, helper functions inlined into their callers (package inline)
	// and the hottest ones replaced by Go built-ins (package accel), instead
	// of as opa test does.
	Inline bool
}

func (o TestOptions) includes(path string) bool {
	if len(o.Only) == 0 {
		return true
	}
	for _, p := range o.Only {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// TestResult is the outcome of one Rego test.
type TestResult struct {
	Package  string
	Name     string
	File     string
	Row      int
	Pass     bool
	Skip     bool
	Err      error
	Output   string
	Duration time.Duration
}

// TestReport is the outcome of a test run.
type TestReport struct {
	Results []TestResult
	// Coverage is set when TestOptions.Coverage is: line coverage of the
	// policy modules, *_test.rego files excluded.
	Coverage *cover.Report
}

// Failed counts the tests that did not pass and were not skipped.
func (r *TestReport) Failed() int {
	n := 0
	for _, t := range r.Results {
		if !t.Pass && !t.Skip {
			n++
		}
	}
	return n
}

// RunTests runs every test_ rule of b (loaded with tests, see LoadOptions)
// with OPA's tester, the engine opa test uses.
func RunTests(ctx context.Context, b *bundle.Bundle, opts TestOptions) (*TestReport, error) {
	store := inmem.New()
	txn, err := store.NewTransaction(ctx, storage.WriteParams)
	if err != nil {
		return nil, err
	}
	defer store.Abort(ctx, txn)
	var cov *cover.Cover
	runner := tester.NewRunner().
		SetStore(store).
		SetBundles(map[string]*bundle.Bundle{"kaiji": b}).
		CapturePrintOutput(true).
		SetTimeout(cmpDuration(opts.Timeout, 10*time.Second)).
		Filter(opts.Run)
	if opts.Inline {
		c := ast.NewCompiler().
			WithCapabilities(accel.Capabilities()).
			WithEnablePrintStatements(true).
			WithDefaultRegoVersion(ast.RegoV1)
		runner = runner.SetCompiler(accel.WithStages(c, func(string) bool { return true })).
			AddCustomBuiltins(accel.TesterBuiltins())
	}
	if opts.Coverage {
		cov = cover.New()
		runner = runner.SetCoverageQueryTracer(cov)
	}
	ch, err := runner.RunTests(ctx, txn)
	if err != nil {
		return nil, fmt.Errorf("run tests: %w", err)
	}
	rep := &TestReport{}
	for r := range ch {
		t := TestResult{
			Package:  strings.TrimPrefix(r.Package, "data."),
			Name:     r.Name,
			Pass:     r.Pass(),
			Skip:     r.Skip,
			Err:      r.Error,
			Output:   string(r.Output),
			Duration: r.Duration,
		}
		if r.Location != nil {
			t.File, t.Row = r.Location.File, r.Location.Row
		}
		if !opts.includes(t.File) {
			continue
		}
		rep.Results = append(rep.Results, t)
	}
	sort.Slice(rep.Results, func(i, j int) bool {
		a, b := rep.Results[i], rep.Results[j]
		if a.Package != b.Package {
			return a.Package < b.Package
		}
		return a.Name < b.Name
	})
	if cov != nil {
		mods := map[string]*ast.Module{}
		for _, m := range b.Modules {
			if !strings.HasSuffix(m.Path, "_test.rego") && opts.includes(m.Path) {
				mods[m.Path] = m.Parsed
			}
		}
		report := cov.Report(mods)
		// The tracer also records lines of modules left out (tests, the
		// library under --policy): keep only the modules asked about.
		covered, notCovered := 0, 0
		for f, fr := range report.Files {
			if mods[f] == nil {
				delete(report.Files, f)
				continue
			}
			covered += fr.CoveredLines
			notCovered += fr.NotCoveredLines
		}
		report.CoveredLines, report.NotCoveredLines = covered, notCovered
		report.Coverage = 0
		if covered+notCovered > 0 {
			report.Coverage = 100 * float64(covered) / float64(covered+notCovered)
		}
		rep.Coverage = &report
	}
	return rep, nil
}

func cmpDuration(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
