package terraform

import (
	"fmt"
	"math/big"
	"slices"
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
	// first and last are the attribute's lines in its block's file; 0:
	// it has none of its own. (Lines, not an hcl.Range: nothing reads
	// more, and the range was 64 of the 160 bytes an attribute took, a
	// plan of 10,000 real-shaped resources holding 200,000 of them.)
	first, last int32
	// refList replaces expr.Variables() when there is no expression: the
	// references a plan's configuration records for the attribute.
	refList []string
}

// newAttr is an attribute at rng.
func newAttr(name string, expr hcl.Expression, val cty.Value, rng hcl.Range) *attr {
	return &attr{name: name, expr: expr, val: val, first: int32(rng.Start.Line), last: int32(rng.End.Line)}
}

// line returns the attribute's first line.
func (a *attr) line() int { return int(a.first) }

// rangeIn is the attribute's lines as a range in file, its block's.
func (a *attr) rangeIn(file string) hcl.Range {
	return hcl.Range{Filename: file, Start: hcl.Pos{Line: int(a.first)}, End: hcl.Pos{Line: int(a.last)}}
}

// known reports whether the attribute's value is wholly known.
func (a *attr) known() bool { return a.val.IsWhollyKnown() && !a.val.IsNull() || a.val.IsNull() }

// refs lists the resource addresses (type.name) the attribute's expression refers to.
func (a *attr) refs() []string {
	if a.expr == nil {
		return a.refList
	}
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
		name, ok := tr[1].(hcl.TraverseAttr)
		if !ok {
			continue
		}
		// An indexed reference (aws_s3_bucket.logs["audit"].id) names the
		// instance first, then the resource.
		if len(tr) > 2 {
			if ix, ok := tr[2].(hcl.TraverseIndex); ok {
				if k := instanceKey(ix.Key); k != "" {
					out = append(out, root+"."+name.Name+k)
				}
			}
		}
		out = append(out, root+"."+name.Name)
	}
	return out
}

// maxDynamic bounds the blocks one dynamic block expands to.
const maxDynamic = 1000

// evalBody converts a configuration body into a block tree, evaluating each
// attribute in ctx. Evaluation errors make the value unknown: they are the
// normal case for computed attributes, not problems with the input. Native
// syntax bodies keep their nested blocks (dynamic blocks are expanded);
// JSON bodies (.tf.json) have their nested blocks rebuilt from object values.
func (w *work) evalBody(typ string, labels []string, body hcl.Body, rng, def hcl.Range, ctx *hcl.EvalContext) *block {
	b := &block{typ: typ, labels: labels, attrs: map[string]*attr{}, rng: rng, def: def, file: rng.Filename}
	w.spend(1)
	sb, ok := body.(*hclsyntax.Body)
	if !ok {
		evalJSONBody(b, body, ctx)
		return b
	}
	w.spend(len(sb.Attributes))
	for name, a := range sb.Attributes {
		b.attrs[name] = newAttr(name, a.Expr, evalExpr(a.Expr, ctx), a.SrcRange)
	}
	for _, nb := range sb.Blocks {
		if nb.Type == "dynamic" && len(nb.Labels) == 1 {
			b.blocks = append(b.blocks, w.expandDynamic(nb, ctx)...)
			continue
		}
		b.blocks = append(b.blocks, w.evalBody(nb.Type, nb.Labels, nb.Body, nb.Range(), nb.DefRange(), ctx))
	}
	return b
}

// evalExpr evaluates an expression; a failure is an unknown value.
func evalExpr(e hcl.Expression, ctx *hcl.EvalContext) (v cty.Value) {
	defer func() {
		// A few cty functions panic on unusual unknown inputs; an input file
		// must never crash the scan.
		if recover() != nil {
			v = cty.DynamicVal
		}
	}()
	v, diags := e.Value(ctx)
	if diags.HasErrors() {
		return cty.DynamicVal
	}
	return v
}

// expandDynamic expands a dynamic block into one block per element of its
// for_each, like Terraform (and hcl's ext/dynblock) do. When for_each is not
// known statically, the content is one block of unknown multiplicity, marked
// dynamic so that mappers treat its values as unknown.
func (w *work) expandDynamic(nb *hclsyntax.Block, ctx *hcl.EvalContext) []*block {
	label := nb.Labels[0]
	content := findBlock(nb.Body, "content")
	if content == nil {
		return nil
	}
	iter := label
	if a, ok := nb.Body.Attributes["iterator"]; ok {
		if tr, diags := hcl.AbsTraversalForExpr(a.Expr); !diags.HasErrors() && len(tr) == 1 {
			iter = tr.RootName()
		}
	}
	unknownOne := func() []*block {
		c := ctx.NewChild()
		c.Variables = map[string]cty.Value{iter: cty.DynamicVal}
		child := w.evalBody(label, nil, content.Body, nb.Range(), nb.DefRange(), c)
		child.dynamic = true
		return []*block{child}
	}
	fe, ok := nb.Body.Attributes["for_each"]
	if !ok {
		return unknownOne()
	}
	if w.exhausted() {
		w.cutAt(nb.DefRange())
		return unknownOne()
	}
	v := evalExpr(fe.Expr, ctx)
	v, _ = v.UnmarkDeep()
	if !iterable(v) || v.LengthInt() > maxDynamic || w.exhausted() {
		if w.exhausted() {
			w.cutAt(nb.DefRange())
		}
		return unknownOne()
	}
	var out []*block
	for it := v.ElementIterator(); it.Next(); {
		k, ev := it.Element()
		if v.Type().IsSetType() {
			k = ev
		}
		c := ctx.NewChild()
		c.Variables = map[string]cty.Value{iter: cty.ObjectVal(map[string]cty.Value{"key": k, "value": ev})}
		out = append(out, w.evalBody(label, nil, content.Body, nb.Range(), nb.DefRange(), c))
	}
	return out
}

