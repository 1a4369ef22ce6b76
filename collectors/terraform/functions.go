package terraform

import (
	"path"
	"strings"

	"github.com/hashicorp/go-cty-funcs/cidr"
	"github.com/hashicorp/go-cty-funcs/crypto"
	"github.com/hashicorp/go-cty-funcs/encoding"
	"github.com/hashicorp/go-cty-funcs/filesystem"
	"github.com/hashicorp/go-cty-funcs/uuid"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// unknownFunctions are Terraform functions whose result is never known
// statically: non-deterministic ones, and those not implemented here. A call
// evaluates to an unknown value, so the attribute it sets is unknown (see
// docs/terraform.md). Calls to functions in neither table are unknown too.
var unknownFunctions = []string{
	"bcrypt", "ephemeralasnull", "filebase64sha256", "filebase64sha512", "filemd5", "filesha1",
	"filesha256", "filesha512", "plantimestamp", "rsadecrypt", "templatefile", "templatestring",
	"textdecodebase64", "textencodebase64", "timestamp", "uuid", "base64gzip",
	"issensitive", "transpose", "yamldecode", "yamlencode",
}

// functions returns Terraform's built-in functions as implemented by go-cty's
// stdlib, hashicorp/go-cty-funcs and HCL's extensions. Functions that read
// files only read below the working directory: a path that is absolute or
// leaves it gives an unknown value.
func (l *loader) functions() map[string]function.Function {
	fs := map[string]function.Function{
		"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "chomp": stdlib.ChompFunc,
		"chunklist": stdlib.ChunklistFunc, "coalesce": stdlib.CoalesceFunc,
		"coalescelist": stdlib.CoalesceListFunc, "compact": stdlib.CompactFunc,
		"concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc, "csvdecode": stdlib.CSVDecodeFunc,
		"distinct": stdlib.DistinctFunc, "element": stdlib.ElementFunc, "flatten": stdlib.FlattenFunc,
		"floor": stdlib.FloorFunc, "format": stdlib.FormatFunc, "formatdate": stdlib.FormatDateFunc,
		"formatlist": stdlib.FormatListFunc, "indent": stdlib.IndentFunc, "join": stdlib.JoinFunc,
		"jsondecode": stdlib.JSONDecodeFunc, "jsonencode": stdlib.JSONEncodeFunc, "keys": stdlib.KeysFunc,
		"length": stdlib.LengthFunc, "log": stdlib.LogFunc, "lookup": stdlib.LookupFunc,
		"lower": stdlib.LowerFunc, "max": stdlib.MaxFunc, "merge": stdlib.MergeFunc, "min": stdlib.MinFunc,
		"parseint": stdlib.ParseIntFunc, "pow": stdlib.PowFunc, "range": stdlib.RangeFunc,
		"regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc, "replace": stdlib.ReplaceFunc,
		"reverse": stdlib.ReverseListFunc, "setintersection": stdlib.SetIntersectionFunc,
		"setproduct": stdlib.SetProductFunc, "setsubtract": stdlib.SetSubtractFunc,
		"setunion": stdlib.SetUnionFunc, "signum": stdlib.SignumFunc, "slice": stdlib.SliceFunc,
		"sort": stdlib.SortFunc, "split": stdlib.SplitFunc, "strrev": stdlib.ReverseFunc,
		"substr": stdlib.SubstrFunc, "timeadd": stdlib.TimeAddFunc, "title": stdlib.TitleFunc,
		"trim": stdlib.TrimFunc, "trimprefix": stdlib.TrimPrefixFunc, "trimspace": stdlib.TrimSpaceFunc,
		"trimsuffix": stdlib.TrimSuffixFunc, "upper": stdlib.UpperFunc, "values": stdlib.ValuesFunc,
		"zipmap": stdlib.ZipmapFunc, "index": indexFunc, "sum": sumFunc,
		"alltrue": allAnyFunc(true), "anytrue": allAnyFunc(false), "one": oneFunc,
		"startswith": strPredFunc(strings.HasPrefix), "endswith": strPredFunc(strings.HasSuffix),
		"strcontains": strPredFunc(strings.Contains),
		"try":         tryfunc.TryFunc, "can": tryfunc.CanFunc,
		"tostring": toFunc(cty.String), "tonumber": toFunc(cty.Number), "tobool": toFunc(cty.Bool),
		"tolist": toFunc(cty.List(cty.DynamicPseudoType)), "toset": toFunc(cty.Set(cty.DynamicPseudoType)),
		"tomap":     toFunc(cty.Map(cty.DynamicPseudoType)),
		"sensitive": sensitiveFunc, "nonsensitive": identityFunc, "type": unknownFunc,

		// hashicorp/go-cty-funcs
		"cidrhost": cidr.HostFunc, "cidrnetmask": cidr.NetmaskFunc, "cidrsubnet": cidr.SubnetFunc,
		"cidrsubnets": cidr.SubnetsFunc, "uuidv5": uuid.V5Func,
		"md5": crypto.Md5Func, "sha1": crypto.Sha1Func, "sha256": crypto.Sha256Func, "sha512": crypto.Sha512Func,
		"base64decode": encoding.Base64DecodeFunc, "base64encode": encoding.Base64EncodeFunc,
		"urlencode": encoding.URLEncodeFunc,
		"basename":  filesystem.BasenameFunc, "dirname": filesystem.DirnameFunc,
		"abspath": unknownFunc, "pathexpand": unknownFunc,
		"file":       confined(filesystem.MakeFileFunc(".", false)),
		"filebase64": confined(filesystem.MakeFileFunc(".", true)),
		"fileexists": confined(filesystem.MakeFileExistsFunc(".")),
		"fileset":    confined(filesystem.MakeFileSetFunc(".")),
	}
	for _, name := range unknownFunctions {
		if _, ok := fs[name]; !ok {
			fs[name] = unknownFunc
		}
	}
	return fs
}

// unknownFunc accepts any arguments and returns an unknown value.
var unknownFunc = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true},
	Type:     function.StaticReturnType(cty.DynamicPseudoType),
	Impl:     func([]cty.Value, cty.Type) (cty.Value, error) { return cty.DynamicVal, nil },
})

