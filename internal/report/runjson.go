package report

import (
	"bytes"
	"encoding/json"

	"github.com/kaiji-dev/kaiji/internal/parallel"
	"github.com/kaiji-dev/kaiji/internal/results"
)

// runPieces encodes a run as json.Encoder does (compactJSON), in
// consecutive pieces: one encoding per claim and per control, made one per
// core, and the text between them. encoding/json builds a document in a
// single buffer that doubles as it grows, zeroed at every step: for a
// 10k-resource estate's run (~17 MB) growing it cost more than the
// encoding (BENCHMARKS.md). Each piece is encoded into a slice of its own
// size. The JSON report indents, searches and writes the pieces as they
// are: joined, a 100k-resource run would be held twice (~180 MB each).
// The fields are those of results.Run in its order, with its omitempty
// rules (TestRunFields keeps the two in step; TestCompactRun compares
// outputs).
func runPieces(r *results.Run) ([][]byte, error) {
	elems := make([]any, 0, len(r.Claims)+len(r.Controls))
	for i := range r.Claims {
		elems = append(elems, &r.Claims[i])
	}
	for i := range r.Controls {
		elems = append(elems, &r.Controls[i])
	}
	encoded := make([][]byte, len(elems))
	errs := make([]error, len(elems))
	parallel.For(len(elems), 0, func(i int) { encoded[i], errs[i] = encodeValue(elems[i]) })
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}

	var parts [][]byte
	var err error
	lit := func(s string) { parts = append(parts, []byte(s)) }
	field := func(name string, v any) {
		if err == nil {
			lit(name)
			var b []byte
			b, err = encodeValue(v)
			parts = append(parts, b)
		}
	}
	list := func(name string, null bool, es [][]byte) {
		lit(name)
		if null {
			lit("null")
			return
		}
		lit("[")
		for i, e := range es {
			if i > 0 {
				lit(",")
			}
			parts = append(parts, e)
		}
		lit("]")
	}
	field(`{"schema":`, r.Schema)
	field(`,"tool":`, r.Tool)
	if r.Service != "" {
		field(`,"service":`, r.Service)
	}
	field(`,"edition":`, r.Edition)
	field(`,"pattern":`, r.Pattern)
	if r.ClaimsFile != "" {
		field(`,"claims_file":`, r.ClaimsFile)
	}
	field(`,"summary":`, r.Summary)
	list(`,"claims":`, r.Claims == nil, encoded[:len(r.Claims)])
	list(`,"controls":`, r.Controls == nil, encoded[len(r.Claims):])
	field(`,"diagnostics":`, r.Diagnostics)
	field(`,"inputs":`, r.Inputs)
	field(`,"waivers":`, r.Waivers)
	if r.Baseline != nil {
		field(`,"baseline":`, r.Baseline)
	}
	if r.Sheet != nil {
		field(`,"sheet":`, r.Sheet)
	}
	if err != nil {
		return nil, err
	}
	lit("}\n")
	return parts, nil
}

// encodeValue encodes v as json.Encoder does without HTML escaping, less
// the newline, into a slice of its size: the encoder's own buffer is
// pooled and grows once to the largest piece.
func encodeValue(v any) ([]byte, error) {
	var w exact
	enc := json.NewEncoder(&w)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return w.b, err
}

// exact keeps a copy of the one write a json.Encoder makes per value,
// less its newline.
type exact struct{ b []byte }

func (w *exact) Write(p []byte) (int, error) {
	w.b = append(w.b, bytes.TrimSuffix(p, []byte("\n"))...)
	return len(p), nil
}
