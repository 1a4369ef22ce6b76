package terraform

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/internal/parallel"
)

// resource is one resource instance after evaluation.
type resource struct {
	typ, name string
	addr      string // full address: module.db.aws_db_instance.this, aws_s3_bucket.logs["audit"]
	local     string // address inside its module: aws_s3_bucket.logs["audit"]
	body      *block
	provider  string // provider config key in the module: "aws" or "aws.osaka"
	// unknownCount marks the single instance read for a count or for_each
	// that is not known statically.
	unknownCount bool
}

// providerConfig is one provider block.
type providerConfig struct {
	name, alias string
	body        *block
}

// module is one module instance, evaluated.
type module struct {
	dir       string
	prefix    string // "" for a root module, "module.db." or `module.db["a"].` for a child
	call      string // the module block's name in the parent
	instance  string // the instance key of a repeated module: [0], ["a"]
	key       string // module key in .terraform/modules/modules.json: "", "db", "db.child"
	root      string // directory of the root module
	resources []*resource
	providers map[string]*providerConfig // keyed "aws" or "aws.alias", inherited ones included
	own       []string                   // keys of the provider blocks written in this module
	outputs   cty.Value
	// outputExprs are the output expressions, to follow references through modules.
	outputExprs map[string]hcl.Expression
	children    []*module
	index       *resourceIndex // built on first use, once the resources are all known
}

// resourceIndex finds a module's resources by the references linking
// follows: scanning every resource per reference made linking quadratic in
// a module of thousands (BenchmarkLinks).
type resourceIndex struct {
	byRef      map[string]*resource // the first resource whose local address or type.name is the key
	byTypeName map[string]*resource // the first resource of type.name
	byAddr     map[string]*resource // the first resource at the address
}

// resourceIndex returns m's index, building it on first use. Only the
// mapping and linking of a module's facts use it, after evaluation; a
// module mapped on several goroutines builds it before they start
// (mapResources).
func (m *module) resourceIndex() *resourceIndex {
	if m.index != nil {
		return m.index
	}
	x := &resourceIndex{
		byRef:      make(map[string]*resource, 2*len(m.resources)),
		byTypeName: make(map[string]*resource, len(m.resources)),
		byAddr:     make(map[string]*resource, len(m.resources)),
	}
	first := func(idx map[string]*resource, k string, r *resource) {
		if _, ok := idx[k]; !ok {
			idx[k] = r
		}
	}
	for _, r := range m.resources {
		typeName := r.typ + "." + r.name
		first(x.byRef, r.local, r)
		first(x.byRef, typeName, r)
		first(x.byTypeName, typeName, r)
		first(x.byAddr, r.addr, r)
	}
	m.index = x
	return x
}

// all returns the module and its descendants, depth first.
func (m *module) all() []*module {
	out := []*module{m}
	for _, c := range m.children {
		out = append(out, c.all()...)
	}
	return out
}

// maxInstances bounds the instances one count or for_each expands to.
const maxInstances = 1000

