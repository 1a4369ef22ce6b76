package accel_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/kaiji-dev/kaiji/internal/accel"
	"github.com/kaiji-dev/kaiji/policies"
)

// cases calls each helper on the input: the rules are undefined where the
// helper is.
const cases = `package cases

evidence := data.kaiji.lib.evidence(input.a, input.b)

finding := data.kaiji.lib.finding(input.a, input.b, input.c, input.d, input.e)

evaluation := data.kaiji.lib.evaluation(input.a, input.b, input.c, input.d)

unknown if data.kaiji.lib.unknown(input.a, input.b)

not_unknown if not data.kaiji.lib.unknown(input.a, input.b)

attr := data.kaiji.lib.attr(input.a, input.b)

by_resource := data.kaiji.main.by_resource(input.xs)

details := data.kaiji.main.details(input.xs)

actuals := data.kaiji.main.actuals(input.xs)

evidence_of := data.kaiji.main.evidence_of(input.xs)

# the same on sets, which JSON input cannot write
xset := {x | some x in input.xs}

by_resource_set := data.kaiji.main.by_resource(xset)

details_set := data.kaiji.main.details(xset)

actuals_set := data.kaiji.main.actuals(xset)

evidence_of_set := data.kaiji.main.evidence_of({{"evidence": {e | some e in x.evidence}} | some x in xset})
`

// compiled compiles the built-in library and the cases, with the stage or
// as OPA alone does.
func compiled(t testing.TB, withStage bool) *ast.Compiler {
	t.Helper()
	b, err := policies.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	modules := map[string]*ast.Module{}
	for _, m := range b.Modules {
		modules[m.Path] = m.Parsed
	}
	modules["cases.rego"] = ast.MustParseModuleWithOpts(cases, ast.ParserOptions{RegoVersion: ast.RegoV1})
	c := ast.NewCompiler().WithDefaultRegoVersion(ast.RegoV1).WithCapabilities(accel.Capabilities())
	stats := accel.Stats{}
	if withStage {
		c = c.WithStageAfterID(ast.StageCheckTypes, accel.Stage(stats, func(string) bool { return true }))
	}
	if c.Compile(modules); c.Failed() {
		t.Fatal(c.Errors)
	}
	if withStage && len(stats) != 9 {
		t.Fatalf("calls rewritten: %v; want the nine helpers", stats)
	}
	return c
}

// decide evaluates the cases on input: their JSON, or the error.
func decide(t testing.TB, c *ast.Compiler, input any, strict bool) string {
	t.Helper()
	opts := append([]func(*rego.Rego){rego.Query("data.cases"), rego.Compiler(c), rego.Input(input), rego.StrictBuiltinErrors(strict)}, accel.Options()...)
	rs, err := rego.New(opts...).Eval(context.Background())
	if err != nil {
		return "error"
	}
	js, err := json.Marshal(rs[0].Expressions[0].Value)
	if err != nil {
		t.Fatal(err)
	}
	return string(js)
}

