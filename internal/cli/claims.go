package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kaiji-dev/kaiji/internal/catalog"
	"github.com/kaiji-dev/kaiji/internal/claims"
	"github.com/kaiji-dev/kaiji/internal/engine"
	"github.com/kaiji-dev/kaiji/internal/report"
	"github.com/kaiji-dev/kaiji/internal/results"
)

// ClaimsOptions are the options of the kaiji claims commands.
type ClaimsOptions struct {
	IO      *IOStreams
	Verb    string // import, check, suggest, items, schema
	Args    []string
	Output  string
	Edition string
	Format  string
	Service string
	Pattern int
	Lang    string
	// Sheet is where suggest writes the sheet rows (Markdown).
	Sheet string
	// MinimumNotice is check's minimum notice before a service change.
	MinimumNotice string
	Collect       CollectOptions
}

// NewCmdClaims groups the commands that read, write and check disclosure
// sheets. runF, when set, receives the options instead of running.
func NewCmdClaims(ios *IOStreams, runF func(*ClaimsOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "claims",
		Short: "Import, check and suggest disclosure-sheet claims",
		Long: `Work with the disclosure sheet (情報開示) as claims: import a published sheet
(Markdown/pipe table, CSV, TSV, Excel) into a claims file, check it for
certification readiness, suggest the strongest claims the infrastructure
supports, and list the items of both guideline editions.`,
	}
	cmd.AddCommand(
		newCmdClaimsImport(ios, runF),
		newCmdClaimsCheck(ios, runF),
		newCmdClaimsSuggest(ios, runF),
		newCmdClaimsItems(ios, runF),
		newCmdClaimsSchema(ios, runF),
		newCmdClaimsValidate(ios, runF),
	)
	return cmd
}

func claimsRun(ctx context.Context, runF func(*ClaimsOptions) error, opts *ClaimsOptions) error {
	if runF != nil {
		return runF(opts)
	}
	switch opts.Verb {
	case "import":
		return claimsImportRun(opts)
	case "check":
		return claimsCheckRun(opts)
	case "suggest":
		return claimsSuggestRun(ctx, opts)
	case "items":
		return claimsItemsRun(opts)
	case "schema":
		_, err := opts.IO.Out.Write(claims.Schema())
		return err
	case "validate":
		return claimsValidateRun(opts)
	}
	return fmt.Errorf("claims: unknown verb %q", opts.Verb)
}

func validEdition(e string, empty bool) error {
	if e == "" && empty || slices.Contains(catalog.Editions(), e) {
		return nil
	}
	return flagErrorf("--edition: want %s, have %q", strings.Join(catalog.Editions(), " or "), e)
}

