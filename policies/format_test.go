package policies

import (
	"bytes"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"
)

// TestFormat fails when a module is not in opa fmt form (Rego v1); -update
// rewrites it.
func TestFormat(t *testing.T) {
	err := fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") {
			return err
		}
		// NOTE(policy-library): admission/ belongs to the webhook work and is
		// checked there.
		if strings.HasPrefix(p, "admission/") {
			return nil
		}
		src, err := fs.ReadFile(FS, p)
		if err != nil {
			return err
		}
		got, err := format.SourceWithOpts(p, src, format.Opts{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		if bytes.Equal(got, src) {
			return nil
		}
		if *update {
			return os.WriteFile(p, got, 0o644)
		}
		t.Errorf("%s is not formatted; run go test ./policies -run TestFormat -update", p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
