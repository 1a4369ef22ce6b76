package vm

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// fuzzPolicy reads its input in every way the statements of a plan can:
// lookups of every kind, scans, negation, comprehensions, else chains,
// built-ins that fail on the wrong types, object literals and sets.
const fuzzPolicy = `package f

kinds := [kind(x) | some x in input.xs]

kind(x) := "string" if is_string(x)
else := "number" if is_number(x)
else := "object" if is_object(x)
else := "array" if is_array(x)
else := "set" if is_set(x)
else := "other"

names contains n if {
	some o in input.xs
	n := o.name
	not startswith(n, "_")
}

sizes[k] := count(v) if some k, v in input.m

sums := {k: sum(v) | some k, v in input.m}

first := x if {
	big := [y | some y in input.xs; is_number(y); y > 1]
	x := big[0]
} else := "none"

lit := {"a": input.a, "b": [input.a, input.b], "c": {"d": input.b}, "e": upper(input.s)}

deep := input.m[input.k][0]

none_big if not any_big

any_big if {
	some x in input.xs
	x > 100
}

all_small if every x in input.xs { x < 10 }

joined := concat(",", [sprintf("%v", [x]) | some x in input.xs])

got(k) := input.m[k] if is_string(k)

looked := [got(k) | some k in ["a", "b", "z", input.k]]
`

// FuzzEvalAgainstTopdown evaluates one policy over arbitrary JSON input
// with both evaluators: the same result set, or an error from both.
func FuzzEvalAgainstTopdown(f *testing.F) {
	for _, s := range []string{
		`{}`,
		`{"xs": [1, 2, "s", {"name": "n"}, [1], null, true], "m": {"a": [1, 2], "b": []}, "a": 1, "b": "x", "s": "up", "k": "a"}`,
		`{"xs": "not a list", "m": [1, 2], "k": 3}`,
		`{"xs": [{"name": "_hidden"}, {"name": 1}, {"name": "ok"}], "m": {"a": ["x"]}}`,
		`{"xs": [0.5, 1e400, -3, 200], "m": {"a": [1.5, 2.5]}, "k": "a"}`,
		`[1, 2]`,
		`"scalar"`,
	} {
		f.Add(s)
	}
	tc := evalCase{query: "x := data.f", modules: map[string]string{"f.rego": fuzzPolicy}}
	ctx := context.Background()
	_, opts := compiled(f, tc)
	pq, err := rego.New(opts...).PrepareForEval(ctx)
	if err != nil {
		f.Fatal(err)
	}
	prog, err := Plan(ctx, opts...)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		in, err := ast.ValueFromReader(strings.NewReader(doc))
		if err != nil {
			return
		}
		rs, wantErr := pq.Eval(ctx, rego.EvalParsedInput(in))
		got, gotErr := prog.Eval(ctx, in, EvalOptions{})
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("topdown: %v, vm: %v", wantErr, gotErr)
		}
		if wantErr != nil {
			return
		}
		if len(rs) != len(got) {
			t.Fatalf("topdown %d results, vm %d", len(rs), len(got))
		}
		for i := range rs {
			want, err := ast.InterfaceToValue(rs[i].Bindings)
			if err != nil {
				t.Fatal(err)
			}
			js, err := ast.JSON(got[i])
			if err != nil {
				t.Fatal(err)
			}
			have, err := ast.InterfaceToValue(js)
			if err != nil {
				t.Fatal(err)
			}
			if want.Compare(have) != 0 {
				t.Fatalf("input %s:\nvm gave\n%v\ntopdown gave\n%v", doc, have, want)
			}
		}
	})
}

// FuzzLoadProgram: LoadProgram reads any bytes without panicking, and a
// program it reads writes an image that reads back to the same image. The
// seeds are the images of the evaluation cases.
func FuzzLoadProgram(f *testing.F) {
	for _, tc := range cases {
		_, opts := compiled(f, tc)
		p, err := Plan(context.Background(), opts...)
		if err != nil {
			f.Fatal(err)
		}
		img, err := p.MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(img)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := LoadProgram(data, nil)
		if err != nil {
			return
		}
		img, err := p.MarshalBinary()
		if err != nil {
			t.Fatalf("a program read from an image does not write one: %v", err)
		}
		back, err := LoadProgram(img, nil)
		if err != nil {
			t.Fatalf("a written image does not read: %v", err)
		}
		if again, err := back.MarshalBinary(); err != nil || !bytes.Equal(img, again) {
			t.Fatalf("images are not stable: %v", err)
		}
	})
}
