package report

import (
	"bufio"
	"io"

	"github.com/kaiji-dev/kaiji/internal/results"
)

// WriteJSON encodes v as indented JSON without HTML escaping, exactly as
// json.Encoder with SetIndent("", "  ") would, but streams the indentation
// to w: the encoder indents the whole document into a second buffer before
// writing it, and for a large run (a 10k-resource estate is ~16 MB) growing
// and copying that buffer cost more than the encoding itself. A run is
// indented from its pieces (runPieces), never joined.
func WriteJSON(w io.Writer, v any) error {
	if r, ok := v.(*results.Run); ok {
		pieces, err := runPieces(r)
		if err != nil {
			return err
		}
		return writePiecesIndented(w, pieces)
	}
	compact, err := compactJSON(v)
	if err != nil {
		return err
	}
	return writePiecesIndented(w, [][]byte{compact})
}

// compactJSON encodes v as json.Encoder does without HTML escaping, with
// its trailing newline.
func compactJSON(v any) ([]byte, error) {
	b, err := encodeValue(v)
	return append(b, '\n'), err
}

// writePiecesIndented writes compact JSON (compactJSON, runPieces), given as
// consecutive pieces of one document, to w indented, through w's own
// buffer when it has one (kaiji scan's output has).
func writePiecesIndented(w io.Writer, pieces [][]byte) error {
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriterSize(w, 64<<10)
	}
	d := indenter{w: bw, indent: "  "}
	for _, p := range pieces {
		d.write(p)
	}
	return bw.Flush()
}

// indenter writes compact JSON as encoding/json writes it (no whitespace
// outside strings, possibly a trailing newline) with the layout of
// json.Indent(dst, src, "", indent): a newline and indentation after every
// opening bracket and comma and before every closing bracket, empty
// objects and arrays kept as {} and [], a space after each colon. The
// document may come in pieces cut anywhere: what it was inside of (a
// string, an escape, a bracket whose line break waits to see whether it
// closes at once) carries over from one piece to the next. Errors are
// left to w (bufio.Writer keeps the first).
type indenter struct {
	w                 *bufio.Writer
	indent            string
	depth             int
	inString, escaped bool
	open              bool // the last byte written opened a bracket; its line break waits
}

func (d *indenter) newline() {
	d.w.WriteByte('\n')
	for range d.depth {
		d.w.WriteString(d.indent)
	}
}

func (d *indenter) write(src []byte) {
	start := 0 // src[start:i] is copied as it is when a break is due
	for i := 0; i < len(src); i++ {
		c := src[i]
		if d.open {
			d.open = false
			if c == '}' || c == ']' {
				continue // empty: written as it is, with the segment
			}
			d.w.Write(src[start:i])
			start = i
			d.depth++
			d.newline()
		}
		if d.inString {
			switch {
			case d.escaped:
				d.escaped = false
			case c == '\\':
				d.escaped = true
			case c == '"':
				d.inString = false
			}
			continue
		}
		switch c {
		case '"':
			d.inString = true
		case '{', '[':
			d.w.Write(src[start : i+1])
			start = i + 1
			d.open = true
		case '}', ']':
			d.w.Write(src[start:i])
			start = i
			d.depth--
			d.newline()
		case ',':
			d.w.Write(src[start : i+1])
			start = i + 1
			d.newline()
		case ':':
			d.w.Write(src[start : i+1])
			start = i + 1
			d.w.WriteByte(' ')
		}
	}
	d.w.Write(src[start:])
}
