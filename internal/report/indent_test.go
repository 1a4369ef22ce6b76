package report

import (
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
//
// The document is also written cut into pieces at cut and cut*7 (mod its
// length), as the JSON report writes a run: the result must not change.
func FuzzWriteIndented(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a":[1,{"b":{}}],"c":"]:,{"}`, `"\\\""`, `[[[]],[{}]]`, `{"k":"\u2028"}`, `1`, `null`} {
		f.Add([]byte(s), uint16(1))
	}
	f.Fuzz(func(t *testing.T, data []byte, cut uint16) {
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
		if err := writePiecesIndented(&got, [][]byte{compact.Bytes()}); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("input %q:\ngot  %q\nwant %q", data, got.String(), want.String())
		}
		doc := compact.Bytes()
		a, b := int(cut)%(len(doc)+1), int(cut)*7%(len(doc)+1)
		a, b = min(a, b), max(a, b)
		var cutGot bytes.Buffer
		if err := writePiecesIndented(&cutGot, [][]byte{doc[:a], doc[a:b], doc[b:]}); err != nil {
			t.Fatal(err)
		}
		if cutGot.String() != want.String() {
			t.Errorf("input %q cut at %d and %d:\ngot  %q\nwant %q", data, a, b, cutGot.String(), want.String())
		}
	})
}

// TestRedactedJSONMatchesRedact checks the JSON reporter's shortcut (the
// redacted document indented as it is) against the way every other format
// gets a redacted run (decoded back), on secrets with characters JSON or
// HTML escape.
func TestRedactedJSONMatchesRedact(t *testing.T) {
	secrets := []string{`p<a&s>s"w0rd`, `tok\en-123456`, "秘密のトークン12", "line\nbreak-secret"}
	s := &Sources{secrets: secrets}
	run := &results.Run{Tool: results.Tool{Name: "kaiji"}, Claims: []results.Claim{{
		Index: 1, Verdict: "contradicted", Claimed: secrets[0],
		Reason:  results.Text{Ja: "値 " + secrets[1] + " を含む", En: secrets[2] + " & <b>" + secrets[3]},
		Details: []results.Detail{{Fact: "a", Outcome: "contradicts", Reason: results.Text{En: `"` + secrets[0] + `"`}}},
	}}}
	data, _, err := s.redactedJSON(run)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := writePiecesIndented(&got, data); err != nil {
		t.Fatal(err)
	}
	clean, err := s.Redact(run)
	if err != nil {
		t.Fatal(err)
	}
	want := indentedLikeEncoder(t, clean)
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("redacted JSON:\n%s\nwant:\n%s", got.Bytes(), want)
	}
	for _, v := range secrets {
		if enc, _ := compactJSON(v); bytes.Contains(got.Bytes(), enc[1:len(enc)-2]) {
			t.Errorf("secret %q left in the report", v)
		}
	}
}

// TestRedactUnquoted: a run that quotes none of the inputs' secrets is
// reported as it is, not decoded again from its JSON; one that quotes a
// secret is a copy with it replaced.
func TestRedactUnquoted(t *testing.T) {
	s := &Sources{secrets: []string{"hunter2-secret"}}
	run := &results.Run{Tool: results.Tool{Name: "kaiji"}, Claims: []results.Claim{{Index: 1, Verdict: "supported", Claimed: "daily"}}}
	got, err := s.Redact(run)
	if err != nil {
		t.Fatal(err)
	}
	if got != run {
		t.Error("a run quoting no secret was copied")
	}
	run.Claims[0].Claimed = "the password is hunter2-secret"
	got, err = s.Redact(run)
	if err != nil {
		t.Fatal(err)
	}
	if got == run || got.Claims[0].Claimed != "the password is "+Redacted {
		t.Errorf("a run quoting a secret: claimed %q", got.Claims[0].Claimed)
	}
}
