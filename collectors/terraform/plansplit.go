package terraform

import (
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"strings"

	"github.com/kaiji-dev/kaiji/internal/parallel"
)

// A large plan's JSON is decoded on every core: one pass over the text
// finds the elements of its large arrays (resource_changes, and the
// resources of every planned module), and the members of each element that
// name it (address, and a resource's mode, type and name). The elements
// themselves are decoded later, by the goroutine that turns each planned
// resource into a block, chunk by chunk, so that a resource's decoded
// values are gone before the next chunk's are made: decoded all at once
// beforehand, they were 80 of the 220 MB live while a plan of 10,000
// real-shaped resources (49 MB) was read (BENCHMARKS.md). Each element is
// decoded by encoding/json as the whole document would have decoded it.
// Decoding that plan whole took ~0.43 s on one core. Whatever the pass
// does not expect — another shape, a key that is escaped, case-folded or
// repeated, bytes JSON does not allow, nesting past --max-depth — leaves
// the plan to the whole decode, as does any error in a part, even one
// found only when its resource is read (readPlan starts again), so that
// errors and their lines are always the whole decode's.

// splitMin is the size from which a plan is split (a variable for tests).
var splitMin = 1 << 20

// span is a value's bytes in the plan: data[from:to].
type span struct{ from, to int }

// planSplit is a plan cut into parts decoded on their own.
type planSplit struct {
	// light are the top-level members decoded together as one object
	// (from the key on): everything but the split arrays and the members
	// nothing reads.
	light   []span
	changes []element    // elements of resource_changes; nil when it is absent
	root    *splitModule // planned_values.root_module; nil when it is absent
	check   []span       // values nothing reads, only checked to be JSON
}

// splitModule is a planned module whose resources are decoded one by one.
type splitModule struct {
	address   *span
	resources []element      // nil when the member is absent
	children  []*splitModule // nil when the member is absent
}

// element is an object of a split array: its text, and the values of the
// members that name it (elementFields), which are read from the text
// before the element is decoded; a zero span: the member is absent.
type element struct {
	at     span
	fields [len(elementFields)]span
}

// elementFields are the members of a change or planned resource that the
// split reads itself (a change's first only), in the order of
// element.fields.
var elementFields = [...]string{"address", "mode", "type", "name"}

// The members of a plan, of its planned values and of a planned module
// that are decoded (planDoc, planModule).
var (
	topFields     = []string{"format_version", "variables", "planned_values", "values", "resource_changes", "configuration"}
	plannedFields = []string{"root_module"}
	moduleFields  = []string{"address", "resources", "child_modules"}
)

// decodePlan decodes a plan into doc as json.Decoder with UseNumber would,
// its parts on every core. It reports false, doc untouched, when the plan
// is small or was not split; the caller then decodes it whole.
func decodePlan(data []byte, maxDepth int, doc *planDoc) bool {
	if len(data) < splitMin {
		return false
	}
	s, ok := splitPlan(data, maxDepth)
	if !ok {
		return false
	}
	var out planDoc
	var light bytes.Buffer
	light.WriteByte('{')
	for i, sp := range s.light {
		if i > 0 {
			light.WriteByte(',')
		}
		light.Write(data[sp.from:sp.to])
	}
	light.WriteByte('}')
	if decodeJSON(light.Bytes(), &out) != nil {
		return false
	}
	var parts []part
	if s.changes != nil {
		out.ResourceChanges = make([]planChange, len(s.changes))
		for i, e := range s.changes {
			c := &out.ResourceChanges[i]
			c.raw = data[e.at.from:e.at.to]
			if c.Address, ok = jsonString(data, e.fields[0]); !ok {
				return false
			}
		}
	}
	for _, sp := range s.check {
		parts = append(parts, part{data[sp.from:sp.to], nil})
	}
	var build func(sm *splitModule, m *planModule) bool
	build = func(sm *splitModule, m *planModule) bool {
		if sm.address != nil {
			parts = append(parts, part{data[sm.address.from:sm.address.to], &m.Address})
		}
		if sm.resources != nil {
			m.Resources = make([]planResource, len(sm.resources))
			for i, e := range sm.resources {
				r := &m.Resources[i]
				r.raw = data[e.at.from:e.at.to]
				for k, into := range []*string{&r.Address, &r.Mode, &r.Type, &r.Name} {
					if *into, ok = jsonString(data, e.fields[k]); !ok {
						return false
					}
				}
			}
		}
		if sm.children != nil {
			m.ChildModules = make([]planModule, len(sm.children))
			for i, c := range sm.children {
				if !build(c, &m.ChildModules[i]) {
					return false
				}
			}
		}
		return true
	}
	if s.root != nil && !build(s.root, &out.PlannedValues.RootModule) {
		return false
	}
	if !decodeAll(parts) {
		return false
	}
	*doc = out
	return true
}

