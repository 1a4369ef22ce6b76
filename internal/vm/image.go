package vm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// A Program's image is the program as Compile leaves it, statement by
// statement, so that a plan made ahead is read back without OPA's planner
// or Compile: ~5 ms for the built-in library's split decision, against
// ~15 ms for OPA's protobuf form of the plan decoded and compiled, and 96
// ms for its JSON form decoded alone. Everything is a varint; slices are written
// with their length plus one, zero for nil, so that nil and empty stay
// apart. The built-ins are written by name and looked up again as the
// image is read.
//
// ImageFormat names the layout. It changes with the opcodes (their order
// or meaning), the fields of instr and function, and the order they are
// written in (TestImageFormat guards the first two); an image of another
// format is refused, and what keeps images (engine) records it.
const ImageFormat = "kaiji-vm-image-1"

// MarshalBinary writes the program's image (without its data): the same
// program gives the same bytes.
func (p *Program) MarshalBinary() ([]byte, error) {
	w := &imageWriter{strings: map[string]int{}, terms: map[*ast.Term]int{}, bis: map[*builtin]int{}}
	// The body first, into its own buffer: the tables it fills go before it.
	body := w.function(nil, p.plan)
	body = binary.AppendUvarint(body, count(p.funcs))
	for _, f := range p.funcs {
		body = w.function(body, f)
	}
	paths := slices.Sorted(maps.Keys(p.dynamic))
	body = binary.AppendUvarint(body, uint64(len(paths)))
	for _, path := range paths {
		body = binary.AppendUvarint(body, uint64(w.str(path)))
		body = binary.AppendUvarint(body, uint64(p.dynamic[path].index))
	}
	if w.err != nil {
		return nil, w.err
	}
	out := append([]byte(ImageFormat), 0)
	out = binary.AppendUvarint(out, uint64(len(w.strs)))
	for _, s := range w.strs {
		out = binary.AppendUvarint(out, uint64(len(s)))
		out = append(out, s...)
	}
	out = binary.AppendUvarint(out, uint64(len(w.termList)))
	for _, t := range w.termList {
		out = append(out, t.kind)
		out = binary.AppendUvarint(out, uint64(t.str))
	}
	out = binary.AppendUvarint(out, uint64(len(w.biList)))
	for _, b := range w.biList {
		out = binary.AppendUvarint(out, uint64(w.strings[b.name]))
		out = append(out, flag(b.void), flag(b.relation))
	}
	return append(out, body...), nil
}

// The kinds of constant terms a program holds.
const (
	termString byte = iota
	termNumber
	termTrue
	termFalse
	termNull
)

type imageTerm struct {
	kind byte
	str  int
}

type imageWriter struct {
	strings  map[string]int
	strs     []string
	terms    map[*ast.Term]int
	termList []imageTerm
	bis      map[*builtin]int
	biList   []*builtin
	err      error
}

