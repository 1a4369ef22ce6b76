package cli

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/kaiji-dev/kaiji/internal/version"
	"github.com/kaiji-dev/kaiji/policies"
)

// NewCmdVersion prints the build and policy set.
func NewCmdVersion(ios *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print kaiji's version and the digest of its built-in policies",
		Args:    noArgs,
		Example: "  kaiji version",
		RunE: func(*cobra.Command, []string) error {
			digest, err := policies.BuiltinDigest()
			if err != nil {
				digest = "unavailable"
			}
			_, err = fmt.Fprintf(ios.Out, "kaiji %s (%s, %s/%s)\npolicies %s\n", version.String(), runtime.Version(), runtime.GOOS, runtime.GOARCH, digest)
			return err
		},
	}
}