func TestSameAsRego(t *testing.T) {
	plain, fast := compiled(t, false), compiled(t, true)
	fact := map[string]any{
		"id": "aws_s3_bucket.b", "source": map[string]any{"file": "main.tf", "line": 3},
		"lines": map[string]any{"versioning": 7, "a": map[string]any{"b": 9}},
	}
	outcome := map[string]any{"outcome": "pass", "actual": true, "evidence": []any{1}, "detail_ja": "有効", "detail_en": "on"}
	claim := map[string]any{"index": 4}
	without := func(m map[string]any, key string) map[string]any {
		out := map[string]any{}
		for k, v := range m {
			if k != key {
				out[k] = v
			}
		}
		return out
	}
	with := func(m map[string]any, key string, v any) map[string]any {
		out := without(m, key)
		out[key] = v
		return out
	}
	inputs := []map[string]any{
		// evidence(a = fact, b = path)
		{"a": fact, "b": "versioning"},
		{"a": fact, "b": "other"},
		{"a": fact, "b": []any{"a", "b"}},
		{"a": fact, "b": 3},
		{"a": without(fact, "lines"), "b": "versioning"},
		{"a": with(fact, "lines", "not an object"), "b": "versioning"},
		{"a": with(fact, "lines", nil), "b": "versioning"},
		{"a": with(fact, "source", map[string]any{"file": "main.tf"}), "b": "versioning"},
		{"a": with(fact, "source", map[string]any{"line": 1}), "b": "versioning"},
		{"a": with(fact, "source", "main.tf"), "b": "versioning"},
		{"a": without(fact, "id"), "b": "versioning"},
		{"a": "a string", "b": "versioning"},
		{"a": []any{"id", "source"}, "b": "versioning"},
		{"a": nil, "b": "x"},
		// unknown and attr (a = fact, b = path)
		{"a": with(fact, "unknown", []any{"attrs.versioning"}), "b": "versioning"},
		{"a": with(fact, "unknown", []any{"attrs.other"}), "b": "versioning"},
		{"a": with(fact, "unknown", []any{}), "b": "versioning"},
		{"a": with(fact, "unknown", "attrs.versioning"), "b": "versioning"},
		{"a": with(fact, "unknown", map[string]any{"k": "attrs.versioning"}), "b": "versioning"},
		{"a": with(fact, "unknown", []any{"attrs.1"}), "b": 1},
		{"a": with(fact, "attrs", map[string]any{"a": map[string]any{"b": []any{1, 2}}, "c": false, "d.e": 1}), "b": "a.b"},
		{"a": with(fact, "attrs", map[string]any{"a": map[string]any{"b": []any{1, 2}}, "c": false, "d.e": 1}), "b": "c"},
		{"a": with(fact, "attrs", map[string]any{"a": map[string]any{"b": []any{1, 2}}, "c": false, "d.e": 1}), "b": "d.e"},
		{"a": with(fact, "attrs", map[string]any{"a": []any{"x"}}), "b": "a.0"},
		{"a": with(fact, "attrs", map[string]any{"a": nil}), "b": "a.b"},
		{"a": with(fact, "attrs", map[string]any{"a": 1}), "b": ""},
		{"a": with(fact, "attrs", "text"), "b": "a"},
		{"a": with(fact, "attrs", []any{1}), "b": "0"},
		// finding(a = claim, b = subject, c = outcome, d = want_ja, e = want_en)
		{"a": claim, "b": fact, "c": outcome, "d": "有り", "e": "yes"},
		{"a": claim, "b": fact, "c": with(outcome, "outcome", "fail"), "d": "有り", "e": "yes"},
		{"a": claim, "b": fact, "c": with(outcome, "outcome", "unknown"), "d": "有り", "e": "yes"},
		{"a": claim, "b": fact, "c": with(outcome, "outcome", "maybe"), "d": "有り", "e": "yes"},
		{"a": claim, "b": fact, "c": with(outcome, "actual", nil), "d": "有り", "e": "yes"},
		{"a": claim, "b": fact, "c": without(outcome, "actual"), "d": "有り", "e": "yes"},
		{"a": claim, "b": fact, "c": without(outcome, "detail_ja"), "d": "有り", "e": "yes"},
		{"a": claim, "b": fact, "c": without(outcome, "detail_en"), "d": "有り", "e": "yes"},
		{"a": claim, "b": fact, "c": without(outcome, "evidence"), "d": "有り", "e": "yes"},
		{"a": claim, "b": fact, "c": with(outcome, "detail_en", 12.5), "d": 3, "e": map[string]any{"x": []any{1}}},
		{"a": claim, "b": fact, "c": with(outcome, "detail_ja", nil), "d": nil, "e": true},
		{"a": map[string]any{}, "b": fact, "c": outcome, "d": "有り", "e": "yes"},
		{"a": claim, "b": without(fact, "id"), "c": outcome, "d": "有り", "e": "yes"},
		{"a": claim, "b": fact, "c": []any{"outcome"}, "d": "有り", "e": "yes"},
		{"a": claim, "b": fact, "c": "outcome", "d": "有り", "e": "yes"},
		// evaluation(a = control, b = item, c = subject, d = outcome)
		{"a": "III.1.1.1", "b": "-", "c": fact, "d": outcome},
		{"a": 1, "b": nil, "c": fact, "d": with(outcome, "outcome", "anything")},
		{"a": "III.1.1.1", "b": "-", "c": fact, "d": without(outcome, "evidence")},
		{"a": "III.1.1.1", "b": "-", "c": fact, "d": without(outcome, "detail_ja")},
		{"a": "III.1.1.1", "b": "-", "c": without(fact, "id"), "d": outcome},
		{"a": "III.1.1.1", "b": "-", "c": fact, "d": 7},
	}
	f1 := map[string]any{"fact": "b", "outcome": "pass", "reason": map[string]any{"en": "x"}, "actual": 1, "evidence": []any{map[string]any{"file": "f", "line": 2}}}
	f2 := map[string]any{"fact": "a", "outcome": "fail", "reason": "r", "actual": nil, "evidence": []any{map[string]any{"file": "f", "line": 2}, map[string]any{"file": "e", "line": 9}}}
	f3 := map[string]any{"fact": "a", "outcome": "contradicts", "reason": "s", "actual": []any{}, "evidence": map[string]any{"k": "v"}}
	for _, xs := range []any{
		[]any{f1, f2, f3},
		[]any{f1, f1, f2},
		// ties on fact and outcome keep their order: by index, member or key
		[]any{with(f1, "reason", "z"), f2, with(f1, "reason", "a")},
		map[string]any{"k2": with(f1, "reason", "a"), "k1": with(f1, "reason", "z"), "k3": f2},
		[]any{f3, with(f1, "fact", 7), without(f2, "outcome"), without(f1, "reason"), without(f2, "actual"), with(f3, "evidence", "one")},
		[]any{with(f1, "fact", nil), with(f2, "fact", []any{1}), "fact", []any{"fact", "outcome"}, 3},
		map[string]any{"z": f1, "a": f2, "m": f3},
		[]any{},
		map[string]any{},
		"xs",
		nil,
	} {
		inputs = append(inputs, map[string]any{"xs": xs})
	}
	defined := 0
	for _, in := range inputs {
		for _, strict := range []bool{false, true} {
			want, got := decide(t, plain, in, strict), decide(t, fast, in, strict)
			if got != want {
				js, _ := json.Marshal(in)
				t.Errorf("input %s (strict %v):\naccelerated %s\nRego        %s", js, strict, got, want)
			}
			if want != "error" && want != "{}" {
				defined++
			}
		}
	}
	if defined < 10 {
		t.Errorf("only %d cases defined anything; the table tests little", defined)
	}
}

