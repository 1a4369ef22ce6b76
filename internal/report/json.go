package report

import (
	"context"
	"encoding/json"
	"io"

	"github.com/kaiji-dev/kaiji/internal/results"
)

// JSON writes the run in the documented shape (docs/results.md): indented,
// with HTML characters unescaped, byte-identical for the same input.
type JSON struct{}

// Report implements Reporter.
func (JSON) Report(_ context.Context, w io.Writer, r *results.Run) error {
	return WriteJSON(w, r)
}

// WriteJSON encodes v as indented JSON without HTML escaping.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
