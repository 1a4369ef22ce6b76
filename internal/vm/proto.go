package vm

import (
	"fmt"

	"github.com/open-policy-agent/opa/v1/ir"
	pb "github.com/open-policy-agent/opa/v1/ir/v1pb"
	"google.golang.org/protobuf/proto"
)

// EncodePolicy writes a plan in OPA's protobuf wire form (v1/ir/plan.proto),
// deterministically: the same plan gives the same bytes. The built-ins'
// declarations are not in that form; Compile looks them up by name.
func EncodePolicy(p *ir.Policy) ([]byte, error) {
	m, err := ir.PolicyToProto(p)
	if err != nil {
		return nil, err
	}
	return proto.MarshalOptions{Deterministic: true}.Marshal(m)
}

// DecodePolicy reads a plan EncodePolicy wrote. OPA encodes its plans in
// this form but has no decoder; this is the inverse of ir.PolicyToProto.
func DecodePolicy(data []byte) (p *ir.Policy, err error) {
	var m pb.Policy
	if err := proto.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("vm: decode plan: %w", err)
	}
	d := &decoder{}
	p = &ir.Policy{}
	if s := m.GetStatic(); s != nil {
		p.Static = &ir.Static{}
		for _, c := range s.GetStrings() {
			p.Static.Strings = append(p.Static.Strings, &ir.StringConst{Value: c.GetValue()})
		}
		for _, b := range s.GetBuiltinFuncs() {
			p.Static.BuiltinFuncs = append(p.Static.BuiltinFuncs, &ir.BuiltinFunc{Name: b.GetName()})
		}
		for _, f := range s.GetFiles() {
			p.Static.Files = append(p.Static.Files, &ir.StringConst{Value: f.GetValue()})
		}
	}
	if ps := m.GetPlans(); ps != nil {
		p.Plans = &ir.Plans{}
		for _, pl := range ps.GetPlans() {
			p.Plans.Plans = append(p.Plans.Plans, &ir.Plan{Name: pl.GetName(), Blocks: d.blocks(pl.GetBlocks())})
		}
	}
	if fs := m.GetFuncs(); fs != nil {
		p.Funcs = &ir.Funcs{}
		for _, f := range fs.GetFuncs() {
			fn := &ir.Func{Name: f.GetName(), Return: ir.Local(f.GetResult()), Blocks: d.blocks(f.GetBlocks()), Path: f.GetPath()}
			for _, l := range f.GetParams() {
				fn.Params = append(fn.Params, ir.Local(l))
			}
			p.Funcs.Funcs = append(p.Funcs.Funcs, fn)
		}
	}
	if d.err != nil {
		return nil, fmt.Errorf("vm: decode plan: %w", d.err)
	}
	return p, nil
}

// decoder turns protobuf statements back into ir's; err is the first
// malformed part.
type decoder struct{ err error }

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf(format, args...)
	}
}

func (d *decoder) blocks(bs []*pb.Block) []*ir.Block {
	if bs == nil {
		return nil
	}
	out := make([]*ir.Block, len(bs))
	for i, b := range bs {
		out[i] = d.block(b)
	}
	return out
}

func (d *decoder) block(b *pb.Block) *ir.Block {
	if b == nil {
		return nil
	}
	out := &ir.Block{Stmts: make([]ir.Stmt, 0, len(b.GetStmts()))}
	for _, s := range b.GetStmts() {
		if x := d.stmt(s); x != nil {
			out.Stmts = append(out.Stmts, x)
		}
	}
	return out
}

func (d *decoder) operand(o *pb.Operand) ir.Operand {
	switch v := o.GetValue().GetKind().(type) {
	case *pb.Val_Local:
		return ir.Operand{Value: ir.Local(v.Local)}
	case *pb.Val_StringIndex:
		return ir.Operand{Value: ir.StringIndex(v.StringIndex)}
	case *pb.Val_Bool:
		return ir.Operand{Value: ir.Bool(v.Bool)}
	}
	d.fail("an operand without a value")
	return ir.Operand{Value: ir.Bool(false)}
}

