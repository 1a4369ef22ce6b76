package terraform

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"path"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/kaiji-dev/kaiji/collectors"
	"github.com/kaiji-dev/kaiji/internal/parallel"
)

// isPlan reports whether a file's first bytes look like terraform show -json output.
func isPlan(head []byte) bool {
	return bytes.Contains(head, []byte(`"format_version"`)) &&
		(bytes.Contains(head, []byte(`"terraform_version"`)) || bytes.Contains(head, []byte(`"planned_values"`)))
}

// planDoc is the part of the JSON plan format (terraform show -json) read here.
type planDoc struct {
	FormatVersion string                         `json:"format_version"`
	Variables     map[string]struct{ Value any } `json:"variables"`
	PlannedValues struct {
		RootModule planModule `json:"root_module"`
	} `json:"planned_values"`
	// Values is the state representation (terraform show -json of a state),
	// read when there are no planned values.
	Values struct {
		RootModule planModule `json:"root_module"`
	} `json:"values"`
	ResourceChanges []planChange `json:"resource_changes"`
	Configuration   struct {
		ProviderConfig map[string]planProvider `json:"provider_config"`
		RootModule     configModule            `json:"root_module"`
	} `json:"configuration"`
}

type planModule struct {
	Address      string         `json:"address"`
	Resources    []planResource `json:"resources"`
	ChildModules []planModule   `json:"child_modules"`
}

type planResource struct {
	Address         string         `json:"address"`
	Mode            string         `json:"mode"`
	Type            string         `json:"type"`
	Name            string         `json:"name"`
	Values          map[string]any `json:"values"`
	SensitiveValues any            `json:"sensitive_values"`
	// raw is the element's text in a split plan until it is decoded
	// (readResources): the split read only the four names above.
	raw []byte
}

// planChange is the part of a resource_changes element read here. Its
// other members (actions, mode, before …) are skipped by the decoder
// unbuilt.
type planChange struct {
	Address string `json:"address"`
	Change  struct {
		// After repeats the planned values of most resources; it is
		// decoded only for a resource whose planned values are missing
		// (built for every resource, it was 140,000 of the 10k plan's
		// 1.37 million allocations, unread). A split plan does not copy
		// it at all: after() reads it from raw.
		After          json.RawMessage `json:"after"`
		AfterUnknown   any             `json:"after_unknown"`
		AfterSensitive any             `json:"after_sensitive"`
	} `json:"change"`
	// raw is the element's text in a split plan (decodePlan), a slice of
	// the file's data: the split read only the address, and the change's
	// members are decoded with the resource (readResources).
	raw []byte
	// used marks a change that a managed resource reads.
	used bool
}

// splitChange is what a split plan decodes of a change when its resource
// is read: not after, which would be copied for every resource, nor the
// address, which the split read.
type splitChange struct {
	Change struct {
		AfterUnknown   any `json:"after_unknown"`
		AfterSensitive any `json:"after_sensitive"`
	} `json:"change"`
}

// splitResource is what a split plan decodes of a planned resource when
// it is read: not the names, which the split read (decoded again, they
// were 50,000 of a 10k plan's allocations).
type splitResource struct {
	Values          map[string]any `json:"values"`
	SensitiveValues any            `json:"sensitive_values"`
}

// after is the change's after value as an object, or nil.
func (c *planChange) after() map[string]any {
	raw := c.Change.After
	if raw == nil && c.raw != nil {
		var a struct {
			Change struct {
				After json.RawMessage `json:"after"`
			} `json:"change"`
		}
		if decodeJSON(c.raw, &a) != nil {
			return nil
		}
		raw = a.Change.After
	}
	return decodeObject(raw)
}

type planProvider struct {
	Name          string         `json:"name"`
	Alias         string         `json:"alias"`
	ModuleAddress string         `json:"module_address"`
	Expressions   map[string]any `json:"expressions"`
}

