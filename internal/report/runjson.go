package report

import (
	"bytes"
	"encoding/json"

	"github.com/kaiji-dev/kaiji/internal/results"
)

// compactRun encodes a run as json.Encoder does (compactJSON), built from one encoding per claim and per
// control. encoding/json builds a document in a single buffer that doubles
// as it grows, zeroed at every step: for a 10k-resource estate's run
// (~17 MB) growing it cost more than the encoding (BENCHMARKS.md). The
// pieces are copied once into a buffer of the final size. The fields are
// those of results.Run in its order, with its omitempty rules
// (TestRunFields keeps the two in step; TestCompactRun compares outputs).
func compactRun(r *results.Run) ([]byte, error) {
	var p pieces
	enc := json.NewEncoder(&p)
	enc.SetEscapeHTML(false)
	var err error
	field := func(name string, v any) {
		if err == nil {
			p.literal(name)
			err = enc.Encode(v)
		}
	}
	list := func(name string, n int, null bool, elem func(int) any) {
		if err != nil {
			return
		}
		p.literal(name)
		if null {
			p.literal("null")
			return
		}
		p.literal("[")
		for i := range n {
			if i > 0 {
				p.literal(",")
			}
			if err = enc.Encode(elem(i)); err != nil {
				return
			}
		}
		p.literal("]")
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
	list(`,"claims":`, len(r.Claims), r.Claims == nil, func(i int) any { return &r.Claims[i] })
	list(`,"controls":`, len(r.Controls), r.Controls == nil, func(i int) any { return &r.Controls[i] })
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
	p.literal("}\n")
	return p.bytes(), nil
}

// pieces collects a document in blocks that never move. As the Writer of a
// json.Encoder it drops the newline ending each value.
type pieces struct {
	blocks [][]byte
	size   int
}

const pieceBlock = 1 << 20

func (p *pieces) Write(b []byte) (int, error) {
	add(p, bytes.TrimSuffix(b, []byte("\n")))
	return len(b), nil
}

func (p *pieces) literal(s string) { add(p, s) }

func add[T string | []byte](p *pieces, s T) {
	last := len(p.blocks) - 1
	if last < 0 || cap(p.blocks[last])-len(p.blocks[last]) < len(s) {
		p.blocks = append(p.blocks, make([]byte, 0, max(pieceBlock, len(s))))
		last++
	}
	p.blocks[last] = append(p.blocks[last], s...)
	p.size += len(s)
}

// bytes returns the document in one slice.
func (p *pieces) bytes() []byte {
	out := make([]byte, 0, p.size)
	for _, b := range p.blocks {
		out = append(out, b...)
	}
	return out
}
