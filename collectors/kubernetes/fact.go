package kubernetes

import (
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
)

// Name is the collector's name in fact sources.
const Name = "kubernetes"

// Provider is the provider of every fact this collector produces.
const Provider = "kubernetes"

// newFact starts a fact about an object. at narrows the source range to a
// part of the object (a container's probe, a listener); a zero val keeps the
// object's range.
func newFact(o *object, kind collectors.Kind, id string, at val) *collectors.Fact {
	if id == "" {
		id = o.ref()
	}
	src := collectors.Source{File: o.file, Line: o.line, EndLine: o.endLine, Collector: Name}
	if l := at.line(); l > 0 {
		src.Line, src.EndLine = l, max(at.endLine(), l)
	}
	f := &collectors.Fact{
		ID:       id,
		Kind:     kind,
		Provider: Provider,
		Type:     o.kind(),
		Attrs:    map[string]any{},
		Source:   src,
	}
	if o.template != "" {
		f.Attrs["helm_template"] = o.template
	}
	if o.origin != "" {
		f.Attrs["kustomization"] = o.origin
	}
	return f
}

// set stores v at the dotted path under attrs and records the line of from.
func set(f *collectors.Fact, path string, v any, from val) {
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
	f.SetLine(path, from.line())
}

// unknown records that attrs.path cannot be known and the line that makes it so.
func unknown(f *collectors.Fact, path string, from val) {
	f.SetUnknown(path)
	f.SetLine(path, from.line())
}

// clearUnknown removes attrs.path from the unknown list, once it is known.
func clearUnknown(f *collectors.Fact, path string) {
	out := f.Unknown[:0]
	for _, u := range f.Unknown {
		if u != "attrs."+path {
			out = append(out, u)
		}
	}
	f.Unknown = out
}
