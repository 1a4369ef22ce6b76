package terraform

import (
	"maps"
	"slices"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
)

// Name is the collector's name in fact sources.
const Name = "terraform"

// newFact starts a fact for a resource, with its source range.
func newFact(r *resource, kind collectors.Kind, id string) *collectors.Fact {
	if id == "" {
		id = r.addr
	}
	return &collectors.Fact{
		ID:       id,
		Kind:     kind,
		Provider: providerOf(r.typ),
		Type:     r.typ,
		Attrs:    map[string]any{},
		Source: collectors.Source{
			File: r.body.file, Line: r.body.rng.Start.Line, EndLine: r.body.rng.End.Line, Collector: Name,
		},
	}
}

// blockFact starts a fact for a nested block of a resource (a backup rule, an
// ingress rule), with the block's own range.
func blockFact(r *resource, b *block, kind collectors.Kind, id string) *collectors.Fact {
	f := newFact(r, kind, id)
	f.Source.Line, f.Source.EndLine = b.rng.Start.Line, b.rng.End.Line
	return f
}

func providerOf(typ string) string {
	p, _, _ := strings.Cut(typ, "_")
	switch p {
	case "azurerm", "azuread", "azapi":
		return "azure"
	case "google":
		return "gcp"
	}
	return p
}

// set stores v at the dotted path under attrs.
func set(f *collectors.Fact, path string, v any) {
	m := f.Attrs
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[parts[len(parts)-1]] = v
}

// conv interprets a known attribute value; ok is false on a type mismatch.
type conv func(any) (any, bool)

var (
	toBool   conv = func(v any) (any, bool) { return asBool(v) }
	toString conv = func(v any) (any, bool) { return asString(v) }
	toInt    conv = func(v any) (any, bool) { return asInt(v) }
)

// absent says what an attribute that is not set means.
type absent int

const (
	// absentUnknown: the provider computes a value we cannot know.
	absentUnknown absent = iota
	// absentOmit: the attribute stays out of the fact.
	absentOmit
	// absentDefault: the provider's documented default applies.
	absentDefault
)

// read copies attribute name of b into the fact at path, converting it, and
// records its line. def is used when the attribute is absent and mode is absentDefault.
func read(f *collectors.Fact, path string, b *block, name string, c conv, mode absent, def any) (any, bool) {
	v := b.get(name)
	switch {
	case v.present && v.known:
		out, ok := c(v.v)
		if !ok {
			f.SetUnknown(path)
			f.SetLine(path, v.line)
			return nil, false
		}
		set(f, path, out)
		f.SetLine(path, v.line)
		return out, true
	case v.present:
		f.SetUnknown(path)
		f.SetLine(path, v.line)
		return nil, false
	}
	switch mode {
	case absentDefault:
		set(f, path, def)
		return def, true
	case absentUnknown:
		f.SetUnknown(path)
	}
	return nil, false
}

// targetSets gathers the targets of backup facts over one linking pass and
// writes each fact's list once, sorted and without repeats: adding one
// target at a time to a sorted list was quadratic for one policy over
// thousands of resources (BenchmarkBackupLinks).
type targetSets struct {
	order []*collectors.Fact
	ids   map[*collectors.Fact]map[string]bool
}

// add records ids (possibly none) as targets of f, after those f has.
func (t *targetSets) add(f *collectors.Fact, ids ...string) {
	if t.ids == nil {
		t.ids = map[*collectors.Fact]map[string]bool{}
	}
	s, ok := t.ids[f]
	if !ok {
		s = map[string]bool{}
		prev, _ := f.Attrs["targets"].([]any)
		for _, p := range prev {
			s[p.(string)] = true
		}
		t.ids[f] = s
		t.order = append(t.order, f)
	}
	for _, id := range ids {
		s[id] = true
	}
}

// write sets attrs.targets of every fact added to: its targets sorted, or
// a nil list when it has none.
func (t *targetSets) write() {
	for _, f := range t.order {
		var out []any
		for _, id := range slices.Sorted(maps.Keys(t.ids[f])) {
			out = append(out, id)
		}
		set(f, "targets", out)
	}
}
