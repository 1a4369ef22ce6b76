// Package vm evaluates a query as OPA's planner lays it out (package ir,
// the form OPA compiles to WebAssembly): functions of blocks of
// statements over numbered locals. OPA's own evaluator (topdown) unifies
// terms under bindings and keeps a trail to undo them; a plan has resolved
// all of that at compile time, so what runs per fact is a loop over
// statements that read and write a slice. The values are OPA's own
// (package ast) and the built-ins are OPA's (package topdown), so the
// results are the ones topdown gives; the engine's tests compare the two
// on every estate.
package vm

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/ir"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// Program is a plan ready to run: statements with their operands,
// functions and built-ins resolved to pointers. It is read-only, so any
// number of evaluations may share it.
type Program struct {
	plan  *function
	funcs []*function
	// dynamic maps the paths of functions a CallDynamicStmt may reach,
	// joined by pathSep, to the functions.
	dynamic map[string]*function
	data    *ast.Term
}

// function is a planned function, or the plan itself (params input and
// data, no return).
type function struct {
	name   string
	index  int
	params int
	args   []int32 // the locals the arguments are copied to
	locals int
	ret    int32
	blocks []block
	memo   memoKind
}

type memoKind uint8

const (
	// memoNone: a function of more than memoArgs arguments, never
	// remembered.
	memoNone memoKind = iota
	// memoRule: a rule (arguments input and data only), remembered for
	// the evaluation as OPA remembers a rule's value.
	memoRule
	// memoScalar: a function remembered per arguments when they are all
	// scalars (a call with an object, array or set is not), as the
	// engine's topdown cache remembers them (engine.callCache).
	memoScalar
)

// memoArgs is the most arguments of a remembered function call.
const memoArgs = 3

type block []instr

type opcode uint8

const (
	opNop opcode = iota
	opReturn
	opResultSetAdd
	opBlock
	opBreak
	opCall
	opCallBuiltin
	opCallDynamic
	opWith
	opAssign
	opAssignOnce
	opScan
	opNot
	opDot
	opLen
	opEqual
	opNotEqual
	opMakeNull
	opMakeNumber
	opMakeArray
	opMakeObject
	opMakeSet
	opIsArray
	opIsObject
	opIsSet
	opIsDefined
	opIsUndefined
	opResetLocal
	opArrayAppend
	opObjectInsert
	opObjectInsertOnce
	opObjectMerge
	opSetAdd
	opMakeObjectFrom
	opMakeBuilder
	opBuilderAppend
	opFinishArray
)

// operand is a local (local >= 0) or a constant term.
type operand struct {
	local int32
	term  *ast.Term
}

// instr is one statement. Which fields an opcode reads is written at its
// case in compileStmt.
type instr struct {
	op     opcode
	a, b   operand
	target int32
	n      int
	blocks []block
	body   block
	key    int32
	value  int32
	fn     *function
	bi     *builtin
	args   []operand
	path   []operand
	wpath  []*ast.Term
	items  [][2]operand // opMakeObjectFrom: keys and values
	loc    *ast.Location
}

// builtin is a built-in function the plan calls.
type builtin struct {
	name     string
	f        topdown.BuiltinFunc
	void     bool
	relation bool
}

const pathSep = "\x00"

