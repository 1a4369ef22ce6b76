package vm

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/ir"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/types"
	"github.com/open-policy-agent/opa/v1/util"
)

// evalCase is a query over modules, data and input, evaluated by OPA's
// topdown and by the vm; they must agree.
type evalCase struct {
	name    string
	modules map[string]string
	data    string
	input   string
	query   string
	// conflict is true when both must fail with a conflict error.
	conflict bool
}

var cases = []evalCase{
	{
		name:  "complete rules and scalars",
		query: "x := data.t.a; y := data.t.b; z := data.t.n",
		modules: map[string]string{"t.rego": `package t
a := 1
b := "two" if input.ok
n := 12345678901234567890.5`},
		input: `{"ok": true}`,
	},
	{
		name:  "undefined rule",
		query: "x := data.t.b",
		modules: map[string]string{"t.rego": `package t
b := "two" if input.ok`},
		input: `{"ok": false}`,
	},
	{
		name:  "partial set and object rules",
		query: "s := data.t.s; o := data.t.o",
		modules: map[string]string{"t.rego": `package t
s contains x if { some x in input.xs; x > 1 }
o[k] := v if { some k, v in input.m; v != null }`},
		input: `{"xs": [1, 2, 3, 2], "m": {"a": 1, "b": null, "c": [1]}}`,
	},
	{
		name:  "functions, else and multiple definitions",
		query: "a := data.t.f(1); b := data.t.f(5); c := data.t.f(50); d := data.t.g(\"x\"); e := data.t.g(\"y\")",
		modules: map[string]string{"t.rego": `package t
f(x) := "small" if x < 2 else := "medium" if x < 10 else := "large"
g("x") := 1
g(y) := 2 if y != "x"`},
	},
	{
		name:     "conflicting function outputs",
		query:    "a := data.t.f(1)",
		conflict: true,
		modules: map[string]string{"t.rego": `package t
f(x) := 1 if x > 0
f(x) := 2 if x < 5`},
	},
	{
		name:     "conflicting complete rule",
		query:    "a := data.t.r",
		conflict: true,
		modules: map[string]string{"t.rego": `package t
r := 1 if input.a
r := 2 if input.b`},
		input: `{"a": true, "b": true}`,
	},
	{
		name:     "conflicting object keys",
		query:    "a := data.t.o",
		conflict: true,
		modules: map[string]string{"t.rego": `package t
o[k] := v if { some v in [1, 2]; k := "same" }`},
	},
	{
		name:  "negation, every and membership",
		query: "a := data.t.none_neg; b := data.t.all_pos; c := data.t.has_two; d := data.t.not_all",
		modules: map[string]string{"t.rego": `package t
none_neg if not any_neg
any_neg if { some x in input.xs; x < 0 }
all_pos if every x in input.xs { x > 0 }
has_two if 2 in input.xs
not_all if not every_big
every_big if every x in input.xs { x > 2 }`},
		input: `{"xs": [1, 2, 3]}`,
	},
	{
		name:  "comprehensions",
		query: "a := [y | some x in input.xs; y := x * 2]; s := {x | some x in input.xs}; o := {k: count(v) | some k, v in input.m}",
		input: `{"xs": [3, 1, 3], "m": {"a": [1, 2], "b": []}}`,
	},
	{
		name:  "object and array literals",
		query: `a := data.t.lit; b := data.t.nested; c := data.t.dyn; d := data.t.same`,
		modules: map[string]string{"t.rego": `package t
lit := {"x": input.a, "y": [input.a, input.b], "z": {"w": input.b}}
nested := {"outer": {"inner": [1, {"deep": input.a}]}, "e": [], "o": {}}
dyn := {input.k: 1, "fixed": 2}
same := {1: "int", 1.0: "float"}`},
		input: `{"a": 1, "b": "two", "k": "fixed2"}`,
	},
	{
		name:  "dynamic references into packages",
		query: `a := [v | some name in ["p", "q", "r"]; v := data.t[name].val]; b := {name: c | some name in ["p", "q"]; c := count(data.t[name].items)}`,
		modules: map[string]string{
			"p.rego": "package t.p\nval := 1\nitems contains 1\nitems contains 2",
			"q.rego": "package t.q\nval := 2 if input.on\nitems contains 3",
			"r.rego": "package t.r\nother := 3",
		},
		input: `{"on": false}`,
	},
	{
		name:  "base and virtual documents",
		query: "a := data.base.x; b := data.t; c := data.base.list[1]",
		data:  `{"base": {"x": {"y": 1}, "list": ["a", "b"]}}`,
		modules: map[string]string{"t.rego": `package t
r := data.base.x.y + 1`},
	},
	{
		name:  "built-in errors make a call undefined",
		query: `a := data.t.bad; b := data.t.good; c := data.t.fallback`,
		modules: map[string]string{"t.rego": `package t
bad := to_number("not a number")
good := to_number("42")
fallback := x if { x := to_number("nope") } else := "fallback"`},
	},
	{
		name:  "string built-ins and sprintf",
		query: `a := sprintf("%s-%d-%v", ["x", 3, {"k": [1]}]); b := concat(",", sort(["b", "a"])); c := upper(lower("MiXeD")); d := split("a.b.c", ".")`,
	},
	{
		name:  "relation built-in",
		query: `a := [p | walk(input.t, [p, v]); is_number(v)]`,
		input: `{"t": {"a": 1, "b": [2, {"c": 3}], "d": "x"}}`,
	},
	{
		name:  "with input and data",
		query: `a := data.t.r with input.x as 5; b := data.t.r; c := data.t.d with data.base.v as "mocked"`,
		data:  `{"base": {"v": "real"}}`,
		modules: map[string]string{"t.rego": `package t
r := input.x * 2
d := data.base.v`},
		input: `{"x": 1}`,
	},
	{
		name:  "remembered calls see their own arguments",
		query: `a := [data.t.f(x) | some x in ["a", "b", "a", 1, true, null]]; b := [data.t.g(o) | some o in [{"k": 1}, {"k": 2}]]`,
		modules: map[string]string{"t.rego": `package t
f(x) := sprintf("%v/%v", [x, input.n])
g(o) := o.k + input.n`},
		input: `{"n": 7}`,
	},
	{
		name:  "else chains stop at the first defined body",
		query: `a := [data.t.kind(x) | some x in input.xs]`,
		modules: map[string]string{"t.rego": `package t
kind(x) := "string" if is_string(x)
else := "number" if is_number(x)
else := "set" if is_set(x)
else := "object" if is_object(x)
else := "array" if is_array(x)
else := "other"`},
		input: `{"xs": ["s", 1, {"o": 1}, [1], null, true]}`,
	},
	{
		name:  "scans of sets, objects and arrays",
		query: `a := [[k, v] | some k, v in input.o]; b := [x | some x in {3, 1, 2}]; c := [[i, x] | some i, x in input.a]`,
		input: `{"o": {"b": 2, "a": 1}, "a": ["p", "q"]}`,
	},
	{
		name:  "an early exit from a nested scan",
		query: `a := data.t.first_big; b := data.t.any_pair`,
		modules: map[string]string{"t.rego": `package t
first_big := x if { some x in input.xs; x > 2 }
any_pair if { some x in input.xs; some y in input.xs; x + y == 5 }`},
		input: `{"xs": [1, 4, 2]}`,
	},
	{
		name:  "functions and built-ins replaced with with",
		query: `a := data.t.r with data.t.f as data.t.g; b := data.t.r with data.t.f as 7; c := data.t.u with upper as lower; d := data.t.r`,
		modules: map[string]string{"t.rego": `package t
f(x) := x + 1
g(x) := x * 10
r := f(2)
u := upper("MiXeD")`},
	},
	{
		name:  "operators, sets and errors",
		query: `a := {1, 2, 3} | {4}; b := {1, 2, 3} & {2, 9}; c := {1, 2, 3} - {1}; d := data.t.quot; e := data.t.big; f := data.t.kv`,
		modules: map[string]string{"t.rego": `package t
quot := 1 / 0
big := 123456789012345678901234567890 * 3
kv contains [k, v] if some k, v in {"a": 1, "b": 2}`},
	},
	{
		name:  "regular expressions, globs and ranges",
		query: `a := [x | some x in input.names; regex.match("^web-[0-9]+$", x)]; b := [x | some x in input.names; glob.match("db-*", ["-"], x)]; c := sum(numbers.range(1, 10)); d := count("日本語")`,
		input: `{"names": ["web-1", "web-x", "db-main", "db-a-b"]}`,
	},
	{
		name:  "object.get with defaults and nested paths",
		query: `a := object.get(input, ["a", "b", "c"], "none"); b := object.get(input, "missing", 0); c := object.get(input.a, "b", {})`,
		input: `{"a": {"b": {"c": 42}}}`,
	},
}

