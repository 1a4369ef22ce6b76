package terraform

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/kaiji-dev/kaiji/collectors"
)

// maxModuleInstances bounds the module instances one scan evaluates.
const maxModuleInstances = 2000

// dirInput groups the scanned files of one directory.
type dirInput struct {
	dir     string
	tf      []collectors.File // .tf and .tf.json files
	tfvars  []collectors.File // variable files loaded automatically, in Terraform's order
	ignored []collectors.File // other .tfvars files, loaded only on request
}

// loader evaluates the modules of one scan.
type loader struct {
	opts      Options
	scanned   map[string]*dirInput // directories of the scan
	configs   map[string]*dirConfig
	manifests map[string]map[string]string // root dir → module key → directory
	diags     hcl.Diagnostics
	notes     collectors.Diagnostics
	count     int
	work      *work
	qualify   bool // several roots: ids carry the root directory
	pending   []finalPass
}

func newLoader(opts Options, scanned map[string]*dirInput) *loader {
	return &loader{opts: opts, scanned: scanned, configs: map[string]*dirConfig{}, manifests: map[string]map[string]string{},
		work: &work{limit: cmp.Or(opts.workLimit, maxWork)}}
}

// maxDepth is the nesting limit of the files this loader parses.
func (l *loader) maxDepth() int { return cmp.Or(l.opts.MaxDepth, collectors.DefaultMaxDepth) }

// maxModuleDepth is how deep module calls are followed.
func (l *loader) maxModuleDepth() int {
	return max(0, cmp.Or(l.opts.MaxModuleDepth, collectors.DefaultMaxModuleDepth))
}

// config returns the parsed configuration of a directory, parsing it once.
// Directories outside the scan are read only below a root module's
// .terraform/modules (remote modules installed by terraform init).
func (l *loader) config(dir string) *dirConfig {
	if c, ok := l.configs[dir]; ok {
		return c
	}
	var files []collectors.File
	if in := l.scanned[dir]; in != nil {
		files = in.tf
	} else {
		files = l.readModuleDir(dir)
	}
	var c *dirConfig
	if len(files) > 0 {
		var diags hcl.Diagnostics
		var notes collectors.Diagnostics
		c, diags, notes = parseConfig(dir, files, l.maxDepth())
		l.diags = append(l.diags, diags...)
		l.notes = append(l.notes, notes...)
	}
	l.configs[dir] = c
	return c
}