// decodeAll decodes parts on every core, in chunks of planChunk.
func decodeAll(parts []part) bool {
	chunks := (len(parts) + planChunk - 1) / planChunk
	failed := make([]bool, chunks)
	parallel.For(chunks, 0, func(c int) {
		failed[c] = !decodeParts(parts[c*planChunk : min((c+1)*planChunk, len(parts))])
	})
	return !slices.Contains(failed, true)
}

// jsonString reads the JSON string at sp as the decoder would into a
// string field: an absent member is "". Anything but a string reports
// false (null, which the decoder would skip, included: the whole decode
// takes such a plan).
func jsonString(data []byte, sp span) (string, bool) {
	if sp.to == 0 {
		return "", true
	}
	v := data[sp.from:sp.to]
	if len(v) < 2 || v[0] != '"' {
		return "", false
	}
	in := v[1 : len(v)-1]
	escaped := false
	for i := 0; i < len(in); i++ {
		switch c := in[i]; {
		case c == '\\' && i+1 < len(in) && (in[i+1] == '"' || in[i+1] == '\\'):
			// The quotes of a module's instance key in an address.
			escaped = true
			i++
		case c < 0x20 || c >= 0x80 || c == '\\':
			var s string
			if json.Unmarshal(v, &s) != nil {
				return "", false
			}
			return s, true
		}
	}
	if !escaped {
		return string(in), true
	}
	out := make([]byte, 0, len(in))
	for i := 0; i < len(in); i++ {
		if in[i] == '\\' {
			i++
		}
		out = append(out, in[i])
	}
	return string(out), true
}

// part is one value of a split plan and where it is decoded to; into nil:
// only checked to be JSON.
type part struct {
	text []byte
	into any
}

// decodeParts decodes parts in order, as decodeJSON decodes each, with one
// decoder: it keeps its buffer from one part to the next. A decoder per
// part grew a new buffer for each, 130 MB of the 250 MB that decoding a
// 49 MB plan allocated (BENCHMARKS.md). It reports false if any part is
// not one JSON value that decodes.
func decodeParts(parts []part) bool {
	r := &partReader{parts: parts, off: -1}
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var end int64
	for _, p := range parts {
		if p.into == nil {
			if !json.Valid(p.text) {
				return false
			}
			continue
		}
		end += int64(len(p.text))
		if dec.Decode(p.into) != nil || dec.InputOffset() != end {
			return false
		}
		end++ // the space partReader puts after each part
	}
	return true
}

// partReader reads the parts that are decoded, each followed by a space,
// so that no two run together.
type partReader struct {
	parts []part
	i     int // the part being read
	off   int // the offset in part i to read next; -1: part i not begun
}

func (r *partReader) Read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	for r.i < len(r.parts) {
		p := r.parts[r.i]
		if p.into == nil {
			r.i++
			continue
		}
		if r.off < 0 {
			r.off = 0
		}
		if r.off < len(p.text) {
			n := copy(b, p.text[r.off:])
			r.off += n
			return n, nil
		}
		b[0] = ' '
		r.i, r.off = r.i+1, -1
		return 1, nil
	}
	return 0, io.EOF
}