type configModule struct {
	Resources   []configResource `json:"resources"`
	ModuleCalls map[string]struct {
		Module configModule `json:"module"`
	} `json:"module_calls"`
}

type configResource struct {
	Address           string         `json:"address"`
	ProviderConfigKey string         `json:"provider_config_key"`
	Expressions       map[string]any `json:"expressions"`
}

// plan is one plan file being read.
type plan struct {
	file    collectors.File
	doc     planDoc
	changes map[string]*planChange
	config  map[string]*configResource // full address without instance key → configuration
	hcl     map[string]*resource       // full address → resource of the configuration scanned together
	pcs     map[string]*providerConfig // configuration.provider_config key → its block, shared by the resources
	mods    map[string]*module         // module prefix → synthetic module
	root    *module                    // the configuration scanned together, or nil
	pfx     string                     // id prefix when a scan holds several roots or plans
	notes   collectors.Diagnostics
	// addrs, offsets and lines index the file for line, built before
	// the resources are read: a search of the whole file per resource was
	// quadratic (BENCHMARKS.md).
	addrs   map[string]int // quoted address → its slot in offsets and lines
	offsets []int          // offset of the address's first occurrence as a string token, or -1
	lines   []int          // the line of that offset
}

// readPlan maps a plan's planned values to facts. root is the configuration
// directory the plan belongs to (the plan's own directory), when that
// configuration was scanned too; its facts are then replaced by the plan's.
func (l *loader) readPlan(f collectors.File, roots map[string]*module, qualify bool) ([]collectors.Fact, string, collectors.Diagnostics) {
	p := newPlan(f)
	if decodePlan(f.Data, l.maxDepth(), &p.doc) {
		if facts, rootDir, ok := p.read(roots, qualify); ok {
			return facts, rootDir, p.notes
		}
		// A part of the split plan did not decode as its resource was
		// read: the whole decode says where.
		p = newPlan(f)
	}
	if err := p.decodeWhole(l.maxDepth()); err != nil {
		return nil, "", collectors.Diagnostics{*err}
	}
	facts, rootDir, _ := p.read(roots, qualify)
	return facts, rootDir, p.notes
}

func newPlan(f collectors.File) *plan {
	return &plan{file: f, changes: map[string]*planChange{}, config: map[string]*configResource{}, mods: map[string]*module{}}
}

// read maps the decoded plan to facts. It reports false when a part of a
// split plan does not decode.
func (p *plan) read(roots map[string]*module, qualify bool) ([]collectors.Fact, string, bool) {
	rootDir := path.Dir(p.file.Path)
	rootMod := roots[rootDir]
	if rootMod == nil {
		rootDir, rootMod = p.matchRoot(roots)
	}
	p.root = rootMod
	switch {
	case rootMod != nil:
		p.pfx = rootMod.prefix
	case qualify:
		p.pfx = p.file.Path + ":" // several plans or roots in one scan: keep their ids apart
	}
	if rootMod != nil {
		p.hcl = map[string]*resource{}
		for _, m := range rootMod.all() {
			for _, r := range m.resources {
				p.hcl[r.addr] = r
			}
		}
	} else {
		rootDir = ""
	}
	for i := range p.doc.ResourceChanges {
		c := &p.doc.ResourceChanges[i]
		p.changes[c.Address] = c
	}
	p.indexConfig("", p.doc.Configuration.RootModule)
	root := p.doc.PlannedValues.RootModule
	if len(root.Resources) == 0 && len(root.ChildModules) == 0 {
		root = p.doc.Values.RootModule
	}
	if !p.readResources(p.managed(root, nil)) || !p.decodeUnread() {
		return nil, "", false
	}
	p.providerFacts()
	// The decoded plan is not read again: let it go before the facts are
	// built from the blocks.
	p.doc, p.changes, p.config = planDoc{}, nil, nil
	mods := make([]*module, 0, len(p.mods))
	for _, prefix := range sortedKeys(p.mods) {
		mods = append(mods, p.mods[prefix])
	}
	return moduleFacts(mods), rootDir, true
}

