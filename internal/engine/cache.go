package engine

import (
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// callCache is OPA's virtual cache, less the results of function calls
// that take an object, array or set. OPA keeps every rule value and every
// function result of a query until it ends; the calls on whole facts,
// claims and outcomes (lib.evidence, lib.finding, the outcome functions)
// are almost never repeated with the same arguments, so keeping them cost
// memory and collector time for no hits. Calls on scalars (lib.facts(kind),
// lib.reference, lib.dur_ja) and rules are still cached. Policies are pure,
// so what is cached changes no result (TestDecodeDecision compares with
// OPA's own cache).
type callCache struct{ topdown.VirtualCache }

// cacheOption gives an evaluation its own callCache.
func cacheOption() rego.EvalOption {
	return rego.EvalVirtualCache(&callCache{topdown.NewVirtualCache()})
}

// uncached is true for the key of a function call with an object, array
// or set among its arguments. A call's key starts with the function's ref;
// a rule's with the var data.
func uncached(key ast.Ref) bool {
	if len(key) == 0 {
		return false
	}
	if _, call := key[0].Value.(ast.Ref); !call {
		return false
	}
	for _, t := range key[1:] {
		switch t.Value.(type) {
		case ast.Object, *ast.Array, ast.Set:
			return true
		}
	}
	return false
}

func (c *callCache) Get(key ast.Ref) (*ast.Term, bool) {
	if uncached(key) {
		return nil, false
	}
	return c.VirtualCache.Get(key)
}

func (c *callCache) Put(key ast.Ref, v *ast.Term) {
	if uncached(key) {
		return
	}
	c.VirtualCache.Put(key, v)
}
