package kubernetes

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// object is one Kubernetes object with where it was read.
type object struct {
	v       val
	file    string
	line    int // first line of the object
	endLine int
	// origin is set for objects built by Kustomize: the kustomization that built them.
	origin string
	// template is the Helm template that rendered the object (helm template's
	// "# Source:" comment), if any.
	template string
	// detectionOnly marks an object built from Helm values that says only
	// which agent runs, not how (probes, replicas are the chart's).
	detectionOnly bool
	// meta caches the identifying fields, read in hot loops when linking.
	meta *objectMeta
	// variant tells apart objects several kustomizations build under one
	// reference; it suffixes the reference (@overlays/prod).
	variant string
}

// objectMeta holds an object's identifying fields.
type objectMeta struct {
	apiVersion, kind, name, namespace, group string
}

func (o *object) m() *objectMeta {
	if o.meta == nil {
		md, _ := o.v.v.(map[string]any)["metadata"].(map[string]any)
		str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
		root, _ := o.v.v.(map[string]any)
		o.meta = &objectMeta{apiVersion: str(root, "apiVersion"), kind: str(root, "kind"), name: str(md, "name"), namespace: str(md, "namespace")}
		if g, _, ok := strings.Cut(o.meta.apiVersion, "/"); ok {
			o.meta.group = g
		}
	}
	return o.meta
}

func (o *object) apiVersion() string { return o.m().apiVersion }
func (o *object) kind() string       { return o.m().kind }
func (o *object) name() string       { return o.m().name }
func (o *object) namespace() string  { return o.m().namespace }
func (o *object) group() string      { return o.m().group }

// ref is the object's reference id: apiVersion/Kind[/namespace]/name.
func (o *object) ref() string {
	parts := []string{o.apiVersion(), o.kind()}
	if ns := o.namespace(); ns != "" {
		parts = append(parts, ns)
	}
	name := o.name()
	if name == "" {
		if gn := o.v.get("metadata").get("generateName").str(); gn != "" {
			name = gn + "*"
		} else {
			name = "<unnamed>"
		}
	}
	ref := strings.Join(append(parts, name), "/")
	if o.variant != "" {
		ref += "@" + o.variant
	}
	return ref
}

func (o *object) labels() map[string]string {
	return o.v.get("metadata").get("labels").strMap()
}

func (o *object) annotations() map[string]string {
	return o.v.get("metadata").get("annotations").strMap()
}

// val is a position in an object: the decoded value and, when the object was
// read from a file, the YAML node it came from, for line numbers.
type val struct {
	v any
	n *yaml.Node
	// loose marks a node taken from the document an object was built from
	// (a Kustomize base): a node is kept only where it still holds the value.
	loose bool
}

// resolve follows aliases, a bounded number of times.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 8; i++ {
		n = n.Alias
	}
	return n
}

// get returns the value under key of a mapping; absent values are zero vals.
func (x val) get(key string) val {
	m, ok := x.v.(map[string]any)
	if !ok {
		return val{}
	}
	v, ok := m[key]
	if !ok {
		return val{}
	}
	c := childNode(x.n, key, 0)
	if x.loose && !holds(c, v) {
		c = nil
	}
	return val{v: v, n: c, loose: x.loose}
}

// holds reports whether a node still holds a value: the same scalar, or a
// mapping, or a sequence of the same length.
func holds(n *yaml.Node, v any) bool {
	n = resolve(n)
	if n == nil {
		return false
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return fmt.Sprint(scalar(n)) == fmt.Sprint(v)
	case yaml.MappingNode:
		_, ok := v.(map[string]any)
		return ok
	case yaml.SequenceNode:
		l, ok := v.([]any)
		return ok && len(l) == len(n.Content)
	}
	return false
}

func childNode(n *yaml.Node, key string, depth int) *yaml.Node {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode || depth > 4 {
		return nil
	}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := resolve(n.Content[i])
		if k == nil {
			continue
		}
		if k.Value == key {
			return n.Content[i+1]
		}
		if k.Value == "<<" {
			merges = append(merges, resolve(n.Content[i+1]))
		}
	}
	for _, m := range merges {
		if m == nil {
			continue
		}
		if m.Kind == yaml.SequenceNode {
			for _, e := range m.Content {
				if c := childNode(e, key, depth+1); c != nil {
					return c
				}
			}
			continue
		}
		if c := childNode(m, key, depth+1); c != nil {
			return c
		}
	}
	return nil
}

// path follows a chain of keys.
func (x val) path(keys ...string) val {
	for _, k := range keys {
		x = x.get(k)
	}
	return x
}

// list returns the elements of a sequence.
func (x val) list() []val {
	l, ok := x.v.([]any)
	if !ok {
		return nil
	}
	n := resolve(x.n)
	out := make([]val, len(l))
	if x.loose && !holds(n, l) {
		n = nil
	}
	for i, e := range l {
		out[i] = val{v: e, loose: x.loose}
		if n != nil && n.Kind == yaml.SequenceNode && i < len(n.Content) && (!x.loose || holds(n.Content[i], e)) {
			out[i].n = n.Content[i]
		}
	}
	return out
}

// present reports whether the value is set (null counts as absent).
func (x val) present() bool { return x.v != nil }

// line is the line the value starts on, or 0 when unknown.
func (x val) line() int {
	if x.n == nil {
		return 0
	}
	return x.n.Line
}

// endLine is the last line the value reaches, or 0 when unknown.
func (x val) endLine() int {
	if x.n == nil {
		return 0
	}
	return lastLine(x.n)
}

// str returns a string value; numbers and booleans are not strings.
func (x val) str() string {
	s, _ := x.v.(string)
	return s
}

// isMap reports whether the value is a mapping.
func (x val) isMap() bool {
	_, ok := x.v.(map[string]any)
	return ok
}

// keys lists a mapping's keys in sorted order.
func (x val) keys() []string {
	m, ok := x.v.(map[string]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// int returns an integer value; ok is false for anything else, including
// strings that only a template would turn into numbers.
func (x val) int() (int64, bool) {
	return asInt(x.v)
}

func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int64(n), true
		}
	case interface{ Int64() (int64, error) }: // json.Number
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}

// bool returns a boolean value, accepting the strings "true" and "false"
// that annotations and StorageClass parameters use.
func (x val) bool() (bool, bool) {
	switch b := x.v.(type) {
	case bool:
		return b, true
	case string:
		v, err := strconv.ParseBool(strings.TrimSpace(b))
		return v, err == nil
	}
	return false, false
}

// strMap returns a mapping of strings (labels, annotations, parameters);
// non-string values are formatted.
func (x val) strMap() map[string]string {
	m, ok := x.v.(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		switch s := v.(type) {
		case string:
			out[k] = s
		case bool:
			out[k] = strconv.FormatBool(s)
		default:
			if i, ok := asInt(v); ok {
				out[k] = strconv.FormatInt(i, 10)
			}
		}
	}
	return out
}

// strs returns a sequence of strings, skipping other values.
func (x val) strs() []string {
	var out []string
	for _, e := range x.list() {
		if s := e.str(); s != "" {
			out = append(out, s)
		}
	}
	return out
}