// decodeUnread decodes the parts of a split plan that no managed resource
// read (data sources, changes without planned values), as the whole decode
// would have, and reports whether they all decode.
func (p *plan) decodeUnread() bool {
	var parts []part
	var walk func(pm *planModule)
	walk = func(pm *planModule) {
		for i := range pm.Resources {
			if r := &pm.Resources[i]; r.raw != nil {
				parts = append(parts, part{r.raw, &splitResource{}})
			}
		}
		for i := range pm.ChildModules {
			walk(&pm.ChildModules[i])
		}
	}
	walk(&p.doc.PlannedValues.RootModule)
	for i := range p.doc.ResourceChanges {
		if c := &p.doc.ResourceChanges[i]; c.raw != nil && !c.used {
			parts = append(parts, part{c.raw, &splitChange{}})
		}
	}
	return decodeAll(parts)
}

// decodeWhole decodes the plan in one piece (a small plan, or one the split
// did not take), after checking its nesting; the diagnostic names the line
// of a syntax error.
func (p *plan) decodeWhole(maxDepth int) *collectors.Diagnostic {
	f := p.file
	if d := tooDeep(f, maxDepth); d != nil {
		return d
	}
	p.doc = planDoc{}
	if err := decodeJSON(f.Data, &p.doc); err != nil {
		line := 1
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line = 1 + bytes.Count(f.Data[:min(int(se.Offset), len(f.Data))], []byte("\n"))
		}
		d := collectors.Errorf(f.Path, line, "cannot read Terraform plan JSON: %v", err)
		return &d
	}
	return nil
}

// matchRoot finds the scanned root module a plan was made from when the plan
// is not in the configuration's directory (plan.json at the repository root,
// configuration in infra/): the root that declares most of the plan's
// resources, and at least half of them.
func (p *plan) matchRoot(roots map[string]*module) (string, *module) {
	addrs := map[string]bool{}
	var collect func(planModule)
	collect = func(pm planModule) {
		for _, r := range pm.Resources {
			if r.Mode == "" || r.Mode == "managed" {
				addrs[r.Address] = true
			}
		}
		for _, c := range pm.ChildModules {
			collect(c)
		}
	}
	collect(p.doc.PlannedValues.RootModule)
	collect(p.doc.Values.RootModule)
	if len(addrs) == 0 {
		return "", nil
	}
	best, bestN := "", 0
	for _, dir := range sortedKeys(roots) {
		n := 0
		for _, m := range roots[dir].all() {
			for _, r := range m.resources {
				if addrs[r.addr] {
					n++
				}
			}
		}
		if n > bestN {
			best, bestN = dir, n
		}
	}
	if bestN*2 < len(addrs) {
		return "", nil
	}
	return best, roots[best]
}

// indexConfig records each configured resource by its module-qualified address.
func (p *plan) indexConfig(prefix string, m configModule) {
	for i := range m.Resources {
		r := &m.Resources[i]
		p.config[prefix+r.Address] = r
	}
	for _, name := range sortedKeys(m.ModuleCalls) {
		p.indexConfig(prefix+"module."+name+".", m.ModuleCalls[name].Module)
	}
}

// managed appends the managed resources of a planned module and its
// children to out, in the plan's order.
func (p *plan) managed(pm planModule, out []*planResource) []*planResource {
	for i := range pm.Resources {
		if pr := &pm.Resources[i]; pr.Mode == "" || pr.Mode == "managed" {
			out = append(out, pr)
		}
	}
	for _, c := range pm.ChildModules {
		out = p.managed(c, out)
	}
	return out
}

// planChunk is how many planned resources one goroutine reads at a time
// (a variable for TestReadPlanAnyCores).
var planChunk = 256

