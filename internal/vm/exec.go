package vm

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/ir"
	"github.com/open-policy-agent/opa/v1/metrics"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/topdown/builtins"
)

// EvalOptions are an evaluation's own settings.
type EvalOptions struct {
	// Time is the evaluation's time (time.now_ns); now when zero.
	Time time.Time
	// Seed is the source of randomness of the built-ins; crypto/rand when nil.
	Seed io.Reader
}

// WithData returns the program with data as the base documents under
// data (an object; none by default).
func (p *Program) WithData(data ast.Value) *Program {
	cp := *p
	cp.data = ast.NewTerm(data)
	return &cp
}

// Eval runs the plan over input (nil: none) and returns its result set: one
// object per result, mapping the query's variables to their values.
func (p *Program) Eval(ctx context.Context, input ast.Value, opts EvalOptions) ([]ast.Object, error) {
	now := opts.Time
	if now.IsZero() {
		now = time.Now()
	}
	seed := opts.Seed
	if seed == nil {
		seed = rand.Reader
	}
	m := &machine{
		ctx:  ctx,
		prog: p,
		memo: newMemo(len(p.funcs)),
		bctx: topdown.BuiltinContext{
			Context: ctx,
			Metrics: metrics.NoOp(),
			Seed:    seed,
			Time:    ast.NewTerm(ast.Number(strconv.FormatInt(now.UnixNano(), 10))),
			Cache:   builtins.Cache{},
		},
	}
	m.emitFn = m.emit
	args := []*ast.Term{nil, nil}
	if input != nil {
		args[ir.Input] = ast.NewTerm(input)
	}
	args[ir.Data] = p.data
	if _, err := m.call(p.plan, args); err != nil {
		return nil, err
	}
	return m.results, nil
}

// machine is one evaluation.
type machine struct {
	ctx     context.Context
	prog    *Program
	memo    *memo
	bctx    topdown.BuiltinContext
	results []ast.Object
	// out, outs and relation receive a built-in's outputs (emit, bound
	// to emitFn once per machine rather than a closure per call).
	out      *ast.Term
	outs     []*ast.Term
	relation bool
	emitFn   func(*ast.Term) error
	// stack holds the frames of the calls in progress; each frame is a
	// window of it, so a call allocates only when the stack grows.
	stack []*ast.Term
	sp    int
	// steps counts iterations between checks of the context.
	steps int
}

// memo remembers the results of rules and of functions called with
// scalars, as OPA's evaluator does for one query.
type memo struct {
	rules  []*ast.Term
	known  []bool
	scalar map[scalarKey]*ast.Term
}

type scalarKey struct {
	fn   int
	args [memoArgs]ast.Value
}

func newMemo(funcs int) *memo {
	return &memo{rules: make([]*ast.Term, funcs), known: make([]bool, funcs), scalar: map[scalarKey]*ast.Term{}}
}

// Block exits: a statement that fails, or a BreakStmt, exits its block and
// as many enclosing ones as its index says; exec returns that index as
// seen from the block (0: this block), or one of these.
const (
	completed = -1 // the block ran to its end
	returned  = -2 // a ReturnLocalStmt ended the function
)

// checkEvery is how many loop iterations and calls run between two
// checks of the context, so that a timeout ends an evaluation.
const checkEvery = 1 << 12

func (m *machine) tick() error {
	if m.steps++; m.steps&(checkEvery-1) == 0 {
		return m.ctx.Err()
	}
	return nil
}

