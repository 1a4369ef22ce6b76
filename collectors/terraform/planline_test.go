package terraform

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/kaiji-dev/kaiji/bench/gen"
	"github.com/kaiji-dev/kaiji/collectors"
)

// TestPlanLineIndex: the indexed line of every string of a plan is the
// line of its first occurrence, as a search of the whole file finds it.
func TestPlanLineIndex(t *testing.T) {
	dir := t.TempDir()
	l, err := gen.Write(dir, gen.Options{Resources: 300, NoKubernetes: true})
	if err != nil {
		t.Fatal(err)
	}
	paths, _ := filepath.Glob("testdata/golden/*/plan.json")
	paths = append(paths, l.Plan)
	token := regexp.MustCompile(`"((?:[^"\\]|\\.)*)"`)
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		p := &plan{file: collectors.File{Path: path, Data: data}}
		for _, m := range token.FindAllSubmatch(data, -1) {
			var addr string
			if json.Unmarshal(m[0], &addr) != nil {
				continue
			}
			for _, a := range []string{addr, addr + "x", "module." + addr} {
				q, _ := json.Marshal(a)
				want := 1
				if i := bytes.Index(data, q); i >= 0 {
					want = 1 + bytes.Count(data[:i], []byte("\n"))
				}
				if got := p.line(a); got != want {
					t.Fatalf("%s: line(%q) = %d, want %d", path, a, got, want)
				}
			}
		}
	}
}