func TestEvalAgainstTopdown(t *testing.T) {
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want, wantErr := evalTopdown(t, ctx, tc)
			// The program as compiled, and as its image read back
			// (MarshalBinary, LoadProgram).
			for _, viaImage := range []bool{false, true} {
				got, gotErr := evalVM(t, ctx, tc, viaImage)
				if tc.conflict {
					for _, err := range []error{wantErr, gotErr} {
						if err == nil || !strings.Contains(err.Error(), topdown.ConflictErr) {
							t.Fatalf("want conflict errors, got topdown %v and vm %v (from its image %t)", wantErr, gotErr, viaImage)
						}
					}
					continue
				}
				if wantErr != nil || gotErr != nil {
					t.Fatalf("topdown: %v, vm: %v (from its image %t)", wantErr, gotErr, viaImage)
				}
				if !slices.EqualFunc(got, want, func(a, b ast.Object) bool { return a.Compare(b) == 0 }) {
					t.Errorf("vm (from its image %t) gave\n%v\ntopdown gave\n%v", viaImage, got, want)
				}
			}
		})
	}
}

func compiled(t testing.TB, tc evalCase) (*ast.Compiler, []func(*rego.Rego)) {
	t.Helper()
	modules := map[string]*ast.Module{}
	for name, src := range tc.modules {
		m, err := ast.ParseModuleWithOpts(name, src, ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatal(err)
		}
		modules[name] = m
	}
	c := ast.NewCompiler().WithDefaultRegoVersion(ast.RegoV1)
	if c.Compile(modules); c.Failed() {
		t.Fatal(c.Errors)
	}
	var data map[string]any
	if tc.data != "" {
		if err := util.UnmarshalJSON([]byte(tc.data), &data); err != nil {
			t.Fatal(err)
		}
	}
	store := inmem.NewFromObjectWithOpts(data, inmem.OptReturnASTValuesOnRead(true))
	return c, []func(*rego.Rego){rego.Query(tc.query), rego.Compiler(c), rego.Store(store), rego.SetRegoVersion(ast.RegoV1)}
}