// call runs f with args (input, data, then its own) and returns its value,
// nil when undefined.
func (m *machine) call(f *function, args []*ast.Term) (*ast.Term, error) {
	var key scalarKey
	switch f.memo {
	case memoRule:
		if m.memo.known[f.index] {
			return m.memo.rules[f.index], nil
		}
	case memoScalar:
		if scalarArgs(f.index, args[2:], &key) {
			if v, ok := m.memo.scalar[key]; ok {
				return v, nil
			}
		} else {
			key.fn = -1
		}
	}
	if err := m.tick(); err != nil {
		return nil, err
	}
	base := m.sp
	if need := base + f.locals; need > len(m.stack) {
		grown := make([]*ast.Term, max(need, 2*len(m.stack), 256))
		copy(grown, m.stack[:base])
		m.stack = grown
	}
	m.sp = base + f.locals
	// A frame is cleared as it starts: a callee that grew the stack left
	// the copies of the frames below it in the new one as they were then.
	frame := m.stack[base:m.sp:m.sp]
	clear(frame)
	for i, l := range f.args {
		frame[l] = args[i]
	}
	var out *ast.Term
	var err error
	for _, b := range f.blocks {
		var r int
		if r, err = m.exec(frame, b); err != nil || r == returned || r > 0 {
			break
		}
	}
	if err == nil && f.ret >= 0 {
		out = frame[f.ret]
	}
	clear(m.stack[base : base+f.locals]) // nothing kept alive from here
	m.sp = base
	if err != nil {
		return nil, err
	}
	switch f.memo {
	case memoRule:
		m.memo.rules[f.index], m.memo.known[f.index] = out, true
	case memoScalar:
		if key.fn >= 0 {
			m.memo.scalar[key] = out
		}
	}
	return out, nil
}

// scalarArgs fills key with a function's arguments when they are all
// strings, numbers, booleans or null.
func scalarArgs(fn int, args []*ast.Term, key *scalarKey) bool {
	key.fn = fn
	for i, a := range args {
		if a == nil {
			return false
		}
		switch v := a.Value.(type) {
		case ast.String, ast.Number, ast.Boolean, ast.Null:
			key.args[i] = v
		default:
			return false
		}
	}
	return true
}

func (m *machine) read(frame []*ast.Term, o operand) *ast.Term {
	if o.local >= 0 {
		return frame[o.local]
	}
	return o.term
}

