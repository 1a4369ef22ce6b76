package cli

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/spf13/cobra"

	"github.com/kaiji-dev/kaiji/bundles"
	"github.com/kaiji-dev/kaiji/internal/claims"
	"github.com/kaiji-dev/kaiji/internal/engine"
)

// NewCmdExport groups the commands that hand kaiji's work to other tools.
func NewCmdExport(ios *IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Export kaiji's input document or Gatekeeper policies for other tools",
		Args:  noArgs,
	}
	cmd.AddCommand(NewCmdExportInput(ios, nil), NewCmdExportGatekeeper(ios, nil))
	return cmd
}

// ExportInputOptions are the options of kaiji export input.
type ExportInputOptions struct {
	IO         *IOStreams
	Collect    CollectOptions
	ClaimsFile string
	Pattern    int
	Output     string
}

// NewCmdExportInput writes the policy input document.
func NewCmdExportInput(ios *IOStreams, runF func(*ExportInputOptions) error) *cobra.Command {
	opts := &ExportInputOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "input PATH...",
		Short: "Write the input document kaiji's policies evaluate (for opa eval -i)",
		Long: `Write, as JSON, exactly the input document kaiji scan gives the policies:
facts indexed by kind, the claims, the pattern and the edition. With a bundle
from kaiji bundle build, opa eval and opa run then return the decisions kaiji
scan reports:

  opa eval -b kaiji.tar.gz -i input.json data.kaiji.main.result`,
		Example: `  kaiji export input --claims disclosure.yaml -o input.json infra/
  curl -s localhost:8181/v1/data/kaiji/main/result -d "{\"input\": $(kaiji export input --claims d.yaml infra/)}"`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Collect.Paths = args
			if cmd.Flags().Changed("pattern") && (opts.Pattern < 1 || opts.Pattern > 6) {
				return flagErrorf("--pattern: want 1 to 6, have %d", opts.Pattern)
			}
			if runF != nil {
				return runF(opts)
			}
			return exportInputRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.ClaimsFile, "claims", "c", "", "claims file (kaiji/v1 Disclosure YAML)")
	f.IntVarP(&opts.Pattern, "pattern", "p", 0, "service pattern 1–6 (default: the claims file's, else 1)")
	f.StringVarP(&opts.Output, "output", "o", "", "write to this file instead of standard output")
	opts.Collect.addFlags(f)
	return cmd
}

func exportInputRun(ctx context.Context, opts *ExportInputOptions) error {
	disclosure := &claims.Disclosure{Edition: claims.EditionASPSaaS}
	if opts.ClaimsFile != "" {
		d, err := claims.LoadFile(opts.ClaimsFile)
		if err != nil {
			return &InputError{Err: err}
		}
		disclosure = d
	}
	collected, err := opts.Collect.collect(ctx)
	if err != nil {
		return err
	}
	for _, d := range collected.Diagnostics {
		fmt.Fprintln(opts.IO.ErrOut, d.String())
	}
	in, err := engine.Input(engine.Request{
		Facts: collected.Facts, Claims: disclosure.Inputs(),
		Pattern: cmp.Or(opts.Pattern, disclosure.Pattern, 1), Edition: disclosure.Edition,
	})
	if err != nil {
		return err
	}
	doc, err := ast.JSON(in)
	if err != nil {
		return fmt.Errorf("encode input: %w", err)
	}
	js, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encode input: %w", err)
	}
	js = append(js, '\n')
	if opts.Output == "" {
		_, err = opts.IO.Out.Write(js)
		return err
	}
	if err := writeFileAtomic(opts.Output, js); err != nil {
		return &InputError{Err: err}
	}
	return nil
}

// ExportGatekeeperOptions are the options of kaiji export gatekeeper.
type ExportGatekeeperOptions struct {
	IO         *IOStreams
	ClaimsFile string
	Pattern    int
	Output     string
	Action     string
	Ext        PolicyExtension
}

