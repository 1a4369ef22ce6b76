package policies

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/open-policy-agent/opa/v1/bundle"
)

// Merge returns one bundle holding the modules of base and of every extra
// bundle, and base's data deep-merged with each extra's data in order: a
// later object's keys override, anything else replaces. User policies
// (--policy DIR) and data files (--data FILE) are merged this way so that
// they share the kaiji root with the built-in library. A module path
// present twice is an error.
func Merge(base *bundle.Bundle, extra ...*bundle.Bundle) (*bundle.Bundle, error) {
	out := &bundle.Bundle{
		Manifest: bundle.Manifest{Roots: &[]string{Root}},
		Data:     map[string]any{},
		Modules:  append([]bundle.ModuleFile(nil), base.Modules...),
	}
	if base.Data != nil {
		out.Data = deepCopy(base.Data).(map[string]any)
	}
	seen := map[string]bool{}
	for _, m := range base.Modules {
		seen[m.Path] = true
	}
	for _, x := range extra {
		for _, m := range x.Modules {
			if seen[m.Path] {
				return nil, fmt.Errorf("merge policies: module %s is defined twice", m.Path)
			}
			seen[m.Path] = true
			out.Modules = append(out.Modules, m)
		}
		if x.Data != nil {
			out.Data = mergeValue(out.Data, x.Data).(map[string]any)
		}
	}
	sort.Slice(out.Modules, func(i, j int) bool { return out.Modules[i].Path < out.Modules[j].Path })
	out.Manifest.Revision = Digest(out)
	return out, nil
}

// LoadDataFile reads one YAML or JSON data file into a bundle that mounts
// it where a file of the same name under policies/data/ is mounted:
// data.kaiji.data.<name>. Merged over the built-in library, it overrides
// single reference values or adds regions to the region table.
func LoadDataFile(path string) (*bundle.Bundle, error) {
	doc, err := ReadData(os.DirFS(filepath.Dir(path)), filepath.Base(path))
	if err != nil {
		return nil, fmt.Errorf("load data %s: %w", path, err)
	}
	if _, ok := doc.(map[string]any); !ok {
		return nil, fmt.Errorf("load data %s: want a mapping at the top", path)
	}
	b := &bundle.Bundle{
		Manifest: bundle.Manifest{Roots: &[]string{Root}},
		Data:     map[string]any{Root: map[string]any{"data": map[string]any{dataName(path): doc}}},
	}
	b.Manifest.Revision = Digest(b)
	return b, nil
}

func mergeValue(dst, src any) any {
	d, ok1 := dst.(map[string]any)
	s, ok2 := src.(map[string]any)
	if !ok1 || !ok2 {
		return deepCopy(src)
	}
	for k, v := range s {
		if old, ok := d[k]; ok {
			d[k] = mergeValue(old, v)
		} else {
			d[k] = deepCopy(v)
		}
	}
	return d
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = deepCopy(e)
		}
		return a
	}
	return v
}
