package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mattn/go-runewidth"
	"github.com/open-policy-agent/opa/v1/bundle"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kaiji-dev/kaiji/internal/engine"
	"github.com/kaiji-dev/kaiji/internal/report"
	"github.com/kaiji-dev/kaiji/policies"
)

// PolicyExtension adds user policy directories (--policy) and data files
// (--data) to the built-in library.
type PolicyExtension struct {
	Dirs      []string
	DataFiles []string
}

func (p *PolicyExtension) addFlags(f *pflag.FlagSet) {
	f.StringArrayVar(&p.Dirs, "policy", nil, "add the Rego policies (and data/ files) of this directory to the built-in library (repeatable)")
	f.StringArrayVar(&p.DataFiles, "data", nil, "merge this YAML/JSON file over the built-in data of the same name, e.g. reference.yaml or regions.yaml (repeatable)")
}

// bundles loads the directories and data files, with *_test.rego when tests is set.
func (p *PolicyExtension) bundles(tests bool) ([]*bundle.Bundle, error) {
	var out []*bundle.Bundle
	for _, dir := range p.Dirs {
		st, err := os.Stat(dir)
		if err != nil {
			return nil, &InputError{Err: fmt.Errorf("--policy: %w", err)}
		}
		if !st.IsDir() {
			return nil, &InputError{Err: fmt.Errorf("--policy %s: not a directory", dir)}
		}
		b, err := policies.Load(os.DirFS(dir), filepath.ToSlash(filepath.Clean(dir)), policies.LoadOptions{Tests: tests})
		if err != nil {
			return nil, &InputError{Err: fmt.Errorf("--policy %s: %w", dir, err)}
		}
		out = append(out, b)
	}
	for _, file := range p.DataFiles {
		b, err := policies.LoadDataFile(file)
		if err != nil {
			return nil, &InputError{Err: fmt.Errorf("--data: %w", err)}
		}
		out = append(out, b)
	}
	return out, nil
}

// apply adds the user's policies and data to engine options.
func (p *PolicyExtension) apply(eo engine.Options) (engine.Options, error) {
	extra, err := p.bundles(false)
	if err != nil {
		return eo, err
	}
	eo.Extra = append(eo.Extra, extra...)
	return eo, nil
}

// merged is the built-in library (with tests when asked) plus the user's.
func (p *PolicyExtension) merged(tests bool) (*bundle.Bundle, error) {
	base, err := policies.Load(policies.FS, "policies", policies.LoadOptions{Tests: tests})
	if err != nil {
		return nil, err
	}
	extra, err := p.bundles(tests)
	if err != nil {
		return nil, err
	}
	b, err := policies.Merge(base, extra...)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	return b, nil
}

// NewCmdPolicy groups the policy library commands.
func NewCmdPolicy(ios *IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "List and test the policy library",
		Long: `Work with the Rego policy library: list what each policy covers, and run the
Rego tests with OPA's tester. User policies (--policy DIR) and data overrides
(--data FILE) are added exactly as kaiji scan adds them.`,
	}
	cmd.AddCommand(NewCmdPolicyList(ios, nil), NewCmdPolicyTest(ios, nil))
	return cmd
}

// PolicyListOptions are the options of kaiji policy list.
type PolicyListOptions struct {
	IO     *IOStreams
	Ext    PolicyExtension
	Format string
}

