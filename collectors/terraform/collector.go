package terraform

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/kaiji-dev/kaiji/collectors"
)

// Options configure the Terraform collector.
type Options struct {
	// VarFiles are extra variable files (--var-file), applied after the automatic ones.
	VarFiles []collectors.File
	// Vars are -var assignments, applied last.
	Vars map[string]string
}

// Collector reads Terraform configurations.
type Collector struct {
	opts Options
}

var _ collectors.Collector = (*Collector)(nil)

// New returns a Terraform collector.
func New(opts Options) *Collector { return &Collector{opts: opts} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return Name }

// Accepts implements collectors.Collector: .tf files and variable files.
func (*Collector) Accepts(p string, _ []byte) bool {
	return strings.HasSuffix(p, ".tf") || strings.HasSuffix(p, ".tfvars") || strings.HasSuffix(p, ".tfvars.json") || strings.HasSuffix(p, ".tf.json")
}

// Collect implements collectors.Collector. Each directory is one module.
func (c *Collector) Collect(ctx context.Context, files []collectors.File) ([]collectors.Fact, collectors.Diagnostics) {
	mods := map[string]*moduleInput{}
	var diags collectors.Diagnostics
	for _, f := range files {
		dir := path.Dir(f.Path)
		in := mods[dir]
		if in == nil {
			in = &moduleInput{dir: dir}
			mods[dir] = in
		}
		base := path.Base(f.Path)
		switch {
		case strings.HasSuffix(base, ".tf"):
			in.tf = append(in.tf, f)
		case strings.HasSuffix(base, ".tf.json"):
			diags = append(diags, collectors.Diagnostic{File: f.Path, Line: 1, Severity: collectors.SeverityWarning,
				Message: "Terraform JSON configuration syntax is not read yet; its resources are not in the facts"})
		case base == "terraform.tfvars" || base == "terraform.tfvars.json" || strings.HasSuffix(base, ".auto.tfvars") || strings.HasSuffix(base, ".auto.tfvars.json"):
			in.tfvars = append(in.tfvars, f)
		default:
			if !slices.ContainsFunc(c.opts.VarFiles, func(v collectors.File) bool { return v.Path == f.Path }) {
				in.ignored = append(in.ignored, f)
			}
		}
	}
	var facts []collectors.Fact
	for _, dir := range sortedKeys(mods) {
		if ctx.Err() != nil {
			break
		}
		in := mods[dir]
		if len(in.tf) == 0 {
			continue
		}
		// Terraform loads terraform.tfvars before *.auto.tfvars (alphabetically).
		slices.SortFunc(in.tfvars, func(a, b collectors.File) int {
			return strings.Compare(tfvarsOrder(a.Path), tfvarsOrder(b.Path))
		})
		m := loadModule(*in, c.opts)
		facts = append(facts, m.facts()...)
		diags = append(diags, convertDiags(m.diags)...)
		diags = append(diags, m.notes...)
	}
	return facts, diags
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
	for _, r := range m.resources {
		mapper := awsMappers[r.typ]
		if mapper == nil {
			continue
		}
		for _, f := range mapper(m, r) {
			out = append(out, f)
			byType[r.typ] = append(byType[r.typ], f)
			if f.ID == r.addr {
				byAddr[r.addr] = f
				byAddr[r.typ+"."+r.name] = f
			}
		}
	}
	linkAWS(m, byAddr, byType)
	for _, key := range sortedKeys(m.providers) {
		pc := m.providers[key]
		f := &collectors.Fact{
			ID: "provider." + key, Kind: collectors.KindLocation, Provider: providerOf(pc.name + "_"), Type: "provider",
			Attrs:  map[string]any{},
			Source: collectors.Source{File: pc.body.file, Line: pc.body.rng.Start.Line, EndLine: pc.body.rng.End.Line, Collector: Name},
		}
		regionAttr := "region"
		switch pc.name {
		case "azurerm":
			continue // Azure resources carry their own location
		case "aws", "google", "google-beta":
		default:
			continue
		}
		set(f, "provider", f.Provider)
		read(f, "region", pc.body, regionAttr, toString, absentUnknown, nil)
		if pc.alias != "" {
			set(f, "alias", pc.alias)
		}
		out = append(out, f)
	}
	res := make([]collectors.Fact, len(out))
	for i, f := range out {
		res[i] = *f
	}
	return res
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
