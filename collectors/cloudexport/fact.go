package cloudexport

import (
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
)

// Name is the collector's name in fact sources.
const Name = "cloudexport"

// builder makes facts for one file.
type builder struct {
	file     string
	maxDepth int // the deepest JSON nesting read
	facts    []*collectors.Fact
	diags    collectors.Diagnostics
	// noData is set once an asset without resource data was reported.
	noData bool
	// noProps is set once an Azure resource without properties was reported.
	noProps bool
	// schemes maps load balancer ARNs to their scheme (internet-facing, internal).
	schemes map[string]string
}

// fact starts a fact for the resource at r. typ is the Terraform resource
// type of the same thing, so that policies filtering by type serve both.
func (b *builder) fact(kind collectors.Kind, provider, typ, id string, r jv) *collectors.Fact {
	f := &collectors.Fact{
		ID:       id,
		Kind:     kind,
		Provider: provider,
		Type:     typ,
		Attrs:    map[string]any{},
		Source:   collectors.Source{File: b.file, Line: r.line(), EndLine: max(r.endLine(), r.line()), Collector: Name},
	}
	if r.path != "" {
		f.Attrs["field"] = r.path
	}
	b.facts = append(b.facts, f)
	return f
}

// set stores v at the dotted attribute path and records the line of from.
func set(f *collectors.Fact, path string, v any, from jv) {
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
	if from.present() {
		f.SetLine(path, from.line())
	}
}

// unknown records that attrs.path cannot be known from the export.
func unknown(f *collectors.Fact, path string, from jv) {
	f.SetUnknown(path)
	if from.present() {
		f.SetLine(path, from.line())
	}
}

// location records the region a resource lives in, or that it is unknown.
func location(f *collectors.Fact, provider, region string, from jv) {
	set(f, "location.provider", provider, jv{})
	if region == "" {
		f.SetUnknown("location.region")
		return
	}
	set(f, "location.region", region, from)
}

// arnRegion is the region field of an ARN (arn:aws:rds:ap-northeast-1:…).
func arnRegion(arn string) string {
	parts := strings.Split(arn, ":")
	if len(parts) > 3 && parts[0] == "arn" {
		return parts[3]
	}
	return ""
}
