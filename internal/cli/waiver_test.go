package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kaiji-dev/kaiji/collectors"
)

// Inline waivers are comments: they are read from HCL and YAML, never from
// JSON, where the directive could only be text inside a string (and a plan
// may be hundreds of megabytes, read again for nothing).
func TestInlineWaiversSkipJSON(t *testing.T) {
	dir := t.TempDir()
	tf := filepath.Join(dir, "main.tf")
	js := filepath.Join(dir, "plan.json")
	yml := filepath.Join(dir, "app.yaml")
	files := map[string]string{
		tf:  "resource \"aws_s3_bucket\" \"a\" {\n  # kaiji:ignore 54 reason=\"restore drills\"\n  bucket = \"a\"\n}\n",
		js:  "{\"description\": \"# kaiji:ignore 54 reason=\\\"in a string\\\"\"}\n",
		yml: "kind: ConfigMap # kaiji:ignore 12 reason=\"not a claim\"\n",
	}
	var res collectors.Result
	for _, p := range []string{js, tf, yml} {
		if err := os.WriteFile(p, []byte(files[p]), 0o644); err != nil {
			t.Fatal(err)
		}
		res.Inputs = append(res.Inputs, collectors.Input{Path: p})
	}
	ws, diags := inlineWaivers(res)
	if len(diags) != 0 {
		t.Errorf("diagnostics %v", diags)
	}
	got := map[string]int{}
	for _, w := range ws {
		got[w.File] = w.Line
	}
	want := map[string]int{tf: 2, yml: 1}
	if len(got) != len(want) || got[tf] != want[tf] || got[yml] != want[yml] {
		t.Errorf("waivers at %v, want %v", got, want)
	}
}