// evalModule evaluates one module instance. vars are its input variables,
// already resolved; providers are the configurations it inherits.
func (l *loader) evalModule(m *module, cfg *dirConfig, vars map[string]cty.Value, depth int) {
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{
			"var":       objectOrEmpty(vars),
			"path":      cty.ObjectVal(map[string]cty.Value{"module": cty.StringVal(m.dir), "root": cty.StringVal(m.root), "cwd": cty.StringVal(m.root)}),
			"terraform": cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal("default")}),
		},
		Functions: l.functions(),
	}
	for _, r := range []string{"count", "each", "self", "module", "data"} {
		ctx.Variables[r] = cty.DynamicVal
	}
	for _, d := range cfg.blocks("resource") {
		if len(d.labels) == 2 {
			ctx.Variables[d.labels[0]] = cty.DynamicVal
		}
	}
	ctx.Variables["local"] = evalLocals(cfg, ctx)
	ctx.Variables["data"] = l.work.dataValues(cfg, ctx)
	ctx.Variables["local"] = evalLocals(cfg, ctx)

	// First pass: the resources other expressions read, so that their known
	// attributes can be read by another (bucket = aws_s3_bucket.logs.bucket)
	// and by module inputs. The rest are read once, in the last pass.
	refs, whole := cfg.referenced()
	m.resources = l.resources(m, cfg, ctx, func(typ, name string) bool {
		return whole[typ] || refs[typ+"."+name] != nil
	})
	resourceValues(ctx, m.resources, refs)
	ctx.Variables["local"] = evalLocals(cfg, ctx)
	for _, d := range cfg.blocks("provider") {
		if len(d.labels) != 1 {
			continue
		}
		pb := l.work.evalBody(d.typ, d.labels, d.body, d.rng, d.def, ctx)
		pc := &providerConfig{name: d.labels[0], body: pb}
		key := pc.name
		if v := pb.get("alias"); v.known {
			pc.alias, _ = asString(v.v)
			key += "." + pc.alias
		}
		m.providers[key] = pc
		m.own = append(m.own, key)
	}

	if depth < l.maxModuleDepth() {
		l.moduleCalls(m, cfg, ctx, depth)
	} else if calls := cfg.blocks("module"); len(calls) > 0 {
		l.notes = append(l.notes, collectors.Diagnostic{File: calls[0].def.Filename, Line: calls[0].def.Start.Line, Severity: collectors.SeverityWarning,
			Message: fmt.Sprintf("modules nested deeper than %d levels are not read (--max-module-depth)", l.maxModuleDepth())})
	}
	outs := map[string]cty.Value{}
	for _, c := range m.children {
		if c.instance != "" {
			outs[c.call] = cty.DynamicVal // outputs of repeated modules are not indexed here
			continue
		}
		outs[c.call] = c.outputs
	}
	for _, d := range cfg.blocks("module") {
		if len(d.labels) != 1 {
			continue
		}
		if _, ok := outs[d.labels[0]]; !ok {
			outs[d.labels[0]] = cty.DynamicVal // not read: its outputs are unknown
		}
	}
	if len(outs) > 0 {
		ctx.Variables["module"] = cty.ObjectVal(outs)
	}
	ctx.Variables["local"] = evalLocals(cfg, ctx)

	// The resources are read again now that module outputs are known; that
	// pass changes nothing the walk still reads (the parent sees outputs,
	// not resources), so it waits for finishResources.
	l.pending = append(l.pending, finalPass{m, cfg, ctx})
	m.outputs = evalOutputs(cfg, ctx)
	m.outputExprs = map[string]hcl.Expression{}
	for _, d := range cfg.blocks("output") {
		if a := attributes(d.body)["value"]; a != nil && len(d.labels) == 1 {
			m.outputExprs[d.labels[0]] = a.Expr
		}
	}
}

// finalPass is a module instance's last reading of its resources, with
// every module output and local known.
type finalPass struct {
	m   *module
	cfg *dirConfig
	ctx *hcl.EvalContext
}

