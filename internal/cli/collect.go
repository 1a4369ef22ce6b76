package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/cloudexport"
	"github.com/kaiji-dev/kaiji/collectors/kubernetes"
	"github.com/kaiji-dev/kaiji/collectors/terraform"
	"github.com/kaiji-dev/kaiji/internal/gcpace"
)

// CollectOptions are the flags every command that reads infrastructure shares.
type CollectOptions struct {
	Paths    []string
	VarFiles []string
	Vars     []string
	// Limits bound what hostile input can cost (docs/limits.md).
	MaxFileSize    int64
	MaxPlanSize    int64
	MaxDepth       int
	MaxYAMLValues  int
	MaxModuleDepth int
	Timeout        time.Duration
}

// DefaultTimeout bounds a whole command's run (--timeout).
const DefaultTimeout = 10 * time.Minute

func (o *CollectOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&o.VarFiles, "var-file", nil, "Terraform variable file to apply (repeatable)")
	fs.StringArrayVar(&o.Vars, "var", nil, "Terraform variable as NAME=VALUE (repeatable)")
	fs.Int64Var(&o.MaxFileSize, "max-file-size", collectors.DefaultMaxFileSize, "limit: largest input file read, in bytes")
	fs.Int64Var(&o.MaxPlanSize, "max-plan-size", collectors.DefaultMaxPlanSize, "limit: largest Terraform plan JSON read, in bytes (never below --max-file-size)")
	fs.IntVar(&o.MaxDepth, "max-depth", collectors.DefaultMaxDepth, "limit: deepest nesting of brackets, YAML or JSON values in an input file")
	fs.IntVar(&o.MaxYAMLValues, "max-yaml-values", collectors.DefaultMaxYAMLValues, "limit: values one YAML document may expand to through aliases (grows with the document's size)")
	fs.IntVar(&o.MaxModuleDepth, "max-module-depth", collectors.DefaultMaxModuleDepth, "limit: how deep Terraform module calls are followed")
	fs.DurationVar(&o.Timeout, "timeout", DefaultTimeout, "limit: the whole run stops after this long (0: no limit)")
}

// validateLimits refuses limits that would read nothing.
func (o *CollectOptions) validateLimits() error {
	switch {
	case o.MaxFileSize < 1:
		return flagErrorf("--max-file-size: want at least 1, have %d", o.MaxFileSize)
	case o.MaxPlanSize < 1:
		return flagErrorf("--max-plan-size: want at least 1, have %d", o.MaxPlanSize)
	case o.MaxDepth < 1:
		return flagErrorf("--max-depth: want at least 1, have %d", o.MaxDepth)
	case o.MaxYAMLValues < 1:
		return flagErrorf("--max-yaml-values: want at least 1, have %d", o.MaxYAMLValues)
	case o.MaxModuleDepth < 0:
		return flagErrorf("--max-module-depth: want 0 or more, have %d", o.MaxModuleDepth)
	case o.Timeout < 0:
		return flagErrorf("--timeout: want 0 or more, have %s", o.Timeout)
	}
	return nil
}

// withTimeout bounds ctx by --timeout.
func (o *CollectOptions) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if o.Timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, o.Timeout, &InputError{Err: fmt.Errorf("%w after %s (--timeout); nothing was reported", ErrTimeout, o.Timeout)})
}

// timedOut replaces a deadline error by the --timeout cause, so the user
// learns which limit stopped the run (exit code 2, an input problem).
func timedOut(ctx context.Context, err error) error {
	if err != nil && errors.Is(err, context.DeadlineExceeded) {
		if cause := context.Cause(ctx); cause != nil && errors.Is(cause, ErrTimeout) {
			return cause
		}
	}
	return err
}

// registry builds the collectors for these options.
func (o *CollectOptions) registry() (*collectors.Registry, error) {
	if err := o.validateLimits(); err != nil {
		return nil, err
	}
	tf := terraform.Options{Vars: map[string]string{}, Progress: os.Stderr, MaxDepth: o.MaxDepth, MaxModuleDepth: o.moduleDepth(), MaxFileSize: o.MaxFileSize}
	for _, p := range o.VarFiles {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, &InputError{Err: fmt.Errorf("read --var-file: %w", err)}
		}
		tf.VarFiles = append(tf.VarFiles, collectors.File{Path: filepath.ToSlash(p), Data: data})
	}
	for _, v := range o.Vars {
		name, val, ok := strings.Cut(v, "=")
		if !ok || name == "" {
			return nil, flagErrorf("--var %q: want NAME=VALUE", v)
		}
		tf.Vars[name] = val
	}
	return collectors.NewRegistry(collectors.Options{MaxFileSize: o.MaxFileSize, MaxPlanSize: o.MaxPlanSize},
		terraform.New(tf),
		kubernetes.New(kubernetes.Options{MaxDepth: o.MaxDepth, MaxValues: o.MaxYAMLValues}),
		cloudexport.New(cloudexport.Options{MaxDepth: o.MaxDepth}),
	), nil
}

// moduleDepth maps --max-module-depth 0 (read no module calls) to the
// collector's option, where zero means the default.
func (o *CollectOptions) moduleDepth() int {
	if o.MaxModuleDepth == 0 {
		return -1
	}
	return o.MaxModuleDepth
}

// collect runs the collectors over the paths. ctx should carry --timeout
// (withTimeout); commands that only collect may pass their own context.
func (o *CollectOptions) collect(ctx context.Context) (collectors.Result, error) {
	reg, err := o.registry()
	if err != nil {
		return collectors.Result{}, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = o.withTimeout(ctx)
		defer cancel()
	}
	defer gcpace.Preparation()()
	res, err := reg.Collect(ctx, o.Paths)
	return res, timedOut(ctx, err)
}
