package terraform

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/kaiji-dev/kaiji/collectors"
)

// resource is one resource instance after evaluation.
type resource struct {
	typ, name string
	addr      string // e.g. aws_s3_bucket.logs or aws_s3_bucket.logs["audit"]
	body      *block
	provider  string // provider config reference: "aws" or "aws.osaka"
}

// providerConfig is one provider block.
type providerConfig struct {
	name, alias string
	body        *block
}

// module is one directory of .tf files, evaluated.
type module struct {
	dir       string
	resources []*resource
	providers map[string]*providerConfig // keyed "aws" or "aws.alias"
	diags     hcl.Diagnostics
	notes     collectors.Diagnostics
}

// moduleInput groups the files of one module directory.
type moduleInput struct {
	dir     string
	tf      []collectors.File // .tf files
	tfvars  []collectors.File // variable files loaded automatically, in Terraform's order
	ignored []collectors.File // other .tfvars files, loaded only on request
}

var reservedRoots = []string{"var", "local", "path", "terraform", "count", "each", "self", "module", "data"}

// loadModule parses and evaluates one module directory.
func loadModule(in moduleInput, opts Options) *module {
	m := &module{dir: in.dir, providers: map[string]*providerConfig{}}
	p := hclparse.NewParser()
	var bodies []*hclsyntax.Body
	for _, f := range in.tf {
		file, diags := p.ParseHCL(f.Data, f.Path)
		m.diags = append(m.diags, diags...)
		if file == nil {
			continue
		}
		if body, ok := file.Body.(*hclsyntax.Body); ok {
			bodies = append(bodies, body)
		}
	}

	// Input variables: defaults, then variable files in Terraform's precedence order.
	vars := map[string]cty.Value{}
	declared := map[string]bool{}
	for _, body := range bodies {
		for _, b := range body.Blocks {
			if b.Type != "variable" || len(b.Labels) != 1 {
				continue
			}
			name := b.Labels[0]
			declared[name] = true
			vars[name] = cty.DynamicVal
			if a, ok := b.Body.Attributes["default"]; ok {
				if v, diags := a.Expr.Value(nil); !diags.HasErrors() {
					vars[name] = v
				}
			}
		}
	}
	varFiles := slices.Clone(in.tfvars)
	varFiles = append(varFiles, opts.VarFiles...)
	for _, f := range varFiles {
		m.applyVarFile(f, vars, declared)
	}
	for _, name := range sortedKeys(opts.Vars) {
		if declared[name] {
			vars[name] = cty.StringVal(opts.Vars[name])
		}
	}
	for _, f := range in.ignored {
		m.notes = append(m.notes, collectors.Diagnostic{File: f.Path, Line: 1, Severity: collectors.SeverityInfo,
			Message: "variable file not loaded: Terraform reads only terraform.tfvars and *.auto.tfvars automatically; pass it with --var-file"})
	}

	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{
			"var":       cty.ObjectVal(vars),
			"path":      cty.ObjectVal(map[string]cty.Value{"module": cty.StringVal(in.dir), "root": cty.StringVal(in.dir), "cwd": cty.StringVal(".")}),
			"terraform": cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal("default")}),
		},
		Functions: functions(),
	}
	for _, r := range reservedRoots {
		if _, ok := ctx.Variables[r]; !ok {
			ctx.Variables[r] = cty.DynamicVal
		}
	}
	for _, body := range bodies {
		for _, b := range body.Blocks {
			if b.Type == "resource" && len(b.Labels) == 2 {
				ctx.Variables[b.Labels[0]] = cty.DynamicVal // references to resources are known only after apply
			}
		}
	}
	ctx.Variables["local"] = evalLocals(bodies, ctx)

	for _, body := range bodies {
		for _, b := range body.Blocks {
			switch {
			case b.Type == "provider" && len(b.Labels) == 1:
				pb := evalBody(b.Type, b.Labels, b.Body, b.Range(), b.DefRange(), ctx)
				pc := &providerConfig{name: b.Labels[0], body: pb}
				key := pc.name
				if v := pb.get("alias"); v.known {
					pc.alias, _ = asString(v.v)
					key += "." + pc.alias
				}
				m.providers[key] = pc
			case b.Type == "resource" && len(b.Labels) == 2:
				m.resources = append(m.resources, m.expand(b, ctx)...)
			}
		}
	}
	return m
}

// applyVarFile sets variables from a .tfvars file.
func (m *module) applyVarFile(f collectors.File, vars map[string]cty.Value, declared map[string]bool) {
	p := hclparse.NewParser()
	var file *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(f.Path, ".json") {
		file, diags = p.ParseJSON(f.Data, f.Path)
	} else {
		file, diags = p.ParseHCL(f.Data, f.Path)
	}
	m.diags = append(m.diags, diags...)
	if file == nil {
		return
	}
	attrs, diags := file.Body.JustAttributes()
	m.diags = append(m.diags, diags...)
	for name, a := range attrs {
		if !declared[name] {
			m.notes = append(m.notes, collectors.Diagnostic{File: f.Path, Line: a.Range.Start.Line, Severity: collectors.SeverityWarning,
				Message: fmt.Sprintf("value for undeclared variable %q", name)})
			continue
		}
		v, d := a.Expr.Value(nil)
		if d.HasErrors() {
			m.diags = append(m.diags, d...)
			continue
		}
		vars[name] = v
	}
}

