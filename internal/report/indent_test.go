package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"

	"github.com/kaiji-dev/kaiji/internal/results"
)

// indentedLikeEncoder is what json.Encoder with SetIndent("", "  ") writes.
func indentedLikeEncoder(t testing.TB, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestWriteJSONMatchesEncoder(t *testing.T) {
	tests := []struct {
		name string
		v    any
	}{
		{"scalars", []any{nil, true, false, 0, -1.5, 1e21, "x"}},
		{"empty", map[string]any{"a": map[string]any{}, "b": []any{}, "c": [][]any{{}}, "d": ""}},
		{"nested", map[string]any{"a": []any{map[string]any{"b": []int{1, 2}}, []any{}}, "z": map[string]any{"y": nil}}},
		{"strings with syntax", []string{`{"a":[1,2]}`, `a\"b`, `\`, "改行\n, タブ\t: {", "<html>&"}},
		{"top-level string", "]"},
		{"run", &results.Run{Tool: results.Tool{Name: "kaiji"}, Claims: []results.Claim{{Index: 1, Item: 3, Verdict: "supported"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got bytes.Buffer
			if err := WriteJSON(&got, tt.v); err != nil {
				t.Fatal(err)
			}
			if want := indentedLikeEncoder(t, tt.v); !bytes.Equal(got.Bytes(), want) {
				t.Errorf("WriteJSON:\n%s\nwant (json.Encoder):\n%s", got.Bytes(), want)
			}
		})
	}
}

// FuzzWriteIndented compares the streaming indentation with json.Indent on
// every valid JSON document the fuzzer finds, compacted as encoding/json
// writes it.
func FuzzWriteIndented(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a":[1,{"b":{}}],"c":"]:,{"}`, `"\\\""`, `[[[]],[{}]]`, `{"k":"\u2028"}`, `1`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, data); err != nil {
			t.Fatal(err)
		}
		compact.WriteByte('\n')
		var want bytes.Buffer
		if err := json.Indent(&want, compact.Bytes(), "", "  "); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		bw := bufio.NewWriter(&got)
		writeIndented(bw, compact.Bytes(), "  ")
		if err := bw.Flush(); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("input %q:\ngot  %q\nwant %q", data, got.String(), want.String())
		}
	})
}