// finishResources runs the pending final passes. They read only their own
// module's evaluation context, so on a machine of several cores they run
// concurrently, a large module's resource blocks in several parts (a flat
// root module holds thousands), each part counting its work and writing
// its diagnostics apart; those are merged in the order the blocks were
// read. When the evaluation budget runs out on the way, the results are
// dropped and the passes run again one after the other, so that which
// repetitions are cut never depends on timing.
func (l *loader) finishResources() {
	passes := l.pending
	l.pending = nil
	type part struct {
		pass  int
		decls []decl
	}
	var parts []part
	for i, p := range passes {
		decls := p.cfg.blocks("resource")
		for len(decls) > expandChunk {
			parts = append(parts, part{i, decls[:expandChunk]})
			decls = decls[expandChunk:]
		}
		parts = append(parts, part{i, decls})
	}
	n := runtime.GOMAXPROCS(0)
	if n > 1 && len(parts) > 1 && !l.work.exhausted() {
		type result struct {
			resources []*resource
			notes     collectors.Diagnostics
			spent     int
			cut       bool
		}
		remaining := l.work.limit - l.work.spent
		results := make([]result, len(parts))
		parallel.For(len(parts), n, func(i int) {
			sub := &loader{opts: l.opts, work: &work{limit: remaining}}
			p := passes[parts[i].pass]
			rs := sub.expandAll(p.m, parts[i].decls, p.ctx, nil)
			results[i] = result{rs, sub.notes, sub.work.spent, sub.work.warned || sub.work.exhausted() || sub.work.cut != nil}
		})
		spent, cut := 0, false
		for _, r := range results {
			spent += r.spent
			cut = cut || r.cut
		}
		if !cut && spent <= remaining {
			for _, p := range passes {
				p.m.resources = nil
			}
			for i, pt := range parts {
				m := passes[pt.pass].m
				m.resources = append(m.resources, results[i].resources...)
				l.notes = append(l.notes, results[i].notes...)
			}
			l.work.spent += spent
			return
		}
	}
	for _, p := range passes {
		p.m.resources = l.resources(p.m, p.cfg, p.ctx, nil)
	}
}

// expandChunk is how many resource blocks of one module one goroutine
// evaluates at a time. (A variable for TestLastPassAnyCores.)
var expandChunk = 64

func objectOrEmpty(vals map[string]cty.Value) cty.Value {
	if len(vals) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(vals)
}

// evalOutputs evaluates a module's outputs; sensitive outputs are unknown.
func evalOutputs(cfg *dirConfig, ctx *hcl.EvalContext) cty.Value {
	outs := map[string]cty.Value{}
	for _, d := range cfg.blocks("output") {
		if len(d.labels) != 1 {
			continue
		}
		attrs := attributes(d.body)
		v := cty.DynamicVal
		if a := attrs["value"]; a != nil {
			v = evalExpr(a.Expr, ctx)
		}
		if s := attrs["sensitive"]; s != nil {
			if sv := evalExpr(s.Expr, ctx); sv.Type() == cty.Bool && sv.IsKnown() && !sv.IsNull() && sv.True() {
				v = cty.DynamicVal
			}
		}
		outs[d.labels[0]] = v
	}
	return objectOrEmpty(outs)
}

// resourceValues exposes the evaluated attributes of resources to other
// expressions: aws_s3_bucket.logs.bucket is known when it is written in the
// configuration; computed attributes (id, arn) stay unknown.
func resourceValues(ctx *hcl.EvalContext, rs []*resource, refs map[string]map[string]bool) {
	type group struct {
		single  cty.Value
		list    []cty.Value
		keyed   map[string]cty.Value
		unknown bool
	}
	byType := map[string]map[string]*group{}
	for _, r := range rs {
		if byType[r.typ] == nil {
			byType[r.typ] = map[string]*group{}
		}
		g := byType[r.typ][r.name]
		if g == nil {
			g = &group{}
			byType[r.typ][r.name] = g
		}
		if r.unknownCount {
			g.unknown = true
			continue
		}
		attrs := map[string]cty.Value{}
		// Attributes other expressions read but the configuration does not
		// set (id, arn …) are computed: unknown, not an error that would make
		// the whole referring expression unknown.
		for n := range refs[r.typ+"."+r.name] {
			attrs[n] = cty.DynamicVal
		}
		for n, a := range r.body.attrs {
			attrs[n] = a.val
		}
		val := cty.ObjectVal(attrs)
		rest := strings.TrimPrefix(r.local, r.typ+"."+r.name)
		switch {
		case rest == "":
			g.single = val
		case strings.HasPrefix(rest, `["`):
			if g.keyed == nil {
				g.keyed = map[string]cty.Value{}
			}
			var k string
			if _, err := fmt.Sscanf(rest, "[%q]", &k); err == nil {
				g.keyed[k] = val
			}
		default:
			g.list = append(g.list, val)
		}
	}
	for typ, names := range byType {
		obj := map[string]cty.Value{}
		for name, g := range names {
			switch {
			case g.unknown:
				obj[name] = cty.DynamicVal
			case g.keyed != nil:
				obj[name] = cty.ObjectVal(g.keyed)
			case g.list != nil:
				obj[name] = cty.TupleVal(g.list)
			case g.single != cty.NilVal:
				obj[name] = g.single
			default:
				obj[name] = cty.EmptyTupleVal // count = 0 or an empty for_each
			}
		}
		ctx.Variables[typ] = cty.ObjectVal(obj)
	}
}

