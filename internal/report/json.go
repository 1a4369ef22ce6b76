package report

import (
	"context"
	"encoding/json"
	"fmt"
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

// reportRedacted writes the redacted JSON document itself, without
// decoding it into a run and encoding that again (selfRedacting).
func (JSON) reportRedacted(w io.Writer, src *Sources, r *results.Run) error {
	pieces, _, err := src.redactedJSON(r)
	if err != nil {
		return fmt.Errorf("redact: %w", err)
	}
	return writePiecesIndented(w, pieces)
}

// DecodeRun reads a run written by the JSON reporter (results.json), keeping
// numbers exact, and finalizes it (order and summary).
func DecodeRun(r io.Reader) (*results.Run, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var run results.Run
	if err := dec.Decode(&run); err != nil {
		return nil, fmt.Errorf("decode results: %w", err)
	}
	if run.Schema != "" && run.Schema != results.SchemaVersion {
		return nil, fmt.Errorf("decode results: schema %q, want %q", run.Schema, results.SchemaVersion)
	}
	run.Finalize()
	return &run, nil
}
