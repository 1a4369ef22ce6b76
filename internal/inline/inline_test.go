package inline_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/kaiji-dev/kaiji/internal/inline"
)

// compile compiles one module, with the inline stage when stats is not nil.
func compile(t *testing.T, src string, stats inline.Stats) *ast.Compiler {
	t.Helper()
	m, err := ast.ParseModuleWithOpts("test.rego", src, ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		t.Fatal(err)
	}
	c := ast.NewCompiler().WithDefaultRegoVersion(ast.RegoV1)
	if stats != nil {
		c = c.WithStageAfterID(ast.StageCheckTypes, inline.Stage(stats))
	}
	if c.Compile(map[string]*ast.Module{"test.rego": m}); c.Failed() {
		t.Fatal(c.Errors)
	}
	return c
}

// eval returns data.test.r over input as JSON, or "undefined", or the error.
func eval(t *testing.T, c *ast.Compiler, input any) string {
	t.Helper()
	rs, err := rego.New(rego.Query("data.test.r"), rego.Compiler(c), rego.Input(input), rego.StrictBuiltinErrors(true)).Eval(context.Background())
	if err != nil {
		return "error: " + err.Error()
	}
	if len(rs) == 0 {
		return "undefined"
	}
	js, err := json.Marshal(rs[0].Expressions[0].Value)
	if err != nil {
		t.Fatal(err)
	}
	return string(js)
}