// decodeJSON decodes one JSON value, numbers kept exact.
func decodeJSON(data []byte, into any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(into)
}

// splitPlan cuts a plan's text into parts, or reports false.
func splitPlan(data []byte, maxDepth int) (planSplit, bool) {
	sc := &planScanner{data: data, max: maxDepth}
	var s planSplit
	seen := make([]bool, len(topFields))
	ok := sc.object(func(key []byte, from int) bool {
		f, ok := member(key, topFields, seen)
		switch {
		case !ok:
			return false
		case f < 0:
			return sc.skipInto(&s.check)
		case topFields[f] == "resource_changes":
			s.changes = []element{}
			return sc.array(func() bool { return sc.element(&s.changes) })
		case topFields[f] == "planned_values":
			pseen := make([]bool, len(plannedFields))
			return sc.object(func(key []byte, _ int) bool {
				f, ok := member(key, plannedFields, pseen)
				switch {
				case !ok:
					return false
				case f < 0:
					return sc.skipInto(&s.check)
				}
				s.root = &splitModule{}
				return sc.module(s.root, &s.check)
			})
		}
		v, ok := sc.skip()
		s.light = append(s.light, span{from, v.to})
		return ok
	})
	if !ok || !sc.end() {
		return planSplit{}, false
	}
	return s, true
}

// module records a planned module's address, resources and children;
// values nothing reads go to check.
func (sc *planScanner) module(m *splitModule, check *[]span) bool {
	seen := make([]bool, len(moduleFields))
	return sc.object(func(key []byte, _ int) bool {
		f, ok := member(key, moduleFields, seen)
		switch {
		case !ok:
			return false
		case f < 0:
			return sc.skipInto(check)
		case moduleFields[f] == "address":
			v, ok := sc.skip()
			m.address = &v
			return ok
		case moduleFields[f] == "resources":
			m.resources = []element{}
			return sc.array(func() bool { return sc.element(&m.resources) })
		}
		m.children = []*splitModule{}
		return sc.array(func() bool {
			c := &splitModule{}
			m.children = append(m.children, c)
			return sc.module(c, check)
		})
	})
}

// element walks one object of a split array, recording the values of its
// elementFields, and appends it to list. It reports false where member
// does: a key the decoder would match to a field only by folding case,
// one escaped or beyond ASCII, a field repeated.
func (sc *planScanner) element(list *[]element) bool {
	e := element{at: span{from: sc.i}}
	var seen [len(elementFields)]bool
	ok := sc.object(func(key []byte, _ int) bool {
		f, ok := member(key, elementFields[:], seen[:])
		if !ok {
			return false
		}
		v, ok := sc.skip()
		if f >= 0 {
			e.fields[f] = v
		}
		return ok
	})
	e.at.to = sc.i
	*list = append(*list, e)
	return ok
}

// member reports which of the decoded fields key is (-1: none) and
// whether the split can take it (ok): not a field encoding/json would
// match only by folding case, not escaped or beyond ASCII, and not a
// decoded field seen before in the same object (whose last value would
// win). A field found is recorded in seen, which is indexed as fields.
func member(key []byte, fields []string, seen []bool) (field int, ok bool) {
	for _, c := range key {
		if c < 0x20 || c >= 0x80 || c == '\\' {
			return -1, false
		}
	}
	field = -1
	for i, f := range fields {
		switch {
		case string(key) == f:
			field = i
		case strings.EqualFold(string(key), f):
			return -1, false
		}
	}
	if field >= 0 {
		if seen[field] {
			return field, false
		}
		seen[field] = true
	}
	return field, true
}

// planScanner walks a plan's text without decoding it: it finds where
// values begin and end, and checks only what it walks past — the
// punctuation between values, that no byte outside a string is one JSON
// never has there, and the nesting depth.
type planScanner struct {
	data  []byte
	i     int
	depth int
	max   int
}

