package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/internal/report"
)

// FactsOptions are the options of kaiji facts.
type FactsOptions struct {
	IO      *IOStreams
	Collect CollectOptions
	Format  string
}

// NewCmdFacts dumps what the collectors saw.
func NewCmdFacts(ios *IOStreams, runF func(*FactsOptions) error) *cobra.Command {
	opts := &FactsOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "facts PATH...",
		Short: "Print the normalized facts the collectors read from the infrastructure",
		Long: `Print the facts: every resource kaiji understood, normalized (durations in
seconds, TLS versions as "1.2"), with the file and line it came from, and the
values it could not know statically. Policies see exactly these.`,
		Example: `  kaiji facts infra/
  kaiji facts --format json infra/ k8s/ > facts.json`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Collect.Paths = args
			if opts.Format != "json" && opts.Format != "text" {
				return flagErrorf("--format: want json or text, have %q", opts.Format)
			}
			if runF != nil {
				return runF(opts)
			}
			return factsRun(cmd, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Format, "format", "f", "text", "output format: text or json")
	opts.Collect.addFlags(cmd.Flags())
	return cmd
}

func factsRun(cmd *cobra.Command, opts *FactsOptions) error {
	res, err := opts.Collect.collect(cmd.Context())
	if err != nil {
		return err
	}
	if opts.Format == "json" {
		return report.WriteJSON(opts.IO.Out, struct {
			Facts       []collectors.Fact      `json:"facts"`
			Diagnostics collectors.Diagnostics `json:"diagnostics"`
		}{res.Facts, res.Diagnostics})
	}
	return writeFactsText(opts.IO.Out, res)
}

func writeFactsText(w io.Writer, res collectors.Result) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "SOURCE\tKIND\tID\tATTRIBUTES\n")
	for _, f := range res.Facts {
		fmt.Fprintf(tw, "%s:%d\t%s\t%s\t%s\n", f.Source.File, f.Source.Line, f.Kind, f.ID, attrsLine(f))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, d := range res.Diagnostics {
		if _, err := fmt.Fprintln(w, d.String()); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "%d facts, %d diagnostics\n", len(res.Facts), len(res.Diagnostics))
	return err
}

func attrsLine(f collectors.Fact) string {
	var parts []string
	flatten("", f.Attrs, &parts)
	for _, u := range f.Unknown {
		parts = append(parts, strings.TrimPrefix(u, "attrs.")+"=?")
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func flatten(prefix string, m map[string]any, out *[]string) {
	for k, v := range m {
		p := k
		if prefix != "" {
			p = prefix + "." + k
		}
		if sub, ok := v.(map[string]any); ok && k != "tags" {
			flatten(p, sub, out)
			continue
		}
		*out = append(*out, fmt.Sprintf("%s=%v", p, v))
	}
}