// readResources reads the planned resources on every core, then adds them
// to their modules in the plan's order, so that modules, resources and
// notes come out as from a reading on one core. In a split plan, each
// chunk's resources and changes are decoded where they are read. It
// reports false when one of them does not decode.
func (p *plan) readResources(prs []*planResource) bool {
	p.index(prs)
	p.pcs = map[string]*providerConfig{}
	for key, pp := range p.doc.Configuration.ProviderConfig {
		pc := p.providerConfig(pp, "")
		p.overlayProvider(pc, &pp)
		p.pcs[key] = pc
	}
	chs := make([]*planChange, len(prs))
	for i, pr := range prs {
		if c := p.changes[pr.Address]; c != nil {
			chs[i], c.used = c, true
		}
	}
	read := make([]planned, len(prs))
	chunks := (len(prs) + planChunk - 1) / planChunk
	failed := make([]bool, chunks)
	parallel.For(chunks, 0, func(c int) {
		lo, hi := c*planChunk, min((c+1)*planChunk, len(prs))
		decoded, ok := decodeChunk(prs[lo:hi], chs[lo:hi])
		if !ok {
			failed[c] = true
			return
		}
		for i := lo; i < hi; i++ {
			d := &decoded[i-lo]
			var ch *planChange
			if chs[i] != nil {
				ch = &d.change
			}
			read[i] = p.resource(&d.resource, ch)
			// Its block holds what was read: the decoded values can go
			// while the other resources are read.
			decoded[i-lo] = decodedResource{}
			prs[i].Values, prs[i].SensitiveValues, prs[i].raw = nil, nil, nil
		}
	})
	if slices.Contains(failed, true) {
		return false
	}
	for _, r := range read {
		if r.note != nil {
			p.notes = append(p.notes, *r.note)
			continue
		}
		m := p.module(p.pfx + r.prefix)
		if r.pc != nil {
			m.providers[r.res.provider] = r.pc
		}
		m.resources = append(m.resources, r.res)
	}
	return true
}

// decodedResource is a planned resource and its change (if it has one),
// decoded.
type decodedResource struct {
	resource planResource
	change   planChange
}

// decodeChunk gives the planned resources and their changes (nil: none)
// decoded, those of a split plan from their text by one decoder. It
// reports false when one does not decode.
func decodeChunk(prs []*planResource, chs []*planChange) ([]decodedResource, bool) {
	out := make([]decodedResource, len(prs))
	var parts []part
	values := make([]splitResource, len(prs))
	changes := make([]splitChange, len(prs))
	for i, pr := range prs {
		d := &out[i]
		d.resource = *pr
		if pr.raw != nil {
			parts = append(parts, part{pr.raw, &values[i]})
		}
		if c := chs[i]; c != nil {
			d.change = *c
			if c.raw != nil {
				parts = append(parts, part{c.raw, &changes[i]})
			}
		}
	}
	if !decodeParts(parts) {
		return nil, false
	}
	for i, pr := range prs {
		d := &out[i]
		if pr.raw != nil {
			d.resource.Values, d.resource.SensitiveValues = values[i].Values, values[i].SensitiveValues
		}
		if c := chs[i]; c != nil && c.raw != nil {
			d.change.Change.AfterUnknown = changes[i].Change.AfterUnknown
			d.change.Change.AfterSensitive = changes[i].Change.AfterSensitive
		}
	}
	return out, true
}

// planned is one planned resource read: the resource and its provider
// configuration for the module of prefix, or why it was not read.
type planned struct {
	res    *resource
	prefix string
	pc     *providerConfig
	note   *collectors.Diagnostic
}

// splitAddress splits a full address into module prefix, local address and
// the address without instance key.
func splitAddress(addr, typ, name string) (prefix, local, base string) {
	i := strings.LastIndex(addr, typ+"."+name)
	if i < 0 {
		return "", addr, addr
	}
	prefix, local = addr[:i], addr[i:]
	return prefix, local, prefix + typ + "." + name
}

