package kubernetes

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kaiji-dev/kaiji/collectors"
)

func TestReadDocuments(t *testing.T) {
	tests := []struct {
		name      string
		data      string
		wantLines []int    // first line of each document read
		wantDiags []string // "line: substring" of each diagnostic
		wantWarn  bool     // the documents are not Kubernetes objects: warnings, not errors
	}{
		{
			name:      "multi-document with comments and empty documents",
			data:      "# header\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: A\n---\n\napiVersion: v1\nkind: B\n...\n",
			wantLines: []int{6, 10},
		},
		{
			name:      "directives before the document",
			data:      "%YAML 1.2\n---\napiVersion: v1\nkind: A\n",
			wantLines: []int{3},
		},
		{
			name:      "content on the separator line",
			data:      "--- {apiVersion: v1, kind: A}\n--- {apiVersion: v1, kind: B}\n",
			wantLines: []int{1, 2},
		},
		{
			name:      "JSON indented with tabs",
			data:      "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"A\"\n}\n",
			wantLines: []int{1},
		},
		{
			name:      "broken document between good ones",
			data:      "apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: [\n---\napiVersion: v1\nkind: B\n",
			wantLines: []int{1, 7},
			wantDiags: []string{"5: cannot read YAML document"},
		},
		{
			name:      "unrendered Helm template",
			data:      "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n  x: [\n",
			wantDiags: []string{"unrendered Helm template"},
		},
		{
			name:      "alias bomb",
			data:      bomb(9) + "---\napiVersion: v1\nkind: After\n",
			wantLines: []int{12},
			wantDiags: []string{"1: document not read: document expands to more values"},
		},
		{
			name:      "deep nesting",
			data:      strings.Repeat("[", 500) + strings.Repeat("]", 500) + "\n",
			wantDiags: []string{"1: document not read: document nests deeper"},
			wantWarn:  true,
		},
		{
			name:      "self-referencing alias",
			data:      "a: &a [*a]\n",
			wantDiags: []string{"document"},
			wantWarn:  true,
		},
		{
			name:      "merge keys",
			data:      "base: &b {kind: A}\n<<: *b\napiVersion: v1\n",
			wantLines: []int{1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			docs, diags := readDocuments("f.yaml", []byte(tt.data), defaultLimits)
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			var lines []int
			for _, d := range docs {
				lines = append(lines, d.line)
			}
			if fmt.Sprint(lines) != fmt.Sprint(tt.wantLines) && !(len(lines) == 0 && len(tt.wantLines) == 0) {
				t.Errorf("document lines %v, want %v", lines, tt.wantLines)
			}
			if len(diags) != len(tt.wantDiags) {
				t.Fatalf("diagnostics %v, want %v", diags, tt.wantDiags)
			}
			for i, w := range tt.wantDiags {
				if got := fmt.Sprintf("%d: %s", diags[i].Line, diags[i].Message); !strings.Contains(got, w) {
					t.Errorf("diagnostic %q, want %q", got, w)
				}
				want := collectors.SeverityError
				if tt.wantWarn {
					want = collectors.SeverityWarning
				}
				if diags[i].File != "f.yaml" || diags[i].Severity != want {
					t.Errorf("diagnostic %+v", diags[i])
				}
			}
		})
	}
}

// TestReadDocumentsInParallel: a file of many documents, parsed on every
// core, reads as it does parsed one document after the other: the same
// documents, lines, values and diagnostics, the file's budget spent in
// file order (five bombs exhaust it, and the rest is not read).
func TestReadDocumentsInParallel(t *testing.T) {
	var parts []string
	for range 3 {
		parts = append(parts,
			"# header\n---\n---\n# only a comment\n---\napiVersion: v1\nkind: A\n",
			"# Source: chart/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n",
			"apiVersion: v1\nkind: [\n",
			"base: &b {kind: A}\n<<: *b\napiVersion: v1\n",
			"--- {apiVersion: v1, kind: B}\n--- {apiVersion: v1, kind: C}\n",
		)
		for i := range 8 {
			parts = append(parts, fmt.Sprintf("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d%d\n", i))
		}
	}
	parts = append(parts, bomb(9), bomb(9), bomb(9), bomb(9), bomb(9), "apiVersion: v1\nkind: Never\n")
	data := []byte(strings.Join(parts, "---\n"))
	if n := len(splitDocuments(data)); n < 3*parallelDocs {
		t.Fatalf("%d documents", n)
	}
	saved := parallelDocs
	parallelDocs = 1 << 30
	oneDocs, oneDiags := readDocuments("f.yaml", data, defaultLimits)
	parallelDocs = saved
	docs, diags := readDocuments("f.yaml", data, defaultLimits)
	if !reflect.DeepEqual(docs, oneDocs) || !reflect.DeepEqual(diags, oneDiags) {
		t.Fatalf("in parallel: %d documents, diagnostics %v; one after the other: %d, %v", len(docs), diags, len(oneDocs), oneDiags)
	}
	if len(docs) < 30 || len(diags) < 4 || !strings.Contains(diags[len(diags)-1].Message, "the rest of the file was not read") {
		t.Errorf("%d documents, diagnostics %v", len(docs), diags)
	}
	if docs[len(docs)-1].value.(map[string]any)["kind"] == "Never" {
		t.Error("the document after the file's budget ran out was read")
	}
}

// bomb builds the billion-laughs document with n levels of nine aliases.
func bomb(n int) string {
	var b strings.Builder
	b.WriteString(`l0: &l0 ["x","x","x","x","x","x","x","x","x"]` + "\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "l%d: &l%d [", i, i)
		for j := 0; j < 9; j++ {
			if j > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "*l%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("apiVersion: v1\n")
	return b.String()
}

func TestMergeKeys(t *testing.T) {
	docs, diags := readDocuments("f.yaml", []byte("base: &b {kind: A, apiVersion: v0}\n<<: *b\napiVersion: v1\n"), defaultLimits)
	if len(diags) > 0 || len(docs) != 1 {
		t.Fatalf("docs %v diags %v", docs, diags)
	}
	v := val{v: docs[0].value, n: docs[0].root}
	if v.get("kind").str() != "A" || v.get("apiVersion").str() != "v1" {
		t.Errorf("merged %v", docs[0].value)
	}
	if v.get("kind").line() != 1 {
		t.Errorf("merged key line %d, want 1", v.get("kind").line())
	}
}

// TestIsDocSep: the prefilter in front of docSep never changes its answer.
func TestIsDocSep(t *testing.T) {
	for _, line := range []string{"---", "--- ", "---\t# c", "--- {a: 1}", "...", "... # end", "----", "--", "-- -", "..", "....",
		" ---", "---x", "", "apiVersion: v1", "---#c", "...\r"} {
		if got, want := isDocSep([]byte(line)), docSep.MatchString(line); got != want {
			t.Errorf("isDocSep(%q) = %v, docSep says %v", line, got, want)
		}
	}
}

// TestHelmSource: the source comment helm template writes is found in a
// document, and nothing is found in one without it.
func TestHelmSource(t *testing.T) {
	data := "# Source: chart/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b  # Source: not at the line start\n"
	docs, diags := readDocuments("f.yaml", []byte(data), defaultLimits)
	if len(diags) != 0 || len(docs) != 2 {
		t.Fatalf("got %d documents, %v", len(docs), diags)
	}
	if docs[0].source != "chart/templates/svc.yaml" || docs[1].source != "" {
		t.Errorf("sources %q, %q; want chart/templates/svc.yaml and none", docs[0].source, docs[1].source)
	}
}
