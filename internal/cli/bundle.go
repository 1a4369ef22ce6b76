package cli

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kaiji-dev/kaiji/bundles"
	"github.com/kaiji-dev/kaiji/internal/claims"
	"github.com/kaiji-dev/kaiji/internal/engine"
	"github.com/kaiji-dev/kaiji/internal/version"
)

// NewCmdBundle groups the OPA bundle commands.
func NewCmdBundle(ios *IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bundle",
		Short: "Build, sign and verify OPA bundles of kaiji's policies",
		Long: `Package kaiji's policies and reference data as a standard OPA bundle
(.tar.gz with a .manifest), so that opa run, opa eval and any OPA-compatible
server evaluate exactly what kaiji scan evaluates; sign it and verify it in
OPA's bundle-signature format (.signatures.json, a JWT over every file's hash).
See docs/bundles.md.`,
		Args: noArgs,
	}
	cmd.AddCommand(NewCmdBundleBuild(ios, nil), NewCmdBundleSign(ios, nil), NewCmdBundleVerify(ios, nil))
	return cmd
}

// BundleBuildOptions are the options of kaiji bundle build.
type BundleBuildOptions struct {
	IO         *IOStreams
	Output     string
	ClaimsFile string
	Pattern    int
	Tests      bool
	Ext        PolicyExtension
}

// NewCmdBundleBuild writes the policy bundle.
func NewCmdBundleBuild(ios *IOStreams, runF func(*BundleBuildOptions) error) *cobra.Command {
	opts := &BundleBuildOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "build -o FILE",
		Short: "Write the policies and reference data as an OPA bundle",
		Long: `Write a standard OPA bundle (.tar.gz): a .manifest whose revision is the
policy digest kaiji scan reports and whose root is "kaiji", every Rego module,
and every data document at kaiji/data/<name>/data.json (data.kaiji.data.<name>).
With --claims the disclosure is stored as data at kaiji/disclosure, with
data.kaiji.bundled.result deciding it from input facts alone. --policy and
--data add user policies and data exactly as kaiji scan does. The
decision is data.kaiji.main.result over the input that kaiji export input
writes. The same inputs always give the same bytes.`,
		Example: `  kaiji bundle build -o kaiji.tar.gz
  kaiji bundle build -o kaiji.tar.gz --claims disclosure.yaml --pattern 2
  kaiji bundle build -o kaiji.tar.gz --policy ./company-policies --data reference.yaml
  kaiji bundle build -o kaiji-tests.tar.gz --tests && opa test -b kaiji-tests.tar.gz`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Output == "" {
				return flagErrorf("--output is required")
			}
			if cmd.Flags().Changed("pattern") && (opts.Pattern < 1 || opts.Pattern > 6) {
				return flagErrorf("--pattern: want 1 to 6, have %d", opts.Pattern)
			}
			if runF != nil {
				return runF(opts)
			}
			return bundleBuildRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Output, "output", "o", "", "bundle file to write (.tar.gz)")
	f.StringVarP(&opts.ClaimsFile, "claims", "c", "", "claims file to include as data.kaiji.disclosure")
	f.IntVarP(&opts.Pattern, "pattern", "p", 0, "service pattern 1–6 stored with the claims (default: the claims file's, else 1)")
	f.BoolVar(&opts.Tests, "tests", false, "include the *_test.rego modules (for opa test -b)")
	opts.Ext.addFlags(f)
	return cmd
}

func bundleBuildRun(ctx context.Context, opts *BundleBuildOptions) error {
	bo := bundles.BuildOptions{Tests: opts.Tests, Pattern: opts.Pattern, Version: version.String()}
	if len(opts.Ext.Dirs) > 0 || len(opts.Ext.DataFiles) > 0 {
		bo.Policies = opts.Ext.merged
	}
	if opts.ClaimsFile != "" {
		d, err := claims.LoadFile(opts.ClaimsFile)
		if err != nil {
			return &InputError{Err: err}
		}
		bo.Disclosure = d
	}
	a, err := bundles.Build(bo)
	if err != nil {
		return &InputError{Err: err}
	}
	data, err := a.Bytes()
	if err != nil {
		return err
	}
	// Read the bytes back as OPA will, and compile them as kaiji scan
	// will, so that a bundle that cannot decide is never written.
	b, err := bundles.Read(data, bundles.VerifyOptions{})
	if err != nil {
		return fmt.Errorf("read back the bundle: %w", err)
	}
	if _, err := engine.New(ctx, engine.Options{Bundle: b}); err != nil {
		return &InputError{Err: err}
	}
	if err := writeFileAtomic(opts.Output, data); err != nil {
		return &InputError{Err: err}
	}
	fmt.Fprintf(opts.IO.ErrOut, "wrote %s: %d modules, %d files, %d bytes, revision %s\n", opts.Output, len(b.Modules), len(a.Files), len(data), b.Manifest.Revision)
	return nil
}