// Compile resolves a plan. builtins are the functions registered for the
// query besides OPA's own (rego.Function options), looked up first.
func Compile(p *ir.Policy, builtins map[string]*topdown.Builtin) (*Program, error) {
	if p == nil || p.Plans == nil || len(p.Plans.Plans) != 1 {
		return nil, errors.New("vm: the policy must have exactly one plan")
	}
	c := &compiler{
		prog:    &Program{dynamic: map[string]*function{}, data: ast.NewTerm(ast.NewObject())},
		byName:  map[string]*function{},
		bis:     map[string]*builtin{},
		strings: make([]*ast.Term, len(p.Static.Strings)),
	}
	for i, s := range p.Static.Strings {
		c.strings[i] = ast.StringTerm(s.Value)
	}
	for _, f := range p.Static.Files {
		c.files = append(c.files, f.Value)
	}
	for _, d := range p.Static.BuiltinFuncs {
		b := &builtin{name: d.Name, void: d.Decl != nil && d.Decl.Result() == nil, f: implementation(d.Name, builtins)}
		if b.f == nil {
			return nil, fmt.Errorf("vm: no implementation of built-in %q", d.Name)
		}
		if decl, ok := ast.BuiltinMap[d.Name]; ok {
			b.relation = decl.Relation
		}
		c.bis[d.Name] = b
	}
	if p.Funcs != nil {
		for i, f := range p.Funcs.Funcs {
			fn := &function{name: f.Name, index: i, params: len(f.Params), ret: int32(f.Return)}
			c.byName[f.Name] = fn
			c.prog.funcs = append(c.prog.funcs, fn)
			if len(f.Path) > 0 {
				c.prog.dynamic[strings.Join(f.Path, pathSep)] = fn
			}
		}
		for i, f := range p.Funcs.Funcs {
			fn := c.prog.funcs[i]
			c.locals = max(int(f.Return), 0)
			for _, l := range f.Params {
				fn.args = append(fn.args, c.local(l))
			}
			blocks, err := c.blocks(f.Blocks)
			if err != nil {
				return nil, fmt.Errorf("vm: function %s: %w", f.Name, err)
			}
			buildArrays(blocks)
			fn.blocks, fn.locals = blocks, c.locals+1
			switch {
			case fn.params == 2:
				fn.memo = memoRule
			case fn.params-2 <= memoArgs:
				fn.memo = memoScalar
			}
		}
	}
	plan := p.Plans.Plans[0]
	c.locals = int(ir.Data)
	blocks, err := c.blocks(plan.Blocks)
	if err != nil {
		return nil, fmt.Errorf("vm: plan %s: %w", plan.Name, err)
	}
	buildArrays(blocks)
	c.prog.plan = &function{name: plan.Name, index: -1, params: 2, args: []int32{int32(ir.Input), int32(ir.Data)}, locals: c.locals + 1, ret: -1, blocks: blocks}
	return c.prog, nil
}

// implementation is the function of a built-in: one of the query's own
// (rego.Function…), else OPA's; nil when neither has it.
func implementation(name string, builtins map[string]*topdown.Builtin) topdown.BuiltinFunc {
	if x := builtins[name]; x != nil && x.Func != nil {
		return x.Func
	}
	return topdown.GetBuiltin(name)
}

type compiler struct {
	prog    *Program
	byName  map[string]*function
	bis     map[string]*builtin
	strings []*ast.Term
	files   []string
	locals  int // the highest local of the function being compiled
}

