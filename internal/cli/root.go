package cli

import (
	"github.com/spf13/cobra"

	"github.com/kaiji-dev/kaiji/internal/version"
)

// NewRootCmd builds the kaiji command tree.
func NewRootCmd(ios *IOStreams) *cobra.Command {
	root := &cobra.Command{
		Use:   "kaiji",
		Short: "Prove a cloud service's disclosure sheet (情報開示) against its infrastructure",
		Long: `kaiji reads the infrastructure that runs a service (Terraform, plan JSON,
Kubernetes manifests, cloud exports), the service's published disclosure sheet
(情報開示, MIC guideline), and reports for every claim whether the
infrastructure supports it, contradicts it, or cannot prove it — with the file,
line and resource behind each verdict. It also grades the infrastructure
against the guideline's technical controls at the reference values of the
service's pattern (1–6).`,
		Version:       version.String(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(ios.In)
	root.SetOut(ios.Out)
	root.SetErr(ios.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &FlagError{Err: err} })
	root.AddCommand(
		NewCmdScan(ios, nil),
		NewCmdFacts(ios, nil),
		NewCmdClaims(ios, nil),
		NewCmdVersion(ios),
		NewCmdBundle(ios), NewCmdExport(ios),
		NewCmdPolicy(ios),
		NewCmdReport(ios, nil),
		NewCmdServe(ios, nil),
	)
	return root
}
