package kubernetes

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/internal/parallel"
)

// limits of the manifest reader bound the work a hostile file can cause: an
// alias bomb expands to a bounded number of values, a document nests at most
// depth levels.
type limits struct {
	// depth is the deepest nesting read; CRD schemas reach about 30.
	depth int
	// values is the smallest per-document budget of values; the budget
	// grows with the document so that large honest files are read in full.
	values int
}

// defaultLimits are the limits of Options{}.
var defaultLimits = Options{}.limits()

// limitError is a reader limit hit at a line.
type limitError struct {
	err  error
	line int
}

func (e *limitError) Error() string { return e.err.Error() }
func (e *limitError) Unwrap() error { return e.err }

// document is one YAML document of a file.
type document struct {
	root   *yaml.Node // the document's root value, lines absolute in the file
	value  any
	line   int    // first line of the document's content
	end    int    // last line of the document
	source string // the Helm template that rendered it (# Source: comment), if any
}

// docSep matches a YAML document separator line.
var docSep = regexp.MustCompile(`^(---|\.\.\.)(\s|#|$)`)

// isDocSep is docSep.Match, without running it on lines that cannot match.
func isDocSep(line []byte) bool {
	return (bytes.HasPrefix(line, []byte("---")) || bytes.HasPrefix(line, []byte("..."))) && docSep.Match(line)
}

// helmSource matches the comment helm template writes above each document.
var helmSource = regexp.MustCompile(`(?m)^# Source: (\S+)`)

// yamlLine finds the line in a yaml.v3 error message.
var yamlLine = regexp.MustCompile(`line (\d+)`)

// readDocuments splits a manifest file into documents and decodes each with
// bounded effort. A document that cannot be read is a diagnostic; the others
// are still returned.
func readDocuments(file string, data []byte, lim limits) ([]document, collectors.Diagnostics) {
	var diags collectors.Diagnostics
	if isJSON(data) {
		// JSON strings cannot hold raw tabs, so tabs are whitespace here;
		// YAML forbids them as indentation, so make them spaces.
		data = bytes.ReplaceAll(data, []byte("\t"), []byte(" "))
	}
	// Each document may expand to a bounded number of values, and so may
	// the file as a whole, so that a bomb costs one document, not the file.
	fileLeft := 4 * (lim.values + len(data))
	chunks := splitDocuments(data)
	parsed := parseChunks(chunks)
	var docs []document
	for i, chunk := range chunks {
		text := chunk.text
		if parsed[i].blank {
			continue
		}
		n := &parsed[i].node
		if err := parsed[i].err; err != nil {
			line := chunk.line
			msg := strings.TrimPrefix(err.Error(), "yaml: ")
			if m := yamlLine.FindStringSubmatch(msg); m != nil {
				l, _ := strconv.Atoi(m[1])
				line = chunk.line + l - 1
				msg = strings.TrimSpace(yamlLine.ReplaceAllString(msg, ""))
				msg = strings.TrimPrefix(msg, ": ")
			}
			if bytes.Contains(text, []byte("{{")) {
				msg += " (an unrendered Helm template? render it with helm template first)"
			}
			diags = append(diags, unreadable(file, line, text, "cannot read YAML document: %s", msg))
			continue
		}
		if n.Kind != yaml.DocumentNode || len(n.Content) == 0 {
			continue
		}
		root := n.Content[0]
		offsetLines(root, chunk.line-parsed[i].first)
		docBudget := min(lim.values+2*len(text), fileLeft)
		b := &budget{left: docBudget, depth: lim.depth}
		v, err := b.value(root, 0)
		fileLeft -= docBudget - max(b.left, 0)
		if err != nil {
			line := root.Line
			var le *limitError
			if errors.As(err, &le) {
				line = le.line
			}
			if fileLeft <= 0 {
				diags = append(diags, unreadable(file, line, text, "document not read: %v; the rest of the file was not read", err))
				break
			}
			diags = append(diags, unreadable(file, line, text, "document not read: %v", err))
			continue
		}
		d := document{root: root, value: v, line: root.Line, end: chunk.line + chunk.lines - 1}
		// The regular expression runs only where it can match: most
		// documents are not helm's, and it was a tenth of reading them.
		if bytes.Contains(text, []byte("# Source: ")) {
			if m := helmSource.FindSubmatch(text); m != nil {
				d.source = string(m[1])
			}
		}
		if last := lastLine(root); last > d.line && last < d.end {
			d.end = last
		}
		docs = append(docs, d)
	}
	return docs, diags
}

// parsedChunk is one document's YAML, parsed.
type parsedChunk struct {
	node  yaml.Node
	err   error
	blank bool // only whitespace and comments
	// first is the line of the parsed text the chunk begins on: 1 when
	// the chunk was parsed alone, later when with others (parseBatch).
	first int
}