// exec runs one block over a frame.
func (m *machine) exec(frame []*ast.Term, b block) (int, error) {
	for i := range b {
		in := &b[i]
		switch in.op {
		case opNop:
		case opReturn:
			return returned, nil
		case opResultSetAdd:
			obj, ok := valueOf[ast.Object](frame[in.a.local])
			if !ok {
				return 0, m.errorf(in, "result is not an object")
			}
			m.results = append(m.results, obj)
		case opBlock:
			for _, inner := range in.blocks {
				r, err := m.exec(frame, inner)
				if err != nil || r == returned {
					return r, err
				}
				if r > 0 {
					return r - 1, nil
				}
			}
		case opBreak:
			return in.n, nil
		case opCall:
			v, err := m.callWith(frame, in.fn, in.args)
			if err != nil {
				return 0, err
			}
			if v == nil {
				return 0, nil
			}
			frame[in.target] = v
		case opCallBuiltin:
			v, err := m.builtin(frame, in)
			if err != nil {
				return 0, err
			}
			if !in.bi.void {
				if v == nil {
					return 0, nil
				}
				frame[in.target] = v
			}
		case opCallDynamic:
			f, ok := m.dynamic(frame, in.path)
			if !ok {
				return 0, nil
			}
			var v *ast.Term
			var err error
			if len(in.args) == f.params {
				v, err = m.callWith(frame, f, in.args)
			}
			if err != nil {
				return 0, err
			}
			if v == nil {
				// Found, undefined: the planner's layout (a dynamic call
				// in two blocks within the ref's own) has the whole ref
				// fail, three blocks out.
				return 3, nil
			}
			frame[in.target] = v
		case opWith:
			r, err := m.with(frame, in)
			if err != nil || r != completed {
				return r, err
			}
		case opAssign:
			frame[in.target] = m.read(frame, in.a)
		case opAssignOnce:
			v := m.read(frame, in.a)
			if prev := frame[in.target]; prev != nil {
				if !equal(prev, v) {
					return 0, m.conflict(in, "functions must not produce multiple outputs for same inputs")
				}
				break
			}
			frame[in.target] = v
		case opScan:
			r, err := m.scan(frame, in)
			if err != nil || r != completed {
				return r, err
			}
		case opNot:
			r, err := m.exec(frame, in.body)
			switch {
			case err != nil || r == returned:
				return r, err
			case r == completed:
				return 0, nil // the negated block held
			case r > 0:
				return r - 1, nil
			}
		case opDot:
			if in.a.local < 0 {
				return 0, nil
			}
			v := dot(frame[in.a.local], m.read(frame, in.b))
			if v == nil {
				return 0, nil
			}
			frame[in.target] = v
		case opLen:
			n, ok := length(m.read(frame, in.a))
			if !ok {
				return 0, nil
			}
			frame[in.target] = ast.InternedTerm(n)
		case opEqual:
			if !equal(m.read(frame, in.a), m.read(frame, in.b)) {
				return 0, nil
			}
		case opNotEqual:
			if equal(m.read(frame, in.a), m.read(frame, in.b)) {
				return 0, nil
			}
		case opMakeNull:
			frame[in.target] = ast.InternedNullTerm
		case opMakeNumber:
			frame[in.target] = in.a.term
		case opMakeArray:
			frame[in.target] = ast.NewTerm(ast.NewArrayWithCapacity(in.n))
		case opMakeObject:
			frame[in.target] = ast.NewTerm(ast.NewObject())
		case opMakeSet:
			frame[in.target] = ast.NewTerm(ast.NewSet())
		case opIsArray:
			if !isType[*ast.Array](frame, in.a) {
				return 0, nil
			}
		case opIsObject:
			if !isType[ast.Object](frame, in.a) {
				return 0, nil
			}
		case opIsSet:
			if !isType[ast.Set](frame, in.a) {
				return 0, nil
			}
		case opIsDefined:
			if frame[in.a.local] == nil {
				return 0, nil
			}
		case opIsUndefined:
			if frame[in.a.local] != nil {
				return 0, nil
			}
		case opResetLocal:
			frame[in.target] = nil
		case opArrayAppend:
			arr, ok := valueOf[*ast.Array](frame[in.target])
			if !ok {
				return 0, m.errorf(in, "append to a non-array")
			}
			frame[in.target] = ast.NewTerm(arr.Append(m.read(frame, in.a)))
		case opObjectInsert:
			obj, ok := valueOf[ast.Object](frame[in.target])
			if !ok {
				return 0, m.errorf(in, "insert into a non-object")
			}
			obj.Insert(m.read(frame, in.a), m.read(frame, in.b))
		case opObjectInsertOnce:
			obj, ok := valueOf[ast.Object](frame[in.target])
			if !ok {
				return 0, m.errorf(in, "insert into a non-object")
			}
			k, v := m.read(frame, in.a), m.read(frame, in.b)
			if prev := obj.Get(k); prev != nil {
				if !equal(prev, v) {
					return 0, m.conflict(in, "object keys must be unique")
				}
				break
			}
			obj.Insert(k, v)
		case opObjectMerge:
			frame[in.target] = merge(frame[in.a.local], frame[in.b.local])
		case opMakeObjectFrom:
			items := make([][2]*ast.Term, len(in.items))
			for j, it := range in.items {
				items[j] = [2]*ast.Term{it[0].term, m.read(frame, it[1])}
			}
			frame[in.target] = ast.NewTerm(ast.NewObject(items...))
		case opMakeBuilder:
			frame[in.target] = &ast.Term{Value: &arrayBuilder{elems: make([]*ast.Term, 0, in.n)}}
		case opBuilderAppend:
			b := frame[in.target].Value.(*arrayBuilder)
			b.elems = append(b.elems, m.read(frame, in.a))
		case opFinishArray:
			frame[in.target] = ast.ArrayTerm(frame[in.target].Value.(*arrayBuilder).elems...)
		case opSetAdd:
			set, ok := valueOf[ast.Set](frame[in.target])
			if !ok {
				return 0, m.errorf(in, "add to a non-set")
			}
			set.Add(m.read(frame, in.a))
		default:
			return 0, m.errorf(in, "unknown opcode %d", in.op)
		}
	}
	return completed, nil
}