func TestStage(t *testing.T) {
	ys := map[string]any{"ys": []any{
		map[string]any{"a": 1, "b": "x"},
		map[string]any{"a": 2, "b": "y"},
		map[string]any{"a": 3},
	}}
	for _, tc := range []struct {
		name    string
		src     string
		input   any
		want    string   // the result, with and without the stage
		inlined []string // functions whose calls were rewritten
	}{{
		name: "value function",
		src: `f(x) := {"a": x.a, "s": sprintf("%v", [x.a])}
r := [f(y) | some y in input.ys]`,
		input:   ys,
		want:    `[{"a":1,"s":"1"},{"a":2,"s":"2"},{"a":3,"s":"3"}]`,
		inlined: []string{"data.test.f"},
	}, {
		name: "undefined body leaves the caller undefined",
		src: `f(x) := x.b
r := [v | some y in input.ys; v := f(y)]`,
		input:   ys,
		want:    `["x","y"]`,
		inlined: []string{"data.test.f"},
	}, {
		name: "test function",
		src: `big(x) if x.a > 1
r := [y.a | some y in input.ys; big(y)]`,
		input:   ys,
		want:    `[2,3]`,
		inlined: []string{"data.test.big"},
	}, {
		name: "negated call stays a call",
		src: `big(x) if x.a > 1
r := [y.a | some y in input.ys; not big(y)]`,
		input: ys,
		want:  `[1]`,
	}, {
		name: "a value called as a test stays a call",
		src: `flag(x) := x.a > 1
r := [y.a | some y in input.ys; flag(y)]`,
		input: ys,
		want:  `[2,3]`,
	}, {
		name: "else chain stays a call",
		src: `g(x) := "big" if x.a > 1 else := "small"
r := [g(y) | some y in input.ys]`,
		input: ys,
		want:  `["small","big","big"]`,
	}, {
		name: "several definitions stay calls",
		src: `h(1) := "one"
h(2) := "two"
r := [v | some y in input.ys; v := h(y.a)]`,
		input: ys,
		want:  `["one","two"]`,
	}, {
		name: "iteration in the body stays a call (it would repeat the caller)",
		src: `some_big(xs) if {
	some x in xs
	x.a > 1
}
r := [1 | some_big(input.ys)]`,
		input: ys,
		want:  `[1]`,
	}, {
		name: "comprehension in the body stays a call (OPA caches it)",
		src: `avals(xs) := [x.a | some x in xs]
r := avals(input.ys)`,
		input: ys,
		want:  `[1,2,3]`,
	}, {
		name: "nested functions both inlined",
		src: `inner(x) := x * 2
outer(x) := inner(x) + 1
r := [outer(y.a) | some y in input.ys]`,
		input:   ys,
		want:    `[3,5,7]`,
		inlined: []string{"data.test.inner", "data.test.outer"},
	}, {
		name: "the function's variables never capture the caller's",
		src: `k(x) := y if y := x + 1
r := [[y, k(y)] | some y in [1, 2]]`,
		want:    `[[1,2],[2,3]]`,
		inlined: []string{"data.test.k"},
	}, {
		name: "composite and scalar arguments",
		src: `pick(o, key) := o[key]
r := [pick({"a": 1, "b": 2}, "b"), pick(input.ys[0], "a")]`,
		input:   ys,
		want:    `[2,1]`,
		inlined: []string{"data.test.pick"},
	}, {
		name: "scalar argument used as a reference's head",
		src: `get(o) := o.x
r := [v | v := get("s")]`,
		want:    `[]`,
		inlined: []string{"data.test.get"},
	}, {
		name: "output compared with a constant",
		src: `double(x) := x * 2
r if double(input.n) == 4`,
		input:   map[string]any{"n": 2},
		want:    `true`,
		inlined: []string{"data.test.double"},
	}, {
		name: "repeated parameter stays a call",
		src: `same(x, x) := true
r := [same(1, 1), same(1, 2)] if true
default r := "undefined call"`,
		want: `"undefined call"`,
	}, {
		name: "function replaced with with stays a call everywhere",
		src: `f(x) := x + 1
mock(x) := x + 100
p := f(1)
r := [p, q]
q := v if v := p with data.test.f as mock`,
		want: `[2,101]`,
	}, {
		name: "call carrying with stays a call",
		src: `f(x) := input.n + x
r := v if v := f(1) with input.n as 10`,
		input: map[string]any{"n": 1},
		want:  `11`,
	}, {
		name: "errors are the same",
		src: `num(x) := to_number(x)
r := num("not a number")`,
		want:    `error: test.rego:3: eval_builtin_error: to_number: strconv.ParseFloat: parsing "not a number": invalid syntax`,
		inlined: []string{"data.test.num"},
	}, {
		name: "membership test inlined, data and input untouched",
		src: `known(x) if x in data.test.names
names := {"a", "b"}
r := [n | some n in ["a", "c", "b"]; known(n)]`,
		want:    `["a","b"]`,
		inlined: []string{"data.test.known"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			src := "package test\n\n" + tc.src + "\n"
			stats := inline.Stats{}
			with := eval(t, compile(t, src, stats), tc.input)
			without := eval(t, compile(t, src, nil), tc.input)
			if without != tc.want {
				t.Fatalf("without the stage: %s, want %s", without, tc.want)
			}
			if with != without {
				t.Errorf("with the stage: %s, without: %s", with, without)
			}
			got := slices.Sorted(maps.Keys(stats))
			if !slices.Equal(got, tc.inlined) {
				t.Errorf("inlined %v, want %v", got, tc.inlined)
			}
		})
	}
}

// TestNoCallLeft: the rewritten bodies call the inlined function nowhere,
// and rewriting is deterministic (the same names on every compile).
func TestNoCallLeft(t *testing.T) {
	src := `package test

f(x) := {"v": x, "w": g(x)}
g(x) := x + 1
r := [f(y) | some y in [1, 2]]
s contains f(3)
`
	a, b := compile(t, src, inline.Stats{}), compile(t, src, inline.Stats{})
	var calls []string
	for _, r := range a.Modules["test.rego"].Rules {
		if len(r.Head.Args) > 0 {
			continue
		}
		ast.WalkExprs(r, func(e *ast.Expr) bool {
			if op := e.Operator(); op != nil && strings.HasPrefix(op.String(), "data.test.") {
				calls = append(calls, op.String())
			}
			return false
		})
	}
	if len(calls) > 0 {
		t.Errorf("calls left: %v", calls)
	}
	if x, y := a.Modules["test.rego"].String(), b.Modules["test.rego"].String(); x != y {
		t.Errorf("two compiles differ:\n%s\n---\n%s", x, y)
	}
}
