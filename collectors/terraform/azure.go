package terraform

import "github.com/kaiji-dev/kaiji/collectors"

// azureMappers turns azurerm resources into facts.
var azureMappers = map[string]mapper{}

func linkAzure(m *module, byAddr map[string]*collectors.Fact, byType map[string][]*collectors.Fact) {}
