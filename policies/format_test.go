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
		// OPA's formatter (v1.22.2) garbles a function's one-line else with
		// a condition (else := "x" if cond); never write what it gives then.
		if _, perr := ast.ParseModuleWithOpts(p, string(got), ast.ParserOptions{RegoVersion: ast.RegoV1}); perr != nil {
			t.Errorf("%s: opa fmt would turn it into Rego that does not parse (%v); write the rule as a block", p, perr)
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