// BundleSignOptions are the options of kaiji bundle sign.
type BundleSignOptions struct {
	IO        *IOStreams
	Bundle    string
	Key       string
	Algorithm string
	KeyID     string
	Output    string
}

// NewCmdBundleSign signs a bundle.
func NewCmdBundleSign(ios *IOStreams, runF func(*BundleSignOptions) error) *cobra.Command {
	opts := &BundleSignOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "sign BUNDLE --key PRIVATE.pem -o SIGNED",
		Short: "Sign a bundle in OPA's bundle-signature format",
		Long: `Add .signatures.json to a bundle: one JWT (RS256 for an RSA key, ES256/384/512
for an EC key, or --alg) whose payload lists the SHA-256 of every file, as
opa sign computes it. opa run --verification-key PUBLIC.pem and kaiji scan
--bundle-key PUBLIC.pem then refuse the bundle if any file changes.`,
		Example: `  openssl genrsa -out private.pem 2048 && openssl rsa -in private.pem -pubout -out public.pem
  kaiji bundle sign kaiji.tar.gz --key private.pem -o kaiji.signed.tar.gz`,
		Args: exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.Bundle = args[0]
			if opts.Key == "" || opts.Output == "" {
				return flagErrorf("--key and --output are required")
			}
			if runF != nil {
				return runF(opts)
			}
			return bundleSignRun(opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Key, "key", "", "PEM private key (RSA or EC)")
	f.StringVar(&opts.Algorithm, "alg", "", "JWS algorithm (default: RS256 for RSA keys, ES256/ES384/ES512 for EC keys)")
	f.StringVar(&opts.KeyID, "key-id", bundles.DefaultKeyID, "key id written to the token (OPA's --verification-key-id)")
	f.StringVarP(&opts.Output, "output", "o", "", "signed bundle to write")
	return cmd
}

func bundleSignRun(opts *BundleSignOptions) error {
	key, err := os.ReadFile(opts.Key)
	if err != nil {
		return &InputError{Err: fmt.Errorf("read key: %w", err)}
	}
	data, err := bundles.Fetch(context.Background(), opts.Bundle, bundles.LoadOptions{})
	if err != nil {
		return &InputError{Err: fmt.Errorf("read bundle: %w", err)}
	}
	a, err := bundles.ReadArchive(bytes.NewReader(data), 0)
	if err != nil {
		return &InputError{Err: fmt.Errorf("read bundle %s: %w", opts.Bundle, err)}
	}
	if err := bundles.Sign(a, bundles.SignOptions{PrivateKey: key, Algorithm: opts.Algorithm, KeyID: opts.KeyID}); err != nil {
		return &InputError{Err: err}
	}
	out, err := a.Bytes()
	if err != nil {
		return err
	}
	if err := writeFileAtomic(opts.Output, out); err != nil {
		return &InputError{Err: err}
	}
	fmt.Fprintf(opts.IO.ErrOut, "signed %s -> %s (%d files)\n", opts.Bundle, opts.Output, len(a.Files)-1)
	return nil
}

// BundleVerifyOptions are the options of kaiji bundle verify.
type BundleVerifyOptions struct {
	IO        *IOStreams
	Bundle    string
	Key       string
	Algorithm string
	KeyID     string
}

// NewCmdBundleVerify verifies a signed bundle.
func NewCmdBundleVerify(ios *IOStreams, runF func(*BundleVerifyOptions) error) *cobra.Command {
	opts := &BundleVerifyOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "verify BUNDLE --key PUBLIC.pem",
		Short: "Verify a signed bundle against a public key",
		Long: `Check a bundle's .signatures.json with OPA's own bundle reader: the JWT must
verify with the public key, and list exactly the bundle's files with their
hashes. Exit code 0 when it verifies, 1 when it does not, 2 on usage errors.`,
		Example: `  kaiji bundle verify kaiji.signed.tar.gz --key public.pem
  kaiji bundle verify https://bundles.example.com/kaiji.tar.gz --key public.pem`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Bundle = args[0]
			if opts.Key == "" {
				return flagErrorf("--key is required")
			}
			if runF != nil {
				return runF(opts)
			}
			return bundleVerifyRun(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Key, "key", "", "PEM public key or certificate")
	f.StringVar(&opts.Algorithm, "alg", "", "JWS algorithm (default: from the key)")
	f.StringVar(&opts.KeyID, "key-id", bundles.DefaultKeyID, "key id the signature must name")
	return cmd
}

