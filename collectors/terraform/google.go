package terraform

import "github.com/kaiji-dev/kaiji/collectors"

// googleMappers turns google resources into facts.
var googleMappers = map[string]mapper{}

func linkGoogle(m *module, byAddr map[string]*collectors.Fact, byType map[string][]*collectors.Fact) {
}
