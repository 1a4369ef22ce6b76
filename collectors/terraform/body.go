package terraform

import (
	"math/big"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// block is a configuration block with its attributes evaluated as far as
// they can be known statically, and its nested blocks.
type block struct {
	typ    string
	labels []string
	attrs  map[string]*attr
	blocks []*block
	rng    hcl.Range // the whole block
	def    hcl.Range // the header line
	file   string
	// dynamic marks the content of a dynamic block: its count is not known.
	dynamic bool
}

// attr is one evaluated attribute. val is unknown when the expression
// depends on something only known after apply.
type attr struct {
	name string
	expr hcl.Expression
	val  cty.Value
	rng  hcl.Range
}

// line returns the attribute's first line.
func (a *attr) line() int { return a.rng.Start.Line }

// known reports whether the attribute's value is wholly known.
func (a *attr) known() bool { return a.val.IsWhollyKnown() && !a.val.IsNull() || a.val.IsNull() }

// refs lists the resource addresses (type.name) the attribute's expression refers to.
func (a *attr) refs() []string {
	var out []string
	for _, tr := range a.expr.Variables() {
		root := tr.RootName()
		switch root {
		case "var", "local", "path", "terraform", "count", "each", "self", "module", "data":
			continue
		}
		if len(tr) < 2 {
			continue
		}
		if name, ok := tr[1].(hcl.TraverseAttr); ok {
			out = append(out, root+"."+name.Name)
		}
	}
	return out
}

// evalBody converts an HCL native-syntax body into a block tree, evaluating
// each attribute in ctx. Evaluation errors make the value unknown: they are
// the normal case for computed attributes, not problems with the input.
func evalBody(typ string, labels []string, body *hclsyntax.Body, rng, def hcl.Range, ctx *hcl.EvalContext) *block {
	b := &block{typ: typ, labels: labels, attrs: map[string]*attr{}, rng: rng, def: def, file: rng.Filename}
	for name, a := range body.Attributes {
		v, diags := a.Expr.Value(ctx)
		if diags.HasErrors() {
			v = cty.DynamicVal
		}
		b.attrs[name] = &attr{name: name, expr: a.Expr, val: v, rng: a.SrcRange}
	}
	for _, nb := range body.Blocks {
		if nb.Type == "dynamic" && len(nb.Labels) == 1 {
			// The content of a dynamic block repeats per element of for_each,
			// which the Terraform evaluation expands; here it is one block of
			// unknown multiplicity, marked so mappers treat its values as unknown.
			content := findBlock(nb.Body, "content")
			if content == nil {
				continue
			}
			child := evalBody(nb.Labels[0], nil, content.Body, nb.Range(), nb.DefRange(), ctx)
			child.dynamic = true
			b.blocks = append(b.blocks, child)
			continue
		}
		b.blocks = append(b.blocks, evalBody(nb.Type, nb.Labels, nb.Body, nb.Range(), nb.DefRange(), ctx))
	}
	return b
}

func findBlock(body *hclsyntax.Body, typ string) *hclsyntax.Block {
	for _, b := range body.Blocks {
		if b.Type == typ {
			return b
		}
	}
	return nil
}

// attr returns the named attribute or nil.
func (b *block) attr(name string) *attr {
	if b == nil {
		return nil
	}
	return b.attrs[name]
}

// child returns the first nested block of the type, or nil.
func (b *block) child(typ string) *block {
	if b == nil {
		return nil
	}
	for _, c := range b.blocks {
		if c.typ == typ {
			return c
		}
	}
	return nil
}

// children returns the nested blocks of the type.
func (b *block) children(typ string) []*block {
	if b == nil {
		return nil
	}
	var out []*block
	for _, c := range b.blocks {
		if c.typ == typ {
			out = append(out, c)
		}
	}
	return out
}

// value is the outcome of reading one attribute.
type value struct {
	present bool // the attribute is set
	known   bool // its value is known statically
	line    int
	v       any // the Go value when known: bool, string, int64, float64, []any, map[string]any
}

// get reads the named attribute of b.
func (b *block) get(name string) value {
	a := b.attr(name)
	if a == nil {
		return value{}
	}
	if a.val.IsNull() {
		return value{present: false, line: a.line()}
	}
	if !a.val.IsWhollyKnown() || b.dynamic {
		return value{present: true, line: a.line()}
	}
	return value{present: true, known: true, line: a.line(), v: goValue(a.val)}
}

// goValue converts a known cty value to plain Go values.
func goValue(v cty.Value) any {
	if v.IsNull() || !v.IsKnown() {
		return nil
	}
	v, _ = v.UnmarkDeep()
	t := v.Type()
	switch {
	case t == cty.Bool:
		return v.True()
	case t == cty.String:
		return v.AsString()
	case t == cty.Number:
		bf := v.AsBigFloat()
		if bf.IsInt() {
			if i, acc := bf.Int64(); acc == big.Exact {
				return i
			}
		}
		f, _ := bf.Float64()
		return f
	case t.IsListType() || t.IsTupleType() || t.IsSetType():
		out := []any{}
		for it := v.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			out = append(out, goValue(ev))
		}
		return out
	case t.IsMapType() || t.IsObjectType():
		out := map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			out[k.AsString()] = goValue(ev)
		}
		return out
	}
	return nil
}

// asBool, asString, asInt interpret a known value; ok is false on a type mismatch.
func asBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		switch strings.ToLower(x) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

func asString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case int64:
		return big.NewInt(x).String(), true
	}
	return "", false
}

func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case float64:
		return int64(x), x == float64(int64(x))
	case string:
		var n big.Int
		if _, ok := n.SetString(strings.TrimSpace(x), 10); ok && n.IsInt64() {
			return n.Int64(), true
		}
	}
	return 0, false
}

func asStrings(v any) ([]string, bool) {
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := asString(e)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}