// NewCmdPolicyList lists the policies from their METADATA.
func NewCmdPolicyList(ios *IOStreams, runF func(*PolicyListOptions) error) *cobra.Command {
	opts := &PolicyListOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the policies: id, title, what they cover, the facts they read",
		Long: `List every claim and control policy from its METADATA annotation: its id,
its title (Japanese / English), the claim keys and disclosure items (per
edition) or guideline controls it covers, and the fact kinds it reads.`,
		Example: `  kaiji policy list
  kaiji policy list --policy ./my-policies --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Format != "text" && opts.Format != "json" {
				return flagErrorf("--format: want text or json, have %q", opts.Format)
			}
			if runF != nil {
				return runF(opts)
			}
			return policyListRun(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "text", "output format: text or json")
	opts.Ext.addFlags(cmd.Flags())
	return cmd
}

func policyListRun(opts *PolicyListOptions) error {
	b, err := opts.Ext.merged(false)
	if err != nil {
		return err
	}
	infos, err := policies.List(b)
	if err != nil {
		return &InputError{Err: err}
	}
	if opts.Format == "json" {
		return report.WriteJSON(opts.IO.Out, infos)
	}
	rows := [][]string{{"ID", "TITLE", "COVERS", "READS"}}
	for _, i := range infos {
		rows = append(rows, []string{i.ID, i.Title, i.Covers(), strings.Join(i.Reads, ",")})
	}
	return writeAligned(opts.IO.Out, rows)
}

// writeAligned writes rows with columns aligned by display width, so that
// Japanese titles (two cells per character) line up.
func writeAligned(w io.Writer, rows [][]string) error {
	widths := map[int]int{}
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], runewidth.StringWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-runewidth.StringWidth(c)+2))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// PolicyTestOptions are the options of kaiji policy test.
type PolicyTestOptions struct {
	IO        *IOStreams
	Ext       PolicyExtension
	Coverage  bool
	Threshold float64
	Run       string
	Verbose   bool
	Format    string
}

// NewCmdPolicyTest runs the Rego tests.
func NewCmdPolicyTest(ios *IOStreams, runF func(*PolicyTestOptions) error) *cobra.Command {
	opts := &PolicyTestOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "test",
		Short: "Run the Rego tests of the policy library (and of --policy directories)",
		Long: `Run every test_ rule of the *_test.rego files with OPA's tester. With --policy,
only the tests (and coverage) of those directories are reported; the built-in
library is loaded so that user policies can use its helpers. --coverage reports
line coverage of the policy modules (test files excluded) and fails below
--threshold.

Exit codes: 0 all tests pass (and coverage reaches the threshold), 1 a test
fails or coverage is below the threshold, 2 usage or input errors.`,
		Example: `  kaiji policy test --coverage
  kaiji policy test --policy docs/examples/policies -v
  kaiji policy test --run 'controls\.' --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Format != "text" && opts.Format != "json" {
				return flagErrorf("--format: want text or json, have %q", opts.Format)
			}
			if opts.Threshold < 0 || opts.Threshold > 100 {
				return flagErrorf("--threshold: want 0 to 100, have %v", opts.Threshold)
			}
			if cmd.Flags().Changed("threshold") {
				opts.Coverage = true
			}
			if runF != nil {
				return runF(opts)
			}
			return policyTestRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.Coverage, "coverage", false, "report policy line coverage and fail below --threshold")
	f.Float64Var(&opts.Threshold, "threshold", 90, "minimum coverage percentage with --coverage")
	f.StringVarP(&opts.Run, "run", "r", "", "run only tests whose package.name matches this regular expression")
	f.BoolVarP(&opts.Verbose, "verbose", "v", false, "list every test, not only failures")
	f.StringVarP(&opts.Format, "format", "f", "text", "output format: text or json")
	opts.Ext.addFlags(f)
	return cmd
}

