package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
)

// ReplicatePlan writes a plan of real shape at any size: the managed
// resources of a plan (terraform show -json) and their changes, repeated
// in the root module with indexed addresses until there are n, the rest
// of the plan as it was. The generated estate's plan writes the few
// attributes the policies read; a real plan writes every attribute of the
// provider's schema, nulls included, and costs more per resource to read.
func ReplicatePlan(src []byte, n int) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	planned, _ := doc["planned_values"].(map[string]any)
	root, _ := planned["root_module"].(map[string]any)
	var resources []map[string]any
	var walk func(m map[string]any)
	walk = func(m map[string]any) {
		rs, _ := m["resources"].([]any)
		for _, r := range rs {
			if r, ok := r.(map[string]any); ok && (r["mode"] == nil || r["mode"] == "managed") {
				resources = append(resources, r)
			}
		}
		cs, _ := m["child_modules"].([]any)
		for _, c := range cs {
			if c, ok := c.(map[string]any); ok {
				walk(c)
			}
		}
	}
	if root != nil {
		walk(root)
	}
	if len(resources) == 0 {
		return nil, fmt.Errorf("the plan has no managed resources to repeat")
	}
	changes := map[string]map[string]any{}
	rcs, _ := doc["resource_changes"].([]any)
	for _, c := range rcs {
		if c, ok := c.(map[string]any); ok {
			if a, ok := c["address"].(string); ok {
				changes[a] = c
			}
		}
	}
	outResources := make([]any, 0, n)
	outChanges := make([]any, 0, n)
	for i := range n {
		r := resources[i%len(resources)]
		addr := fmt.Sprintf("%s.%s[%d]", r["type"], r["name"], i)
		// Only the address, the index and the name change: the copies
		// share every other value with the source.
		nr := maps.Clone(r)
		nr["address"], nr["index"] = addr, i
		delete(nr, "module_address")
		// A name of its own, as a real estate's instances have.
		rename := func(vs any) any {
			m, ok := vs.(map[string]any)
			if !ok {
				return vs
			}
			if name, ok := m["name"].(string); ok {
				m = maps.Clone(m)
				m["name"] = fmt.Sprintf("%s-%d", name, i)
			}
			return m
		}
		nr["values"] = rename(nr["values"])
		outResources = append(outResources, nr)
		src, _ := r["address"].(string)
		if c := changes[src]; c != nil {
			nc := maps.Clone(c)
			nc["address"], nc["index"] = addr, i
			delete(nc, "module_address")
			if ch, ok := nc["change"].(map[string]any); ok {
				ch = maps.Clone(ch)
				ch["after"] = rename(ch["after"])
				nc["change"] = ch
			}
			outChanges = append(outChanges, nc)
		}
	}
	planned["root_module"] = map[string]any{"resources": outResources}
	doc["resource_changes"] = outChanges
	// terraform writes format_version first, and plans are recognised by
	// their first bytes; encoding/json would sort it among the rest.
	var out bytes.Buffer
	out.WriteString("{")
	for _, k := range []string{"format_version", "terraform_version"} {
		if v, ok := doc[k]; ok {
			js, err := json.Marshal(v)
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(&out, "\n  %q: %s,", k, js)
			delete(doc, k)
		}
	}
	rest, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	out.Write(rest[1:])
	return out.Bytes(), nil
}