func (sc *planScanner) ws() {
	for sc.i < len(sc.data) {
		switch sc.data[sc.i] {
		case ' ', '\t', '\n', '\r':
			sc.i++
		default:
			return
		}
	}
}

// at reports whether the next byte after whitespace is c, and moves past it.
func (sc *planScanner) at(c byte) bool {
	sc.ws()
	if sc.i < len(sc.data) && sc.data[sc.i] == c {
		sc.i++
		return true
	}
	return false
}

// open counts one level of nesting.
func (sc *planScanner) open() bool {
	sc.depth++
	return sc.depth <= sc.max
}

// object walks an object, calling member with each key and where its key
// begins; member must walk past the value.
func (sc *planScanner) object(member func(key []byte, from int) bool) bool {
	return sc.list('{', '}', func() bool {
		from := sc.i
		if sc.i >= len(sc.data) || sc.data[sc.i] != '"' {
			return false
		}
		end, ok := sc.str(sc.i)
		if !ok {
			return false
		}
		key := sc.data[from+1 : end-1]
		sc.i = end
		if !sc.at(':') {
			return false
		}
		sc.ws()
		return member(key, from)
	})
}

// array walks an array, calling elem for each element; elem must walk
// past it.
func (sc *planScanner) array(elem func() bool) bool {
	return sc.list('[', ']', elem)
}

// list walks the items of an object or array between open and end,
// separated by commas; item must walk past one item.
func (sc *planScanner) list(open, end byte, item func() bool) bool {
	if !sc.at(open) || !sc.open() {
		return false
	}
	if sc.at(end) {
		sc.depth--
		return true
	}
	for {
		sc.ws()
		if !item() {
			return false
		}
		if sc.at(',') {
			continue
		}
		if sc.at(end) {
			sc.depth--
			return true
		}
		return false
	}
}

// skipInto walks past one value and appends its span to list.
func (sc *planScanner) skipInto(list *[]span) bool {
	v, ok := sc.skip()
	*list = append(*list, v)
	return ok
}

// skip walks past one value.
func (sc *planScanner) skip() (span, bool) {
	sc.ws()
	from := sc.i
	if sc.i >= len(sc.data) {
		return span{}, false
	}
	switch c := sc.data[sc.i]; {
	case c == '"':
		end, ok := sc.str(sc.i)
		sc.i = end
		return span{from, end}, ok
	case literal(c):
		for sc.i < len(sc.data) && literal(sc.data[sc.i]) {
			sc.i++
		}
		return span{from, sc.i}, true
	case c != '{' && c != '[':
		return span{}, false
	}
	base := sc.depth
	for sc.i < len(sc.data) {
		switch c := sc.data[sc.i]; {
		case c == '"':
			end, ok := sc.str(sc.i)
			if !ok {
				return span{}, false
			}
			sc.i = end
		case c == '{' || c == '[':
			if !sc.open() {
				return span{}, false
			}
			sc.i++
		case c == '}' || c == ']':
			sc.depth--
			sc.i++
			if sc.depth == base {
				return span{from, sc.i}, true
			}
		case c == ',' || c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || literal(c):
			sc.i++
		default:
			return span{}, false
		}
	}
	return span{}, false
}

// literal reports whether c may be part of a number, true, false or null.
func literal(c byte) bool {
	return c == '-' || c == '+' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// str returns the end of the string that begins at i (past its closing
// quote), or false when it is not closed.
func (sc *planScanner) str(i int) (int, bool) {
	data := sc.data
	end := i + 1
	for {
		k := bytes.IndexByte(data[end:], '"')
		if k < 0 {
			return 0, false
		}
		end += k
		escapes := 0
		for b := end - 1; b > i && data[b] == '\\'; b-- {
			escapes++
		}
		if escapes%2 == 0 {
			return end + 1, true
		}
		end++
	}
}

// end reports whether only whitespace follows the top-level value.
func (sc *planScanner) end() bool {
	sc.ws()
	return sc.i == len(sc.data)
}
