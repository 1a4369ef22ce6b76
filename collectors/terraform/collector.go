package terraform

import (
	"context"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/internal/parallel"
)

// Options configure the Terraform collector.
type Options struct {
	// VarFiles are extra variable files (--var-file), applied after the automatic ones.
	VarFiles []collectors.File
	// Vars are -var assignments, applied last.
	Vars map[string]string
	// Env is the environment read for TF_VAR_* variables; nil means the process environment.
	Env []string
	// Progress receives a status line when a scan takes longer than a second
	// and Progress is a terminal (os.Stderr in the CLI); nil shows nothing.
	Progress io.Writer
	// MaxDepth bounds the nesting of brackets and braces in a file
	// (collectors.DefaultMaxDepth when zero): the HCL parser recurses per
	// level, and a file of nothing but brackets would overflow its stack.
	MaxDepth int
	// MaxModuleDepth bounds how deep module calls are followed
	// (collectors.DefaultMaxModuleDepth when zero; none when negative).
	MaxModuleDepth int
	// MaxFileSize bounds the files read from installed module directories
	// outside the scan (collectors.DefaultMaxFileSize when zero); the
	// registry applies its own limit to the files of the scan.
	MaxFileSize int64

	workLimit int // tests lower the evaluation budget (maxWork)
}

// Collector reads Terraform configurations and plans.
type Collector struct {
	opts Options
}

var _ collectors.Collector = (*Collector)(nil)

// New returns a Terraform collector.
func New(opts Options) *Collector { return &Collector{opts: opts} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return Name }

// Accepts implements collectors.Collector: .tf and .tf.json files, variable
// files, and plan JSON (terraform show -json), recognised by its content.
func (*Collector) Accepts(p string, head []byte) bool {
	return strings.HasSuffix(p, ".tf") || strings.HasSuffix(p, ".tfvars") || strings.HasSuffix(p, ".tfvars.json") ||
		strings.HasSuffix(p, ".tf.json") || (strings.HasSuffix(p, ".json") && isPlan(head))
}

// IsPlan implements collectors.PlanReader: an accepted .json file that is
// neither configuration nor variables is a plan.
func (*Collector) IsPlan(p string, head []byte) bool {
	return planPath(p) && isPlan(head)
}

// planPath reports whether a file accepted by its name or content is read
// as a plan: a .json file that is neither configuration nor variables.
func planPath(p string) bool {
	return strings.HasSuffix(p, ".json") && !strings.HasSuffix(p, ".tf.json") && !strings.HasSuffix(p, ".tfvars.json")
}

// Collect implements collectors.Collector. Each directory is a module; the
// directories no other scanned directory calls are root modules.
func (c *Collector) Collect(ctx context.Context, files []collectors.File) ([]collectors.Fact, collectors.Diagnostics) {
	dirs := map[string]*dirInput{}
	var plans []collectors.File
	for _, f := range files {
		dir := path.Dir(f.Path)
		base := path.Base(f.Path)
		if planPath(base) {
			plans = append(plans, f)
			continue
		}
		in := dirs[dir]
		if in == nil {
			in = &dirInput{dir: dir}
			dirs[dir] = in
		}
		switch {
		case strings.HasSuffix(base, ".tf") || strings.HasSuffix(base, ".tf.json"):
			in.tf = append(in.tf, f)
		case base == "terraform.tfvars" || base == "terraform.tfvars.json" || strings.HasSuffix(base, ".auto.tfvars") || strings.HasSuffix(base, ".auto.tfvars.json"):
			in.tfvars = append(in.tfvars, f)
		default:
			if !slices.ContainsFunc(c.opts.VarFiles, func(v collectors.File) bool { return v.Path == f.Path }) {
				in.ignored = append(in.ignored, f)
			}
		}
	}
	for _, in := range dirs {
		// Terraform loads terraform.tfvars before *.auto.tfvars (alphabetically).
		slices.SortFunc(in.tfvars, func(a, b collectors.File) int {
			return strings.Compare(tfvarsOrder(a.Path), tfvarsOrder(b.Path))
		})
		slices.SortFunc(in.tf, func(a, b collectors.File) int { return strings.Compare(a.Path, b.Path) })
	}
	l := newLoader(c.opts, dirs)
	prog := startProgress(c.opts.Progress)
	defer prog.done()
	roots := map[string]*module{}
	var facts []collectors.Fact
	rootDirs := l.roots()
	// With several root modules in one scan, the same module address exists
	// once per root: ids are then prefixed with the root directory.
	l.qualify = len(rootDirs) > 1
	total := len(rootDirs) + len(plans)
	for i, dir := range rootDirs {
		if ctx.Err() != nil {
			break
		}
		prog.set("terraform: module %d/%d %s", i+1, total, dir)
		roots[dir] = l.evalRoot(dir)
	}
	planned := map[string]bool{}
	for i, p := range plans {
		if ctx.Err() != nil {
			break
		}
		prog.set("terraform: plan %d/%d %s", len(rootDirs)+i+1, total, p.Path)
		pf, root, diags := l.readPlan(p, roots, len(rootDirs)+len(plans) > 1)
		facts = append(facts, pf...)
		l.notes = append(l.notes, diags...)
		if root != "" {
			planned[root] = true
		}
	}
	var mods []*module
	for _, dir := range sortedKeys(roots) {
		if planned[dir] {
			continue // the plan's values take precedence over the configuration's
		}
		mods = append(mods, roots[dir].all()...)
	}
	facts = append(facts, moduleFacts(mods)...)
	diags := convertDiags(l.diags)
	diags = append(diags, l.notes...)
	return facts, dedupe(diags)
}