// referenced returns referencedAttrs(c), worked out once per module
// directory: every instance of a module reads the same expressions.
func (c *dirConfig) referenced() (refs map[string]map[string]bool, whole map[string]bool) {
	c.refsOnce.Do(func() { c.refs, c.wholeRefs = referencedAttrs(c) })
	return c.refs, c.wholeRefs
}

// referencedAttrs lists, per resource (type.name), the attribute names that
// expressions of the module read: aws_kms_key.k.arn, aws_s3_bucket.b[0].id;
// a resource read whole (aws_s3_bucket.b, values(aws_s3_bucket.b)) has an
// empty list. whole holds the types read whole (the name not written,
// or not as an attribute).
func referencedAttrs(cfg *dirConfig) (refs map[string]map[string]bool, whole map[string]bool) {
	out := map[string]map[string]bool{}
	whole = map[string]bool{}
	add := func(e hcl.Expression) {
		for _, tr := range e.Variables() {
			if slices.Contains(reservedRoots, tr.RootName()) {
				continue
			}
			var name hcl.TraverseAttr
			ok := len(tr) >= 2
			if ok {
				name, ok = tr[1].(hcl.TraverseAttr)
			}
			if !ok {
				whole[tr.RootName()] = true
				continue
			}
			key := tr.RootName() + "." + name.Name
			if out[key] == nil {
				out[key] = map[string]bool{}
			}
			if len(tr) < 3 {
				continue
			}
			rest := tr[2:]
			if _, ok := rest[0].(hcl.TraverseIndex); ok && len(rest) > 1 {
				rest = rest[1:]
			} else if _, ok := rest[0].(hcl.TraverseSplat); ok && len(rest) > 1 {
				rest = rest[1:]
			}
			attr, ok := rest[0].(hcl.TraverseAttr)
			if !ok {
				continue
			}
			out[key][attr.Name] = true
		}
	}
	var walk func(hcl.Body)
	walk = func(b hcl.Body) {
		sb, ok := b.(*hclsyntax.Body)
		if !ok {
			for _, a := range attributes(b) {
				add(a.Expr)
			}
			return
		}
		for _, a := range sb.Attributes {
			add(a.Expr)
		}
		for _, nb := range sb.Blocks {
			walk(nb.Body)
		}
	}
	for _, d := range cfg.decls {
		walk(d.body)
	}
	return out, whole
}

// localsPlan is what evalLocals needs of a module's locals that its
// configuration alone decides, worked out once per module directory.
type localsPlan struct {
	exprs map[string]hcl.Expression
	// order lists the locals outside reference cycles, each after the
	// locals it refers to.
	order []string
	// reads lists the locals each expression reads; a local that reads
	// the local object other than by name has no entry (it sees every
	// local).
	reads map[string][]string
}

// locals returns the module's localsPlan, made once.
func (c *dirConfig) locals() *localsPlan {
	c.localsOnce.Do(func() { c.localsPlan = planLocals(c) })
	return c.localsPlan
}

