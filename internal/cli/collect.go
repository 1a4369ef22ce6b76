package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/collectors/cloudexport"
	"github.com/kaiji-dev/kaiji/collectors/kubernetes"
	"github.com/kaiji-dev/kaiji/collectors/terraform"
)

// CollectOptions are the flags every command that reads infrastructure shares.
type CollectOptions struct {
	Paths       []string
	VarFiles    []string
	Vars        []string
	MaxFileSize int64
}

func (o *CollectOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringArrayVar(&o.VarFiles, "var-file", nil, "Terraform variable file to apply (repeatable)")
	fs.StringArrayVar(&o.Vars, "var", nil, "Terraform variable as NAME=VALUE (repeatable)")
	fs.Int64Var(&o.MaxFileSize, "max-file-size", collectors.DefaultMaxFileSize, "largest input file read, in bytes")
}

// registry builds the collectors for these options.
func (o *CollectOptions) registry() (*collectors.Registry, error) {
	tf := terraform.Options{Vars: map[string]string{}, Progress: os.Stderr}
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
	return collectors.NewRegistry(collectors.Options{MaxFileSize: o.MaxFileSize},
		terraform.New(tf),
		kubernetes.New(kubernetes.Options{}),
		cloudexport.New(),
	), nil
}

// collect runs the collectors over the paths.
func (o *CollectOptions) collect(ctx context.Context) (collectors.Result, error) {
	reg, err := o.registry()
	if err != nil {
		return collectors.Result{}, err
	}
	return reg.Collect(ctx, o.Paths)
}
