package kubernetes

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/kaiji-dev/kaiji/bench/gen"
)

// flatten lists a parsed tree one node per line, lines shifted by off,
// comments left out: everything the collector reads of a parse.
func flatten(n *yaml.Node, off int, out []string) []string {
	alias := ""
	if n.Alias != nil {
		alias = fmt.Sprintf("->%d:%d", n.Alias.Line+off, n.Alias.Column)
	}
	out = append(out, fmt.Sprintf("%d %d %q %q %q %d:%d %s [%d]", n.Kind, n.Style, n.Tag, n.Value, n.Anchor, n.Line+off, n.Column, alias, len(n.Content)))
	for _, c := range n.Content {
		out = append(out, flatten(c, off, nil)...)
	}
	return out
}

// sameAsAlone checks that parseChunks gives for every chunk of data what
// parsing the chunk alone gives, and returns how many chunks were parsed
// together with others.
func sameAsAlone(t *testing.T, name string, data []byte) (together int) {
	t.Helper()
	chunks := splitDocuments(data)
	got := parseChunks(chunks)
	for i, c := range chunks {
		g := &got[i]
		if g.blank {
			continue
		}
		var alone yaml.Node
		err := yaml.Unmarshal(c.text, &alone)
		if fmt.Sprint(err) != fmt.Sprint(g.err) {
			t.Fatalf("%s: chunk %d (line %d): error %v, alone %v", name, i, c.line, g.err, err)
		}
		if err != nil {
			continue
		}
		if g.first > 1 {
			together++
		}
		if g.node.Kind != alone.Kind {
			t.Fatalf("%s: chunk %d: kind %d, alone %d", name, i, g.node.Kind, alone.Kind)
		}
		var gg []string
		for _, n := range g.node.Content {
			gg = flatten(n, c.line-g.first, gg)
		}
		var ww []string
		for _, n := range alone.Content {
			ww = flatten(n, c.line-1, ww)
		}
		if !reflect.DeepEqual(gg, ww) {
			t.Fatalf("%s: chunk %d (line %d) differs from its parse alone:\n%s\nalone:\n%s", name, i, c.line, strings.Join(gg, "\n"), strings.Join(ww, "\n"))
		}
	}
	return together
}

// TestParseTogether: documents parsed together, one parser for a batch,
// are what each parses to alone, in the lines of the file; documents a
// lone parse would read differently (anchors, errors) are parsed alone.
func TestParseTogether(t *testing.T) {
	l, err := gen.Write(t.TempDir(), gen.Options{Resources: 300, NoPlan: true})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, root := range []string{"testdata", l.Kubernetes} {
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
				paths = append(paths, p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	together := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		together += sameAsAlone(t, p, data)
	}
	if together == 0 {
		t.Error("no document was parsed together with others")
	}
	for _, tc := range []struct {
		name, data string
		together   int
	}{
		{"plain", "a: 1\n---\nb: [2,\n  3]\n---\nc: |\n  x\n", 2},
		{"no final newline", "a: 1\n---\nb: 2", 1},
		{"separator with content", "a: 1\n--- {b: 2}\n--- # c\nc: 3\n", 2},
		{"anchor and alias across documents", "a: &x 1\n---\nb: *x\n", 0},
		{"alias unknown alone", "a: 1\n---\nb: *x\n", 0},
		{"error in one", "a: 1\n---\nb: [\n---\nc: 3\n", 0},
		{"document end marker", "a: 1\n...\nb: 2\n", 1},
		{"directive", "a: 1\n---\n%YAML 1.2\nb: 2\n", 0},
		{"scalars", "1\n---\n\"two\"\n---\n- 3\n", 2},
		{"only comments between", "a: 1\n---\n# c\n---\nb: 2\n", 1},
	} {
		if got := sameAsAlone(t, tc.name, []byte(tc.data)); got != tc.together {
			t.Errorf("%s: %d documents parsed together, want %d", tc.name, got, tc.together)
		}
	}
}

// FuzzParseTogether: whatever the batches parse together is what each
// document parses to alone.
func FuzzParseTogether(f *testing.F) {
	f.Add([]byte("a: 1\n---\nb: [2,\n  3]\n---\nc: |\n  x\n"))
	f.Add([]byte("a: 1\n--- {b: 2}\n--- # c\nc: 3\n..."))
	f.Add([]byte("- a\n---\n? b\n: c\n---\n!!str d\n---\n'e'\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		sameAsAlone(t, "fuzz", data)
	})
}

// TestBlank: a document is blank when it holds only whitespace, comments
// and directive lines.
func TestBlank(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"", true},
		{"\n\n  \t\r\n", true},
		{"# only a comment\n   # another\n", true},
		{"%YAML 1.2\n# c\n", true},
		{"%YAML 1.2\na: 1\n", false},
		{" %not a directive\n", false},
		{"a: 1", false},
		{"# c\n- x\n", false},
		{"   \n~\n", false},
	} {
		if got := blank([]byte(tc.text)); got != tc.want {
			t.Errorf("blank(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