func policyTestRun(ctx context.Context, opts *PolicyTestOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	b, err := opts.Ext.merged(true)
	if err != nil {
		return err
	}
	to := policies.TestOptions{Run: opts.Run, Coverage: opts.Coverage}
	for _, d := range opts.Ext.Dirs {
		to.Only = append(to.Only, filepath.ToSlash(filepath.Clean(d))+"/")
	}
	rep, err := policies.RunTests(ctx, b, to)
	if err != nil {
		return &InputError{Err: err}
	}
	if opts.Format == "json" {
		err = writeTestJSON(opts.IO.Out, rep)
	} else {
		err = writeTestText(opts.IO.Out, rep, opts)
	}
	if err != nil {
		return err
	}
	if len(rep.Results) == 0 {
		return &InputError{Err: fmt.Errorf("no tests found")}
	}
	if rep.Failed() > 0 {
		return ErrFailing
	}
	if rep.Coverage != nil && rep.Coverage.Coverage < opts.Threshold {
		fmt.Fprintf(opts.IO.ErrOut, "coverage %.1f%% is below the threshold %.1f%%\n", rep.Coverage.Coverage, opts.Threshold)
		return ErrFailing
	}
	return nil
}

func writeTestText(w io.Writer, rep *policies.TestReport, opts *PolicyTestOptions) error {
	pass, skip := 0, 0
	for _, r := range rep.Results {
		name := r.Package + "." + r.Name
		switch {
		case r.Skip:
			skip++
			if opts.Verbose {
				fmt.Fprintf(w, "SKIP  %s\n", name)
			}
		case r.Pass:
			pass++
			if opts.Verbose {
				fmt.Fprintf(w, "PASS  %s (%s)\n", name, r.Duration.Round(100_000))
			}
		default:
			fmt.Fprintf(w, "FAIL  %s (%s:%d)\n", name, r.File, r.Row)
			if r.Err != nil {
				fmt.Fprintf(w, "      %v\n", r.Err)
			}
			if out := strings.TrimSpace(r.Output); out != "" {
				for _, l := range strings.Split(out, "\n") {
					fmt.Fprintf(w, "      %s\n", l)
				}
			}
		}
	}
	fmt.Fprintf(w, "%d passed, %d failed, %d skipped\n", pass, rep.Failed(), skip)
	if rep.Coverage != nil {
		files := make([]string, 0, len(rep.Coverage.Files))
		for f := range rep.Coverage.Files {
			files = append(files, f)
		}
		sort.Strings(files)
		if opts.Verbose {
			for _, f := range files {
				fmt.Fprintf(w, "  %6.1f%%  %s\n", rep.Coverage.Files[f].Coverage, f)
			}
		}
		fmt.Fprintf(w, "coverage: %.1f%% of %d policy lines\n", rep.Coverage.Coverage, rep.Coverage.CoveredLines+rep.Coverage.NotCoveredLines)
	}
	return nil
}

func writeTestJSON(w io.Writer, rep *policies.TestReport) error {
	type result struct {
		Package  string `json:"package"`
		Name     string `json:"name"`
		File     string `json:"file"`
		Row      int    `json:"row"`
		Outcome  string `json:"outcome"`
		Error    string `json:"error,omitempty"`
		Output   string `json:"output,omitempty"`
		Duration int64  `json:"duration_ns"`
	}
	out := struct {
		Tests    []result `json:"tests"`
		Passed   int      `json:"passed"`
		Failed   int      `json:"failed"`
		Coverage *float64 `json:"coverage,omitempty"`
		Files    any      `json:"files,omitempty"`
	}{Tests: []result{}, Failed: rep.Failed()}
	for _, r := range rep.Results {
		x := result{Package: r.Package, Name: r.Name, File: r.File, Row: r.Row, Output: r.Output, Duration: r.Duration.Nanoseconds()}
		switch {
		case r.Skip:
			x.Outcome = "skip"
		case r.Pass:
			x.Outcome = "pass"
			out.Passed++
		default:
			x.Outcome = "fail"
		}
		if r.Err != nil {
			x.Error = r.Err.Error()
		}
		out.Tests = append(out.Tests, x)
	}
	if rep.Coverage != nil {
		c := rep.Coverage.Coverage
		out.Coverage = &c
		files := map[string]float64{}
		for f, fr := range rep.Coverage.Files {
			files[f] = fr.Coverage
		}
		out.Files = files
	}
	return report.WriteJSON(w, out)
}