// scan runs the body for each element of a collection. In the body, a
// break of index 0 goes on with the next element and one of index 1 ends
// the scan (OPA's WebAssembly has a loop within a block there).
func (m *machine) scan(frame []*ast.Term, in *instr) (int, error) {
	src := frame[in.a.local]
	if src == nil {
		return completed, nil
	}
	switch x := src.Value.(type) {
	case *ast.Array:
		for i := range x.Len() {
			if r, done, err := m.scanOne(frame, in, ast.InternedTerm(i), x.Elem(i)); done {
				return r, err
			}
		}
	case ast.Set:
		for _, e := range x.Slice() {
			if r, done, err := m.scanOne(frame, in, e, e); done {
				return r, err
			}
		}
	case ast.Object:
		var r int
		var err error
		if x.Until(func(k, v *ast.Term) (done bool) {
			r, done, err = m.scanOne(frame, in, k, v)
			return done
		}) {
			return r, err
		}
	}
	return completed, nil
}

// scanOne runs a scan's body for one element. done is true when the scan
// ends there, r then being the scan's own result.
func (m *machine) scanOne(frame []*ast.Term, in *instr, k, v *ast.Term) (r int, done bool, err error) {
	if err := m.tick(); err != nil {
		return 0, true, err
	}
	frame[in.key], frame[in.value] = k, v
	r, err = m.exec(frame, in.body)
	switch {
	case err != nil:
		return 0, true, err
	case r == returned:
		return returned, true, nil
	case r == 1:
		return completed, true, nil
	case r > 1:
		return r - 2, true, nil
	}
	return 0, false, nil
}

// with runs the body with a local (input or data) changed at a path, and
// nothing remembered from outside it.
func (m *machine) with(frame []*ast.Term, in *instr) (int, error) {
	saved, savedMemo := frame[in.target], m.memo
	frame[in.target] = upsert(saved, in.wpath, m.read(frame, in.a))
	m.memo = newMemo(len(m.prog.funcs))
	r, err := m.exec(frame, in.body)
	frame[in.target], m.memo = saved, savedMemo
	switch {
	case err != nil || r == returned:
		return r, err
	case r == completed:
		return completed, nil
	case r == 0:
		return 0, nil // the body did not hold: the with statement fails
	}
	return r - 1, nil
}

// upsert returns a copy of doc with value at path, creating objects on the
// way; doc itself is not changed.
func upsert(doc *ast.Term, path []*ast.Term, value *ast.Term) *ast.Term {
	if len(path) == 0 {
		return value
	}
	obj, ok := valueOf[ast.Object](doc)
	if !ok {
		obj = ast.NewObject()
	} else {
		obj = obj.Copy()
	}
	obj.Insert(path[0], upsert(obj.Get(path[0]), path[1:], value))
	return ast.NewTerm(obj)
}

// merge joins two objects as a rule tree's base and virtual documents
// meet: keys of both are merged when both values are objects, and a's
// value is kept otherwise.
func merge(a, b *ast.Term) *ast.Term {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	oa, ok1 := a.Value.(ast.Object)
	ob, ok2 := b.Value.(ast.Object)
	if !ok1 || !ok2 {
		return a
	}
	out := oa.Copy()
	ob.Foreach(func(k, v *ast.Term) {
		if prev := out.Get(k); prev != nil {
			out.Insert(k, merge(prev, v))
			return
		}
		out.Insert(k, v)
	})
	return ast.NewTerm(out)
}

// callWith calls f with the arguments os read from frame.
func (m *machine) callWith(frame []*ast.Term, f *function, os []operand) (*ast.Term, error) {
	args := m.args(frame, os)
	v, err := m.call(f, args)
	m.release(len(args))
	return v, err
}

// args copies a call's arguments onto the top of the stack.
func (m *machine) args(frame []*ast.Term, os []operand) []*ast.Term {
	out := m.scratch(len(os))
	for i, o := range os {
		out[i] = m.read(frame, o)
	}
	return out
}

// scratch takes n slots above the frames in progress, for the arguments
// of a call; release gives them back.
func (m *machine) scratch(n int) []*ast.Term {
	if need := m.sp + n; need > len(m.stack) {
		grown := make([]*ast.Term, max(need, 2*len(m.stack), 256))
		copy(grown, m.stack[:m.sp])
		m.stack = grown
	}
	out := m.stack[m.sp : m.sp+n : m.sp+n]
	m.sp += n
	return out
}

func (m *machine) release(n int) {
	m.sp -= n
	clear(m.stack[m.sp : m.sp+n])
}

