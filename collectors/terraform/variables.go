package terraform

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/kaiji-dev/kaiji/collectors"
)

// variable is one declared input variable.
type variable struct {
	name      string
	typ       cty.Type
	defaults  *typeexpr.Defaults
	def       cty.Value // the default; cty.NilVal when there is none
	sensitive bool
	rng       hcl.Range

	// unset is finish(cty.NilVal), the value of every call that sets
	// nothing, made once (unsetValue).
	unset     cty.Value
	unsetOnce sync.Once
}

// variables returns the module's declared input variables. They are read
// once per module directory, not once per call: a module called many times
// declares them once, and a large default (a module's table of rules) is
// evaluated once.
func (c *dirConfig) variables() map[string]*variable {
	c.varsOnce.Do(func() { c.vars = declaredVariables(c) })
	return c.vars
}

// declaredVariables reads the variable blocks of a module.
func declaredVariables(c *dirConfig) map[string]*variable {
	out := map[string]*variable{}
	for _, d := range c.blocks("variable") {
		if len(d.labels) != 1 {
			continue
		}
		v := &variable{name: d.labels[0], typ: cty.DynamicPseudoType, def: cty.NilVal, rng: d.def}
		attrs := attributes(d.body)
		if a := attrs["type"]; a != nil {
			if t, defs, diags := typeexpr.TypeConstraintWithDefaults(typeExprOf(a.Expr)); !diags.HasErrors() {
				v.typ, v.defaults = t, defs
			}
		}
		if a := attrs["default"]; a != nil {
			if val := evalExpr(a.Expr, nil); val.IsWhollyKnown() {
				v.def = val
			}
		}
		if a := attrs["sensitive"]; a != nil {
			if val := evalExpr(a.Expr, nil); val.Type() == cty.Bool && val.IsKnown() && !val.IsNull() {
				v.sensitive = val.True()
			}
		}
		out[v.name] = v
	}
	return out
}

// typeExprOf turns a JSON string type ("list(string)") into an expression
// typeexpr understands; native syntax expressions pass through.
func typeExprOf(e hcl.Expression) hcl.Expression {
	if _, ok := e.(hclsyntax.Expression); ok {
		return e
	}
	v, diags := e.Value(nil)
	if diags.HasErrors() || v.Type() != cty.String || !v.IsKnown() || v.IsNull() {
		return e
	}
	pe, diags := hclsyntax.ParseExpression([]byte(v.AsString()), e.Range().Filename, e.Range().Start)
	if diags.HasErrors() {
		return e
	}
	return pe
}

// finish converts a value to the variable's type, applies optional-attribute
// defaults, and hides sensitive values: they are never output, so they are unknown.
func (v *variable) finish(val cty.Value) cty.Value {
	if val == cty.NilVal {
		return v.unsetValue()
	}
	return v.convert(val)
}

// unsetValue is the value of the variable where a call sets nothing: the
// default, converted once for every call. cty values are immutable, so
// the calls share it.
func (v *variable) unsetValue() cty.Value {
	v.unsetOnce.Do(func() { v.unset = v.convert(v.def) })
	return v.unset
}

// convert is finish for a value that may be cty.NilVal (no default).
func (v *variable) convert(val cty.Value) cty.Value {
	if val == cty.NilVal {
		return cty.UnknownVal(v.typ)
	}
	if v.defaults != nil {
		val = v.defaults.Apply(val)
	}
	if conv, err := convert.Convert(val, v.typ); err == nil {
		val = conv
	}
	if v.sensitive {
		return cty.UnknownVal(val.Type())
	}
	return val
}

// rootVariables resolves a root module's input variables in Terraform's order
// of precedence: environment (TF_VAR_*), terraform.tfvars, *.auto.tfvars,
// then --var-file and --var.
func (l *loader) rootVariables(decls map[string]*variable, tfvars []collectors.File) map[string]cty.Value {
	set := map[string]cty.Value{}
	for _, kv := range l.opts.env() {
		name, val, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, "TF_VAR_") {
			continue
		}
		if d := decls[strings.TrimPrefix(name, "TF_VAR_")]; d != nil {
			set[d.name] = rawValue(d, val)
		}
	}
	files := slices.Clone(tfvars)
	files = append(files, l.opts.VarFiles...)
	for _, f := range files {
		l.applyVarFile(f, decls, set)
	}
	for _, name := range sortedKeys(l.opts.Vars) {
		if d := decls[name]; d != nil {
			set[name] = rawValue(d, l.opts.Vars[name])
		}
	}
	out := map[string]cty.Value{}
	for name, d := range decls {
		v, ok := set[name]
		if !ok {
			v = cty.NilVal
		}
		out[name] = d.finish(v)
	}
	return out
}

// rawValue reads a value given on the command line or in the environment:
// a string for string variables, an HCL expression for the others.
func rawValue(d *variable, s string) cty.Value {
	if d.typ == cty.String || d.typ == cty.DynamicPseudoType {
		return cty.StringVal(s)
	}
	e, diags := hclsyntax.ParseExpression([]byte(s), "<value>", hcl.InitialPos)
	if diags.HasErrors() {
		return cty.StringVal(s)
	}
	return evalExpr(e, nil)
}

// applyVarFile sets variables from a .tfvars file.
func (l *loader) applyVarFile(f collectors.File, decls map[string]*variable, set map[string]cty.Value) {
	if d := tooDeep(f, l.maxDepth()); d != nil {
		l.notes = append(l.notes, *d)
		return
	}
	p := hclparse.NewParser()
	var file *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(f.Path, ".json") {
		file, diags = p.ParseJSON(f.Data, f.Path)
	} else {
		file, diags = p.ParseHCL(f.Data, f.Path)
	}
	l.diags = append(l.diags, diags...)
	if file == nil {
		return
	}
	attrs, diags := file.Body.JustAttributes()
	l.diags = append(l.diags, diags...)
	for _, name := range sortedKeys(attrs) {
		a := attrs[name]
		if decls[name] == nil {
			l.notes = append(l.notes, collectors.Diagnostic{File: f.Path, Line: a.Range.Start.Line, Severity: collectors.SeverityWarning,
				Message: fmt.Sprintf("value for undeclared variable %q", name)})
			continue
		}
		v, d := a.Expr.Value(nil)
		if d.HasErrors() {
			l.diags = append(l.diags, d...)
			continue
		}
		set[name] = v
	}
}