// NewCmdExportGatekeeper writes ConstraintTemplates and Constraints.
func NewCmdExportGatekeeper(ios *IOStreams, runF func(*ExportGatekeeperOptions) error) *cobra.Command {
	opts := &ExportGatekeeperOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "gatekeeper -o DIR",
		Short: "Write Gatekeeper ConstraintTemplates and Constraints for the claims",
		Long: `Write Gatekeeper ConstraintTemplates (Rego reading input.review.object) and
Constraints whose parameters come from the disclosure claims and the
pattern's reference values, for clusters that already run Gatekeeper:

  KaijiLivenessProbe       workloads need a livenessProbe with periodSeconds at
                           most the claimed (monitoring.liveness_interval) or
                           reference (III.1.1.1 a) interval
  KaijiIngressTLS          Ingresses must terminate TLS when network encryption
                           (network.tls_min_version) is claimed
  KaijiLoadBalancerSourceRanges
                           LoadBalancer Services need loadBalancerSourceRanges
                           when a firewall (firewall.enabled) is claimed
  KaijiStorageClassEncryption
                           StorageClasses of AWS EBS provisioners must set
                           encrypted: "true" when encryption at rest
                           (encryption.at_rest) is claimed

A Constraint is written only when the claims make its rule apply. Apply DIR
with kubectl apply -f DIR/templates && kubectl apply -f DIR/constraints.
See docs/bundles.md.`,
		Example: `  kaiji export gatekeeper --claims disclosure.yaml -o gatekeeper/
  kaiji export gatekeeper --claims disclosure.yaml --action warn -o gatekeeper/`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Output == "" {
				return flagErrorf("--output is required")
			}
			if cmd.Flags().Changed("pattern") && (opts.Pattern < 1 || opts.Pattern > 6) {
				return flagErrorf("--pattern: want 1 to 6, have %d", opts.Pattern)
			}
			switch opts.Action {
			case "deny", "warn", "dryrun":
			default:
				return flagErrorf("--action: want deny, warn or dryrun, have %q", opts.Action)
			}
			if runF != nil {
				return runF(opts)
			}
			return exportGatekeeperRun(opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.ClaimsFile, "claims", "c", "", "claims file (kaiji/v1 Disclosure YAML)")
	f.IntVarP(&opts.Pattern, "pattern", "p", 0, "service pattern 1–6 (default: the claims file's, else 1)")
	f.StringVarP(&opts.Output, "output", "o", "", "directory to write templates/ and constraints/ into")
	f.StringVar(&opts.Action, "action", "deny", "enforcementAction of the constraints: deny, warn or dryrun")
	opts.Ext.addFlags(f)
	return cmd
}

func exportGatekeeperRun(opts *ExportGatekeeperOptions) error {
	disclosure := &claims.Disclosure{Edition: claims.EditionASPSaaS}
	if opts.ClaimsFile != "" {
		d, err := claims.LoadFile(opts.ClaimsFile)
		if err != nil {
			return &InputError{Err: err}
		}
		disclosure = d
	}
	gko := bundles.GatekeeperOptions{Disclosure: disclosure, Pattern: opts.Pattern, EnforcementAction: opts.Action}
	if len(opts.Ext.Dirs) > 0 || len(opts.Ext.DataFiles) > 0 {
		// Reference values overridden with --data set the parameters too.
		merged, err := opts.Ext.merged(false)
		if err != nil {
			return err
		}
		gko.Policies = merged
	}
	files, err := bundles.Gatekeeper(gko)
	if err != nil {
		return &InputError{Err: err}
	}
	for _, f := range files {
		if err := writeUnder(opts.Output, f.Path, f.Data); err != nil {
			return &InputError{Err: err}
		}
		fmt.Fprintf(opts.IO.ErrOut, "wrote %s/%s\n", opts.Output, f.Path)
	}
	return nil
}

func writeUnder(dir, rel string, data []byte) error {
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return writeFileAtomic(p, data)
}