func newCmdClaimsImport(ios *IOStreams, runF func(*ClaimsOptions) error) *cobra.Command {
	opts := &ClaimsOptions{IO: ios, Verb: "import"}
	cmd := &cobra.Command{
		Use:   "import SHEET",
		Short: "Read a published disclosure sheet into a claims file",
		Long: `Read a published disclosure sheet — a Markdown or pipe table as in seed 002,
CSV, TSV (UTF-8 or Shift_JIS) or an Excel workbook — and write a claims file.
Every statement of an infrastructure-relevant item becomes a claim with its
normalized value and original text; a statement kaiji cannot read is kept with
value: null and a warning naming its row. The whole table is kept under sheet:
for the filled-in sheet report. The edition is detected from the item names
unless --edition is given. SHEET - reads standard input (give --format).`,
		Example: `  kaiji claims import disclosure.md -o disclosure.yaml
  kaiji claims import 情報開示.xlsx --edition asp-saas -o disclosure.yaml
  kaiji claims import sheet.csv --pattern 2 > disclosure.yaml
  pdftotext -layout sheet.pdf - | kaiji claims import --format md -`,
		Args: claimsArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			if err := validEdition(opts.Edition, true); err != nil {
				return err
			}
			if opts.Format != "" && !slices.Contains(claims.SheetFormats(), opts.Format) {
				return flagErrorf("--format: want %s, have %q", strings.Join(claims.SheetFormats(), ", "), opts.Format)
			}
			if cmd.Flags().Changed("pattern") && (opts.Pattern < 1 || opts.Pattern > 6) {
				return flagErrorf("--pattern: want 1 to 6, have %d", opts.Pattern)
			}
			return claimsRun(cmd.Context(), runF, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Output, "output", "o", "", "write the claims file here instead of standard output")
	f.StringVar(&opts.Edition, "edition", "", "item numbering of the sheet: "+strings.Join(catalog.Editions(), " or ")+" (default: detected)")
	f.StringVarP(&opts.Format, "format", "f", "", "sheet format: "+strings.Join(claims.SheetFormats(), ", ")+" (default: from the file name)")
	f.StringVar(&opts.Service, "service", "", "service name (default: the sheet's サービス名称)")
	f.IntVarP(&opts.Pattern, "pattern", "p", 0, "service pattern 1–6 to record in the claims file")
	_ = cmd.RegisterFlagCompletionFunc("edition", cobra.FixedCompletions(catalog.Editions(), cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(claims.SheetFormats(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func claimsImportRun(opts *ClaimsOptions) error {
	name := opts.Args[0]
	var data []byte
	var err error
	if name == "-" {
		name = "stdin"
		data, err = io.ReadAll(opts.IO.In)
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		return &InputError{Err: fmt.Errorf("read sheet: %w", err)}
	}
	res, err := claims.Import(name, data, claims.ImportOptions{Format: opts.Format, Edition: opts.Edition})
	if err != nil {
		return &InputError{Err: err}
	}
	if opts.Service != "" {
		res.Disclosure.Service = opts.Service
	}
	res.Disclosure.Pattern = opts.Pattern
	var buf bytes.Buffer
	if err := claims.Encode(&buf, res.Disclosure, claims.EncodeOptions{Header: claims.ImportHeader(res), Notes: claims.WarningNotes(res)}); err != nil {
		return err
	}
	if err := writeOut(opts.IO.Out, opts.Output, buf.Bytes()); err != nil {
		return err
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(opts.IO.ErrOut, "warning: %s\n", w)
	}
	st := res.Stats
	fmt.Fprintf(opts.IO.ErrOut, "imported %s: edition %s, %d statements, %d claims (%d normalized, %d null)\n",
		name, st.Edition, st.Statements, st.Claims, st.Normalized, st.Null)
	return nil
}

// writeOut writes to the file, or to out when file is empty.
func writeOut(out io.Writer, file string, data []byte) error {
	if file == "" {
		_, err := out.Write(data)
		return err
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		return &InputError{Err: fmt.Errorf("write output: %w", err)}
	}
	return nil
}

func newCmdClaimsCheck(ios *IOStreams, runF func(*ClaimsOptions) error) *cobra.Command {
	opts := &ClaimsOptions{IO: ios, Verb: "check"}
	cmd := &cobra.Command{
		Use:   "check FILE",
		Short: "Check a claims file for certification readiness (seed 001 §5(2))",
		Long: `Check a claims file against the certification criteria of the ASPIC scheme
(認定制度の概要 5(2)): every mandatory item disclosed, every measure that must be
in place (monitoring, anti-virus, admin rights, ID/password, logs, patching,
firewall, user authentication, IoT device authentication, contact, maintenance
notice, failure notice) claimed present, and the notice before a service change
or termination at least the minimum. A file made by claims import carries its
sheet, so every item is checked; a hand-written file only its claims.

Exit codes: 0 ready (findings to review may remain), 1 blockers, 2 input errors.`,
		Example: `  kaiji claims check disclosure.yaml
  kaiji claims check --format json --minimum-notice 3mo disclosure.yaml`,
		Args: claimsArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			if opts.Format != "text" && opts.Format != "json" {
				return flagErrorf("--format: want text or json, have %q", opts.Format)
			}
			if opts.Lang != "ja" && opts.Lang != "en" {
				return flagErrorf("--lang: want ja or en, have %q", opts.Lang)
			}
			if _, err := claims.ParseDuration(opts.MinimumNotice); err != nil {
				return flagErrorf("--minimum-notice: %v", err)
			}
			return claimsRun(cmd.Context(), runF, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Format, "format", "f", "text", "output format: text or json")
	f.StringVarP(&opts.Output, "output", "o", "", "write the result here instead of standard output")
	f.StringVar(&opts.Lang, "lang", defaultLang(), "text language: ja or en")
	f.StringVar(&opts.MinimumNotice, "minimum-notice", claims.DefaultMinimumNotice, "minimum notice before a service change or termination (seed 001 does not state it)")
	return cmd
}

func claimsCheckRun(opts *ClaimsOptions) error {
	d, err := claims.LoadFile(opts.Args[0])
	if err != nil {
		return &InputError{Err: err}
	}
	r, err := claims.CheckReadiness(d, claims.ReadinessOptions{MinimumNotice: opts.MinimumNotice})
	if err != nil {
		return &FlagError{Err: err}
	}
	var buf bytes.Buffer
	if opts.Format == "json" {
		err = report.WriteJSON(&buf, r)
	} else {
		err = claims.WriteReadiness(&buf, r, opts.Lang)
	}
	if err != nil {
		return err
	}
	if err := writeOut(opts.IO.Out, opts.Output, buf.Bytes()); err != nil {
		return err
	}
	if !r.Ready {
		return ErrFailing
	}
	return nil
}

func newCmdClaimsSuggest(ios *IOStreams, runF func(*ClaimsOptions) error) *cobra.Command {
	opts := &ClaimsOptions{IO: ios, Verb: "suggest"}
	cmd := &cobra.Command{
		Use:   "suggest PATH...",
		Short: "Suggest the strongest claims the infrastructure supports",
		Long: `Read the infrastructure under PATH and write the strongest claims it supports
— backup interval and generations, log retention, encryption, TLS version,
data location, monitoring, detection … — as a claims file, each with its
evidence, and (--sheet) as rows of the disclosure table in the guideline's
Japanese phrasing (「1回/1日」「7世代」「1年以上」). Every suggestion is judged by the
same policies as scan: scanning with the suggested claims gives only
supported verdicts.`,
		Example: `  kaiji claims suggest infra/ -o disclosure.yaml
  kaiji claims suggest --edition iot-asp-saas --sheet rows.md infra/ k8s/`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Collect.Paths = args
			if err := validEdition(opts.Edition, false); err != nil {
				return err
			}
			if cmd.Flags().Changed("pattern") && (opts.Pattern < 1 || opts.Pattern > 6) {
				return flagErrorf("--pattern: want 1 to 6, have %d", opts.Pattern)
			}
			return claimsRun(cmd.Context(), runF, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Output, "output", "o", "", "write the claims file here instead of standard output")
	f.StringVar(&opts.Sheet, "sheet", "", "also write the suggestions as disclosure-table rows (Markdown) to this file (- for standard output)")
	f.StringVar(&opts.Edition, "edition", catalog.EditionASPSaaS, "item numbering: "+strings.Join(catalog.Editions(), " or "))
	f.StringVar(&opts.Service, "service", "", "service name to record")
	f.IntVarP(&opts.Pattern, "pattern", "p", 0, "service pattern 1–6 to record")
	opts.Collect.addFlags(f)
	_ = cmd.RegisterFlagCompletionFunc("edition", cobra.FixedCompletions(catalog.Editions(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func claimsSuggestRun(ctx context.Context, opts *ClaimsOptions) error {
	collected, err := opts.Collect.collect(ctx)
	if err != nil {
		return err
	}
	cands := claims.Candidates(opts.Edition, collected.Facts)
	eng, err := engine.New(ctx, engine.Options{})
	if err != nil {
		return err
	}
	cand := &claims.Disclosure{Edition: opts.Edition, Claims: cands}
	verdicts, _, err := eng.Evaluate(ctx, engine.Request{Facts: collected.Facts, Claims: cand.Inputs(), Pattern: max(opts.Pattern, 1), Edition: opts.Edition})
	if err != nil {
		return err
	}
	byIndex := map[int]results.Claim{}
	for _, v := range verdicts {
		byIndex[v.Index] = v
	}
	d := &claims.Disclosure{APIVersion: claims.APIVersion, Kind: claims.Kind, Service: opts.Service, Edition: opts.Edition, Pattern: opts.Pattern}
	var sugg []claims.Suggestion
	notes := map[int]string{}
	for _, i := range claims.Strongest(cands, func(i int) bool { return byIndex[i].Verdict == results.Supported }) {
		var ev []string
		for _, e := range byIndex[i].Evidence {
			ev = append(ev, fmt.Sprintf("%s:%d", e.File, e.Line))
		}
		slices.Sort(ev)
		ev = slices.Compact(ev)
		notes[len(d.Claims)] = "evidence: " + strings.Join(ev, " ")
		d.Claims = append(d.Claims, cands[i])
		sugg = append(sugg, claims.Suggestion{Claim: cands[i], Evidence: ev})
	}
	slices.SortStableFunc(sugg, func(a, b claims.Suggestion) int { return a.Claim.Item - b.Claim.Item })
	d.Claims = d.Claims[:0]
	notes = map[int]string{}
	for i, s := range sugg {
		d.Claims = append(d.Claims, s.Claim)
		notes[i] = "evidence: " + strings.Join(s.Evidence, " ")
	}
	claims.Strengthen(d.Claims)
	for i := range sugg {
		sugg[i].Claim = d.Claims[i]
	}
	header := []string{
		"Suggested by kaiji claims suggest from " + strings.Join(opts.Collect.Paths, " ") + ": the strongest claims the scanned",
		"infrastructure supports, each judged supported by the built-in policies (evidence in the comments).",
	}
	var buf bytes.Buffer
	if err := claims.Encode(&buf, d, claims.EncodeOptions{Header: header, Notes: notes}); err != nil {
		return err
	}
	if err := writeOut(opts.IO.Out, opts.Output, buf.Bytes()); err != nil {
		return err
	}
	if opts.Sheet != "" {
		var rows bytes.Buffer
		if err := claims.WriteSheetRows(&rows, opts.Edition, sugg); err != nil {
			return err
		}
		file := opts.Sheet
		if file == "-" {
			file = ""
		}
		if err := writeOut(opts.IO.Out, file, rows.Bytes()); err != nil {
			return err
		}
	}
	fmt.Fprintf(opts.IO.ErrOut, "suggested %d claims from %d candidates\n", len(d.Claims), len(cands))
	return nil
}

func newCmdClaimsItems(ios *IOStreams, runF func(*ClaimsOptions) error) *cobra.Command {
	opts := &ClaimsOptions{IO: ios, Verb: "items"}
	cmd := &cobra.Command{
		Use:   "items",
		Short: "List the disclosure items of an edition",
		Long: `List the disclosure items of a guideline edition: number, name (ja, en),
mandatory or optional, the certification requirement of seed 001 §5(2), and the
item's number in the other edition.`,
		Example: `  kaiji claims items
  kaiji claims items --edition iot-asp-saas --format json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validEdition(opts.Edition, false); err != nil {
				return err
			}
			if opts.Format != "text" && opts.Format != "json" {
				return flagErrorf("--format: want text or json, have %q", opts.Format)
			}
			return claimsRun(cmd.Context(), runF, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Edition, "edition", catalog.EditionASPSaaS, "edition: "+strings.Join(catalog.Editions(), " or "))
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "text", "output format: text or json")
	return cmd
}

func claimsItemsRun(opts *ClaimsOptions) error {
	items := catalog.Default().Items(opts.Edition)
	if opts.Format == "json" {
		return report.WriteJSON(opts.IO.Out, items)
	}
	other := catalog.EditionIoT
	if opts.Edition == catalog.EditionIoT {
		other = catalog.EditionASPSaaS
	}
	rows := [][]string{{"NO", strings.ToUpper(other), "MANDATORY", "CERTIFICATION", "NAME"}}
	for _, it := range items {
		o := it.IoTNumber
		if opts.Edition == catalog.EditionIoT {
			o = it.ASPSaaSNumber
		}
		on := "-"
		if o != 0 {
			on = fmt.Sprint(o)
		}
		name := it.NameJa
		if it.NameEn != "" {
			name += " / " + it.NameEn
		}
		if it.Uncertain {
			name += " (?)"
		}
		rows = append(rows, []string{fmt.Sprint(it.Number), on, orDash(string(it.Mandatory)), orDash(string(it.Certification)), name})
	}
	return claims.WriteAligned(opts.IO.Out, rows)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func newCmdClaimsSchema(ios *IOStreams, runF func(*ClaimsOptions) error) *cobra.Command {
	opts := &ClaimsOptions{IO: ios, Verb: "schema"}
	return &cobra.Command{
		Use:     "schema",
		Short:   "Print the JSON Schema of claims files",
		Long:    "Print the JSON Schema of claims files, for editors to validate and complete them.",
		Example: "  kaiji claims schema > claims.schema.json",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return claimsRun(cmd.Context(), runF, opts)
		},
	}
}

func newCmdClaimsValidate(ios *IOStreams, runF func(*ClaimsOptions) error) *cobra.Command {
	opts := &ClaimsOptions{IO: ios, Verb: "validate"}
	return &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check claims files against the schema and the loader",
		Long: `Check claims files: the JSON Schema (what editors see) and the loader (every
value readable for its key), with the file and line of each problem.`,
		Example: "  kaiji claims validate disclosure.yaml",
		Args:    minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			return claimsRun(cmd.Context(), runF, opts)
		},
	}
}

func claimsValidateRun(opts *ClaimsOptions) error {
	var errs []error
	for _, file := range opts.Args {
		data, err := os.ReadFile(file)
		if err != nil {
			errs = append(errs, fmt.Errorf("read claims: %w", err))
			continue
		}
		if err := claims.ValidateSchema(file, data); err != nil {
			errs = append(errs, err)
		}
		d, err := claims.Parse(file, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		nulls := 0
		for _, c := range d.Claims {
			if c.Value == nil {
				nulls++
			}
		}
		fmt.Fprintf(opts.IO.Out, "%s: %d claims (%d null), edition %s\n", file, len(d.Claims), nulls, d.Edition)
	}
	if len(errs) > 0 {
		return &InputError{Err: errors.Join(errs...)}
	}
	return nil
}

// claimsArgs is cobra.ExactArgs returning a usage error (exit code 2).
func claimsArgs(n int) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return &FlagError{Err: err}
		}
		return nil
	}
}
