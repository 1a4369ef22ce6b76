package policies

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"sigs.k8s.io/yaml"

	"github.com/kaiji-dev/kaiji/internal/parallel"
)

// Root is the bundle root every built-in package and data document lives under.
const Root = "kaiji"

// LoadOptions say what to load.
type LoadOptions struct {
	// Tests includes *_test.rego modules.
	Tests bool
}

// Load reads a policy tree (the embedded FS, or a user directory through
// os.DirFS) into a bundle. Data files under data/ are mounted at
// data.kaiji.data.<name>; every module keeps its file name for error messages.
func Load(fsys fs.FS, prefix string, opts LoadOptions) (*bundle.Bundle, error) {
	b := &bundle.Bundle{
		Manifest: bundle.Manifest{Roots: &[]string{Root}},
		Data:     map[string]any{},
	}
	// The files are listed in walk order, then read and parsed one per core
	// (parsing is a third of what every kaiji command spends before its
	// work starts). Of the files that cannot be read or parsed, the first in
	// walk order is reported, as by a sequential read.
	type file struct {
		path, name string
		module     *ast.Module
		raw        []byte
		doc        any
		err        error
	}
	var files []*file
	paths, err := policyFiles(fsys, opts)
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		files = append(files, &file{path: p, name: path.Join(prefix, p)})
	}
	parallel.For(len(files), 0, func(i int) {
		f := files[i]
		if !strings.HasSuffix(f.path, ".rego") {
			if f.doc, f.err = ReadData(fsys, f.path); f.err != nil {
				f.err = fmt.Errorf("%s: %w", f.name, f.err)
			}
			return
		}
		if f.raw, f.err = fs.ReadFile(fsys, f.path); f.err == nil {
			f.module, f.err = ast.ParseModuleWithOpts(f.name, string(f.raw), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
		}
	})
	dataDocs := map[string]any{}
	for _, f := range files {
		switch {
		case f.err != nil:
			return nil, f.err
		case f.module != nil:
			b.Modules = append(b.Modules, bundle.ModuleFile{URL: f.name, Path: f.name, Raw: f.raw, Parsed: f.module})
		default:
			dataDocs[dataName(f.path)] = f.doc
		}
	}
	assemble(b, dataDocs)
	b.Manifest.Revision = Digest(b)
	return b, nil
}

// policyFiles lists the modules and data files of a policy tree, in walk
// order.
func policyFiles(fsys fs.FS, opts LoadOptions) ([]string, error) {
	var out []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if strings.HasSuffix(p, ".rego") && (!strings.HasSuffix(p, "_test.rego") || opts.Tests) || isDataFile(p) {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

func isDataFile(p string) bool {
	return strings.HasPrefix(p, "data/") && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".json"))
}

func dataName(p string) string {
	base := path.Base(p)
	return strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(base, ".json"), ".yml"), ".yaml")
}

// ReadData decodes one YAML or JSON data file into JSON-compatible values.
// A .json file is decoded as JSON: through the YAML converter the 70 KB
// reference.json cost every command 5 ms of CPU for the same values.
func ReadData(fsys fs.FS, p string) (any, error) {
	raw, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, err
	}
	js := raw
	if !strings.HasSuffix(p, ".json") {
		if js, err = yaml.YAMLToJSON(raw); err != nil {
			return nil, err
		}
	}
	var doc any
	if err := json.Unmarshal(js, &doc); err != nil {
		// The YAML converter writes valid JSON, so a syntax error is in a
		// .json file's own text: name its line.
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return nil, fmt.Errorf("line %d: %w", 1+bytes.Count(js[:syntax.Offset], []byte("\n")), err)
		}
		return nil, err
	}
	return doc, nil
}

// Digest identifies a policy set: the SHA-256 of its modules and data, in
// a stable order. Reports and evidence manifests record it.
func Digest(b *bundle.Bundle) string {
	h := sha256.New()
	for _, m := range b.Modules {
		fmt.Fprintf(h, "module %s %d\n", m.Path, len(m.Raw))
		h.Write(m.Raw)
	}
	js, _ := json.Marshal(b.Data) // map keys are sorted by encoding/json
	h.Write(js)
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

var builtin = sync.OnceValues(func() (*bundle.Bundle, error) {
	return Load(FS, "policies", LoadOptions{})
})

// Builtin returns the embedded policy library, loaded once.
func Builtin() (*bundle.Bundle, error) { return builtin() }

// BuiltinDigest is the embedded library's Digest (Builtin's revision)
// computed from its files without parsing the modules: kaiji version
// prints it, and parsing the library was most of that command's 50 ms.
func BuiltinDigest() (string, error) {
	digest, _, err := BuiltinSource()
	return digest, err
}

// BuiltinSource is the embedded library's Digest and data document
// (Builtin's Data), read without parsing the modules, once: a scan that
// evaluates the library's plans (engine) needs nothing else of it. The
// data is shared; callers do not change it.
func BuiltinSource() (digest string, data map[string]any, err error) {
	src, err := builtinSource()
	return src.digest, src.data, err
}

// SourceHash is the SHA-256 of the embedded library's files as they are
// (each path and its bytes, in walk order), computed without parsing
// anything: cheaper than BuiltinDigest, for telling whether something made
// from the library is still current.
var SourceHash = sync.OnceValues(func() (string, error) {
	paths, err := policyFiles(FS, LoadOptions{})
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, p := range paths {
		raw, err := fs.ReadFile(FS, p)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", p, len(raw))
		h.Write(raw)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
})

type source struct {
	digest string
	data   map[string]any
}

var builtinSource = sync.OnceValues(func() (source, error) {
	paths, err := policyFiles(FS, LoadOptions{})
	if err != nil {
		return source{}, err
	}
	b := &bundle.Bundle{Data: map[string]any{}}
	docs := map[string]any{}
	for _, p := range paths {
		if !strings.HasSuffix(p, ".rego") {
			if docs[dataName(p)], err = ReadData(FS, p); err != nil {
				return source{}, err
			}
			continue
		}
		raw, err := fs.ReadFile(FS, p)
		if err != nil {
			return source{}, err
		}
		b.Modules = append(b.Modules, bundle.ModuleFile{Path: path.Join("policies", p), Raw: raw})
	}
	assemble(b, docs)
	return source{digest: Digest(b), data: b.Data}, nil
})

// assemble mounts a policy tree's data documents at data.kaiji.data and
// orders its modules by path, as Load leaves them for Digest and the
// compiler.
func assemble(b *bundle.Bundle, docs map[string]any) {
	if len(docs) > 0 {
		b.Data[Root] = map[string]any{"data": docs}
	}
	sort.Slice(b.Modules, func(i, j int) bool { return b.Modules[i].Path < b.Modules[j].Path })
}
