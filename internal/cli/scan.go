package cli

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/internal/baseline"
	"github.com/kaiji-dev/kaiji/internal/claims"
	"github.com/kaiji-dev/kaiji/internal/engine"
	"github.com/kaiji-dev/kaiji/internal/gcpace"
	"github.com/kaiji-dev/kaiji/internal/report"
	"github.com/kaiji-dev/kaiji/internal/results"
	"github.com/kaiji-dev/kaiji/internal/version"
	"github.com/kaiji-dev/kaiji/internal/waiver"
)

// ScanOptions are the options of kaiji scan.
type ScanOptions struct {
	IO         *IOStreams
	Collect    CollectOptions
	ClaimsFile string
	Pattern    int
	Format     string
	Output     string
	FailOn     string
	Lang       string
	Baseline   string
	Waivers    string
	Also       []string
	Now        string
	Policy     PolicySource
	Extend     PolicyExtension
	// Strict makes any warning or error diagnostic fail the scan with exit code 2.
	Strict bool
}

// NewCmdScan checks a disclosure sheet against the infrastructure.
func NewCmdScan(ios *IOStreams, runF func(*ScanOptions) error) *cobra.Command {
	opts := &ScanOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "scan PATH...",
		Short: "Check the disclosure claims and guideline controls against the infrastructure",
		Long: `Read the infrastructure under PATH (Terraform directories and files), evaluate
the claims of the disclosure sheet (--claims) and the guideline's controls at
the reference values of the service pattern (--pattern), and report a verdict
for each with the file and line behind it.

Hostile or broken input never stops a scan: a file that cannot be read is a
diagnostic naming it (and the line), the other files are still read, and no
claim is reported supported while an input it might rest on is unreadable.
The --max-* flags and --timeout bound what a single input can cost
(docs/limits.md); --strict fails the scan on any warning or error diagnostic.

Exit codes: 0 nothing failing, 1 failing verdicts per --fail-on, 2 usage or
input errors (with --strict, also any diagnostic), 3 internal errors.`,
		Example: `  kaiji scan --claims disclosure.yaml infra/
  kaiji scan --claims disclosure.yaml --pattern 2 --format json -o results.json infra/
  kaiji scan --claims disclosure.yaml --fail-on contradicted,unproven --lang ja infra/
  kaiji scan --claims disclosure.yaml --strict --timeout 2m --max-file-size 8388608 infra/`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Collect.Paths = args
			if err := opts.validate(cmd); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return scanRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.ClaimsFile, "claims", "c", "", "claims file (kaiji/v1 Disclosure YAML)")
	f.IntVarP(&opts.Pattern, "pattern", "p", 0, "service pattern 1–6 (default: the claims file's, else 1)")
	f.StringVarP(&opts.Format, "format", "f", report.FormatText, "output format: "+strings.Join(report.Formats(), ", "))
	f.StringVarP(&opts.Output, "output", "o", "", "write the report to this file instead of standard output")
	f.StringVar(&opts.FailOn, "fail-on", "contradicted", "verdicts that fail the scan: "+strings.Join(results.FailOnValues(), ", "))
	f.StringVar(&opts.Lang, "lang", defaultLang(), "report language: ja or en")
	f.StringVar(&opts.Baseline, "baseline", "", "results JSON of the base branch: report and fail only on what the change makes worse")
	f.StringVar(&opts.Waivers, "waivers", "", "waivers file (YAML) in addition to inline kaiji:ignore comments")
	f.StringArrayVar(&opts.Also, "also", nil, "also write FORMAT=FILE from the same scan (repeatable; FILE - is standard output)")
	f.StringVar(&opts.Now, "now", "", "the date waivers expire against, YYYY-MM-DD (default today)")
	_ = f.MarkHidden("now")
	f.BoolVar(&opts.Strict, "strict", false, "exit with code 2 when any input has a warning or error diagnostic")
	opts.Collect.addFlags(f)
	opts.Policy.addFlags(f)
	opts.Extend.addFlags(f)
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(report.Formats(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("lang", cobra.FixedCompletions([]string{"ja", "en"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("pattern", cobra.FixedCompletions([]string{"1", "2", "3", "4", "5", "6"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func defaultLang() string {
	for _, v := range []string{os.Getenv("LC_ALL"), os.Getenv("LC_MESSAGES"), os.Getenv("LANG")} {
		if v != "" {
			if strings.HasPrefix(v, "ja") {
				return "ja"
			}
			return "en"
		}
	}
	return "en"
}

func (o *ScanOptions) validate(cmd *cobra.Command) error {
	if cmd.Flags().Changed("pattern") && (o.Pattern < 1 || o.Pattern > 6) {
		return flagErrorf("--pattern: want 1 to 6, have %d", o.Pattern)
	}
	if !report.IsFormat(o.Format) {
		return flagErrorf("--format: unknown format %q (want %s)", o.Format, strings.Join(report.Formats(), ", "))
	}
	if o.Lang != "ja" && o.Lang != "en" {
		return flagErrorf("--lang: want ja or en, have %q", o.Lang)
	}
	if _, err := results.ParseFailOn(o.FailOn); err != nil {
		return &FlagError{Err: err}
	}
	for _, a := range o.Also {
		format, file, ok := strings.Cut(a, "=")
		if !ok || file == "" || !report.IsFormat(format) {
			return flagErrorf("--also %q: want FORMAT=FILE with FORMAT one of %s", a, strings.Join(report.Formats(), ", "))
		}
	}
	if o.Now != "" {
		if _, err := time.Parse(time.DateOnly, o.Now); err != nil {
			return flagErrorf("--now: want YYYY-MM-DD, have %q", o.Now)
		}
	}
	return nil
}

func scanRun(ctx context.Context, opts *ScanOptions) error {
	failOn, _ := results.ParseFailOn(opts.FailOn)
	ctx, cancel := opts.Collect.withTimeout(ctx)
	defer cancel()
	run, finish, err := scan(ctx, opts)
	if err != nil {
		return timedOut(ctx, err)
	}
	defer finish()
	if err := writeReport(ctx, opts, opts.Format, opts.Output, run); err != nil {
		return err
	}
	for _, a := range opts.Also {
		format, file, _ := strings.Cut(a, "=")
		if file == "-" {
			file = ""
		}
		if err := writeReport(ctx, opts, format, file, run); err != nil {
			return err
		}
	}
	if n := strictCount(run); opts.Strict && n > 0 {
		return fmt.Errorf("%w: %d warnings or errors, listed in the report", ErrStrict, n)
	}
	if run.Fails(failOn) {
		return ErrFailing
	}
	return nil
}

// strictCount counts the diagnostics --strict fails on: warnings and errors.
func strictCount(run *results.Run) int {
	n := 0
	for _, d := range run.Diagnostics {
		if d.Severity == collectors.SeverityError || d.Severity == collectors.SeverityWarning {
			n++
		}
	}
	return n
}

// scan collects the facts, evaluates the claims and controls, applies
// waivers and the baseline, and returns the finalized run (also used by
// kaiji report), with the function that ends the garbage collector's
// settings for the work after the evaluation (gcpace.Finishing), to be
// called once the reports are written.
func scan(ctx context.Context, opts *ScanOptions) (*results.Run, func(), error) {
	disclosure := &claims.Disclosure{Edition: claims.EditionASPSaaS}
	if opts.ClaimsFile != "" {
		d, err := claims.LoadFile(opts.ClaimsFile)
		if err != nil {
			return nil, nil, &InputError{Err: err}
		}
		disclosure = d
	}
	pattern := cmp.Or(opts.Pattern, disclosure.Pattern, 1)

	// The policies compile while the collectors read the inputs; errors are
	// reported in the same order as when the two ran one after the other.
	type prepared struct {
		eng *engine.Engine
		err error
	}
	ready := make(chan prepared, 1)
	// When the collectors are still reading as the policies are compiled
	// (a large input), the decision is planned meanwhile (engine.PlanAhead);
	// otherwise as it is evaluated, if its size calls for the plan.
	var collecting atomic.Bool
	collecting.Store(true)
	go func() {
		eo, err := opts.Policy.engineOptions(ctx)
		if err == nil {
			eo, err = opts.Extend.apply(eo)
		}
		var eng *engine.Engine
		if err == nil {
			eng, err = engine.New(ctx, eo)
		}
		if err == nil && collecting.Load() {
			eng.PlanAhead()
		}
		ready <- prepared{eng, err}
	}()
	collected, err := opts.Collect.collect(ctx)
	collecting.Store(false)
	p := <-ready
	if err != nil {
		return nil, nil, err
	}
	if p.err != nil {
		return nil, nil, p.err
	}
	eng := p.eng
	// Inline waivers are matched to the facts now, so that the facts go to
	// the engine alone: it drops them once they are policy input, and a
	// large estate's facts are no longer held twice while the policies run.
	inline, inlineDiags := inlineWaivers(collected)
	facts := collected.Facts
	collected.Facts = nil
	claimsOut, controlsOut, err := eng.Evaluate(ctx, engine.Request{
		Facts: facts, Claims: disclosure.Inputs(), Pattern: pattern, Edition: disclosure.Edition,
	})
	if err != nil {
		return nil, nil, err
	}
	// The verdicts are the same either way, but a large scan on OPA's own
	// evaluator takes about twice as long: the user learns why.
	if why := eng.Declined(len(facts)); why != "" {
		fmt.Fprintf(opts.IO.ErrOut, "warning: OPA's planner declined the policies, so OPA's own evaluator evaluated them (slower on large inputs): %s\n", why)
	}
	finish := gcpace.Finishing()
	run := &results.Run{
		Tool:    results.Tool{Name: "kaiji", Version: version.String(), PolicyDigest: eng.PolicyDigest()},
		Service: disclosure.Service, Edition: disclosure.Edition, Pattern: pattern, ClaimsFile: opts.ClaimsFile,
		Claims: claimsOut, Controls: controlsOut, Diagnostics: collected.Diagnostics, Inputs: collected.Inputs,
	}
	if err := applyWaivers(opts, run, inline, inlineDiags); err != nil {
		finish()
		return nil, nil, err
	}
	if opts.Baseline != "" {
		base, err := baseline.Load(opts.Baseline)
		if err != nil {
			finish()
			return nil, nil, &InputError{Err: err}
		}
		run.Baseline = baseline.Compare(opts.Baseline, base, run)
	}
	attachSheet(run, disclosure, opts.ClaimsFile)
	run.Finalize()
	return run, finish, nil
}

// attachSheet copies the published sheet and each claim's row, line and
// normalized value into the run, for the filled-sheet, SARIF and HTML
// reports, and records the claims file among the inputs with its hash, so
// reports and evidence packs name the exact sheet that was checked.
func attachSheet(run *results.Run, d *claims.Disclosure, claimsFile string) {
	if claimsFile != "" {
		if data, err := os.ReadFile(claimsFile); err == nil {
			sum := sha256.Sum256(data)
			in := collectors.Input{Path: filepath.ToSlash(claimsFile), SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)), Collector: "claims"}
			run.Inputs = append([]collectors.Input{in}, run.Inputs...)
		}
	}
	if d.Sheet != nil {
		run.Sheet = &results.Sheet{File: d.Sheet.File, Columns: d.Sheet.Columns, Rows: d.Sheet.Rows}
	}
	for i := range run.Claims {
		c := &run.Claims[i]
		if c.Index >= 0 && c.Index < len(d.Claims) {
			c.Row, c.Line, c.Normalized = d.Claims[c.Index].Row, d.Claims[c.Index].Line, d.Claims[c.Index].Normalized
		}
	}
}

// inlineWaivers reads the kaiji:ignore comments of the scanned files that
// may hold them (waiver.MayHold) and matches them to the facts.
func inlineWaivers(collected collectors.Result) ([]results.Waiver, collectors.Diagnostics) {
	files := map[string][]byte{}
	for _, in := range collected.Inputs {
		if !waiver.MayHold(in.Path) {
			continue
		}
		data, err := os.ReadFile(in.Path)
		if err == nil && bytes.Contains(data, []byte(waiver.Directive)) {
			files[in.Path] = data
		}
	}
	return waiver.Inline(files, collected.Facts)
}

// applyWaivers adds the waivers file to the inline waivers and marks the
// verdicts they cover.
func applyWaivers(opts *ScanOptions, run *results.Run, ws []results.Waiver, diags collectors.Diagnostics) error {
	run.Diagnostics = append(run.Diagnostics, diags...)
	if opts.Waivers != "" {
		fw, err := waiver.LoadFile(opts.Waivers)
		if err != nil {
			return &InputError{Err: err}
		}
		ws = append(ws, fw...)
	}
	today := time.Now().UTC()
	if opts.Now != "" {
		today, _ = time.Parse(time.DateOnly, opts.Now)
	}
	waiver.Apply(run, ws, today)
	return nil
}

func writeReport(ctx context.Context, opts *ScanOptions, format, output string, run *results.Run) error {
	format = report.SheetFormatFor(format, output)
	var w io.Writer = opts.IO.Out
	color := output == "" && colorable(opts.IO.Out)
	var file *os.File
	if output != "" {
		f, err := os.Create(output)
		if err != nil {
			return &InputError{Err: fmt.Errorf("create output: %w", err)}
		}
		file, w = f, f
	}
	failOn, _ := results.ParseFailOn(opts.FailOn)
	rep, err := report.New(format, report.Options{Lang: opts.Lang, Color: color, FailOn: &failOn})
	if err != nil {
		return &FlagError{Err: err}
	}
	// Buffered: the HTML template alone made a write per fragment, a system
	// call each, a second of a 100k-resource report.
	bw := bufio.NewWriterSize(w, 64<<10)
	err = rep.Report(ctx, bw, run)
	if err == nil {
		err = bw.Flush()
	}
	if file != nil {
		err = errors.Join(err, file.Close())
	}
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
