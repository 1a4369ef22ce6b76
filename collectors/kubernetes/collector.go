package kubernetes

import (
	"bytes"
	"cmp"
	"context"
	"path"
	"regexp"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/internal/parallel"
)

// Options configure the Kubernetes collector.
type Options struct {
	// NoKustomize reads the files of Kustomize directories one by one instead
	// of building them.
	NoKustomize bool
	// MaxDepth bounds the nesting of a document
	// (collectors.DefaultMaxDepth when zero).
	MaxDepth int
	// MaxValues is the smallest budget of values a document may expand to
	// through aliases (collectors.DefaultMaxYAMLValues when zero).
	MaxValues int
}

// limits returns the reader limits of these options, defaults filled in.
func (o Options) limits() limits {
	return limits{
		depth:  cmp.Or(o.MaxDepth, collectors.DefaultMaxDepth),
		values: cmp.Or(o.MaxValues, collectors.DefaultMaxYAMLValues),
	}
}

// Collector reads Kubernetes manifests.
type Collector struct {
	opts Options
}

var _ collectors.Collector = (*Collector)(nil)

// New returns a Kubernetes collector.
func New(opts Options) *Collector { return &Collector{opts: opts} }

// Name implements collectors.Collector.
func (*Collector) Name() string { return Name }

// Accepts implements collectors.Collector: YAML files, and JSON files whose
// first bytes name an apiVersion. Terraform plans and cloud exports, which
// have none, are left to their collectors.
func (*Collector) Accepts(p string, head []byte) bool {
	if kaijiFile.Match(head) {
		return false // kaiji's own claims files (apiVersion: kaiji/v1) are read as claims
	}
	lower := strings.ToLower(p)
	switch {
	case strings.HasSuffix(lower, ".yaml"), strings.HasSuffix(lower, ".yml"):
		return true
	case strings.HasSuffix(lower, ".json"):
		return bytes.Contains(head, []byte(`"apiVersion"`)) && !bytes.Contains(head, []byte(`"format_version"`))
	}
	return false
}

// kaijiFile matches the apiVersion of kaiji's own files.
var kaijiFile = regexp.MustCompile(`(?m)^\s*"?apiVersion"?\s*:\s*"?kaiji/`)

// Collect implements collectors.Collector. Kustomize directories are built;
// the files a build consumes are not read again on their own. Objects are
// then mapped to facts and linked to each other.
func (c *Collector) Collect(ctx context.Context, files []collectors.File) ([]collectors.Fact, collectors.Diagnostics) {
	var objs []*object
	var diags collectors.Diagnostics
	consumed := map[string]bool{}
	if !c.opts.NoKustomize {
		kobjs, kdiags, used := buildKustomizations(ctx, files, c.opts.limits())
		objs = append(objs, kobjs...)
		diags = append(diags, kdiags...)
		consumed = used
	}
	charts := chartDirs(files)
	for _, dir := range charts {
		diags = append(diags, collectors.Diagnostic{File: dir + "/Chart.yaml", Line: 1, Severity: collectors.SeverityInfo,
			Message: "Helm chart: its templates are not read; scan the output of helm template instead (the chart's values files are read)"})
	}
	var read []collectors.File
	for _, f := range files {
		if !consumed[f.Path] && !isKustomization(f.Path) && !inChartTemplates(f.Path, charts) {
			read = append(read, f)
		}
	}
	for _, r := range readFiles(ctx, read, c.opts.limits()) {
		objs = append(objs, r.objs...)
		diags = append(diags, r.diags...)
	}
	facts, ds := mapObjects(objs)
	diags = append(diags, ds...)
	out := make([]collectors.Fact, len(facts))
	for i, f := range facts {
		out[i] = *f
	}
	collectors.SortFacts(out)
	diags.Sort()
	return out, diags
}

type fileObjects struct {
	objs  []*object
	diags collectors.Diagnostics
}

// readFiles reads the files on every core, each file on its own (readFile
// shares nothing), and returns their objects in the order of files.
// Parsing the YAML was most of the collector's time on a large estate.
func readFiles(ctx context.Context, files []collectors.File, lim limits) []fileObjects {
	out := make([]fileObjects, len(files))
	parallel.For(len(files), 0, func(i int) {
		if ctx.Err() == nil {
			out[i].objs, out[i].diags = readFile(files[i], lim)
		}
	})
	return out
}

// readFile reads the objects of one manifest file.
func readFile(f collectors.File, lim limits) ([]*object, collectors.Diagnostics) {
	docs, diags := readDocuments(f.Path, f.Data, lim)
	var out []*object
	for _, d := range docs {
		objs, ds := expand(val{v: d.value, n: d.root}, f.Path, d.line, d.end, 0)
		diags = append(diags, ds...)
		for _, o := range objs {
			if o.line == d.line {
				o.endLine = d.end
			}
			o.template = d.source
		}
		out = append(out, objs...)
	}
	if len(out) == 0 && len(diags) == 0 && veleroValues(f.Path, docs) {
		vo, ds := veleroValuesObjects(f.Path, docs)
		out = append(out, vo...)
		diags = append(diags, ds...)
	}
	if len(out) == 0 && len(diags) == 0 && falcoValues(docs) {
		out = append(out, falcoValuesObject(f.Path, docs[0]))
	}
	return out, diags
}

// chartDirs lists the directories that hold a Helm chart (Chart.yaml).
func chartDirs(files []collectors.File) []string {
	var out []string
	for _, f := range files {
		if path.Base(f.Path) == "Chart.yaml" {
			out = append(out, path.Dir(f.Path))
		}
	}
	return out
}

// inChartTemplates reports whether a file is a template of a chart (or of
// a chart vendored under charts/), which only helm can render; Chart.yaml
// itself holds no object either.
func inChartTemplates(p string, charts []string) bool {
	for _, dir := range charts {
		rel := strings.TrimPrefix(p, dir+"/")
		if rel == p && dir != "." {
			continue
		}
		if rel == "Chart.yaml" || rel == "Chart.lock" || strings.HasPrefix(rel, "templates/") || strings.HasPrefix(rel, "charts/") {
			return true
		}
	}
	return false
}

// isKustomization reports whether a path names a kustomization file.
func isKustomization(p string) bool {
	switch path.Base(p) {
	case "kustomization.yaml", "kustomization.yml", "Kustomization":
		return true
	}
	return false
}

// objectChunk is how many objects one goroutine maps at a time (a variable
// for TestMapObjectsAnyCores).
var objectChunk = 128

// mapObjects maps every object to facts and links them.
func mapObjects(objs []*object) ([]*collectors.Fact, collectors.Diagnostics) {
	// Each object's facts are its own, so objects are mapped on every core,
	// in parts of objectChunk; linking them is one pass after.
	byObj := make([][]*collectors.Fact, len(objs))
	byObjDiags := make([]collectors.Diagnostics, len(objs))
	chunks := (len(objs) + objectChunk - 1) / objectChunk
	parallel.For(chunks, 0, func(c int) {
		for i := c * objectChunk; i < min((c+1)*objectChunk, len(objs)); i++ {
			byObj[i], byObjDiags[i] = objectFacts(objs[i])
		}
	})
	var diags collectors.Diagnostics
	for _, ds := range byObjDiags {
		diags = append(diags, ds...)
	}
	byObj = link(objs, byObj)
	var out []*collectors.Fact
	for _, fs := range byObj {
		out = append(out, fs...)
	}
	return out, diags
}