// parallelDocs is the number of documents from which one file's documents
// are parsed on every core: a rendered chart or a kustomize build is one
// file of thousands, and yaml.v3 was most of reading it. (A variable for
// TestReadDocumentsInParallel.)
var parallelDocs = 16

// batchDocs is the most documents one YAML parser reads in turn
// (parseBatch).
const batchDocs = 16

// parseChunks parses each document's YAML into a node tree, as parsing it
// alone would: batches of documents share a parser (parseBatch) and
// nothing else, so a large file's batches are parsed concurrently; what a
// document may expand to is bounded later, in file order.
func parseChunks(chunks []chunk) []parsedChunk {
	out := make([]parsedChunk, len(chunks))
	var todo []int
	for i, c := range chunks {
		if blank(c.text) {
			out[i].blank = true
		} else {
			todo = append(todo, i)
		}
	}
	if len(chunks) < parallelDocs {
		parseBatch(chunks, todo, out)
		return out
	}
	// Batches of batchDocs, but at least four per core, so that a file of
	// a few dozen documents still spreads over every core.
	batches := max((len(todo)+batchDocs-1)/batchDocs, min(len(todo), 4*runtime.GOMAXPROCS(0)))
	size := (len(todo) + batches - 1) / max(batches, 1)
	parallel.For(batches, 0, func(b int) {
		if from := b * size; from < len(todo) {
			parseBatch(chunks, todo[from:min(from+size, len(todo))], out)
		}
	})
	return out
}

// parseBatch parses the chunks of the indexes idx into out: together, as
// one stream of documents, when that gives what parsing each alone gives;
// otherwise each alone. A parser set up per document cost 70 of the 180
// MB that parsing a 10k-object estate's YAML allocated (the buffers and
// token queues of 10,000 parsers) and a tenth of its time (BENCHMARKS.md).
func parseBatch(chunks []chunk, idx []int, out []parsedChunk) {
	if len(idx) > 1 && parseTogether(chunks, idx, out) {
		return
	}
	for _, i := range idx {
		out[i] = parsedChunk{first: 1}
		out[i].err = yaml.Unmarshal(chunks[i].text, &out[i].node)
	}
}

// parseTogether parses the chunks as one stream, a document separator
// between each two, and reports whether that stood for parsing each alone:
// no error (errors and their lines are the lone parse's), one document
// per chunk, each within its chunk's lines. Chunks with anchors are left
// alone: a parser knows the anchors of the documents before, which a lone
// parse would refuse as unknown.
func parseTogether(chunks []chunk, idx []int, out []parsedChunk) bool {
	size := 0
	for _, i := range idx {
		if bytes.IndexByte(chunks[i].text, '&') >= 0 {
			return false
		}
		size += len(chunks[i].text) + 5
	}
	buf := make([]byte, 0, size)
	first := make([]int, len(idx)) // the line each chunk begins on
	line := 1
	for k, i := range idx {
		if k > 0 {
			if n := len(buf); n > 0 && buf[n-1] != '\n' {
				buf = append(buf, '\n')
				line++
			}
			buf = append(buf, "---\n"...)
			line++
		}
		first[k] = line
		buf = append(buf, chunks[i].text...)
		line += bytes.Count(chunks[i].text, []byte("\n"))
	}
	dec := yaml.NewDecoder(bytes.NewReader(buf))
	nodes := make([]yaml.Node, len(idx))
	for k := range idx {
		if dec.Decode(&nodes[k]) != nil {
			return false
		}
		n := &nodes[k]
		if n.Kind != yaml.DocumentNode || len(n.Content) == 0 {
			return false
		}
		last := line
		if k+1 < len(idx) {
			last = first[k+1] - 2 // before the separator
		}
		if r := n.Content[0].Line; r < first[k] || r > last {
			return false
		}
	}
	var extra yaml.Node
	if dec.Decode(&extra) != io.EOF {
		return false
	}
	for k, i := range idx {
		out[i] = parsedChunk{node: nodes[k], first: first[k]}
	}
	return true
}

// k8sLike finds the fields every Kubernetes object has.
var k8sLike = regexp.MustCompile(`(?m)^\s*"?apiVersion"?\s*:|"apiVersion"\s*:`)

// unreadable reports a document that could not be read: an error when it
// looks like a Kubernetes object (facts are missing, so verdicts cannot be
// trusted), a warning for other YAML that happens to be scanned.
func unreadable(file string, line int, text []byte, format string, args ...any) collectors.Diagnostic {
	if k8sLike.Match(text) {
		return collectors.Errorf(file, line, format, args...)
	}
	return collectors.Warnf(file, line, format, args...)
}

// isJSON reports whether the data starts like a JSON document.
func isJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

type chunk struct {
	text  []byte
	line  int // first line of the chunk in the file
	lines int
}

