package engine

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/internal/results"
)

type sample struct {
	Name    string         `json:"name"`
	Count   int            `json:"count"`
	Ratio   float64        `json:"ratio"`
	OK      bool           `json:"ok"`
	Any     any            `json:"any"`
	List    []string       `json:"list"`
	Nums    []int          `json:"nums"`
	Map     map[string]any `json:"map"`
	Ptr     *int           `json:"ptr,omitempty"`
	Skipped string         `json:"-"`
	Untag   string
	Nested  []results.Text `json:"nested"`
}

// TestDecodeMatchesJSON: decoding an OPA value gives what encoding/json
// gives for the value's JSON, for each case.
func TestDecodeMatchesJSON(t *testing.T) {
	for _, doc := range []string{
		`{"name": "a", "count": 3, "ratio": 0.5, "ok": true, "any": 86400, "list": ["x", "y"], "nums": [], "map": {"a": [1, 2.5, null, "s", {"b": false}]}, "ptr": 7, "Skipped": "no", "untag": "case", "nested": [{"ja": "日本", "en": "Japan"}]}`,
		`{"name": null, "list": null, "map": null, "any": null, "ptr": null}`,
		`{"any": {"deep": [[], {}]}, "ratio": 1e3, "count": -2}`,
		`{"extra": 1, "nums": [9007199254740993]}`,
		`{}`,
	} {
		var want sample
		if err := json.Unmarshal([]byte(doc), &want); err != nil {
			t.Fatal(err)
		}
		var got sample
		if err := decodeInto(ast.MustParseTerm(doc).Value, &got); err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %#v\nwant %#v", doc, got, want)
		}
	}
}

// TestDecodeSets: a set decodes as the array OPA would give, in order.
func TestDecodeSets(t *testing.T) {
	var got []string
	if err := decodeInto(ast.MustParseTerm(`{"b", "a", "c"}`).Value, &got); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "b", "c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestDecodeErrors: a value of the wrong type is an error that names the field.
func TestDecodeErrors(t *testing.T) {
	for doc, want := range map[string]string{
		`{"count": "3"}`:    "decode decision: count: cannot decode string into int",
		`{"count": 1.5}`:    "decode decision: count: number 1.5 does not fit int",
		`{"list": [1]}`:     "decode decision: list: cannot decode number into string",
		`{"map": {1: "x"}}`: "decode decision: map: object key 1 is not a string",
		`{"any": {1: "x"}}`: "decode decision: any: object key 1 is not a string",
	} {
		var s sample
		err := decodeInto(ast.MustParseTerm(doc).Value, &s)
		if err == nil || err.Error() != want {
			t.Errorf("%s: got %v, want %s", doc, err, want)
		}
	}
	if err := decodeInto("not a value", &sample{}); err == nil {
		t.Error("a Go string decoded")
	}
}

// TestDecodeDecision: the decision of the 1k estate decodes exactly as
// through JSON.
func TestDecodeDecision(t *testing.T) {
	eng, in, _ := evaluating(t, 1000)
	var got, want decision
	if err := eng.EvalRaw(context.Background(), in, &got); err != nil {
		t.Fatal(err)
	}
	rs, err := topdownQuery(t, eng).Eval(context.Background(), rego.EvalParsedInput(in))
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(rs[0].Expressions[0].Value)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, &want); err != nil {
		t.Fatal(err)
	}
	if len(want.Claims) == 0 || !reflect.DeepEqual(got, want) {
		t.Error("the decision decoded from OPA's values differs from its JSON")
	}
}

func TestUncached(t *testing.T) {
	fn := ast.RefTerm(ast.VarTerm("data"), ast.StringTerm("kaiji"), ast.StringTerm("lib"), ast.StringTerm("evidence"))
	for _, c := range []struct {
		key  ast.Ref
		want bool
	}{
		{ast.MustParseRef(`data.kaiji.lib.backup.subjects`), false},
		{ast.Ref{fn, ast.StringTerm("datastore")}, false},
		{ast.Ref{fn, ast.IntNumberTerm(86400), ast.StringTerm("ja")}, false},
		{ast.Ref{fn, ast.MustParseTerm(`{"id": "x"}`), ast.StringTerm("region")}, true},
		{ast.Ref{fn, ast.StringTerm("a"), ast.MustParseTerm(`[1]`)}, true},
		{ast.Ref{fn, ast.MustParseTerm(`{1}`)}, true},
		{nil, false},
	} {
		if got := uncached(c.key); got != c.want {
			t.Errorf("uncached(%v) = %v, want %v", c.key, got, c.want)
		}
	}
}

// TestFactsValue: the facts value built directly is the one OPA would
// convert from the Go documents.
func TestFactsValue(t *testing.T) {
	facts := append([]collectors.Fact{
		{ID: "no-attrs", Kind: collectors.KindLog},
		{
			ID: "full", Kind: collectors.KindDatastore, Provider: "aws", Type: "aws_s3_bucket",
			Attrs:   map[string]any{"encrypted_at_rest": true, "tags": map[string]any{"env": "prod"}, "ports": []any{22, 443}, "ratio": 0.5},
			Unknown: []string{"attrs.kms_key"}, Lines: map[string]int{"encrypted_at_rest": 12, "tags": 3},
			Source: collectors.Source{File: "main.tf", Line: 1, EndLine: 20, Collector: "terraform"},
		},
	}, loadEstate(t, 1000).facts...)
	got, err := FactsValue(facts)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ast.InterfaceToValue(factsDoc(facts))
	if err != nil {
		t.Fatal(err)
	}
	if got.Compare(want) != 0 {
		t.Fatalf("FactsValue differs from InterfaceToValue(factsDoc):\n got %.500v\nwant %.500v", got, want)
	}
}

// factsDoc is the facts document as Go values: how Input built it
// before FactsValue, kept as TestFactsValue's reference.
func factsDoc(facts []collectors.Fact) map[string]any {
	byKind := map[string]any{}
	for i := range facts {
		f := &facts[i]
		list, _ := byKind[string(f.Kind)].([]any)
		byKind[string(f.Kind)] = append(list, factDoc(f))
	}
	return byKind
}

func factDoc(f *collectors.Fact) map[string]any {
	unknown := make([]any, len(f.Unknown))
	for i, u := range f.Unknown {
		unknown[i] = u
	}
	lines := make(map[string]any, len(f.Lines))
	for k, v := range f.Lines {
		lines[k] = int64(v)
	}
	return map[string]any{
		"id":       f.ID,
		"kind":     string(f.Kind),
		"provider": f.Provider,
		"type":     f.Type,
		"attrs":    f.Attrs,
		"unknown":  unknown,
		"lines":    lines,
		"source": map[string]any{
			"file": f.Source.File, "line": int64(f.Source.Line), "end_line": int64(f.Source.EndLine), "collector": f.Source.Collector,
		},
	}
}

// BenchmarkDecodeDecision decodes the whole decision of the 10k Terraform
// estate (some 30,000 findings and evaluations with their evidence) from
// OPA's values into the result types.
func BenchmarkDecodeDecision(b *testing.B) {
	eng, in, _ := evaluating(b, 10000)
	rs, err := topdownQuery(b, eng).Eval(context.Background(), rego.EvalParsedInput(in), rawValue, cacheOption())
	if err != nil {
		b.Fatal(err)
	}
	v := rs[0].Expressions[0].Value
	for b.Loop() {
		var d decision
		if err := decodeInto(v, &d); err != nil || len(d.Claims) == 0 {
			b.Fatal(err)
		}
	}
}