func (c *compiler) blocks(bs []*ir.Block) ([]block, error) {
	out := make([]block, len(bs))
	for i, b := range bs {
		var err error
		if out[i], err = c.block(b); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (c *compiler) block(b *ir.Block) (block, error) {
	if b == nil {
		return nil, nil
	}
	out := make(block, len(b.Stmts))
	for i, s := range b.Stmts {
		if err := c.stmt(s, &out[i]); err != nil {
			return nil, err
		}
		if l := s.GetLocation(); l != nil {
			out[i].loc = &ast.Location{Row: l.Row, Col: l.Col}
			if l.File >= 0 && l.File < len(c.files) {
				out[i].loc.File = c.files[l.File]
			}
		}
	}
	c.fuse(out)
	return out, nil
}

// fuse builds an object literal in one step: MakeObjectStmt and the
// ObjectInsertStmts into it that follow in the same block become one
// statement at the last insert, which allocates the object at its size
// (ast.NewObject) instead of growing it key by key. It applies while the
// object is read by nothing else and its constant keys are distinct, and
// no statement in between writes a local it inserts.
func (c *compiler) fuse(b block) {
	for i := range b {
		if b[i].op != opMakeObject {
			continue
		}
		obj := b[i].target
		var inserts []int
		keys := map[*ast.Term]bool{}
		used := map[int32]bool{}
	scan:
		for j := i + 1; j < len(b); j++ {
			in := &b[j]
			if in.op == opObjectInsert && in.target == obj && in.a.local < 0 && !keys[in.a.term] && in.b.local != obj {
				inserts = append(inserts, j)
				keys[in.a.term] = true
				if in.b.local >= 0 {
					used[in.b.local] = true
				}
				continue
			}
			touched := false
			walk(b[j:j+1], func(x *instr) {
				visit(x, func(l int32, write bool) {
					if l == obj || (write && used[l]) {
						touched = true
					}
				})
			})
			if touched {
				break scan
			}
		}
		if len(inserts) == 0 {
			continue
		}
		// Distinct constant keys that are equal as values would collide.
		terms := make([]*ast.Term, 0, len(keys))
		for k := range keys {
			terms = append(terms, k)
		}
		if ast.NewSet(terms...).Len() != len(terms) {
			continue
		}
		last := &b[inserts[len(inserts)-1]]
		items := make([][2]operand, len(inserts))
		for n, j := range inserts {
			items[n] = [2]operand{b[j].a, b[j].b}
			if j != inserts[len(inserts)-1] {
				b[j] = instr{op: opNop}
			}
		}
		*last = instr{op: opMakeObjectFrom, target: obj, items: items, loc: last.loc}
		b[i] = instr{op: opNop}
	}
}

// visit calls f with each local a statement reads or writes, not those of
// the blocks in it (walk goes into those).
func visit(in *instr, f func(l int32, write bool)) {
	read := func(o operand) {
		if o.local >= 0 {
			f(o.local, false)
		}
	}
	read(in.a)
	read(in.b)
	for _, o := range in.args {
		read(o)
	}
	for _, o := range in.path {
		read(o)
	}
	for _, it := range in.items {
		read(it[0])
		read(it[1])
	}
	switch in.op {
	case opNop, opReturn, opResultSetAdd, opBlock, opBreak, opNot, opEqual, opNotEqual,
		opIsArray, opIsObject, opIsSet, opIsDefined, opIsUndefined:
	case opScan:
		f(in.key, true)
		f(in.value, true)
	case opWith:
		f(in.target, false)
		f(in.target, true)
	default:
		// The remaining statements write their target; those that
		// change a collection in place also read it.
		f(in.target, false)
		f(in.target, true)
	}
}

func (c *compiler) local(l ir.Local) int32 {
	c.locals = max(c.locals, int(l))
	return int32(l)
}

func (c *compiler) operand(o ir.Operand) (operand, error) {
	switch v := o.Value.(type) {
	case ir.Local:
		return operand{local: c.local(v)}, nil
	case ir.Bool:
		return operand{local: -1, term: ast.InternedTerm(bool(v))}, nil
	case ir.StringIndex:
		if int(v) < 0 || int(v) >= len(c.strings) {
			return operand{}, fmt.Errorf("string %d out of range", v)
		}
		return operand{local: -1, term: c.strings[v]}, nil
	}
	return operand{}, fmt.Errorf("unknown operand %T", o.Value)
}

func (c *compiler) pair(a, b ir.Operand) (operand, operand, error) {
	x, err := c.operand(a)
	if err != nil {
		return x, operand{}, err
	}
	y, err := c.operand(b)
	return x, y, err
}

func (c *compiler) operands(os []ir.Operand) ([]operand, error) {
	out := make([]operand, len(os))
	for i, o := range os {
		var err error
		if out[i], err = c.operand(o); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (c *compiler) str(i int) (*ast.Term, error) {
	if i < 0 || i >= len(c.strings) {
		return nil, fmt.Errorf("string %d out of range", i)
	}
	return c.strings[i], nil
}

// stmt compiles one statement into in.
func (c *compiler) stmt(s ir.Stmt, in *instr) error {
	var err error
	switch s := s.(type) {
	case *ir.NopStmt:
		in.op = opNop
	case *ir.ReturnLocalStmt:
		in.op, in.a = opReturn, operand{local: c.local(s.Source)}
	case *ir.ResultSetAddStmt:
		in.op, in.a = opResultSetAdd, operand{local: c.local(s.Value)}
	case *ir.BlockStmt:
		in.op = opBlock
		in.blocks, err = c.blocks(s.Blocks)
	case *ir.BreakStmt:
		in.op, in.n = opBreak, int(s.Index)
	case *ir.CallStmt:
		in.target = c.local(s.Result)
		if in.args, err = c.operands(s.Args); err != nil {
			return err
		}
		if fn, ok := c.byName[s.Func]; ok {
			in.op, in.fn = opCall, fn
			if len(in.args) != fn.params {
				return fmt.Errorf("call of %s with %d arguments, not %d", s.Func, len(in.args), fn.params)
			}
			return nil
		}
		b, ok := c.bis[s.Func]
		if !ok {
			return fmt.Errorf("call of unknown function %q", s.Func)
		}
		in.op, in.bi = opCallBuiltin, b
	case *ir.CallDynamicStmt:
		in.op, in.target = opCallDynamic, c.local(s.Result)
		for _, l := range s.Args {
			in.args = append(in.args, operand{local: c.local(l)})
		}
		in.path, err = c.operands(s.Path)
	case *ir.WithStmt:
		in.op, in.target = opWith, c.local(s.Local)
		if in.a, err = c.operand(s.Value); err != nil {
			return err
		}
		for _, i := range s.Path {
			t, err := c.str(i)
			if err != nil {
				return err
			}
			in.wpath = append(in.wpath, t)
		}
		in.body, err = c.block(s.Block)
	case *ir.AssignVarStmt:
		in.op, in.target = opAssign, c.local(s.Target)
		in.a, err = c.operand(s.Source)
	case *ir.AssignVarOnceStmt:
		in.op, in.target = opAssignOnce, c.local(s.Target)
		in.a, err = c.operand(s.Source)
	case *ir.AssignIntStmt:
		// OPA's WebAssembly sets the number in place; a new one is the
		// same to every reader of the local.
		in.op, in.target = opMakeNumber, c.local(s.Target)
		in.a = operand{local: -1, term: ast.InternedTerm(int(s.Value))}
	case *ir.ScanStmt:
		in.op, in.a = opScan, operand{local: c.local(s.Source)}
		in.key, in.value = c.local(s.Key), c.local(s.Value)
		in.body, err = c.block(s.Block)
	case *ir.NotStmt:
		in.op = opNot
		in.body, err = c.block(s.Block)
	case *ir.DotStmt:
		in.op, in.target = opDot, c.local(s.Target)
		in.a, in.b, err = c.pair(s.Source, s.Key)
	case *ir.LenStmt:
		in.op, in.target = opLen, c.local(s.Target)
		in.a, err = c.operand(s.Source)
	case *ir.EqualStmt:
		in.op = opEqual
		in.a, in.b, err = c.pair(s.A, s.B)
	case *ir.NotEqualStmt:
		in.op = opNotEqual
		in.a, in.b, err = c.pair(s.A, s.B)
	case *ir.MakeNullStmt:
		in.op, in.target = opMakeNull, c.local(s.Target)
	case *ir.MakeNumberIntStmt:
		in.op, in.target = opMakeNumber, c.local(s.Target)
		in.a = operand{local: -1, term: ast.InternedTerm(int(s.Value))}
	case *ir.MakeNumberRefStmt:
		in.op, in.target = opMakeNumber, c.local(s.Target)
		t, err := c.str(s.Index)
		if err != nil {
			return err
		}
		in.a = operand{local: -1, term: ast.NewTerm(ast.Number(t.Value.(ast.String)))}
	case *ir.MakeArrayStmt:
		in.op, in.target, in.n = opMakeArray, c.local(s.Target), int(s.Capacity)
	case *ir.MakeObjectStmt:
		in.op, in.target = opMakeObject, c.local(s.Target)
	case *ir.MakeSetStmt:
		in.op, in.target = opMakeSet, c.local(s.Target)
	case *ir.IsArrayStmt:
		in.op = opIsArray
		in.a, err = c.operand(s.Source)
	case *ir.IsObjectStmt:
		in.op = opIsObject
		in.a, err = c.operand(s.Source)
	case *ir.IsSetStmt:
		in.op = opIsSet
		in.a, err = c.operand(s.Source)
	case *ir.IsDefinedStmt:
		in.op, in.a = opIsDefined, operand{local: c.local(s.Source)}
	case *ir.IsUndefinedStmt:
		in.op, in.a = opIsUndefined, operand{local: c.local(s.Source)}
	case *ir.ResetLocalStmt:
		in.op, in.target = opResetLocal, c.local(s.Target)
	case *ir.ArrayAppendStmt:
		in.op, in.target = opArrayAppend, c.local(s.Array)
		in.a, err = c.operand(s.Value)
	case *ir.ObjectInsertStmt:
		in.op, in.target = opObjectInsert, c.local(s.Object)
		in.a, in.b, err = c.pair(s.Key, s.Value)
	case *ir.ObjectInsertOnceStmt:
		in.op, in.target = opObjectInsertOnce, c.local(s.Object)
		in.a, in.b, err = c.pair(s.Key, s.Value)
	case *ir.ObjectMergeStmt:
		in.op, in.target = opObjectMerge, c.local(s.Target)
		in.a, in.b = operand{local: c.local(s.A)}, operand{local: c.local(s.B)}
	case *ir.SetAddStmt:
		in.op, in.target = opSetAdd, c.local(s.Set)
		in.a, err = c.operand(s.Value)
	default:
		return fmt.Errorf("unsupported statement %T", s)
	}
	return err
}

// buildArrays has an array that a function fills (a comprehension, a
// literal) appended to as a Go slice and made an OPA array once, where it
// is first read: ast.Array.Append copies the array's header on every
// element. It applies to a MakeArrayStmt whose array the same block reads
// after the appends, and which nothing else in the function refers to:
// should the block exit before that read, nothing sees the unfinished
// array.
func buildArrays(blocks []block) {
	refs := map[int32]int{}
	for _, b := range blocks {
		walk(b, func(in *instr) {
			visit(in, func(l int32, write bool) {
				if !write {
					refs[l]++
				}
			})
		})
	}
	var rewrite func(b block) block
	rewrite = func(b block) block {
		for i := 0; i < len(b); i++ {
			in := &b[i]
			for k := range in.blocks {
				in.blocks[k] = rewrite(in.blocks[k])
			}
			in.body = rewrite(in.body)
			if in.op != opMakeArray {
				continue
			}
			arr, appends, read := in.target, 0, -1
			for j := i + 1; j < len(b) && read < 0; j++ {
				n, other := 0, false
				walk(b[j:j+1], func(x *instr) {
					if x.op == opArrayAppend && x.target == arr && x.a.local != arr {
						n++
						return
					}
					visit(x, func(l int32, _ bool) {
						if l == arr {
							other = true
						}
					})
				})
				if other {
					if n > 0 {
						break // appended to and read in one statement
					}
					read = j
				}
				appends += n
			}
			// The make and each append read the array once as visit
			// counts; the statement that reads it after them must hold
			// the function's last references to it.
			if read < 0 {
				continue
			}
			if reads, written := uses(b[read], arr); written || refs[arr] != 1+appends+reads {
				continue
			}
			in.op = opMakeBuilder
			walk(b[i+1:read], func(x *instr) {
				if x.op == opArrayAppend && x.target == arr {
					x.op = opBuilderAppend
				}
			})
			b = slices.Insert(b, read, instr{op: opFinishArray, target: arr, loc: b[read].loc})
		}
		return b
	}
	for k := range blocks {
		blocks[k] = rewrite(blocks[k])
	}
}

// walk calls f with each statement of a block and the blocks within it.
func walk(b block, f func(*instr)) {
	for k := range b {
		in := &b[k]
		f(in)
		for _, inner := range in.blocks {
			walk(inner, f)
		}
		walk(in.body, f)
	}
}

// uses counts the reads of local l in a statement and the blocks within
// it, and says whether any of them writes it.
func uses(in instr, l int32) (reads int, written bool) {
	walk(block{in}, func(x *instr) {
		visit(x, func(r int32, write bool) {
			switch {
			case r != l:
			case write:
				written = true
			default:
				reads++
			}
		})
	})
	return reads, written
}