func flag(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func (w *imageWriter) str(s string) int {
	i, ok := w.strings[s]
	if !ok {
		i = len(w.strs)
		w.strings[s] = i
		w.strs = append(w.strs, s)
	}
	return i
}

// term numbers a constant term, keeping terms that Compile shared shared.
func (w *imageWriter) term(t *ast.Term) int {
	if i, ok := w.terms[t]; ok {
		return i
	}
	var it imageTerm
	switch v := t.Value.(type) {
	case ast.String:
		it = imageTerm{kind: termString, str: w.str(string(v))}
	case ast.Number:
		it = imageTerm{kind: termNumber, str: w.str(string(v))}
	case ast.Boolean:
		it = imageTerm{kind: termFalse}
		if v {
			it.kind = termTrue
		}
	case ast.Null:
		it = imageTerm{kind: termNull}
	default:
		if w.err == nil {
			w.err = fmt.Errorf("vm: image: a constant %T", v)
		}
	}
	i := len(w.termList)
	w.terms[t] = i
	w.termList = append(w.termList, it)
	return i
}

func (w *imageWriter) function(b []byte, f *function) []byte {
	b = binary.AppendUvarint(b, uint64(w.str(f.name)))
	b = binary.AppendVarint(b, int64(f.index))
	b = binary.AppendUvarint(b, uint64(f.params))
	b = binary.AppendUvarint(b, count(f.args))
	for _, a := range f.args {
		b = binary.AppendVarint(b, int64(a))
	}
	b = binary.AppendUvarint(b, uint64(f.locals))
	b = binary.AppendVarint(b, int64(f.ret))
	b = append(b, byte(f.memo))
	return w.blocks(b, f.blocks)
}

// count is a slice's length as written: plus one, zero for nil.
func count[T any](s []T) uint64 {
	if s == nil {
		return 0
	}
	return uint64(len(s)) + 1
}

func (w *imageWriter) blocks(b []byte, bs []block) []byte {
	b = binary.AppendUvarint(b, count(bs))
	for _, blk := range bs {
		b = w.block(b, blk)
	}
	return b
}

func (w *imageWriter) block(b []byte, blk block) []byte {
	b = binary.AppendUvarint(b, count(blk))
	for i := range blk {
		b = w.instr(b, &blk[i])
	}
	return b
}

func (w *imageWriter) operand(b []byte, o operand) []byte {
	b = binary.AppendVarint(b, int64(o.local))
	if o.term == nil {
		return binary.AppendUvarint(b, 0)
	}
	return binary.AppendUvarint(b, uint64(w.term(o.term))+1)
}

func (w *imageWriter) operands(b []byte, os []operand) []byte {
	b = binary.AppendUvarint(b, count(os))
	for _, o := range os {
		b = w.operand(b, o)
	}
	return b
}

func (w *imageWriter) instr(b []byte, in *instr) []byte {
	b = append(b, byte(in.op))
	b = w.operand(b, in.a)
	b = w.operand(b, in.b)
	b = binary.AppendVarint(b, int64(in.target))
	b = binary.AppendVarint(b, int64(in.n))
	b = w.blocks(b, in.blocks)
	b = w.block(b, in.body)
	b = binary.AppendVarint(b, int64(in.key))
	b = binary.AppendVarint(b, int64(in.value))
	switch {
	case in.fn == nil:
		b = binary.AppendUvarint(b, 0)
	case in.fn.index < 0:
		if w.err == nil {
			w.err = errors.New("vm: image: a call of the plan itself")
		}
		b = binary.AppendUvarint(b, 0)
	default:
		b = binary.AppendUvarint(b, uint64(in.fn.index)+1)
	}
	if in.bi == nil {
		b = binary.AppendUvarint(b, 0)
	} else {
		i, ok := w.bis[in.bi]
		if !ok {
			i = len(w.biList)
			w.bis[in.bi] = i
			w.biList = append(w.biList, in.bi)
			w.str(in.bi.name)
		}
		b = binary.AppendUvarint(b, uint64(i)+1)
	}
	b = w.operands(b, in.args)
	b = w.operands(b, in.path)
	b = binary.AppendUvarint(b, count(in.wpath))
	for _, t := range in.wpath {
		b = binary.AppendUvarint(b, uint64(w.term(t)))
	}
	b = binary.AppendUvarint(b, count(in.items))
	for _, it := range in.items {
		b = w.operand(b, it[0])
		b = w.operand(b, it[1])
	}
	if in.loc == nil {
		return binary.AppendUvarint(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(w.str(in.loc.File))+1)
	b = binary.AppendVarint(b, int64(in.loc.Row))
	return binary.AppendVarint(b, int64(in.loc.Col))
}

// LoadProgram reads a program's image (MarshalBinary). builtins are the
// functions registered for the query besides OPA's own, as for Compile.
// A malformed image is an error, never a panic.
func LoadProgram(data []byte, builtins map[string]*topdown.Builtin) (prog *Program, err error) {
	r := &imageReader{data: data}
	if len(data) <= len(ImageFormat) || string(data[:len(ImageFormat)]) != ImageFormat || data[len(ImageFormat)] != 0 {
		return nil, errors.New("vm: not a program image of format " + ImageFormat)
	}
	r.pos = len(ImageFormat) + 1
	r.strs = make([]string, r.count(1))
	for i := range r.strs {
		n := r.uint(len(r.data))
		if r.err == nil && n > len(r.data)-r.pos {
			r.fail("truncated")
		}
		if r.err == nil {
			r.strs[i] = string(r.data[r.pos : r.pos+n])
			r.pos += n
		}
	}
	r.terms = make([]*ast.Term, r.count(2))
	for i := range r.terms {
		kind, s := r.byte(), r.uint(len(r.strs))
		switch {
		case r.err != nil:
		case (kind == termString || kind == termNumber) && s >= len(r.strs):
			r.fail("string %d of %d", s, len(r.strs))
		case kind == termString:
			r.terms[i] = ast.StringTerm(r.strs[s])
		case kind == termNumber:
			r.terms[i] = ast.NewTerm(ast.Number(r.strs[s]))
		case kind == termTrue:
			r.terms[i] = ast.InternedTerm(true)
		case kind == termFalse:
			r.terms[i] = ast.InternedTerm(false)
		case kind == termNull:
			r.terms[i] = ast.InternedNullTerm
		default:
			r.fail("a term of kind %d", kind)
		}
	}
	r.bis = make([]*builtin, r.count(3))
	for i := range r.bis {
		name := r.string()
		b := &builtin{name: name, void: r.byte() == 1, relation: r.byte() == 1, f: implementation(name, builtins)}
		if b.f == nil && r.err == nil {
			r.fail("no implementation of built-in %q", name)
		}
		r.bis[i] = b
	}
	// The functions' headers come before their bodies only for the plan,
	// so calls are resolved once every function is read.
	prog = &Program{dynamic: map[string]*function{}, data: ast.NewTerm(ast.NewObject())}
	if prog.plan = r.function(); prog.plan.index != -1 {
		r.fail("the plan numbered %d", prog.plan.index)
	}
	prog.funcs = list(r, 8, r.function)
	for range r.count(2) {
		path, fn := r.string(), r.uint(len(prog.funcs)-1)
		if r.err == nil {
			prog.dynamic[path] = prog.funcs[fn]
		}
	}
	if r.err == nil && r.pos != len(r.data) {
		r.fail("%d bytes after the program", len(r.data)-r.pos)
	}
	if r.err != nil {
		return nil, fmt.Errorf("vm: read program image at byte %d: %w", r.pos, r.err)
	}
	for _, c := range r.calls {
		if c.index >= len(prog.funcs) {
			return nil, fmt.Errorf("vm: read program image: a call of function %d of %d", c.index, len(prog.funcs))
		}
		c.in.fn = prog.funcs[c.index]
	}
	for i, f := range prog.funcs {
		if f == nil || f.index != i {
			return nil, fmt.Errorf("vm: read program image: function %d numbered %d", i, f.index)
		}
	}
	return prog, nil
}

type imageReader struct {
	data  []byte
	pos   int
	err   error
	strs  []string
	terms []*ast.Term
	bis   []*builtin
	calls []pendingCall
}

// pendingCall is a call statement whose function is resolved last.
type pendingCall struct {
	in    *instr
	index int
}

func (r *imageReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf(format, args...)
	}
}

func (r *imageReader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.pos >= len(r.data) {
		r.fail("truncated")
		return 0
	}
	b := r.data[r.pos]
	r.pos++
	return b
}

// uint reads an unsigned varint no larger than limit.
func (r *imageReader) uint(limit int) int {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.data[r.pos:])
	if n <= 0 {
		r.fail("a bad number")
		return 0
	}
	r.pos += n
	if limit < 0 || v > uint64(limit) {
		r.fail("%d out of range", v)
		return 0
	}
	return int(v)
}