// dedupe drops repeated diagnostics (a module read from several callers).
func dedupe(ds collectors.Diagnostics) collectors.Diagnostics {
	seen := map[collectors.Diagnostic]bool{}
	out := ds[:0]
	for _, d := range ds {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

func tfvarsOrder(p string) string {
	if strings.HasPrefix(path.Base(p), "terraform.tfvars") {
		return "0" + p
	}
	return "1" + p
}

// facts maps the module's resources and provider configurations to facts.
func (m *module) facts() []collectors.Fact {
	var out []*collectors.Fact
	byAddr := map[string]*collectors.Fact{}
	byType := map[string][]*collectors.Fact{}
	for i, fs := range m.mapResources() {
		r := m.resources[i]
		for _, f := range fs {
			out = append(out, f)
			byType[r.typ] = append(byType[r.typ], f)
			if sub, ok := strings.CutPrefix(f.ID, r.addr+"#"); ok {
				byAddr[r.local+"#"+sub] = f // a second fact of the resource (#endpoint, #access_logs)
			}
			if _, seen := byAddr[r.local]; f.ID == r.addr && !seen {
				byAddr[r.local] = f
				byAddr[r.typ+"."+r.name] = f
			}
		}
	}
	link(m, byAddr, byType)
	for _, key := range m.own {
		pc := m.providers[key]
		switch pc.name {
		case "aws", "google", "google-beta":
		default:
			continue // Azure resources carry their own location
		}
		f := &collectors.Fact{
			ID: m.prefix + "provider." + key, Kind: collectors.KindLocation, Provider: providerOf(pc.name + "_"), Type: "provider",
			Attrs:  map[string]any{},
			Source: collectors.Source{File: pc.body.file, Line: pc.body.rng.Start.Line, EndLine: pc.body.rng.End.Line, Collector: Name},
		}
		set(f, "provider", f.Provider)
		read(f, "region", pc.body, "region", toString, absentUnknown, nil)
		if pc.alias != "" {
			set(f, "alias", pc.alias)
		}
		out = append(out, f)
	}
	res := make([]collectors.Fact, len(out))
	for i, f := range out {
		if m.prefix != "" && m.root != "" {
			set(f, "root_module", m.root)
		}
		res[i] = *f
	}
	return res
}

// moduleFacts maps each module's resources to facts: every module on its
// own, on every core, the facts joined in module order.
func moduleFacts(mods []*module) []collectors.Fact {
	perModule := make([][]collectors.Fact, len(mods))
	parallel.For(len(mods), 0, func(i int) { perModule[i] = mods[i].facts() })
	var out []collectors.Fact
	for _, fs := range perModule {
		out = append(out, fs...)
	}
	return out
}

// mapChunk is how many resources one goroutine maps at a time: a module of
// a few hundred resources is mapped where it is, a flat root module of
// thousands on every core. (A variable for TestLastPassAnyCores.)
var mapChunk = 256

// mapResources maps each resource of the module to its facts, in resource
// order. Mappers read the module and its resource index and write only the
// facts they return, so the chunks of a large module are mapped
// concurrently, the index built beforehand.
func (m *module) mapResources() [][]*collectors.Fact {
	mapped := make([][]*collectors.Fact, len(m.resources))
	mapRange := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if mapper := mapperFor(m.resources[i].typ); mapper != nil {
				mapped[i] = mapper(m, m.resources[i])
			}
		}
	}
	if len(m.resources) <= mapChunk {
		mapRange(0, len(m.resources))
		return mapped
	}
	m.resourceIndex()
	chunks := (len(m.resources) + mapChunk - 1) / mapChunk
	parallel.For(chunks, 0, func(c int) { mapRange(c*mapChunk, min((c+1)*mapChunk, len(m.resources))) })
	return mapped
}

// convertDiags turns HCL diagnostics into the project's, once, at the package boundary.
func convertDiags(ds hcl.Diagnostics) collectors.Diagnostics {
	out := make(collectors.Diagnostics, 0, len(ds))
	for _, d := range ds {
		sev := collectors.SeverityError
		if d.Severity == hcl.DiagWarning {
			sev = collectors.SeverityWarning
		}
		msg := d.Summary
		if d.Detail != "" {
			msg = fmt.Sprintf("%s: %s", d.Summary, d.Detail)
		}
		cd := collectors.Diagnostic{Severity: sev, Message: msg}
		if d.Subject != nil {
			cd.File, cd.Line, cd.Column = d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column
		}
		out = append(out, cd)
	}
	return out
}