func inputValue(t testing.TB, tc evalCase) ast.Value {
	t.Helper()
	if tc.input == "" {
		return nil
	}
	v, err := ast.ValueFromReader(strings.NewReader(tc.input))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// evalTopdown returns the result set as the vm gives it: one object of
// bindings per result, the generated variables left out.
func evalTopdown(t *testing.T, ctx context.Context, tc evalCase) ([]ast.Object, error) {
	_, opts := compiled(t, tc)
	if in := inputValue(t, tc); in != nil {
		opts = append(opts, rego.ParsedInput(in))
	}
	rs, err := rego.New(opts...).Eval(ctx)
	if err != nil {
		return nil, err
	}
	var out []ast.Object
	for _, r := range rs {
		v, err := ast.InterfaceToValue(r.Bindings)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v.(ast.Object))
	}
	return out, nil
}

func evalVM(t *testing.T, ctx context.Context, tc evalCase, viaImage bool) ([]ast.Object, error) {
	_, opts := compiled(t, tc)
	pol, builtins, err := PlanPolicy(ctx, opts...)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	p, err := Compile(pol, builtins)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	if viaImage {
		img, err := p.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if p, err = LoadProgram(img, builtins); err != nil {
			t.Fatal(err)
		}
	}
	var data ast.Value = ast.NewObject()
	if tc.data != "" {
		if data, err = ast.ValueFromReader(strings.NewReader(tc.data)); err != nil {
			t.Fatal(err)
		}
	}
	rs, err := p.WithData(data).Eval(ctx, inputValue(t, tc), EvalOptions{})
	if err != nil {
		return nil, err
	}
	// Results compare as JSON does (OPA's bindings go through JSON).
	out := make([]ast.Object, len(rs))
	for i, r := range rs {
		js, err := ast.JSON(r)
		if err != nil {
			t.Fatal(err)
		}
		v, err := ast.InterfaceToValue(js)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = v.(ast.Object)
	}
	return out, nil
}