func planLocals(cfg *dirConfig) *localsPlan {
	p := &localsPlan{exprs: map[string]hcl.Expression{}, reads: map[string][]string{}}
	for _, d := range cfg.blocks("locals") {
		for name, a := range attributes(d.body) {
			p.exprs[name] = a.Expr
		}
	}
	const (
		visiting = 1
		done     = 2
	)
	state := map[string]int{}
	var visit func(string) bool
	visit = func(name string) bool {
		switch state[name] {
		case visiting:
			return false // a cycle: stays unknown
		case done:
			return true
		}
		state[name] = visiting
		ok, byName := true, true
		deps := []string{}
		for _, tr := range p.exprs[name].Variables() {
			if tr.RootName() != "local" {
				continue
			}
			dep, isAttr := hcl.TraverseAttr{}, false
			if len(tr) >= 2 {
				dep, isAttr = tr[1].(hcl.TraverseAttr)
			}
			if !isAttr {
				byName = false
				continue
			}
			deps = append(deps, dep.Name)
			if p.exprs[dep.Name] != nil {
				ok = visit(dep.Name) && ok
			}
		}
		if byName {
			p.reads[name] = deps
		}
		state[name] = done
		if ok {
			p.order = append(p.order, name)
		}
		return ok
	}
	for _, name := range sortedKeys(p.exprs) {
		visit(name)
	}
	return p
}

// evalLocals evaluates locals in dependency order: each local once, after
// the locals it refers to. A local in a reference cycle is unknown, as is one
// that depends on something unknown.
func evalLocals(cfg *dirConfig, ctx *hcl.EvalContext) cty.Value {
	p := cfg.locals()
	if len(p.exprs) == 0 {
		return cty.EmptyObjectVal
	}
	vals := make(map[string]cty.Value, len(p.exprs))
	for name := range p.exprs {
		vals[name] = cty.DynamicVal
	}
	child := ctx.NewChild()
	for _, name := range p.order {
		// Each expression sees the locals it names, not an object of every
		// local: building that object per local was quadratic in a
		// module's locals, for each of its instances.
		seen := vals
		if deps, ok := p.reads[name]; ok {
			seen = make(map[string]cty.Value, len(deps))
			for _, d := range deps {
				if v, ok := vals[d]; ok {
					seen[d] = v
				}
			}
		}
		child.Variables = map[string]cty.Value{"local": cty.ObjectVal(seen)}
		vals[name] = evalExpr(p.exprs[name], child)
	}
	return cty.ObjectVal(vals)
}

// resources evaluates every resource block of the module, expanded.
// resources evaluates the module's resource blocks; with only, those it
// admits.
func (l *loader) resources(m *module, cfg *dirConfig, ctx *hcl.EvalContext, only func(typ, name string) bool) []*resource {
	return l.expandAll(m, cfg.blocks("resource"), ctx, only)
}

// expandAll expands resource blocks of m, in order.
func (l *loader) expandAll(m *module, decls []decl, ctx *hcl.EvalContext, only func(typ, name string) bool) []*resource {
	var out []*resource
	for _, d := range decls {
		if len(d.labels) == 2 && (only == nil || only(d.labels[0], d.labels[1])) {
			out = append(out, l.expand(m, d, ctx)...)
		}
	}
	return out
}

// providerRef reads a provider meta-argument: aws.osaka → "aws.osaka".
func providerRef(e hcl.Expression) (string, bool) {
	tr, diags := hcl.AbsTraversalForExpr(e)
	if diags.HasErrors() {
		return "", false
	}
	parts := []string{tr.RootName()}
	for _, step := range tr[1:] {
		if s, ok := step.(hcl.TraverseAttr); ok {
			parts = append(parts, s.Name)
		}
	}
	return strings.Join(parts, "."), true
}

// instance is one instance of a count or for_each: its address suffix and
// the count/each variables it is evaluated with.
type instance struct {
	key  string
	vars map[string]cty.Value
}

