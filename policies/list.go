package policies

import (
	"fmt"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/bundle"
)

// Info describes one policy from its METADATA annotation: a claim policy
// (package kaiji.claims.*), a control policy (kaiji.controls.*) or any
// other package that declares custom.id.
type Info struct {
	ID          string           `json:"id"`
	Package     string           `json:"package"`
	File        string           `json:"file"`
	Title       string           `json:"title"`
	Description string           `json:"description,omitempty"`
	Keys        []string         `json:"keys,omitempty"`
	Items       map[string][]int `json:"items,omitempty"`
	Controls    []string         `json:"controls,omitempty"`
	Reads       []string         `json:"reads,omitempty"`
	Severity    string           `json:"severity,omitempty"`
}

// Covers renders what a policy covers: its controls, or its claim keys
// and the disclosure items per edition.
func (i Info) Covers() string {
	var parts []string
	parts = append(parts, i.Controls...)
	parts = append(parts, i.Keys...)
	eds := make([]string, 0, len(i.Items))
	for e := range i.Items {
		eds = append(eds, e)
	}
	sort.Strings(eds)
	for _, e := range eds {
		nums := make([]string, len(i.Items[e]))
		for k, n := range i.Items[e] {
			nums[k] = fmt.Sprint(n)
		}
		parts = append(parts, fmt.Sprintf("%s#%s", e, strings.Join(nums, ",")))
	}
	return strings.Join(parts, " ")
}

// List reads the policies of b from their package METADATA, sorted by id.
// Library, test and aggregation packages (no custom.id) are left out.
func List(b *bundle.Bundle) ([]Info, error) {
	var out []Info
	for _, m := range b.Modules {
		if strings.HasSuffix(m.Path, "_test.rego") || m.Parsed == nil {
			continue
		}
		for _, a := range m.Parsed.Annotations {
			if a.Scope != "package" && a.Scope != "subpackages" {
				continue
			}
			id, _ := a.Custom["id"].(string)
			if id == "" {
				continue
			}
			info := Info{
				ID:          id,
				Package:     strings.TrimPrefix(m.Parsed.Package.Path.String(), "data."),
				File:        m.Path,
				Title:       a.Title,
				Description: strings.TrimSpace(a.Description),
				Keys:        strs(a.Custom["keys"]),
				Controls:    strs(a.Custom["controls"]),
				Reads:       strs(a.Custom["reads"]),
			}
			info.Severity, _ = a.Custom["severity"].(string)
			if items, ok := a.Custom["items"].(map[string]any); ok {
				info.Items = map[string][]int{}
				for ed, v := range items {
					list, _ := v.([]any)
					for _, n := range list {
						if f, ok := number(n); ok {
							info.Items[ed] = append(info.Items[ed], f)
						}
					}
				}
			}
			out = append(out, info)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	for i := 1; i < len(out); i++ {
		if out[i].ID == out[i-1].ID {
			return out, fmt.Errorf("policy id %s is declared by %s and %s", out[i].ID, out[i-1].File, out[i].File)
		}
	}
	return out, nil
}

func strs(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

func number(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int64:
		return int(x), true
	case float64:
		return int(x), true
	case uint64:
		return int(x), true
	}
	return 0, false
}