// readModuleDir reads the configuration files of an installed module. A
// file it cannot read, or one over the size limit, is a diagnostic: the
// module's resources would otherwise vanish from the facts unnoticed.
func (l *loader) readModuleDir(dir string) []collectors.File {
	entries, err := os.ReadDir(filepath.FromSlash(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil // not downloaded: resolve says so at the module call
	}
	if err != nil {
		l.notes = append(l.notes, collectors.Errorf(dir, 0, "module directory could not be read: %v", err))
		return nil
	}
	limit := cmp.Or(l.opts.MaxFileSize, collectors.DefaultMaxFileSize)
	var out []collectors.File
	for _, e := range entries {
		n := e.Name()
		if !(strings.HasSuffix(n, ".tf") || strings.HasSuffix(n, ".tf.json")) {
			continue
		}
		p := path.Join(dir, n)
		if !e.Type().IsRegular() {
			l.notes = append(l.notes, collectors.Warnf(p, 0, "not a regular file (%s); it was not read", e.Type()))
			continue
		}
		info, err := e.Info()
		if err != nil {
			l.notes = append(l.notes, collectors.Errorf(p, 0, "could not be read: %v", err))
			continue
		}
		if info.Size() > limit {
			l.notes = append(l.notes, collectors.Errorf(p, 0, "file is %d bytes, over the limit of %d bytes (--max-file-size); it was not scanned", info.Size(), limit))
			continue
		}
		data, err := os.ReadFile(filepath.FromSlash(p))
		if err != nil {
			l.notes = append(l.notes, collectors.Errorf(p, 0, "could not be read: %v", err))
			continue
		}
		out = append(out, collectors.File{Path: p, Data: data})
	}
	return out
}

// isLocalSource reports whether a module source is a local path.
func isLocalSource(s string) bool {
	return strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") || s == "." || s == ".."
}

// moduleSource reads a module call's source as a literal string.
func moduleSource(d decl) (string, hcl.Range, bool) {
	a := attributes(d.body)["source"]
	if a == nil {
		return "", d.def, false
	}
	v := evalExpr(a.Expr, nil)
	if v.Type() != cty.String || !v.IsKnown() || v.IsNull() {
		return "", a.Range, false
	}
	return v.AsString(), a.Range, true
}

// manifest reads .terraform/modules/modules.json of a root module: module
// key → installed directory, relative to the working directory.
func (l *loader) manifest(root string) map[string]string {
	if m, ok := l.manifests[root]; ok {
		return m
	}
	out := map[string]string{}
	l.manifests[root] = out
	p := path.Join(root, ".terraform", "modules", "modules.json")
	data, err := os.ReadFile(filepath.FromSlash(p))
	if err != nil {
		return out
	}
	var doc struct {
		Modules []struct {
			Key, Source, Dir string
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		l.notes = append(l.notes, collectors.Diagnostic{File: p, Line: 1, Severity: collectors.SeverityWarning,
			Message: fmt.Sprintf("cannot read module manifest: %v", err)})
		return out
	}
	for _, e := range doc.Modules {
		if e.Key == "" || e.Dir == "" {
			continue
		}
		dir := path.Clean(path.Join(root, filepath.ToSlash(e.Dir)))
		if !within(root, dir) {
			l.notes = append(l.notes, collectors.Diagnostic{File: p, Line: 1, Severity: collectors.SeverityWarning,
				Message: fmt.Sprintf("module %q is installed outside the root module (%s); it is not read", e.Key, e.Dir)})
			continue
		}
		out[e.Key] = dir
	}
	return out
}

// within reports whether dir is root or below it.
func within(root, dir string) bool {
	if root == "." {
		return !strings.HasPrefix(dir, "../") && dir != ".." && !path.IsAbs(dir)
	}
	return dir == root || strings.HasPrefix(dir, root+"/")
}

// resolve finds the directory of a module call. ok is false, with a
// diagnostic, when the module cannot be read.
func (l *loader) resolve(m *module, name, src string, rng hcl.Range) (string, bool) {
	key := name
	if m.key != "" {
		key = m.key + "." + name
	}
	if isLocalSource(src) {
		dir := path.Clean(path.Join(m.dir, src))
		if l.scanned[dir] != nil || (m.root != "" && within(path.Join(m.root, ".terraform", "modules"), dir)) {
			if l.config(dir) != nil {
				return dir, true
			}
		}
		if l.scanned[dir] == nil && l.manifest(m.root)[key] == "" {
			l.notes = append(l.notes, collectors.Diagnostic{File: rng.Filename, Line: rng.Start.Line, Severity: collectors.SeverityWarning,
				Message: fmt.Sprintf("module %q: source %q is outside the scanned paths or has no configuration; its resources are not in the facts (scan a directory that contains it)", name, src)})
			return "", false
		}
	}
	if dir := l.manifest(m.root)[key]; dir != "" {
		if l.config(dir) != nil {
			return dir, true
		}
	}
	l.notes = append(l.notes, collectors.Diagnostic{File: rng.Filename, Line: rng.Start.Line, Severity: collectors.SeverityWarning,
		Message: fmt.Sprintf("module %q (%s) not downloaded; run terraform init; its resources are not in the facts", name, src)})
	return "", false
}

// moduleCalls evaluates the module blocks of m recursively.
func (l *loader) moduleCalls(m *module, cfg *dirConfig, ctx *hcl.EvalContext, depth int) {
	for _, d := range cfg.blocks("module") {
		if len(d.labels) != 1 {
			continue
		}
		name := d.labels[0]
		src, rng, ok := moduleSource(d)
		if !ok {
			l.notes = append(l.notes, collectors.Diagnostic{File: rng.Filename, Line: rng.Start.Line, Severity: collectors.SeverityWarning,
				Message: fmt.Sprintf("module %q has no literal source; it is not read", name)})
			continue
		}
		dir, ok := l.resolve(m, name, src, rng)
		if !ok {
			continue
		}
		child := l.config(dir)
		attrs := attributes(d.body)
		providers := inheritProviders(m, attrs["providers"])
		decls := child.variables()
		insts, _ := l.instances(m.prefix+"module."+name, attrs, ctx)
		for _, in := range insts {
			if l.count >= maxModuleInstances {
				l.notes = append(l.notes, collectors.Diagnostic{File: d.def.Filename, Line: d.def.Start.Line, Severity: collectors.SeverityWarning,
					Message: fmt.Sprintf("more than %d module instances; the rest are not read", maxModuleInstances)})
				return
			}
			l.count++
			c := ctx
			if in.vars != nil {
				c = ctx.NewChild()
				c.Variables = in.vars
			}
			vars := map[string]cty.Value{}
			for vn, v := range decls {
				val := cty.NilVal
				if a := attrs[vn]; a != nil {
					val = evalExpr(a.Expr, c)
				}
				vars[vn] = v.finish(val)
			}
			key := name
			if m.key != "" {
				key = m.key + "." + name
			}
			cm := &module{dir: dir, call: name, instance: in.key, prefix: m.prefix + "module." + name + in.key + ".", key: key, root: m.root,
				providers: maps.Clone(providers)}
			l.evalModule(cm, child, vars, depth+1)
			m.children = append(m.children, cm)
		}
	}
}

// inheritProviders returns the provider configurations a child module sees:
// the parent's, with the providers = { aws = aws.osaka } mapping applied.
func inheritProviders(m *module, a *hcl.Attribute) map[string]*providerConfig {
	out := maps.Clone(m.providers)
	if a == nil {
		return out
	}
	oc, ok := a.Expr.(*hclsyntax.ObjectConsExpr)
	if !ok {
		return out
	}
	for _, item := range oc.Items {
		k, ok := providerRef(item.KeyExpr)
		if !ok {
			continue
		}
		v, ok := providerRef(item.ValueExpr)
		if !ok {
			continue
		}
		if pc := m.providers[v]; pc != nil {
			out[k] = pc
		}
	}
	return out
}

// roots returns the scanned directories that are root modules: those no
// other scanned directory calls as a local module, plus any left unreached
// (a cycle of calls), so that nothing scanned is silently skipped.
func (l *loader) roots() []string {
	called := map[string][]string{}
	isCalled := map[string]bool{}
	dirs := sortedKeys(l.scanned)
	for _, dir := range dirs {
		c := l.config(dir)
		if c == nil {
			continue
		}
		for _, d := range c.blocks("module") {
			src, _, ok := moduleSource(d)
			if !ok || !isLocalSource(src) {
				continue
			}
			target := path.Clean(path.Join(dir, src))
			if target != dir && l.scanned[target] != nil {
				called[dir] = append(called[dir], target)
				isCalled[target] = true
			}
		}
	}
	var roots []string
	reached := map[string]bool{}
	var visit func(string)
	visit = func(d string) {
		if reached[d] {
			return
		}
		reached[d] = true
		for _, t := range called[d] {
			visit(t)
		}
	}
	for _, dir := range dirs {
		if l.config(dir) != nil && !isCalled[dir] {
			roots = append(roots, dir)
			visit(dir)
		}
	}
	for _, dir := range dirs {
		if l.config(dir) != nil && !reached[dir] {
			roots = append(roots, dir)
			visit(dir)
		}
	}
	slices.Sort(roots)
	return roots
}

// evalRoot evaluates a root module and the modules it calls.
func (l *loader) evalRoot(dir string) *module {
	cfg := l.config(dir)
	m := &module{dir: dir, root: dir, providers: map[string]*providerConfig{}}
	if l.qualify {
		m.prefix = dir + ":"
	}
	in := l.scanned[dir]
	vars := l.rootVariables(cfg.variables(), in.tfvars)
	for _, f := range in.ignored {
		l.notes = append(l.notes, collectors.Diagnostic{File: f.Path, Line: 1, Severity: collectors.SeverityInfo,
			Message: "variable file not loaded: Terraform reads only terraform.tfvars and *.auto.tfvars automatically; pass it with --var-file"})
	}
	l.evalModule(m, cfg, vars, 0)
	l.finishResources()
	if l.work.cut != nil {
		l.overBudget(*l.work.cut) // repetitions were cut: say so, once
	}
	return m
}
