package engine

import (
	"bytes"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"

	"github.com/kaiji-dev/kaiji/policies"
)

// prune leaves out of the bundle the built-in modules the query cannot
// reach: a scan evaluates data.kaiji.main.result and never the admission
// policies, the webhook the admission decision and never the claims or
// controls. The compile is the whole of a small repository's scan (~45 of
// ~110 ms for the demo project), and the admission modules were 8% of
// it. A module that is not the built-in library's own, unchanged, is
// always kept, so that a user's policy that does not compile still says
// so; what it refers to is kept with it.
func prune(b *bundle.Bundle, query string) *bundle.Bundle {
	q, err := ast.ParseRef(query)
	if err != nil {
		return b
	}
	lib, err := policies.Builtin()
	if err != nil {
		return b
	}
	builtin := make(map[string][]byte, len(lib.Modules))
	for _, m := range lib.Modules {
		builtin[m.Path] = m.Raw
	}
	type node struct {
		pkg  ast.Ref
		refs []ast.Ref
		keep bool
	}
	nodes := make([]node, len(b.Modules))
	var needed []ast.Ref
	for i, m := range b.Modules {
		if m.Parsed == nil {
			return b
		}
		nodes[i] = node{pkg: m.Parsed.Package.Path, refs: dataRefs(m.Parsed)}
		if raw, ok := builtin[m.Path]; !ok || !bytes.Equal(raw, m.Raw) {
			nodes[i].keep = true
			needed = append(needed, nodes[i].refs...)
		}
	}
	needed = append(needed, q.GroundPrefix())
	// Each module reached adds what it refers to, until nothing more is
	// reached: a module is reached by a ref to its package, to a document
	// within it, or to a prefix of it (data.kaiji.claims[name] reaches
	// every claims package).
	for len(needed) > 0 {
		r := needed[len(needed)-1]
		needed = needed[:len(needed)-1]
		for i := range nodes {
			if n := &nodes[i]; !n.keep && (r.HasPrefix(n.pkg) || n.pkg.HasPrefix(r)) {
				n.keep = true
				needed = append(needed, n.refs...)
			}
		}
	}
	out := *b
	out.Modules = nil
	for i, m := range b.Modules {
		if nodes[i].keep {
			out.Modules = append(out.Modules, m)
		}
	}
	return &out
}

// dataRefs lists the ground prefixes of the refs to data in a module, refs
// through its imports resolved (lib.scoped, with import data.kaiji.lib, is
// data.kaiji.lib.scoped).
func dataRefs(m *ast.Module) []ast.Ref {
	imports := map[ast.Var]ast.Ref{}
	for _, imp := range m.Imports {
		if path, ok := imp.Path.Value.(ast.Ref); ok && path.HasPrefix(ast.DefaultRootRef) {
			imports[imp.Name()] = path
		}
	}
	var out []ast.Ref
	ast.WalkRefs(m, func(r ast.Ref) bool {
		head, ok := r[0].Value.(ast.Var)
		switch {
		case !ok:
		case head.Equal(ast.DefaultRootDocument.Value):
			out = append(out, r.GroundPrefix())
		case imports[head] != nil:
			full := imports[head].Concat(r[1:])
			out = append(out, full.GroundPrefix())
		}
		return false
	})
	return out
}