func (d *decoder) operands(os []*pb.Operand) []ir.Operand {
	if os == nil {
		return nil
	}
	out := make([]ir.Operand, len(os))
	for i, o := range os {
		out[i] = d.operand(o)
	}
	return out
}

func locals(ls []int32) []ir.Local {
	if ls == nil {
		return nil
	}
	out := make([]ir.Local, len(ls))
	for i, l := range ls {
		out[i] = ir.Local(l)
	}
	return out
}

func (d *decoder) stmt(s *pb.Stmt) ir.Stmt {
	var out ir.Stmt
	switch k := s.GetKind().(type) {
	case *pb.Stmt_ArrayAppendStmt:
		x := k.ArrayAppendStmt
		out = &ir.ArrayAppendStmt{Value: d.operand(x.GetValue()), Array: ir.Local(x.GetArray())}
	case *pb.Stmt_AssignIntStmt:
		x := k.AssignIntStmt
		out = &ir.AssignIntStmt{Value: x.GetValue(), Target: ir.Local(x.GetTarget())}
	case *pb.Stmt_AssignVarOnceStmt:
		x := k.AssignVarOnceStmt
		out = &ir.AssignVarOnceStmt{Source: d.operand(x.GetSource()), Target: ir.Local(x.GetTarget())}
	case *pb.Stmt_AssignVarStmt:
		x := k.AssignVarStmt
		out = &ir.AssignVarStmt{Source: d.operand(x.GetSource()), Target: ir.Local(x.GetTarget())}
	case *pb.Stmt_BlockStmt:
		out = &ir.BlockStmt{Blocks: d.blocks(k.BlockStmt.GetBlocks())}
	case *pb.Stmt_BreakStmt:
		out = &ir.BreakStmt{Index: k.BreakStmt.GetIndex()}
	case *pb.Stmt_CallDynamicStmt:
		x := k.CallDynamicStmt
		out = &ir.CallDynamicStmt{Args: locals(x.GetArgs()), Result: ir.Local(x.GetResult()), Path: d.operands(x.GetPath())}
	case *pb.Stmt_CallStmt:
		x := k.CallStmt
		out = &ir.CallStmt{Func: x.GetFunction(), Args: d.operands(x.GetArgs()), Result: ir.Local(x.GetResult())}
	case *pb.Stmt_DotStmt:
		x := k.DotStmt
		out = &ir.DotStmt{Source: d.operand(x.GetSource()), Key: d.operand(x.GetKey()), Target: ir.Local(x.GetTarget())}
	case *pb.Stmt_EqualStmt:
		x := k.EqualStmt
		out = &ir.EqualStmt{A: d.operand(x.GetA()), B: d.operand(x.GetB())}
	case *pb.Stmt_IsArrayStmt:
		out = &ir.IsArrayStmt{Source: d.operand(k.IsArrayStmt.GetSource())}
	case *pb.Stmt_IsDefinedStmt:
		out = &ir.IsDefinedStmt{Source: ir.Local(k.IsDefinedStmt.GetSource())}
	case *pb.Stmt_IsObjectStmt:
		out = &ir.IsObjectStmt{Source: d.operand(k.IsObjectStmt.GetSource())}
	case *pb.Stmt_IsSetStmt:
		out = &ir.IsSetStmt{Source: d.operand(k.IsSetStmt.GetSource())}
	case *pb.Stmt_IsUndefinedStmt:
		out = &ir.IsUndefinedStmt{Source: ir.Local(k.IsUndefinedStmt.GetSource())}
	case *pb.Stmt_LenStmt:
		x := k.LenStmt
		out = &ir.LenStmt{Source: d.operand(x.GetSource()), Target: ir.Local(x.GetTarget())}
	case *pb.Stmt_MakeArrayStmt:
		x := k.MakeArrayStmt
		out = &ir.MakeArrayStmt{Capacity: x.GetCapacity(), Target: ir.Local(x.GetTarget())}
	case *pb.Stmt_MakeNullStmt:
		out = &ir.MakeNullStmt{Target: ir.Local(k.MakeNullStmt.GetTarget())}
	case *pb.Stmt_MakeNumberIntStmt:
		x := k.MakeNumberIntStmt
		out = &ir.MakeNumberIntStmt{Value: x.GetValue(), Target: ir.Local(x.GetTarget())}
	case *pb.Stmt_MakeNumberRefStmt:
		x := k.MakeNumberRefStmt
		out = &ir.MakeNumberRefStmt{Index: int(x.GetIndex()), Target: ir.Local(x.GetTarget())}
	case *pb.Stmt_MakeObjectStmt:
		out = &ir.MakeObjectStmt{Target: ir.Local(k.MakeObjectStmt.GetTarget())}
	case *pb.Stmt_MakeSetStmt:
		out = &ir.MakeSetStmt{Target: ir.Local(k.MakeSetStmt.GetTarget())}
	case *pb.Stmt_NopStmt:
		out = &ir.NopStmt{}
	case *pb.Stmt_NotEqualStmt:
		x := k.NotEqualStmt
		out = &ir.NotEqualStmt{A: d.operand(x.GetA()), B: d.operand(x.GetB())}
	case *pb.Stmt_NotStmt:
		out = &ir.NotStmt{Block: d.block(k.NotStmt.GetBlock())}
	case *pb.Stmt_ObjectInsertOnceStmt:
		x := k.ObjectInsertOnceStmt
		out = &ir.ObjectInsertOnceStmt{Key: d.operand(x.GetKey()), Value: d.operand(x.GetValue()), Object: ir.Local(x.GetObject())}
	case *pb.Stmt_ObjectInsertStmt:
		x := k.ObjectInsertStmt
		out = &ir.ObjectInsertStmt{Key: d.operand(x.GetKey()), Value: d.operand(x.GetValue()), Object: ir.Local(x.GetObject())}
	case *pb.Stmt_ObjectMergeStmt:
		x := k.ObjectMergeStmt
		out = &ir.ObjectMergeStmt{A: ir.Local(x.GetA()), B: ir.Local(x.GetB()), Target: ir.Local(x.GetTarget())}
	case *pb.Stmt_ResetLocalStmt:
		out = &ir.ResetLocalStmt{Target: ir.Local(k.ResetLocalStmt.GetTarget())}
	case *pb.Stmt_ResultSetAddStmt:
		out = &ir.ResultSetAddStmt{Value: ir.Local(k.ResultSetAddStmt.GetValue())}
	case *pb.Stmt_ReturnLocalStmt:
		out = &ir.ReturnLocalStmt{Source: ir.Local(k.ReturnLocalStmt.GetSource())}
	case *pb.Stmt_ScanStmt:
		x := k.ScanStmt
		out = &ir.ScanStmt{Source: ir.Local(x.GetSource()), Key: ir.Local(x.GetKey()), Value: ir.Local(x.GetValue()), Block: d.block(x.GetBlock())}
	case *pb.Stmt_SetAddStmt:
		x := k.SetAddStmt
		out = &ir.SetAddStmt{Value: d.operand(x.GetValue()), Set: ir.Local(x.GetSet())}
	case *pb.Stmt_WithStmt:
		x := k.WithStmt
		w := &ir.WithStmt{Local: ir.Local(x.GetLocal()), Value: d.operand(x.GetValue()), Block: d.block(x.GetBlock())}
		for _, i := range x.GetPath() {
			w.Path = append(w.Path, int(i))
		}
		out = w
	case nil:
		d.fail("a statement of no kind")
		return nil
	default:
		d.fail("a statement of unknown kind %T", k)
		return nil
	}
	*out.GetLocation() = ir.Location{File: int(s.GetFile()), Col: int(s.GetCol()), Row: int(s.GetRow()), EndCol: int(s.GetEndCol()), EndRow: int(s.GetEndRow())}
	return out
}
