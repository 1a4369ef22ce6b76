package terraform

import (
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// maxTrace bounds how many module outputs one reference is followed through.
const maxTrace = 10

// moduleTargets follows references to module outputs (module.db.db_instance_arn)
// into the child module, down to the resources the output is made of, and
// returns their addresses. ok is false when some reference cannot be followed.
func (m *module) moduleTargets(a *attr) ([]string, bool) {
	if a == nil || a.expr == nil {
		return nil, true
	}
	var out []string
	ok := true
	for _, tr := range a.expr.Variables() {
		if tr.RootName() != "module" {
			continue
		}
		addrs, found := m.trace(tr, 0)
		if !found {
			ok = false
		}
		out = append(out, addrs...)
	}
	slices.Sort(out)
	return slices.Compact(out), ok
}

// trace resolves module.<call>[key].<output> in m.
func (m *module) trace(tr hcl.Traversal, depth int) ([]string, bool) {
	if depth > maxTrace || len(tr) < 3 {
		return nil, false
	}
	call, ok := tr[1].(hcl.TraverseAttr)
	if !ok {
		return nil, false
	}
	rest := tr[2:]
	key := ""
	if ix, ok := rest[0].(hcl.TraverseIndex); ok {
		key = instanceKey(ix.Key)
		rest = rest[1:]
	}
	if len(rest) == 0 {
		return nil, false
	}
	out, ok := rest[0].(hcl.TraverseAttr)
	if !ok {
		return nil, false
	}
	var addrs []string
	found := false
	for _, c := range m.children {
		if c.call != call.Name || (key != "" && c.instance != key) {
			continue
		}
		e := c.outputExprs[out.Name]
		if e == nil {
			return nil, false
		}
		found = true
		for _, t := range e.Variables() {
			switch root := t.RootName(); {
			case root == "module":
				sub, ok := c.trace(t, depth+1)
				if !ok {
					return nil, false
				}
				addrs = append(addrs, sub...)
			case slices.Contains(reservedRoots, root):
			default:
				a := &attr{expr: &hclsyntax.ScopeTraversalExpr{Traversal: t}}
				if refs := a.refs(); len(refs) > 0 {
					addrs = append(addrs, c.prefix+refs[0])
				}
			}
		}
	}
	return addrs, found
}