// FuzzSameAsRego: on any JSON arguments, the built-ins decide as the Rego
// helpers they replace.
func FuzzSameAsRego(f *testing.F) {
	f.Add(`{"id":"x","source":{"file":"f","line":1},"lines":{"p":2}}`, `"p"`, `{"outcome":"pass","actual":1,"evidence":[],"detail_ja":"a","detail_en":"b"}`, `"c"`, `"d"`)
	f.Add(`{"index":1}`, `{"id":"s"}`, `{"outcome":"fail","actual":null,"evidence":[1],"detail_ja":1,"detail_en":[2]}`, `null`, `{}`)
	f.Add(`"III"`, `"-"`, `{"id":"s"}`, `{"outcome":"x","actual":[],"evidence":{},"detail_ja":"","detail_en":""}`, `0`)
	plain, fast := compiled(f, false), compiled(f, true)
	f.Fuzz(func(t *testing.T, a, b, c, d, e string) {
		in := map[string]any{}
		for k, s := range map[string]string{"a": a, "b": b, "c": c, "d": d, "e": e, "xs": "[" + a + "," + c + "," + b + "]"} {
			var v any
			if json.Unmarshal([]byte(s), &v) != nil {
				return
			}
			in[k] = v
		}
		if want, got := decide(t, plain, in, false), decide(t, fast, in, false); got != want {
			t.Errorf("accelerated %s\nRego        %s", got, want)
		}
	})
}

// TestWithKeepsCalls: a helper that a `with` replaces somewhere, or whose
// rule it reads is replaced, keeps its calls, so that the mock reaches
// them all.
func TestWithKeepsCalls(t *testing.T) {
	const mocks = `package mocks

fake(_, _) := "mocked"

evidence := v if v := data.kaiji.lib.evidence({}, "p") with data.kaiji.lib.evidence as fake

finding := v if {
	v := data.kaiji.lib.finding({"index": 1}, {"id": "x"}, {"outcome": "pass", "actual": 1, "evidence": [], "detail_ja": "", "detail_en": ""}, "", "") with data.kaiji.lib.claim_outcomes as {"pass": "mocked"}
}
`
	b, err := policies.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	modules := map[string]*ast.Module{"mocks.rego": ast.MustParseModuleWithOpts(mocks, ast.ParserOptions{RegoVersion: ast.RegoV1})}
	for _, m := range b.Modules {
		modules[m.Path] = m.Parsed
	}
	stats := accel.Stats{}
	c := ast.NewCompiler().WithDefaultRegoVersion(ast.RegoV1).WithCapabilities(accel.Capabilities()).
		WithStageAfterID(ast.StageCheckTypes, accel.Stage(stats, func(string) bool { return true }))
	if c.Compile(modules); c.Failed() {
		t.Fatal(c.Errors)
	}
	for _, kept := range []string{"data.kaiji.lib.evidence", "data.kaiji.lib.finding"} {
		if stats[kept] != 0 {
			t.Errorf("%s: %d calls rewritten, want none", kept, stats[kept])
		}
	}
	if stats["data.kaiji.lib.evaluation"] == 0 {
		t.Errorf("lib.evaluation: no call rewritten; stats %v", stats)
	}
	rs, err := rego.New(append([]func(*rego.Rego){rego.Query("data.mocks"), rego.Compiler(c)}, accel.Options()...)...).Eval(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(rs[0].Expressions[0].Value)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(js), `{"evidence":"mocked","finding":{"_id":"x","actual":1,"claim":1,"evidence":[],"fact":"x","outcome":"mocked","reason":{"en":" (claimed: )","ja":"（開示: ）"}}}`; got != want {
		t.Errorf("mocked decision %s, want %s", got, want)
	}
}