// sensitiveFunc hides its argument: a sensitive value is never output, so it is unknown.
var sensitiveFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "v", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true}},
	Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl:   func(args []cty.Value, t cty.Type) (cty.Value, error) { return cty.UnknownVal(t), nil },
})

var identityFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "v", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true}},
	Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl:   func(args []cty.Value, _ cty.Type) (cty.Value, error) { return args[0], nil },
})

// confined wraps a file function so that it reads only relative paths that
// stay below the working directory; other paths give an unknown value.
func confined(f function.Function) function.Function {
	return function.New(&function.Spec{
		Params:   f.Params(),
		VarParam: f.VarParam(),
		Type:     function.StaticReturnType(cty.DynamicPseudoType),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if len(args) == 0 || args[0].Type() != cty.String || !args[0].IsKnown() || args[0].IsNull() {
				return cty.DynamicVal, nil
			}
			p := args[0].AsString()
			c := path.Clean(strings.ReplaceAll(p, "\\", "/"))
			if path.IsAbs(c) || c == ".." || strings.HasPrefix(c, "../") || strings.HasPrefix(p, "~") || strings.Contains(p, ":") {
				return cty.DynamicVal, nil
			}
			v, err := f.Call(args)
			if err != nil {
				return cty.DynamicVal, nil //nolint:nilerr // a missing file is an unknown value, not an error
			}
			return v, nil
		},
	})
}

// toFunc builds Terraform's type-conversion functions (tostring, tolist …).
func toFunc(want cty.Type) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "v", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true, AllowMarked: true}},
		Type: func(args []cty.Value) (cty.Type, error) {
			if want.HasDynamicTypes() {
				return cty.DynamicPseudoType, nil
			}
			return want, nil
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return convert.Convert(args[0], want)
		},
	})
}