// instances expands count or for_each. ok is false when the repetition is
// not known statically; then the caller reads one instance of unknown count.
func (l *loader) instances(what string, attrs map[string]*hcl.Attribute, ctx *hcl.EvalContext) ([]instance, bool) {
	if a := attrs["count"]; a != nil {
		v, _ := evalExpr(a.Expr, ctx).UnmarkDeep()
		n, known := int64(0), false
		if v.IsWhollyKnown() && !v.IsNull() {
			n, known = asInt(goValue(v))
		}
		if !known || n < 0 || n > maxInstances || l.overBudget(a.Range) {
			l.notes = append(l.notes, collectors.Diagnostic{File: a.Range.Filename, Line: a.Range.Start.Line, Severity: collectors.SeverityInfo,
				Message: fmt.Sprintf("%s: count is not known statically; read as one instance with unknown count", what)})
			return []instance{{vars: map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.UnknownVal(cty.Number)})}}}, false
		}
		out := make([]instance, 0, n)
		for i := range n {
			out = append(out, instance{key: fmt.Sprintf("[%d]", i),
				vars: map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(i)})}})
		}
		return out, true
	}
	if a := attrs["for_each"]; a != nil {
		v, _ := evalExpr(a.Expr, ctx).UnmarkDeep()
		if !iterable(v) || v.LengthInt() > maxInstances || l.overBudget(a.Range) {
			l.notes = append(l.notes, collectors.Diagnostic{File: a.Range.Filename, Line: a.Range.Start.Line, Severity: collectors.SeverityInfo,
				Message: fmt.Sprintf("%s: for_each is not known statically; read as one instance with unknown keys", what)})
			return []instance{{vars: map[string]cty.Value{"each": cty.DynamicVal}}}, false
		}
		var out []instance
		for it := v.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			if v.Type().IsSetType() {
				k = ev
			}
			key, ok := asString(goValue(k))
			if !ok {
				continue
			}
			out = append(out, instance{key: fmt.Sprintf("[%q]", key),
				vars: map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": cty.StringVal(key), "value": ev})}})
		}
		return out, true
	}
	return []instance{{}}, true
}

// expand evaluates a resource block once per instance of its count or for_each.
func (l *loader) expand(m *module, d decl, ctx *hcl.EvalContext) []*resource {
	typ, name := d.labels[0], d.labels[1]
	base := typ + "." + name
	attrs := attributes(d.body)
	prov := strings.SplitN(typ, "_", 2)[0]
	if a := attrs["provider"]; a != nil {
		if p, ok := providerRef(a.Expr); ok {
			prov = p
		}
	}
	insts, known := l.instances(m.prefix+base, attrs, ctx)
	out := make([]*resource, 0, len(insts))
	for _, in := range insts {
		c := ctx
		if in.vars != nil {
			c = ctx.NewChild()
			c.Variables = in.vars
		}
		out = append(out, &resource{typ: typ, name: name, addr: m.prefix + base + in.key, local: base + in.key, provider: prov,
			body: l.work.evalBody("resource", d.labels, d.body, d.rng, d.def, c), unknownCount: !known})
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// env returns the environment variables the collector reads (TF_VAR_*).
func (o Options) env() []string {
	if o.Env != nil {
		return o.Env
	}
	return os.Environ()
}

// overBudget reports whether the scan's evaluation budget is used up,
// warning once.
func (l *loader) overBudget(rng hcl.Range) bool {
	if !l.work.exhausted() {
		return false
	}
	if !l.work.warned {
		l.work.warned = true
		l.notes = append(l.notes, collectors.Diagnostic{File: rng.Filename, Line: rng.Start.Line, Severity: collectors.SeverityWarning,
			Message: fmt.Sprintf("the configuration expands to more than %d blocks and attributes; further count, for_each and dynamic repetitions are read as unknown", l.work.limit)})
	}
	return true
}
