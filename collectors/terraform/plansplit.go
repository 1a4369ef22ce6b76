package terraform

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"

	"github.com/kaiji-dev/kaiji/internal/parallel"
)

// A large plan's JSON is decoded on every core: one pass over the text
// finds the elements of its large arrays (resource_changes, and the
// resources of every planned module), which are then decoded concurrently,
// each by encoding/json as the whole document would have decoded it.
// Decoding a plan of 10,000 real-shaped resources (49 MB) whole took
// ~0.43 s on one core (BENCHMARKS.md). Whatever the pass does not expect —
// another shape, a key that is escaped, case-folded or repeated, bytes JSON
// does not allow, nesting past --max-depth — leaves the plan to the whole
// decode, as does any error in a part, so that errors and their lines are
// always the whole decode's.

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
	changes []span       // elements of resource_changes; nil when it is absent
	root    *splitModule // planned_values.root_module; nil when it is absent
	check   []span       // values nothing reads, only checked to be JSON
}

// splitModule is a planned module whose resources are decoded one by one.
type splitModule struct {
	address   *span
	resources []span         // nil when the member is absent
	children  []*splitModule // nil when the member is absent
}

// The members of a plan, of its planned values and of a planned module
// that are decoded (planDoc, planModule).
var (
	topFields     = map[string]bool{"format_version": true, "variables": true, "planned_values": true, "values": true, "resource_changes": true, "configuration": true}
	plannedFields = map[string]bool{"root_module": true}
	moduleFields  = map[string]bool{"address": true, "resources": true, "child_modules": true}
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
	var changes []splitChange
	if s.changes != nil {
		changes = make([]splitChange, len(s.changes))
		for i, sp := range s.changes {
			parts = append(parts, part{sp, &changes[i]})
		}
	}
	for _, sp := range s.check {
		parts = append(parts, part{sp, nil})
	}
	var build func(sm *splitModule, m *planModule)
	build = func(sm *splitModule, m *planModule) {
		if sm.address != nil {
			parts = append(parts, part{*sm.address, &m.Address})
		}
		if sm.resources != nil {
			m.Resources = make([]planResource, len(sm.resources))
			for i, sp := range sm.resources {
				parts = append(parts, part{sp, &m.Resources[i]})
			}
		}
		if sm.children != nil {
			m.ChildModules = make([]planModule, len(sm.children))
			for i, c := range sm.children {
				build(c, &m.ChildModules[i])
			}
		}
	}
	if s.root != nil {
		build(s.root, &out.PlannedValues.RootModule)
	}
	chunks := (len(parts) + planChunk - 1) / planChunk
	failed := make([]bool, chunks)
	parallel.For(chunks, 0, func(c int) {
		failed[c] = !decodeParts(data, parts[c*planChunk:min((c+1)*planChunk, len(parts))])
	})
	for _, f := range failed {
		if f {
			return false
		}
	}
	if changes != nil {
		out.ResourceChanges = make([]planChange, len(changes))
		for i, sc := range changes {
			c := &out.ResourceChanges[i]
			c.Address = sc.Address
			c.Change.AfterUnknown, c.Change.AfterSensitive = sc.Change.AfterUnknown, sc.Change.AfterSensitive
			c.raw = data[s.changes[i].from:s.changes[i].to]
		}
	}
	*doc = out
	return true
}

// part is one value of a split plan and where it is decoded to; into nil:
// only checked to be JSON.
type part struct {
	at   span
	into any
}

// decodeParts decodes parts in order, as decodeJSON decodes each, with one
// decoder: it keeps its buffer from one part to the next. A decoder per
// part grew a new buffer for each, 130 MB of the 250 MB that decoding a
// 49 MB plan allocated (BENCHMARKS.md). It reports false if any part is
// not one JSON value that decodes.
func decodeParts(data []byte, parts []part) bool {
	r := &partReader{data: data, parts: parts, off: -1}
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var end int64
	for _, p := range parts {
		if p.into == nil {
			if !json.Valid(data[p.at.from:p.at.to]) {
				return false
			}
			continue
		}
		end += int64(p.at.to - p.at.from)
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
	data  []byte
	parts []part
	i     int // the part being read
	off   int // the offset in data to read next; -1: part i not begun
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
			r.off = p.at.from
		}
		if r.off < p.at.to {
			n := copy(b, r.data[r.off:p.at.to])
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
	seen := map[string]bool{}
	ok := sc.object(func(key string, from int) bool {
		known, ok := member(key, topFields, seen)
		switch {
		case !ok:
			return false
		case !known:
			return sc.skipInto(&s.check)
		case key == "resource_changes":
			s.changes = []span{}
			return sc.array(func() bool { return sc.skipInto(&s.changes) })
		case key == "planned_values":
			pseen := map[string]bool{}
			return sc.object(func(key string, _ int) bool {
				known, ok := member(key, plannedFields, pseen)
				switch {
				case !ok:
					return false
				case !known:
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
	seen := map[string]bool{}
	return sc.object(func(key string, _ int) bool {
		known, ok := member(key, moduleFields, seen)
		switch {
		case !ok:
			return false
		case !known:
			return sc.skipInto(check)
		case key == "address":
			v, ok := sc.skip()
			m.address = &v
			return ok
		case key == "resources":
			m.resources = []span{}
			return sc.array(func() bool { return sc.skipInto(&m.resources) })
		}
		m.children = []*splitModule{}
		return sc.array(func() bool {
			c := &splitModule{}
			m.children = append(m.children, c)
			return sc.module(c, check)
		})
	})
}

// member reports whether key is one of the decoded fields (known) and
// whether the split can take it (ok): not a field encoding/json would
// match only by folding case, not escaped or beyond ASCII, and not a
// decoded field seen before in the same object (whose last value would
// win). A known key is recorded in seen.
func member(key string, fields, seen map[string]bool) (known, ok bool) {
	for i := 0; i < len(key); i++ {
		if c := key[i]; c < 0x20 || c >= 0x80 || c == '\\' {
			return false, false
		}
	}
	if fields[key] {
		if seen[key] {
			return true, false
		}
		seen[key] = true
		return true, true
	}
	for f := range fields {
		if strings.EqualFold(f, key) {
			return false, false
		}
	}
	return false, true
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
func (sc *planScanner) object(member func(key string, from int) bool) bool {
	return sc.list('{', '}', func() bool {
		from := sc.i
		if sc.i >= len(sc.data) || sc.data[sc.i] != '"' {
			return false
		}
		end, ok := sc.str(sc.i)
		if !ok {
			return false
		}
		key := string(sc.data[from+1 : end-1])
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
