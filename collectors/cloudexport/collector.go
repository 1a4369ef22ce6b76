package cloudexport

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strings"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/internal/parallel"
)

// Options configure the cloud export collector.
type Options struct {
	// MaxDepth bounds the nesting of a JSON document
	// (collectors.DefaultMaxDepth when zero); exports need a dozen levels.
	MaxDepth int
}

// Collector reads cloud configuration exports.
type Collector struct {
	opts Options
}

var _ collectors.Collector = (*Collector)(nil)

// New returns a cloud export collector.
func New(opts Options) *Collector {
	opts.MaxDepth = cmp.Or(opts.MaxDepth, collectors.DefaultMaxDepth)
	return &Collector{opts: opts}
}

// Name implements collectors.Collector.
func (*Collector) Name() string { return Name }

// awsKeys are the top-level keys of the AWS CLI outputs and AWS Config files read.
var awsKeys = []string{`"DBInstances"`, `"DBClusters"`, `"BackupPlan"`, `"BackupPlansList"`, `"logGroups"`,
	`"SecurityGroups"`, `"trailList"`, `"ServerSideEncryptionConfiguration"`, `"FindingPublishingFrequency"`,
	`"configurationItems"`, `"ConfigurationItems"`, `"configurationItem"`, `"QueryInfo"`,
	`"Listeners"`, `"Volumes"`, `"MetricAlarms"`, `"LoadBalancers"`}

// Accepts implements collectors.Collector: JSON and JSON lines whose first
// bytes have the shape of a supported export. Terraform plans
// ("format_version") and Kubernetes objects ("apiVersion") are not exports.
func (*Collector) Accepts(p string, head []byte) bool {
	lower := strings.ToLower(p)
	if !strings.HasSuffix(lower, ".json") && !strings.HasSuffix(lower, ".jsonl") && !strings.HasSuffix(lower, ".ndjson") {
		return false
	}
	return sniff(head) != formatNone
}

type format int

const (
	formatNone format = iota
	formatAWS
	formatAzure
	formatGCP
)

var (
	// kaijiOutput matches kaiji's own JSON (facts, results), which names cloud resources too.
	kaijiOutput = regexp.MustCompile(`^\s*\{\s*"(facts|schema|tool|version|run)"\s*:`)
	// armID matches the id of an ARM resource.
	armID = regexp.MustCompile(`(?i)"id"\s*:\s*"/subscriptions/[^"]*/providers/microsoft\.`)
)

// sniff recognises an export by its first bytes.
func sniff(head []byte) format {
	// Terraform plans, Kubernetes objects and kaiji's own facts or results.
	for _, k := range []string{`"format_version"`, `"apiVersion"`, `"collector":`} {
		if bytes.Contains(head, []byte(k)) {
			return formatNone
		}
	}
	if kaijiOutput.Match(head) {
		return formatNone
	}
	switch {
	case bytes.Contains(head, []byte(`"asset_type"`)) || bytes.Contains(head, []byte(`"assetType"`)):
		return formatGCP
	case armID.Match(head):
		return formatAzure
	}
	if bytes.Contains(head, []byte(`"Results"`)) && bytes.Contains(head, []byte(`resourceType`)) {
		return formatAWS // aws configservice select-resource-config
	}
	for _, k := range awsKeys {
		if bytes.Contains(head, []byte(k)) {
			return formatAWS
		}
	}
	return formatNone
}

// Collect implements collectors.Collector.
func (c *Collector) Collect(ctx context.Context, files []collectors.File) ([]collectors.Fact, collectors.Diagnostics) {
	// Files are read one per core, and merged in their order: a listener's
	// scheme read from a later file still wins, as read one after another.
	type read struct {
		facts   []collectors.Fact
		diags   collectors.Diagnostics
		schemes map[string]string
	}
	reads := make([]read, len(files))
	parallel.For(len(files), 0, func(i int) {
		if ctx.Err() != nil {
			return
		}
		r := &reads[i]
		r.facts, r.diags, r.schemes = readFile(files[i], c.opts.MaxDepth)
	})
	var facts []collectors.Fact
	var diags collectors.Diagnostics
	schemes := map[string]string{}
	for _, r := range reads {
		facts = append(facts, r.facts...)
		diags = append(diags, r.diags...)
		for k, v := range r.schemes {
			schemes[k] = v
		}
	}
	linkListeners(facts, schemes)
	collectors.SortFacts(facts)
	diags.Sort()
	return facts, diags
}

// readFile reads one export file: one JSON document, or JSON lines.
func readFile(f collectors.File, maxDepth int) ([]collectors.Fact, collectors.Diagnostics, map[string]string) {
	b := &builder{file: f.Path, schemes: map[string]string{}, maxDepth: maxDepth}
	docs := b.parse(f.Data)
	for _, d := range docs {
		b.dispatch(d.root)
	}
	out := make([]collectors.Fact, len(b.facts))
	for i, x := range b.facts {
		out[i] = *x
	}
	return out, b.diags, b.schemes
}

// parse decodes the file as one JSON document, else as JSON lines.
func (b *builder) parse(data []byte) []doc {
	d, err := parseJSON(data, 1, b.maxDepth)
	if err == nil {
		return []doc{d}
	}
	whole, wholeLine := err, errorLine(data, err)
	var docs []doc
	line := 1
	for _, l := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(l)) > 0 {
			d, err := parseJSON(l, line, b.maxDepth)
			if err != nil {
				if len(docs) == 0 {
					b.diags = append(b.diags, collectors.Errorf(b.file, wholeLine, "cannot read JSON export: %v", whole))
					return nil
				}
				b.diags = append(b.diags, collectors.Errorf(b.file, line, "cannot read JSON line: %v", err))
			} else {
				docs = append(docs, d)
			}
		}
		line++
	}
	return docs
}

// errorLine finds the line of a JSON syntax error, or 0.
func errorLine(data []byte, err error) int {
	var de *depthError
	if errors.As(err, &de) {
		return de.line
	}
	var se *json.SyntaxError
	if !errors.As(err, &se) || se.Offset <= 0 || se.Offset > int64(len(data)) {
		return 0
	}
	return 1 + bytes.Count(data[:se.Offset], []byte("\n"))
}

// dispatch recognises the shape of a document and maps what it holds.
func (b *builder) dispatch(root jv) {
	switch {
	case root.isMap() && (root.get("asset_type").present() || root.get("assetType").present()):
		b.gcpAsset(root)
		return
	case root.isMap() && root.get("data").present() && isARM(root.get("data")):
		b.azureResources(root.get("data")) // az graph query
		return
	case isARM(root):
		b.azureResources(root)
		return
	}
	if l := root.list(); len(l) > 0 && l[0].isMap() && (l[0].get("asset_type").present() || l[0].get("assetType").present()) {
		for _, a := range l {
			b.gcpAsset(a)
		}
		return
	}
	if !root.isMap() {
		b.diags = append(b.diags, collectors.Warnf(b.file, root.line(), "JSON export of an unknown shape; nothing was read"))
		return
	}
	b.aws(root)
}
