package terraform

import (
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
