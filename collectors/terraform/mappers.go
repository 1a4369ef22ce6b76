package terraform

import "github.com/kaiji-dev/kaiji/collectors"

// mapper turns one resource instance into facts. A mapper reads only its
// resource; links between resources are made afterwards by the provider's
// link function.
type mapper func(*module, *resource) []*collectors.Fact

// mapperTables are the per-provider tables of resource type → mapper; the
// covered types are listed in docs/terraform.md.
var mapperTables = []map[string]mapper{awsMappers, azureMappers, googleMappers}

// mapperFor returns the mapper of a resource type, or nil.
func mapperFor(typ string) mapper {
	for _, t := range mapperTables {
		if m := t[typ]; m != nil {
			return m
		}
	}
	return nil
}

// link enriches facts with the resources that configure them from outside.
func link(m *module, byAddr map[string]*collectors.Fact, byType map[string][]*collectors.Fact) {
	linkAWS(m, byAddr, byType)
	linkAzure(m, byAddr, byType)
	linkGoogle(m, byAddr, byType)
}

// refFact returns the fact an attribute refers to, by instance or resource address.
func refFact(a *attr, facts map[string]*collectors.Fact) *collectors.Fact {
	if a == nil {
		return nil
	}
	for _, ref := range a.refs() {
		if f := facts[ref]; f != nil {
			return f
		}
	}
	return nil
}

// refResource returns the resource of the module an attribute refers to.
func refResource(m *module, a *attr) *resource {
	if a == nil {
		return nil
	}
	idx := m.resourceIndex()
	for _, ref := range a.refs() {
		if r := idx.byRef[ref]; r != nil {
			return r
		}
	}
	return nil
}