func TestCustomBuiltins(t *testing.T) {
	ctx := context.Background()
	calls := 0
	double := rego.Function1(&rego.Function{Name: "double", Decl: types.NewFunction(types.Args(types.N), types.N)},
		func(_ rego.BuiltinContext, a *ast.Term) (*ast.Term, error) {
			calls++
			n, _ := a.Value.(ast.Number).Int()
			return ast.InternedTerm(2 * n), nil
		})
	p, err := Plan(ctx, rego.Query("x := double(21)"), double)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := p.Eval(ctx, nil, EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Get(ast.StringTerm("x")).String() != "42" || calls != 1 {
		t.Fatalf("got %v after %d calls", rs, calls)
	}
}

func TestEvalCancelled(t *testing.T) {
	tc := evalCase{
		query: "x := data.t.n",
		modules: map[string]string{"t.rego": `package t
n := count([1 | some a in numbers.range(1, 300); some b in numbers.range(1, 300)])`},
	}
	_, opts := compiled(t, tc)
	p, err := Plan(context.Background(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Eval(ctx, nil, EvalOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("want the context's error, got %v", err)
	}
	// Uncancelled, the same plan runs to its end.
	rs, err := p.Eval(context.Background(), nil, EvalOptions{Time: time.Unix(0, 0)})
	if err != nil || len(rs) != 1 || rs[0].Get(ast.StringTerm("x")).String() != "90000" {
		t.Fatalf("got %v, %v", rs, err)
	}
}

// TestArrayBuilders: an array filled in one block and read in the next is
// left an ordinary array (its block could exit before the read), one read
// in its own block is filled as a slice and made an array there; both
// give the array.
func TestArrayBuilders(t *testing.T) {
	policy := func(blocks ...*ir.Block) *ir.Policy {
		return &ir.Policy{
			Static: &ir.Static{Strings: []*ir.StringConst{{Value: "x"}}},
			Plans:  &ir.Plans{Plans: []*ir.Plan{{Name: "eval", Blocks: blocks}}},
		}
	}
	fill := []ir.Stmt{
		&ir.MakeArrayStmt{Target: 3},
		&ir.ArrayAppendStmt{Array: 3, Value: ir.Operand{Value: ir.Bool(true)}},
		&ir.ArrayAppendStmt{Array: 3, Value: ir.Operand{Value: ir.Bool(false)}},
	}
	result := []ir.Stmt{
		&ir.MakeObjectStmt{Target: 4},
		&ir.ObjectInsertStmt{Object: 4, Key: ir.Operand{Value: ir.StringIndex(0)}, Value: ir.Operand{Value: ir.Local(3)}},
		&ir.ResultSetAddStmt{Value: 4},
	}
	for _, tc := range []struct {
		name     string
		policy   *ir.Policy
		builders int
	}{
		{"read in the next block", policy(&ir.Block{Stmts: fill}, &ir.Block{Stmts: result}), 0},
		{"read in its block", policy(&ir.Block{Stmts: append(slices.Clone(fill), result...)}), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Compile(tc.policy, nil)
			if err != nil {
				t.Fatal(err)
			}
			builders := 0
			for _, b := range p.plan.blocks {
				walk(b, func(in *instr) {
					if in.op == opMakeBuilder {
						builders++
					}
				})
			}
			if builders != tc.builders {
				t.Errorf("%d arrays filled as slices, want %d", builders, tc.builders)
			}
			rs, err := p.Eval(context.Background(), nil, EvalOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != 1 || rs[0].String() != `{"x": [true, false]}` {
				t.Errorf("got %v", rs)
			}
		})
	}
}

// TestProgramImage: a program read back from its image is the program
// Compile made, statement by statement, with the same built-ins and the
// constants it shared still shared; and it writes the same image.
func TestProgramImage(t *testing.T) {
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, opts := compiled(t, tc)
			p, err := Plan(ctx, opts...)
			if err != nil {
				t.Fatal(err)
			}
			img, err := p.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			back, err := LoadProgram(img, nil)
			if err != nil {
				t.Fatal(err)
			}
			again, err := back.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(img, again) {
				t.Error("the program read back writes another image")
			}
			same := []cmp.Option{
				cmp.AllowUnexported(Program{}, function{}, instr{}, operand{}),
				cmp.Comparer(func(a, b *builtin) bool {
					if a == nil || b == nil {
						return a == b
					}
					return a.name == b.name && a.void == b.void && a.relation == b.relation && (a.f == nil) == (b.f == nil)
				}),
				cmp.Comparer(func(a, b *ast.Term) bool { return a.Equal(b) }),
			}
			if diff := cmp.Diff(p, back, same...); diff != "" {
				t.Errorf("the program read back differs (-compiled +read):\n%s", diff)
			}
		})
	}
}

// imageFingerprints records, per ImageFormat, the shape of what an image
// holds: the number of opcodes and the fields of the statements and
// functions.
var imageFingerprints = map[string]string{
	"kaiji-vm-image-1": "116bb2942ae084db7cae1123dcdaef15d0a787b9a4b0af6ee72be4615d02dec1",
}

// TestImageFormat: a change to the opcodes' number or to the fields an
// image holds comes with a new ImageFormat, so that images of the old
// layout are refused rather than misread. (A change to the opcodes' order
// or meaning must bump it too; this test cannot see that.)
func TestImageFormat(t *testing.T) {
	var b strings.Builder
	fmt.Fprintf(&b, "opcodes %d;", opFinishArray+1)
	for _, v := range []any{instr{}, function{}, operand{}, builtin{}} {
		ty := reflect.TypeOf(v)
		fmt.Fprintf(&b, " %s{", ty.Name())
		for i := range ty.NumField() {
			fmt.Fprintf(&b, "%s %s;", ty.Field(i).Name, ty.Field(i).Type)
		}
		b.WriteString("}")
	}
	got := fmt.Sprintf("%x", sha256.Sum256([]byte(b.String())))
	if want, ok := imageFingerprints[ImageFormat]; !ok || want != got {
		t.Errorf("the image's contents changed (%s): give ImageFormat a new name and record %q for it in imageFingerprints", b.String(), got)
	}
}