// int reads a signed varint within int32.
func (r *imageReader) int() int {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.data[r.pos:])
	if n <= 0 || v < -1<<31 || v >= 1<<31 {
		r.fail("a bad number")
		return 0
	}
	r.pos += n
	return int(v)
}

// count reads a slice's length; each element takes at least min bytes,
// so a length the rest of the image cannot hold is refused before
// anything is allocated.
func (r *imageReader) count(min int) int {
	return r.uint((len(r.data) - r.pos) / min)
}

// sliceLen reads a length written by count: -1 for nil.
func (r *imageReader) sliceLen(min int) int {
	return r.uint((len(r.data)-r.pos)/min+1) - 1
}

func (r *imageReader) string() string {
	i := r.uint(len(r.strs) - 1)
	if r.err != nil {
		return ""
	}
	return r.strs[i]
}

func (r *imageReader) term() *ast.Term {
	i := r.uint(len(r.terms) - 1)
	if r.err != nil {
		return nil
	}
	return r.terms[i]
}

func (r *imageReader) function() *function {
	f := &function{name: r.string(), index: r.int(), params: r.uint(1 << 20)}
	f.args = list(r, 1, func() int32 { return int32(r.int()) })
	f.locals = r.uint(1 << 24)
	f.ret = int32(r.int())
	f.memo = memoKind(r.byte())
	if f.memo > memoScalar {
		r.fail("a memo of kind %d", f.memo)
	}
	f.blocks = r.blocks()
	return f
}

// list reads a slice written by count: nil, or its elements read by one,
// each taking at least min bytes.
func list[T any](r *imageReader, min int, one func() T) []T {
	n := r.sliceLen(min)
	if n < 0 || r.err != nil {
		return nil
	}
	out := make([]T, n)
	for i := range out {
		out[i] = one()
	}
	return out
}

func (r *imageReader) blocks() []block { return list(r, 1, r.block) }

func (r *imageReader) block() block {
	n := r.sliceLen(16) // an instr takes 16 bytes or more
	if n < 0 || r.err != nil {
		return nil
	}
	out := make(block, n)
	for i := range out {
		r.instr(&out[i])
	}
	return out
}

func (r *imageReader) operand() operand {
	o := operand{local: int32(r.int())}
	if t := r.uint(len(r.terms)); t > 0 && r.err == nil {
		o.term = r.terms[t-1]
	}
	return o
}

func (r *imageReader) operands() []operand { return list(r, 2, r.operand) }

func (r *imageReader) instr(in *instr) {
	in.op = opcode(r.byte())
	if in.op > opFinishArray {
		r.fail("opcode %d", in.op)
	}
	in.a, in.b = r.operand(), r.operand()
	in.target, in.n = int32(r.int()), r.int()
	in.blocks, in.body = r.blocks(), r.block()
	in.key, in.value = int32(r.int()), int32(r.int())
	if fn := r.uint(len(r.data)); fn > 0 && r.err == nil {
		r.calls = append(r.calls, pendingCall{in: in, index: fn - 1})
	}
	if bi := r.uint(len(r.bis)); bi > 0 && r.err == nil {
		in.bi = r.bis[bi-1]
	}
	in.args, in.path = r.operands(), r.operands()
	in.wpath = list(r, 1, r.term)
	in.items = list(r, 4, func() [2]operand { return [2]operand{r.operand(), r.operand()} })
	if file := r.uint(len(r.strs)); file > 0 && r.err == nil {
		in.loc = &ast.Location{File: r.strs[file-1], Row: r.int(), Col: r.int()}
	}
}