// splitDocuments cuts the file at document separators, as kubectl does, so
// that one broken document does not hide the others.
func splitDocuments(data []byte) []chunk {
	data = bytes.Clone(data) // separators are blanked in place
	var out []chunk
	start, startLine, line := 0, 1, 1
	for i := 0; i <= len(data); {
		j := bytes.IndexByte(data[i:], '\n')
		end := len(data)
		if j >= 0 {
			end = i + j
		}
		if isDocSep(data[i:end]) {
			out = append(out, chunk{text: data[start:i], line: startLine, lines: line - startLine})
			// The separator line may carry content (--- {a: 1}); keep it,
			// blanking the marker so that lines stay aligned.
			start = i
			startLine = line
			copy(data[i:i+3], "   ")
		}
		if j < 0 {
			break
		}
		i = end + 1
		line++
	}
	out = append(out, chunk{text: data[start:], line: startLine, lines: line - startLine + 1})
	return out
}

// blank reports whether a document holds only whitespace, comments and
// directives (%YAML): nothing to parse. It looks at the lines where they
// are, copying nothing (a copy of every document's content was 15 ms of
// reading a 10k-object estate).
func blank(b []byte) bool {
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' && line[0] != '%' {
			return false
		}
	}
	return true
}

// offsetLines shifts the lines of a parsed chunk to lines of the file.
// Alias targets are visited where they are defined, so every node moves once.
func offsetLines(n *yaml.Node, off int) {
	if off == 0 {
		return
	}
	stack := []*yaml.Node{n}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x.Line += off
		stack = append(stack, x.Content...)
	}
}

// lastLine is the last line a node's subtree reaches. A node's content is
// in document order and each part starts after the one before it ends, so
// the last line is on the path of last children: the subtree is not walked
// (it was per fact, 6% of reading the 10k Kubernetes estate).
// TestLastLine and FuzzLastLine compare it with the walk of every node.
func lastLine(n *yaml.Node) int {
	last := 0
	for x := n; ; x = x.Content[len(x.Content)-1] {
		last = max(last, x.Line)
		if x.Kind == yaml.ScalarNode && (x.Style == yaml.LiteralStyle || x.Style == yaml.FoldedStyle) {
			last = max(last, x.Line+strings.Count(x.Value, "\n"))
		}
		if len(x.Content) == 0 {
			return last
		}
	}
}

// budget converts YAML nodes to Go values (map[string]any, []any, string,
// int64, float64, bool, nil), counting every value including those reached
// through aliases.
type budget struct {
	left  int
	depth int // the deepest nesting read
}

func (b *budget) value(n *yaml.Node, depth int) (any, error) {
	b.left--
	if b.left < 0 {
		return nil, &limitError{errBudget, n.Line}
	}
	if depth > b.depth {
		return nil, &limitError{errDepth, n.Line}
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return b.value(n.Content[0], depth)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, nil
		}
		return b.value(n.Alias, depth+1)
	case yaml.ScalarNode:
		return scalar(n), nil
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := b.value(c, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		var merges []*yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Tag != "!!str" {
				merges = append(merges, v)
				continue
			}
			val, err := b.value(v, depth+1)
			if err != nil {
				return nil, err
			}
			// kubectl refuses duplicate keys; which value wins is not
			// something to guess in evidence.
			if _, dup := out[keyString(k)]; dup {
				return nil, &limitError{fmt.Errorf("%w: %q", errDuplicateKey, keyString(k)), k.Line}
			}
			out[keyString(k)] = val
		}
		// Merged keys never override explicit ones.
		for _, m := range merges {
			mv, err := b.value(m, depth+1)
			if err != nil {
				return nil, err
			}
			for _, part := range mergeParts(mv) {
				for k, v := range part {
					if _, ok := out[k]; !ok {
						out[k] = v
					}
				}
			}
		}
		return out, nil
	}
	return nil, nil
}

func mergeParts(v any) []map[string]any {
	switch x := v.(type) {
	case map[string]any:
		return []map[string]any{x}
	case []any:
		var out []map[string]any
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

func keyString(k *yaml.Node) string {
	if k.Kind == yaml.ScalarNode {
		return k.Value
	}
	if k.Kind == yaml.AliasNode && k.Alias != nil && k.Alias.Kind == yaml.ScalarNode {
		return k.Alias.Value
	}
	return fmt.Sprintf("<%s key at line %d>", kindName(k.Kind), k.Line)
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "sequence"
	}
	return "complex"
}

// scalar resolves a scalar as YAML 1.2 does for JSON-compatible types;
// everything else (timestamps, binary, custom tags) stays a string.
func scalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err == nil {
			return b
		}
	case "!!int":
		if i, err := strconv.ParseInt(n.Value, 10, 64); err == nil {
			return i
		}
		var i int64
		if err := n.Decode(&i); err == nil {
			return i
		}
		var f float64
		if err := n.Decode(&f); err == nil {
			return f
		}
	case "!!float":
		var f float64
		if err := n.Decode(&f); err == nil {
			return f
		}
	}
	return n.Value
}