func (m *machine) dynamic(frame []*ast.Term, path []operand) (*function, bool) {
	var key []byte
	for i, o := range path {
		t := m.read(frame, o)
		if t == nil {
			return nil, false
		}
		s, ok := t.Value.(ast.String)
		if !ok {
			return nil, false
		}
		if i > 0 {
			key = append(key, pathSep...)
		}
		key = append(key, s...)
	}
	f, ok := m.prog.dynamic[string(key)]
	return f, ok
}

// builtin calls a built-in: its first output is its value (for a relation,
// every output, as an array). An error makes the call undefined, as OPA's
// evaluator has it without strict built-in errors; a Halt stops the
// evaluation.
func (m *machine) builtin(frame []*ast.Term, in *instr) (*ast.Term, error) {
	args := m.args(frame, in.args)
	defer m.release(len(args))
	m.bctx.Location = in.loc
	m.out, m.outs, m.relation = nil, m.outs[:0], in.bi.relation
	err := in.bi.f(m.bctx, args, m.emitFn)
	if err != nil {
		var halt topdown.Halt
		if errors.As(err, &halt) {
			return nil, halt.Err
		}
		return nil, nil
	}
	if in.bi.relation {
		return ast.ArrayTerm(slices.Clone(m.outs)...), nil
	}
	return m.out, nil
}

// emit receives a built-in's outputs.
func (m *machine) emit(t *ast.Term) error {
	if m.relation {
		m.outs = append(m.outs, t)
	} else if m.out == nil {
		m.out = t
	}
	return nil
}

// Error is an evaluation error at a statement of the policies.
type Error struct {
	Code     string
	Message  string
	Location *ast.Location
}

func (e *Error) Error() string {
	if e.Location != nil {
		return fmt.Sprintf("%s:%d: %s: %s", e.Location.File, e.Location.Row, e.Code, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (m *machine) conflict(in *instr, msg string) error {
	return &Error{Code: topdown.ConflictErr, Message: msg, Location: in.loc}
}

func (m *machine) errorf(in *instr, format string, args ...any) error {
	return &Error{Code: topdown.InternalErr, Message: fmt.Sprintf(format, args...), Location: in.loc}
}

func equal(a, b *ast.Term) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a == b {
		return true
	}
	return a.Value.Compare(b.Value) == 0
}

func dot(src, key *ast.Term) *ast.Term {
	if src == nil || key == nil {
		return nil
	}
	switch x := src.Value.(type) {
	case ast.Object:
		return x.Get(key)
	case *ast.Array:
		return x.Get(key)
	case ast.Set:
		if x.Contains(key) {
			return key
		}
	}
	return nil
}

func length(t *ast.Term) (int, bool) {
	if t == nil {
		return 0, false
	}
	switch x := t.Value.(type) {
	case *ast.Array:
		return x.Len(), true
	case ast.Object:
		return x.Len(), true
	case ast.Set:
		return x.Len(), true
	case ast.String:
		return utf8.RuneCountInString(string(x)), true
	}
	return 0, false
}

func isType[T ast.Value](frame []*ast.Term, o operand) bool {
	if o.local < 0 {
		return false
	}
	_, ok := valueOf[T](frame[o.local])
	return ok
}

func valueOf[T ast.Value](t *ast.Term) (T, bool) {
	var zero T
	if t == nil {
		return zero, false
	}
	v, ok := t.Value.(T)
	return v, ok
}

// arrayBuilder is an array being filled (opMakeBuilder, opBuilderAppend),
// until opFinishArray makes it an ast.Array. It is a Value only to be held
// in a frame; no statement but those three reads it (buildArrays).
type arrayBuilder struct{ elems []*ast.Term }

func (b *arrayBuilder) Compare(ast.Value) int           { panic("vm: an unfinished array was read") }
func (b *arrayBuilder) Find(ast.Ref) (ast.Value, error) { panic("vm: an unfinished array was read") }
func (b *arrayBuilder) Hash() int                       { panic("vm: an unfinished array was read") }
func (b *arrayBuilder) IsGround() bool                  { panic("vm: an unfinished array was read") }
func (b *arrayBuilder) String() string                  { return "<unfinished array>" }
func (b *arrayBuilder) StringLength() int               { return len(b.String()) }
