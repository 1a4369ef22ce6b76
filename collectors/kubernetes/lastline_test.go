package kubernetes

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/kaiji-dev/kaiji/bench/gen"
)

// walkLastLine is the last line any node of the subtree reaches, visiting
// every node: the reference lastLine must agree with.
func walkLastLine(n *yaml.Node) int {
	last := n.Line
	stack := []*yaml.Node{n}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		last = max(last, x.Line)
		if x.Kind == yaml.ScalarNode && (x.Style == yaml.LiteralStyle || x.Style == yaml.FoldedStyle) {
			last = max(last, x.Line+strings.Count(x.Value, "\n"))
		}
		stack = append(stack, x.Content...)
	}
	return last
}

// checkLastLine compares lastLine with the walk for every node of every
// document in data; it returns how many nodes it compared.
func checkLastLine(t *testing.T, name string, data []byte) int {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	n := 0
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			return n // the end, or not YAML past this point: nothing more to compare
		}
		stack := []*yaml.Node{&doc}
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if got, want := lastLine(x), walkLastLine(x); got != want {
				t.Fatalf("%s: node at line %d: lastLine %d, every node %d", name, x.Line, got, want)
			}
			n++
			stack = append(stack, x.Content...)
		}
	}
}

// TestLastLine compares lastLine with the walk of every node on every YAML
// file under testdata (the corpus of real manifests and charts included)
// and on the generated estate's manifests.
func TestLastLine(t *testing.T) {
	l, err := gen.Write(t.TempDir(), gen.Options{Resources: 300, NoPlan: true})
	if err != nil {
		t.Fatal(err)
	}
	nodes := 0
	for _, dir := range []string{"testdata", l.Kubernetes} {
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			nodes += checkLastLine(t, p, data)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if nodes < 10000 {
		t.Fatalf("compared %d nodes; the testdata and the estate give many more", nodes)
	}
}

// FuzzLastLine: lastLine agrees with the walk of every node on any YAML.
func FuzzLastLine(f *testing.F) {
	f.Add([]byte("a: |+\n  text\n\nb: 1\n"))
	f.Add([]byte("a: [1,\n  2]\nb: >\n  folded\n  text\n"))
	f.Add([]byte("? |\n  key\n: value\nc:\n"))
	f.Add([]byte("base: &b {x: 1}\nd:\n  <<: *b\n  y: |\n    1\n    2\n---\n- a\n- - b\n  - c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkLastLine(t, "fuzz", data)
	})
}
