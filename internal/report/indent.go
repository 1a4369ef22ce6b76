package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"

	"github.com/kaiji-dev/kaiji/internal/results"
)

// WriteJSON encodes v as indented JSON without HTML escaping, exactly as
// json.Encoder with SetIndent("", "  ") would, but streams the indentation
// to w: the encoder indents the whole document into a second buffer before
// writing it, and for a large run (a 10k-resource estate is ~16 MB) growing
// and copying that buffer cost more than the encoding itself.
func WriteJSON(w io.Writer, v any) error {
	compact, err := compactJSON(v)
	if err != nil {
		return err
	}
	return writeIndentedJSON(w, compact)
}

// compactJSON encodes v as json.Encoder does without HTML escaping, with
// its trailing newline.
func compactJSON(v any) ([]byte, error) {
	if r, ok := v.(*results.Run); ok {
		return compactRun(r)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// writeIndentedJSON writes compact JSON (compactJSON) to w indented.
func writeIndentedJSON(w io.Writer, compact []byte) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	writeIndented(bw, compact, "  ")
	return bw.Flush()
}

// writeIndented writes src, compact JSON as encoding/json writes it (no
// whitespace outside strings, possibly a trailing newline), with the
// layout of json.Indent(dst, src, "", indent): a newline and indentation
// after every opening bracket and comma and before every closing bracket,
// empty objects and arrays kept as {} and [], a space after each colon.
// Errors are left to w (bufio.Writer keeps the first).
func writeIndented(w *bufio.Writer, src []byte, indent string) {
	depth := 0
	start := 0 // src[start:i] is copied as it is when a break is due
	newline := func() {
		w.WriteByte('\n')
		for range depth {
			w.WriteString(indent)
		}
	}
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '"':
			// Skip the string: its brackets, commas and colons are text.
			i++
			for i < len(src) && src[i] != '"' {
				if src[i] == '\\' {
					i++
				}
				i++
			}
		case '{', '[':
			if i+1 < len(src) && (src[i+1] == '}' || src[i+1] == ']') {
				i++ // empty: written as it is
				continue
			}
			w.Write(src[start : i+1])
			depth++
			newline()
			start = i + 1
		case '}', ']':
			w.Write(src[start:i])
			depth--
			newline()
			start = i
		case ',':
			w.Write(src[start : i+1])
			newline()
			start = i + 1
		case ':':
			w.Write(src[start : i+1])
			w.WriteByte(' ')
			start = i + 1
		}
	}
	w.Write(src[start:])
}
