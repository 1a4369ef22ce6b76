//go:build unix

package collectors_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/kaiji-dev/kaiji/collectors"
)

// TestExplicitSpecialFile checks that a named pipe given on the command
// line is neither read (it would block) nor passed over in silence, whatever
// its name says.
func TestExplicitSpecialFile(t *testing.T) {
	for _, name := range []string{"fifo", "main.tf", "link-to-fifo"} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), name)
			fifo := p
			if name == "link-to-fifo" {
				fifo = p + ".target"
				if err := os.Symlink(filepath.Base(fifo), p); err != nil {
					t.Fatal(err)
				}
			}
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Fatal(err)
			}
			reg := collectors.NewRegistry(collectors.Options{}, namedOnly{})
			res, err := reg.Collect(context.Background(), []string{p})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Diagnostics) != 1 || res.Diagnostics[0].File != filepath.ToSlash(p) ||
				!strings.Contains(res.Diagnostics[0].Message, "not a regular file") {
				t.Errorf("diagnostics %v, want one naming %s as not a regular file", res.Diagnostics, p)
			}
			if len(res.Inputs) != 0 {
				t.Errorf("inputs %v, want none", res.Inputs)
			}
		})
	}
}

// namedOnly takes .tf files by name, as the Terraform collector does; the
// registry's handling of paths is under test, not the collector.
type namedOnly struct{}

func (namedOnly) Name() string                    { return "named" }
func (namedOnly) Accepts(p string, _ []byte) bool { return strings.HasSuffix(p, ".tf") }
func (namedOnly) Collect(context.Context, []collectors.File) ([]collectors.Fact, collectors.Diagnostics) {
	return nil, nil
}