// evalLocals evaluates locals in dependency order by repeated passes; locals
// that never resolve (cycles, unknown inputs) stay unknown.
func evalLocals(bodies []*hclsyntax.Body, ctx *hcl.EvalContext) cty.Value {
	exprs := map[string]hcl.Expression{}
	for _, body := range bodies {
		for _, b := range body.Blocks {
			if b.Type == "locals" {
				for name, a := range b.Body.Attributes {
					exprs[name] = a.Expr
				}
			}
		}
	}
	vals := map[string]cty.Value{}
	for name := range exprs {
		vals[name] = cty.DynamicVal
	}
	for pass := 0; pass <= len(exprs); pass++ {
		changed := false
		local := cty.ObjectVal(vals)
		child := ctx.NewChild()
		child.Variables = map[string]cty.Value{"local": local}
		for _, name := range sortedKeys(exprs) {
			if vals[name].IsWhollyKnown() {
				continue
			}
			v, diags := exprs[name].Value(child)
			if diags.HasErrors() || !v.IsWhollyKnown() {
				continue
			}
			vals[name] = v
			changed = true
		}
		if !changed {
			break
		}
	}
	if len(vals) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(vals)
}

// expand evaluates a resource block once per instance of its count or for_each.
func (m *module) expand(b *hclsyntax.Block, ctx *hcl.EvalContext) []*resource {
	typ, name := b.Labels[0], b.Labels[1]
	base := typ + "." + name
	prov := strings.SplitN(typ, "_", 2)[0]
	if a, ok := b.Body.Attributes["provider"]; ok {
		if tr, diags := hcl.AbsTraversalForExpr(a.Expr); !diags.HasErrors() {
			parts := make([]string, 0, len(tr))
			for i, step := range tr {
				switch s := step.(type) {
				case hcl.TraverseRoot:
					parts = append(parts, s.Name)
				case hcl.TraverseAttr:
					if i > 0 {
						parts = append(parts, s.Name)
					}
				}
			}
			prov = strings.Join(parts, ".")
		}
	}
	one := func(addr string, c *hcl.EvalContext) *resource {
		return &resource{typ: typ, name: name, addr: addr, provider: prov,
			body: evalBody("resource", b.Labels, b.Body, b.Range(), b.DefRange(), c)}
	}
	if a, ok := b.Body.Attributes["count"]; ok {
		v, diags := a.Expr.Value(ctx)
		n, known := int64(0), false
		if !diags.HasErrors() && v.IsWhollyKnown() && !v.IsNull() {
			n, known = asInt(goValue(v))
		}
		if !known {
			m.notes = append(m.notes, collectors.Diagnostic{File: a.SrcRange.Filename, Line: a.SrcRange.Start.Line, Severity: collectors.SeverityInfo,
				Message: fmt.Sprintf("%s: count is not known statically; read as one instance with unknown count", base)})
			c := ctx.NewChild()
			c.Variables = map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.UnknownVal(cty.Number)})}
			r := one(base, c)
			return []*resource{r}
		}
		out := make([]*resource, 0, n)
		for i := range n {
			c := ctx.NewChild()
			c.Variables = map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(i)})}
			out = append(out, one(fmt.Sprintf("%s[%d]", base, i), c))
		}
		return out
	}
	if a, ok := b.Body.Attributes["for_each"]; ok {
		v, diags := a.Expr.Value(ctx)
		if diags.HasErrors() || !v.IsWhollyKnown() || v.IsNull() || !v.CanIterateElements() {
			m.notes = append(m.notes, collectors.Diagnostic{File: a.SrcRange.Filename, Line: a.SrcRange.Start.Line, Severity: collectors.SeverityInfo,
				Message: fmt.Sprintf("%s: for_each is not known statically; read as one instance with unknown keys", base)})
			c := ctx.NewChild()
			c.Variables = map[string]cty.Value{"each": cty.DynamicVal}
			return []*resource{one(base, c)}
		}
		var out []*resource
		v, _ = v.UnmarkDeep()
		for it := v.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			if v.Type().IsSetType() {
				k = ev
			}
			key, ok := asString(goValue(k))
			if !ok {
				continue
			}
			c := ctx.NewChild()
			c.Variables = map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": cty.StringVal(key), "value": ev})}
			out = append(out, one(fmt.Sprintf("%s[%q]", base, key), c))
		}
		return out
	}
	return []*resource{one(base, ctx)}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// dirOf returns the slash-separated directory of a file path.
func dirOf(p string) string { return path.Dir(p) }