// mapAttrs are JSON attributes whose object values are maps, not nested blocks.
var mapAttrs = map[string]bool{"tags": true, "tags_all": true, "labels": true, "variables": true, "parameters": true,
	"environment": true, "metadata": true, "app_settings": true, "user_labels": true, "default_tags": true}

// evalJSONBody reads a JSON-syntax body: every property is an attribute, and
// an object (or list of objects) value also becomes nested blocks, as the
// Terraform JSON syntax writes blocks.
func evalJSONBody(b *block, body hcl.Body, ctx *hcl.EvalContext) {
	attrs, _ := body.JustAttributes()
	for name, a := range attrs {
		v := evalExpr(a.Expr, ctx)
		b.attrs[name] = newAttr(name, a.Expr, v, a.Range)
		if mapAttrs[name] || name == "dynamic" {
			continue
		}
		b.blocks = append(b.blocks, blocksFromValue(name, v, a.Range)...)
	}
	slices.SortFunc(b.blocks, func(x, y *block) int { return strings.Compare(x.typ, y.typ) })
}

// blocksFromValue rebuilds nested blocks from an object or a list of objects.
func blocksFromValue(typ string, v cty.Value, rng hcl.Range) []*block {
	v, _ = v.UnmarkDeep()
	if v.IsNull() || !v.IsKnown() {
		return nil
	}
	t := v.Type()
	switch {
	case t.IsObjectType():
		nb := &block{typ: typ, attrs: map[string]*attr{}, rng: rng, def: rng, file: rng.Filename}
		for name, ev := range v.AsValueMap() {
			nb.attrs[name] = newAttr(name, nil, ev, rng)
			if !mapAttrs[name] {
				nb.blocks = append(nb.blocks, blocksFromValue(name, ev, rng)...)
			}
		}
		slices.SortFunc(nb.blocks, func(x, y *block) int { return strings.Compare(x.typ, y.typ) })
		return []*block{nb}
	case t.IsTupleType() || t.IsListType():
		var out []*block
		for it := v.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			if !ev.Type().IsObjectType() {
				return nil
			}
			out = append(out, blocksFromValue(typ, ev, rng)...)
		}
		return out
	}
	return nil
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

// instanceKey formats a count or for_each key as in addresses: [0] or ["a"].
func instanceKey(k cty.Value) string {
	if k.IsNull() || !k.IsKnown() {
		return ""
	}
	switch k.Type() {
	case cty.String:
		return fmt.Sprintf("[%q]", k.AsString())
	case cty.Number:
		if n, ok := asInt(goValue(k)); ok {
			return fmt.Sprintf("[%d]", n)
		}
	}
	return ""
}

// iterable reports whether a for_each value's elements (and keys) are known,
// even if some element values are not: a list of objects with one unknown
// attribute still has a known length.
func iterable(v cty.Value) bool {
	if v.IsNull() || !v.IsKnown() || !v.CanIterateElements() {
		return false
	}
	if v.Type().IsSetType() {
		return v.IsWhollyKnown() // a set's unknown element could equal another
	}
	return true
}

// maxWork bounds the blocks and attributes one scan evaluates, so that
// nested repetitions (count × dynamic × dynamic) cannot make a scan of
// untrusted input run for hours. Past it, repetitions are read as unknown.
const maxWork = 2_000_000

// work counts evaluation effort for one scan.
type work struct {
	spent  int
	limit  int
	warned bool
	// cut is the first dynamic block read as unknown because the budget
	// was used up, for the warning (loader.overBudget) when no count or
	// for_each came later to give it.
	cut *hcl.Range
}

func (w *work) cutAt(rng hcl.Range) {
	if w != nil && w.cut == nil {
		w.cut = &rng
	}
}

func (w *work) spend(n int) {
	if w != nil {
		w.spent += n
	}
}

// exhausted reports whether the scan has used up its evaluation budget.
func (w *work) exhausted() bool { return w != nil && w.spent > w.limit }