func bundleVerifyRun(ctx context.Context, opts *BundleVerifyOptions) error {
	key, err := os.ReadFile(opts.Key)
	if err != nil {
		return &InputError{Err: fmt.Errorf("read key: %w", err)}
	}
	data, err := bundles.Fetch(ctx, opts.Bundle, bundles.LoadOptions{})
	if err != nil {
		return &InputError{Err: fmt.Errorf("read bundle: %w", err)}
	}
	b, err := bundles.Verify(data, bundles.VerifyOptions{PublicKey: key, Algorithm: opts.Algorithm, KeyID: opts.KeyID})
	if errors.Is(err, bundles.ErrVerify) {
		fmt.Fprintf(opts.IO.ErrOut, "%s: NOT verified: %v\n", opts.Bundle, err)
		return ErrFailing
	}
	if err != nil {
		return &InputError{Err: err}
	}
	fmt.Fprintf(opts.IO.Out, "%s: verified (revision %s, %d modules)\n", opts.Bundle, b.Manifest.Revision, len(b.Modules))
	return nil
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory, so a reader never sees half a bundle.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), 0o644)); err != nil {
		_ = os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// exactArgs is cobra.ExactArgs returning a usage error (exit code 2).
func exactArgs(n int) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return &FlagError{Err: err}
		}
		return nil
	}
}

// PolicySource selects the policies a command evaluates: the embedded
// library, or an OPA bundle from a file or URL (--bundle), verified against
// a public key when one is configured (--bundle-key).
type PolicySource struct {
	Bundle    string
	BundleKey string
	Evaluator string
}

func (p *PolicySource) addFlags(f *pflag.FlagSet) {
	f.StringVar(&p.Bundle, "bundle", "", "evaluate this OPA bundle (file or http(s) URL, from kaiji bundle build) instead of the built-in policies")
	f.StringVar(&p.BundleKey, "bundle-key", "", "PEM public key: the --bundle must carry a valid signature made with its private key")
	addEvaluatorFlag(f, &p.Evaluator)
}

// addEvaluatorFlag registers --evaluator: the evaluators give the same
// verdicts, so the flag only trades preparation for evaluation time, or
// sets the plan aside should it ever disagree.
func addEvaluatorFlag(f *pflag.FlagSet, v *string) {
	f.StringVar(v, "evaluator", engine.EvaluatorAuto, "policy evaluator: "+strings.Join(engine.Evaluators(), ", ")+
		" (auto: OPA's plan of the policies, made ahead for the built-in ones; OPA's own evaluator for a small scan with policies of your own)")
}

func checkEvaluator(v string) error {
	if !slices.Contains(engine.Evaluators(), v) {
		return flagErrorf("--evaluator must be one of %s, not %q", strings.Join(engine.Evaluators(), ", "), v)
	}
	return nil
}

// engineOptions loads the configured bundle, if any, for engine.New.
func (p *PolicySource) engineOptions(ctx context.Context) (engine.Options, error) {
	eo, err := p.bundleOptions(ctx)
	eo.Evaluator = p.Evaluator
	return eo, err
}

func (p *PolicySource) bundleOptions(ctx context.Context) (engine.Options, error) {
	if err := checkEvaluator(cmp.Or(p.Evaluator, engine.EvaluatorAuto)); err != nil {
		return engine.Options{}, err
	}
	if p.Bundle == "" {
		if p.BundleKey != "" {
			return engine.Options{}, flagErrorf("--bundle-key needs --bundle")
		}
		return engine.Options{}, nil
	}
	lo := bundles.LoadOptions{}
	if p.BundleKey != "" {
		key, err := os.ReadFile(p.BundleKey)
		if err != nil {
			return engine.Options{}, &InputError{Err: fmt.Errorf("read --bundle-key: %w", err)}
		}
		lo.PublicKey = key
	}
	b, err := bundles.Load(ctx, p.Bundle, lo)
	if err != nil {
		return engine.Options{}, &InputError{Err: err}
	}
	return engine.Options{Bundle: b}, nil
}
