package terraform

import (
	"path"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/internal/parallel"
)

// decl is one top-level block of a configuration file (resource, variable,
// module …), in either syntax.
type decl struct {
	typ    string
	labels []string
	body   hcl.Body
	rng    hcl.Range // the whole block (the header only in JSON syntax)
	def    hcl.Range // the header
}

// dirConfig is one module directory, parsed. It is read, never written,
// once parseConfig returns: module instances are evaluated concurrently.
type dirConfig struct {
	dir   string
	decls []decl
	// byType holds decls by block type, in file order, for blocks: every
	// module instance asks for its resources, modules, outputs … several
	// times.
	byType map[string][]decl

	// The rest is what the configuration alone decides, worked out on
	// first use for every instance of the module: vars are the declared
	// input variables (variables).
	vars     map[string]*variable
	varsOnce sync.Once
	// refs and wholeRefs are referencedAttrs's answer, worked out once
	// (referenced).
	refs      map[string]map[string]bool
	wholeRefs map[string]bool
	refsOnce  sync.Once
	// localsPlan is the order of its locals, worked out once (locals).
	localsPlan *localsPlan
	localsOnce sync.Once
}

// blocks returns the declarations of one type, in file order. The slice is
// shared: callers do not change it.
func (c *dirConfig) blocks(typ string) []decl { return c.byType[typ] }

// topSchema lists the top-level blocks of the Terraform language, for the
// JSON syntax, which needs a schema to tell blocks from attributes.
var topSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "terraform"},
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "locals"},
	{Type: "provider", LabelNames: []string{"name"}},
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "data", LabelNames: []string{"type", "name"}},
	{Type: "module", LabelNames: []string{"name"}},
	{Type: "output", LabelNames: []string{"name"}},
	{Type: "moved"},
	{Type: "import"},
	{Type: "removed"},
	{Type: "check", LabelNames: []string{"name"}},
}}

// isOverride reports whether a file is a Terraform override file, which
// Terraform merges into the other files' blocks.
func isOverride(p string) bool {
	base := strings.TrimSuffix(strings.TrimSuffix(path.Base(p), ".json"), ".tf")
	return base == "override" || strings.HasSuffix(base, "_override")
}

// parseConfig parses the .tf and .tf.json files of one directory. The
// files are parsed on every core (a monorepo's root module can hold
// hundreds) and their blocks joined in file order.
func parseConfig(dir string, files []collectors.File, maxDepth int) (*dirConfig, hcl.Diagnostics, collectors.Diagnostics) {
	c := &dirConfig{dir: dir}
	var diags hcl.Diagnostics
	var notes collectors.Diagnostics
	parsed := make([]parsedFile, len(files))
	parallel.For(len(files), 0, func(i int) { parsed[i] = parseFile(files[i], maxDepth) })
	for _, p := range parsed {
		c.decls = append(c.decls, p.decls...)
		diags = append(diags, p.diags...)
		if p.note != nil {
			notes = append(notes, *p.note)
		}
	}
	c.byType = map[string][]decl{}
	for _, d := range c.decls {
		c.byType[d.typ] = append(c.byType[d.typ], d)
	}
	notes = append(notes, duplicates(c)...)
	return c, diags, notes
}

// parsedFile is one configuration file's top-level blocks, or why it was
// not read.
type parsedFile struct {
	decls []decl
	diags hcl.Diagnostics
	note  *collectors.Diagnostic
}

func parseFile(f collectors.File, maxDepth int) parsedFile {
	var out parsedFile
	if isOverride(f.Path) {
		out.note = &collectors.Diagnostic{File: f.Path, Line: 1, Severity: collectors.SeverityWarning,
			Message: "override files are not merged; their settings are not in the facts"}
		return out
	}
	if out.note = tooDeep(f, maxDepth); out.note != nil {
		return out
	}
	if strings.HasSuffix(f.Path, ".tf.json") {
		file, ds := hcljson.Parse(f.Data, f.Path)
		out.diags = ds
		if file == nil {
			return out
		}
		content, _, ds := file.Body.PartialContent(topSchema)
		out.diags = append(out.diags, ds...)
		for _, b := range content.Blocks {
			def := b.DefRange
			if n := len(b.LabelRanges); n > 0 {
				def = b.LabelRanges[n-1] // the line naming the resource
			}
			out.decls = append(out.decls, decl{typ: b.Type, labels: b.Labels, body: b.Body, rng: def, def: def})
		}
		return out
	}
	file, ds := hclsyntax.ParseConfig(f.Data, f.Path, hcl.InitialPos)
	out.diags = ds
	if file == nil {
		return out
	}
	body, ok := file.Body.(*hclsyntax.Body)
	if !ok {
		return out
	}
	for _, b := range body.Blocks {
		out.decls = append(out.decls, decl{typ: b.Type, labels: b.Labels, body: b.Body, rng: b.Range(), def: b.DefRange()})
	}
	return out
}

// duplicates reports resources and data sources declared twice in one
// module, which Terraform refuses: two facts with one id would make either
// declaration's evidence ambiguous.
func duplicates(c *dirConfig) collectors.Diagnostics {
	var out collectors.Diagnostics
	first := map[string]hcl.Range{}
	for _, d := range c.decls {
		if (d.typ != "resource" && d.typ != "data") || len(d.labels) != 2 {
			continue
		}
		key := d.typ + " " + d.labels[0] + "." + d.labels[1]
		if f, ok := first[key]; ok {
			out = append(out, collectors.Errorf(d.def.Filename, d.def.Start.Line,
				"duplicate %s %s.%s, first declared at %s:%d; Terraform refuses this configuration",
				d.typ, d.labels[0], d.labels[1], f.Filename, f.Start.Line))
			continue
		}
		first[key] = d.def
	}
	return out
}

// tooDeep refuses a file that nests deeper than maxDepth before the
// recursive HCL parser sees it.
func tooDeep(f collectors.File, maxDepth int) *collectors.Diagnostic {
	line := collectors.NestingDepth(f.Data, maxDepth)
	if line == 0 {
		return nil
	}
	d := collectors.Errorf(f.Path, line, "nesting deeper than %d levels (--max-depth); the file was not read", maxDepth)
	return &d
}

// attributes returns the attributes of a body in either syntax. In JSON
// syntax, nested blocks are returned as attributes too.
func attributes(body hcl.Body) map[string]*hcl.Attribute {
	if sb, ok := body.(*hclsyntax.Body); ok {
		out := make(map[string]*hcl.Attribute, len(sb.Attributes))
		for n, a := range sb.Attributes {
			out[n] = a.AsHCLAttribute()
		}
		return out
	}
	attrs, _ := body.JustAttributes()
	return attrs
}
