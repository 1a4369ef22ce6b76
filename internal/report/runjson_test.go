package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/kaiji-dev/kaiji/internal/results"
)

// TestRunFields: runPieces writes the fields of results.Run by hand; a
// field added, renamed, reordered or given another omitempty must be
// written there too.
func TestRunFields(t *testing.T) {
	want := []string{"schema", "tool", "service,omitempty", "edition", "pattern", "claims_file,omitempty", "summary",
		"claims", "controls", "diagnostics", "inputs", "waivers", "baseline,omitempty", "sheet,omitempty"}
	var got []string
	rt := reflect.TypeFor[results.Run]()
	for i := range rt.NumField() {
		got = append(got, rt.Field(i).Tag.Get("json"))
	}
	if !slices.Equal(got, want) {
		t.Errorf("results.Run JSON fields\n got %q\nwant %q\nupdate runPieces to match", got, want)
	}
	if _, ok := reflect.New(rt).Interface().(json.Marshaler); ok {
		t.Error("results.Run has a MarshalJSON that runPieces does not call")
	}
}

// TestCompactRun: runPieces, joined, is byte for byte what json.Encoder writes, for
// the test runs (sheets, waivers, baselines, secrets) and for runs with
// every optional field empty, every list nil or empty.
func TestCompactRun(t *testing.T) {
	runs := map[string]*results.Run{
		"zero":  {},
		"empty": {Claims: []results.Claim{}, Controls: []results.Control{}, Service: "svc", ClaimsFile: "c.yaml"},
		"html":  {Service: "<a&b>", Claims: []results.Claim{{}}, Controls: []results.Control{{}, {}}, Baseline: &results.Baseline{}, Sheet: &results.Sheet{}},
	}
	files, err := filepath.Glob(filepath.Join("testdata", "runs", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no test runs: %v", err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r, err := DecodeRun(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		runs[filepath.Base(f)] = r
	}
	for name, r := range runs {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		pieces, err := runPieces(r)
		if err != nil {
			t.Fatal(err)
		}
		got := bytes.Join(pieces, nil)
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s: runPieces differs from json.Encoder\n got %.300s\nwant %.300s", name, got, want.Bytes())
		}
	}
}
