package cli

import (
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDeterministicOutput: the demo and the hostile inputs, copied into
// trees created in different orders, passed in different orders and scanned
// under different GOMAXPROCS, give byte-identical JSON and SARIF once the
// paths are relative.
func TestDeterministicOutput(t *testing.T) {
	sources := []struct{ src, dst string }{
		{filepath.Join(repoRoot, "testdata", "demo", "infra"), "demo"},
		{filepath.Join(repoRoot, "testdata", "bad", "k8s-one-doc-broken.yaml"), "k8s/broken.yaml"},
		{filepath.Join(repoRoot, "testdata", "bad", "tf-duplicate-resource.tf"), "dup/main.tf"},
		{filepath.Join(repoRoot, "testdata", "bad", "export-lines-broken.jsonl"), "export/assets.jsonl"},
		{filepath.Join(repoRoot, "testdata", "bad", "tf-module-escape"), "escape"},
	}
	claims := filepath.Join(repoRoot, "testdata", "demo", "disclosure.yaml")
	var want map[string]string
	for i, procs := range []int{1, 2, 8} {
		t.Run("", func(t *testing.T) {
			prev := runtime.GOMAXPROCS(procs)
			defer runtime.GOMAXPROCS(prev)
			// Each round creates the tree in another order.
			root := t.TempDir()
			order := slices.Clone(sources)
			if i%2 == 1 {
				slices.Reverse(order)
			}
			for _, s := range order {
				copyTree(t, s.src, filepath.Join(root, "in", s.dst))
			}
			// Relative paths, as a user passes them: the reports then
			// hold no temporary directory at all.
			t.Chdir(root)
			var paths []string
			for _, s := range order {
				paths = append(paths, "in/"+strings.Split(s.dst, "/")[0])
			}
			if i == 2 {
				slices.Sort(paths)
			}
			got := map[string]string{}
			for _, format := range []string{"json", "sarif"} {
				stdout, stderr, code := runIn(t, append([]string{"scan", "--claims", claims, "--format", format, "--fail-on", "none"}, paths...)...)
				if code != ExitOK {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				got[format] = stdout
			}
			if want == nil {
				want = got
				return
			}
			for format, w := range want {
				if got[format] != w {
					t.Errorf("GOMAXPROCS=%d, order %d: %s output differs from the first run (-first +this):\n%s", procs, i, format, cmp.Diff(w, got[format]))
				}
			}
		})
	}
}