// stripKeys removes instance keys from module prefixes: module.a["x"].module.b[0]. → module.a.module.b.
func stripKeys(prefix string) string {
	var b strings.Builder
	depth := 0
	inStr := false
	for i := 0; i < len(prefix); i++ {
		c := prefix[i]
		switch {
		case inStr:
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
			}
		case c == '"' && depth > 0:
			inStr = true
		case c == '[':
			depth++
		case c == ']':
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// resource turns one planned resource into a resource instance for the
// mappers. It only reads the plan, so that resources are read concurrently.
func (p *plan) resource(pr *planResource, ch *planChange) planned {
	if pr.Type == "" || pr.Name == "" || pr.Address == "" {
		// Terraform always writes all three; without them the resource
		// cannot be named or mapped. Say so rather than drop it unseen.
		note := collectors.Warnf(p.file.Path, 0,
			"planned resource without type, name or address (type %q, name %q, address %q); it was not read", pr.Type, pr.Name, pr.Address)
		return planned{note: &note}
	}
	values := pr.Values
	var unknown, sensitive any = nil, pr.SensitiveValues
	if ch != nil {
		if values == nil {
			values = ch.after()
		}
		unknown = ch.Change.AfterUnknown
		if sensitive == nil {
			sensitive = ch.Change.AfterSensitive
		}
	}
	prefix, local, base := splitAddress(pr.Address, pr.Type, pr.Name)
	cfg := p.config[stripKeys(prefix)+pr.Type+"."+pr.Name]
	h := p.hcl[p.pfx+pr.Address]
	if h == nil {
		h = p.hcl[p.pfx+base]
	}
	r := &resource{typ: pr.Type, name: pr.Name, addr: p.pfx + pr.Address, local: local, provider: pr.Address}
	var hb *block
	var rng hcl.Range
	if h != nil {
		hb = h.body
		rng = h.body.rng
	} else {
		line := p.line(pr.Address)
		rng = hcl.Range{Filename: p.file.Path, Start: hcl.Pos{Line: line}, End: hcl.Pos{Line: line}}
	}
	var exprs map[string]any // nil: no configuration in the plan
	if cfg != nil {
		exprs = cfg.Expressions
		if exprs == nil {
			exprs = map[string]any{}
		}
	}
	r.body = planBlock("resource", values, unknown, sensitive, hb, rng, exprs)
	r.body.labels = []string{pr.Type, pr.Name}
	if cfg != nil && hb == nil {
		for name, e := range cfg.Expressions {
			if a := r.body.attrs[name]; a != nil {
				a.refList = planRefs(e)
			}
		}
	}
	return planned{res: r, prefix: prefix, pc: p.provider(pr.Type, cfg)}
}

// decodeObject decodes a JSON object the plan's decoder has already
// checked, numbers kept exact; anything else is nil.
func decodeObject(raw json.RawMessage) map[string]any {
	var m map[string]any
	if decodeJSON(raw, &m) != nil {
		return nil
	}
	return m
}

// line finds the line of a resource's address in the plan file, for
// provenance when the configuration was not scanned together: the line of
// the address's first occurrence as a JSON string.
func (p *plan) line(addr string) int {
	q, _ := json.Marshal(addr)
	if k, ok := p.addrs[string(q)]; ok {
		if p.offsets[k] < 0 {
			return 1
		}
		return p.lines[k]
	}
	i := bytes.Index(p.file.Data, q)
	if i < 0 {
		return 1
	}
	return 1 + bytes.Count(p.file.Data[:i], []byte("\n"))
}

// tokenAligned reports whether the first occurrence of addr quoted in a
// JSON file is always the start of a string token: a quote that closes a
// token is followed by punctuation or space, not by a letter, digit or
// underscore, and a quote inside a string is escaped, so the quoted
// address can only match there if it ended with a backslash.
func tokenAligned(addr string) bool {
	if addr == "" || strings.HasSuffix(addr, `\`) {
		return false
	}
	c := addr[0]
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// index finds where the planned resources' addresses first occur as string
// tokens of the file, and their lines. Only the addresses looked for are
// recorded, and only tokens as long as one of them are looked up: a map of
// every distinct string of the file and a slice of its newlines were a
// third of reading a plan's resources.
func (p *plan) index(prs []*planResource) {
	p.addrs = map[string]int{}
	shortest, longest := math.MaxInt, 0
	for _, pr := range prs {
		if !tokenAligned(pr.Address) {
			continue // line searches the file for it
		}
		q, _ := json.Marshal(pr.Address)
		if _, dup := p.addrs[string(q)]; !dup {
			p.addrs[string(q)] = len(p.offsets)
			p.offsets = append(p.offsets, -1)
			shortest, longest = min(shortest, len(q)), max(longest, len(q))
		}
	}
	data := p.file.Data
	if len(p.offsets) == 0 {
		return
	}
	defer p.countLines()
	for i := 0; i < len(data); {
		j := bytes.IndexByte(data[i:], '"')
		if j < 0 {
			return
		}
		start := i + j
		end := start + 1 // the closing quote: one not escaped by a backslash
		for {
			k := bytes.IndexByte(data[end:], '"')
			if k < 0 {
				return
			}
			end += k
			escapes := 0
			for b := end - 1; b > start && data[b] == '\\'; b-- {
				escapes++
			}
			if escapes%2 == 0 {
				break
			}
			end++
		}
		if n := end + 1 - start; n >= shortest && n <= longest {
			if k, ok := p.addrs[string(data[start:end+1])]; ok && p.offsets[k] < 0 {
				p.offsets[k] = start
			}
		}
		i = end + 1
	}
}

// countLines turns the offsets of the indexed addresses into lines,
// counting the newlines between them in file order.
func (p *plan) countLines() {
	order := make([]int, 0, len(p.offsets))
	for k, off := range p.offsets {
		if off >= 0 {
			order = append(order, k)
		}
	}
	slices.SortFunc(order, func(a, b int) int { return p.offsets[a] - p.offsets[b] })
	p.lines = make([]int, len(p.offsets))
	line, at := 1, 0
	for _, k := range order {
		line += bytes.Count(p.file.Data[at:p.offsets[k]], []byte("\n"))
		at = p.offsets[k]
		p.lines[k] = line
	}
}

// planRefs reads the resource references of a configuration expression.
func planRefs(e any) []string {
	obj, ok := e.(map[string]any)
	if !ok {
		return nil
	}
	list, _ := obj["references"].([]any)
	var out []string
	for _, x := range list {
		s, ok := x.(string)
		if !ok {
			continue
		}
		parts := strings.SplitN(s, ".", 3)
		if len(parts) < 2 || slices.Contains(reservedRoots, parts[0]) {
			continue
		}
		out = append(out, parts[0]+"."+parts[1])
	}
	return out
}

// reservedRoots are reference roots that are not resources.
var reservedRoots = []string{"var", "local", "path", "terraform", "count", "each", "self", "module", "data"}

// provider finds the provider configuration of a planned resource. The
// resources of one provider share its block, built once by readResources
// (built per resource, the 10k plan of real shape held 10,000 copies).
func (p *plan) provider(typ string, cfg *configResource) *providerConfig {
	if cfg != nil {
		if pc, ok := p.pcs[cfg.ProviderConfigKey]; ok {
			return pc
		}
		if _, k, ok := strings.Cut(cfg.ProviderConfigKey, ":"); ok {
			if pc, ok := p.pcs[k]; ok {
				return pc
			}
		}
	}
	return p.pcs[strings.SplitN(typ, "_", 2)[0]]
}

// overlayProvider gives a provider configuration built from the plan the
// positions of the configuration's provider block, when it was scanned.
func (p *plan) overlayProvider(pc *providerConfig, pp *planProvider) {
	if p.root == nil || pp.ModuleAddress != "" {
		return
	}
	key := pp.Name
	if pp.Alias != "" {
		key += "." + pp.Alias
	}
	h := p.root.providers[key]
	if h == nil {
		return
	}
	hb := h.body
	pc.body.rng, pc.body.def, pc.body.file = hb.rng, hb.def, hb.file
	for name, a := range pc.body.attrs {
		if ha := hb.attr(name); ha != nil {
			a.first, a.last = ha.first, ha.last
		}
	}
}

// providerConfig builds a provider configuration block from the plan.
func (p *plan) providerConfig(pp planProvider, key string) *providerConfig {
	line := 1
	if key != "" {
		line = p.line(key)
	}
	rng := hcl.Range{Filename: p.file.Path, Start: hcl.Pos{Line: line}, End: hcl.Pos{Line: line}}
	b := &block{typ: "provider", labels: []string{pp.Name}, attrs: map[string]*attr{}, rng: rng, def: rng, file: p.file.Path}
	for name, raw := range pp.Expressions {
		e, ok := raw.(map[string]any)
		if !ok {
			continue // a nested block (default_tags, assume_role)
		}
		v := cty.DynamicVal
		refs, _ := e["references"].([]any)
		switch {
		case e["constant_value"] != nil:
			v = toCty(e["constant_value"])
		case len(refs) > 0 && pp.ModuleAddress == "":
			if ref, ok := refs[0].(string); ok && strings.HasPrefix(ref, "var.") {
				if pv, ok := p.doc.Variables[strings.TrimPrefix(ref, "var.")]; ok {
					v = toCty(pv.Value)
				}
			}
		}
		b.attrs[name] = newAttr(name, nil, v, rng)
	}
	return &providerConfig{name: pp.Name, alias: pp.Alias, body: b}
}

// module returns the synthetic module of a prefix, creating it. When the
// configuration was scanned together, it takes the configuration module's
// children, so that references through module outputs can be followed.
func (p *plan) module(prefix string) *module {
	if m := p.mods[prefix]; m != nil {
		return m
	}
	m := &module{prefix: prefix, providers: map[string]*providerConfig{}}
	if p.root != nil {
		for _, hm := range p.root.all() {
			if hm.prefix == prefix {
				m.children, m.root = hm.children, hm.root
			}
		}
	}
	p.mods[prefix] = m
	return m
}

// providerFacts adds the location facts of the root module's provider configurations.
func (p *plan) providerFacts() {
	m := p.module(p.pfx)
	for _, key := range sortedKeys(p.doc.Configuration.ProviderConfig) {
		pp := p.doc.Configuration.ProviderConfig[key]
		if pp.ModuleAddress != "" || strings.Contains(key, ":") {
			continue
		}
		m.providers[key] = p.pcs[key] // built by readResources
		m.own = append(m.own, key)
	}
}

// planBlock builds a block from planned values. Values marked unknown
// (after_unknown) become unknown; values marked sensitive are dropped and
// read as unknown, so they never reach a fact. Positions come from the
// configuration's block when it was scanned together.
func planBlock(typ string, values map[string]any, unknown, sensitive any, hb *block, rng hcl.Range, exprs map[string]any) *block {
	unk, _ := unknown.(map[string]any)
	sen, _ := sensitive.(map[string]any)
	// The attribute names, sorted: the values' and those only unknown.
	// (A slice, not a set: building a map per block was a sixth of
	// turning a real plan's resources into blocks.)
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	for k, v := range unk {
		if _, ok := values[k]; !ok && v == true {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	b := &block{typ: typ, attrs: make(map[string]*attr, len(names)), rng: rng, def: rng, file: rng.Filename}
	if hb != nil {
		b.def = hb.def
	}
	for _, name := range names {
		v := values[name]
		a := newAttr(name, nil, cty.NilVal, rng)
		arng := rng // the range of blocks nested in the attribute
		ha := hb.attr(name)
		switch {
		case ha != nil:
			a.first, a.last = ha.first, ha.last
			a.expr = ha.expr
			arng = ha.rangeIn(hb.file)
		case hb != nil:
			// Not written in the configuration: a provider default or a
			// computed value, with no line of its own.
			a.first, a.last = 0, 0
			arng = hcl.Range{Filename: rng.Filename}
		}
		b.attrs[name] = a
		switch {
		case anyTrue(sen[name]):
			a.val = cty.DynamicVal
			continue
		case unk[name] == true && hb != nil && ha == nil && !hasBlocks(hb, name),
			unk[name] == true && hb == nil && exprs != nil && exprs[name] == nil:
			// Computed by the provider and not configured: as in the
			// configuration, the mapper's documented default applies.
			delete(b.attrs, name)
			continue
		case unk[name] == true:
			a.val = cty.DynamicVal
			continue
		}
		// Nested blocks appear as lists of objects.
		if list, ok := v.([]any); ok && len(list) > 0 && isObjectList(list) {
			hcs := hb.children(name)
			us, _ := unk[name].([]any)
			ss, _ := sen[name].([]any)
			for i, e := range list {
				var hc *block
				nrng := arng
				if i < len(hcs) {
					hc = hcs[i]
					nrng = hc.rng
				}
				var sub map[string]any
				if exprs != nil {
					sub = map[string]any{}
					if list, ok := exprs[name].([]any); ok && i < len(list) {
						if m, ok := list[i].(map[string]any); ok {
							sub = m
						}
					}
				}
				b.blocks = append(b.blocks, planBlock(name, e.(map[string]any), at(us, i), at(ss, i), hc, nrng, sub))
			}
		}
		if anyTrue(unk[name]) {
			a.val = cty.DynamicVal
			continue
		}
		a.val = toCty(v)
	}
	return b
}

// hasBlocks reports whether the configuration block has nested blocks of the type.
func hasBlocks(b *block, typ string) bool { return len(b.children(typ)) > 0 }

func at(list []any, i int) any {
	if i < len(list) {
		return list[i]
	}
	return nil
}

func isObjectList(list []any) bool {
	for _, e := range list {
		if _, ok := e.(map[string]any); !ok {
			return false
		}
	}
	return true
}

// anyTrue reports whether a sensitive/unknown marker marks anything.
func anyTrue(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case []any:
		for _, e := range x {
			if anyTrue(e) {
				return true
			}
		}
	case map[string]any:
		for _, e := range x {
			if anyTrue(e) {
				return true
			}
		}
	}
	return false
}

// toCty converts a decoded JSON value to a cty value.
func toCty(v any) cty.Value {
	switch x := v.(type) {
	case nil:
		return cty.NullVal(cty.DynamicPseudoType)
	case bool:
		return cty.BoolVal(x)
	case string:
		return cty.StringVal(x)
	case json.Number:
		if n, err := cty.ParseNumberVal(x.String()); err == nil {
			return n
		}
		return cty.DynamicVal
	case float64:
		return cty.NumberFloatVal(x)
	case []any:
		if len(x) == 0 {
			return cty.EmptyTupleVal
		}
		vals := make([]cty.Value, len(x))
		for i, e := range x {
			vals[i] = toCty(e)
		}
		return cty.TupleVal(vals)
	case map[string]any:
		if len(x) == 0 {
			return cty.EmptyObjectVal
		}
		vals := make(map[string]cty.Value, len(x))
		for k, e := range x {
			vals[k] = toCty(e)
		}
		return cty.ObjectVal(vals)
	}
	return cty.DynamicVal
}
