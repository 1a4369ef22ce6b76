package engine

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// A decision is decoded from OPA's values straight into the result types,
// as encoding/json would decode its JSON: the JSON round trip it replaces
// (values → interfaces → JSON → structs) held three copies of a large
// decision at once and cost a tenth of the evaluation (BENCHMARKS.md).

// rawValue makes a query's results OPA's own values, not JSON-like
// interfaces.
var rawValue = rego.EvalGenerateJSON(func(t *ast.Term, _ *rego.EvalContext) (any, error) {
	return t.Value, nil
})

// decodeInto decodes an OPA value into out, a pointer.
func decodeInto(v any, out any) error {
	val, ok := v.(ast.Value)
	if !ok {
		return fmt.Errorf("decode decision: %T is not an OPA value", v)
	}
	rv := reflect.ValueOf(out)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("decode decision: %T is not a pointer", out)
	}
	if err := decode(val, rv.Elem()); err != nil {
		return fmt.Errorf("decode decision: %w", err)
	}
	return nil
}

// decode follows encoding/json's rules for the kinds the result types use:
// null leaves a value zero (nil for slices, maps, pointers and interfaces),
// an empty array gives an empty slice, unknown object keys are ignored,
// numbers in interfaces are float64, sets are arrays in their order.
func decode(v ast.Value, out reflect.Value) error {
	if _, ok := v.(ast.Null); ok {
		switch out.Kind() {
		case reflect.Interface, reflect.Pointer, reflect.Map, reflect.Slice:
			out.SetZero()
		}
		return nil
	}
	switch out.Kind() {
	case reflect.Pointer:
		p := reflect.New(out.Type().Elem())
		if err := decode(v, p.Elem()); err != nil {
			return err
		}
		out.Set(p)
		return nil
	case reflect.Interface:
		if out.NumMethod() != 0 {
			return fmt.Errorf("cannot decode into %s", out.Type())
		}
		x, err := generic(v)
		if err != nil {
			return err
		}
		if x == nil {
			out.SetZero()
		} else {
			out.Set(reflect.ValueOf(x))
		}
		return nil
	case reflect.String:
		s, ok := v.(ast.String)
		if !ok {
			return mismatch(v, out)
		}
		out.SetString(string(s))
	case reflect.Bool:
		b, ok := v.(ast.Boolean)
		if !ok {
			return mismatch(v, out)
		}
		out.SetBool(bool(b))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := v.(ast.Number)
		if !ok {
			return mismatch(v, out)
		}
		i, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil || out.OverflowInt(i) {
			return fmt.Errorf("number %s does not fit %s", n, out.Type())
		}
		out.SetInt(i)
	case reflect.Float32, reflect.Float64:
		n, ok := v.(ast.Number)
		if !ok {
			return mismatch(v, out)
		}
		f, err := strconv.ParseFloat(string(n), out.Type().Bits())
		if err != nil {
			return fmt.Errorf("number %s: %w", n, err)
		}
		out.SetFloat(f)
	case reflect.Slice:
		var n int
		var elem func(int) ast.Value
		switch x := v.(type) {
		case *ast.Array:
			n, elem = x.Len(), func(i int) ast.Value { return x.Elem(i).Value }
		case ast.Set:
			terms := x.Slice()
			n, elem = len(terms), func(i int) ast.Value { return terms[i].Value }
		default:
			return mismatch(v, out)
		}
		s := reflect.MakeSlice(out.Type(), n, n)
		for i := range n {
			if err := decode(elem(i), s.Index(i)); err != nil {
				return err
			}
		}
		out.Set(s)
	case reflect.Map:
		obj, ok := v.(ast.Object)
		if !ok || out.Type().Key().Kind() != reflect.String {
			return mismatch(v, out)
		}
		m := reflect.MakeMapWithSize(out.Type(), obj.Len())
		et := out.Type().Elem()
		var err error
		obj.Foreach(func(k, x *ast.Term) {
			ks, ok := k.Value.(ast.String)
			if err != nil {
				return
			}
			if !ok {
				err = fmt.Errorf("object key %v is not a string", k)
				return
			}
			e := reflect.New(et).Elem()
			if err = decode(x.Value, e); err == nil {
				m.SetMapIndex(reflect.ValueOf(string(ks)).Convert(out.Type().Key()), e)
			}
		})
		if err != nil {
			return err
		}
		out.Set(m)
	case reflect.Struct:
		obj, ok := v.(ast.Object)
		if !ok {
			return mismatch(v, out)
		}
		for _, f := range fieldsOf(out.Type()) {
			x := obj.Get(f.key)
			if x == nil {
				x = foldGet(obj, f.name)
			}
			if x == nil {
				continue
			}
			if err := decode(x.Value, out.Field(f.index)); err != nil {
				return fmt.Errorf("%s: %w", f.name, err)
			}
		}
	default:
		return fmt.Errorf("cannot decode into %s", out.Type())
	}
	return nil
}

// foldGet finds a key the way encoding/json does when none is equal:
// ignoring case.
func foldGet(obj ast.Object, name string) *ast.Term {
	var found *ast.Term
	obj.Until(func(k, v *ast.Term) bool {
		if s, ok := k.Value.(ast.String); ok && strings.EqualFold(string(s), name) {
			found = v
			return true
		}
		return false
	})
	return found
}

func mismatch(v ast.Value, out reflect.Value) error {
	return fmt.Errorf("cannot decode %s into %s", ast.ValueName(v), out.Type())
}

// generic is what encoding/json puts in an interface: map[string]any,
// []any, string, float64, bool or nil.
func generic(v ast.Value) (any, error) {
	switch x := v.(type) {
	case ast.Null:
		return nil, nil
	case ast.Boolean:
		return bool(x), nil
	case ast.String:
		return string(x), nil
	case ast.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return nil, fmt.Errorf("number %s: %w", x, err)
		}
		return f, nil
	case *ast.Array:
		out := make([]any, x.Len())
		for i := range out {
			e, err := generic(x.Elem(i).Value)
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	case ast.Set:
		terms := x.Slice()
		out := make([]any, len(terms))
		for i, t := range terms {
			e, err := generic(t.Value)
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	case ast.Object:
		out := make(map[string]any, x.Len())
		var err error
		x.Foreach(func(k, e *ast.Term) {
			if err != nil {
				return
			}
			ks, ok := k.Value.(ast.String)
			if !ok {
				err = fmt.Errorf("object key %v is not a string", k)
				return
			}
			out[string(ks)], err = generic(e.Value)
		})
		return out, err
	}
	return nil, fmt.Errorf("cannot decode %s", ast.ValueName(v))
}

type field struct {
	name  string
	key   *ast.Term // the name as an OPA string, made once
	index int
}

var fieldCache sync.Map // reflect.Type → []field

// fieldsOf lists a struct's fields by their JSON names, as encoding/json
// names them: the tag's name, else the field's; "-" and unexported fields
// are skipped.
func fieldsOf(t reflect.Type) []field {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]field)
	}
	var fs []field
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		fs = append(fs, field{name: name, key: ast.StringTerm(name), index: i})
	}
	fieldCache.Store(t, fs)
	return fs
}
