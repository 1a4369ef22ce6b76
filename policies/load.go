package policies

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/bundle"
	"sigs.k8s.io/yaml"
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
	dataDocs := map[string]any{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		name := path.Join(prefix, p)
		switch {
		case strings.HasSuffix(p, ".rego"):
			if strings.HasSuffix(p, "_test.rego") && !opts.Tests {
				return nil
			}
			src, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			m, err := ast.ParseModuleWithOpts(name, string(src), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
			if err != nil {
				return err
			}
			b.Modules = append(b.Modules, bundle.ModuleFile{URL: name, Path: name, Raw: src, Parsed: m})
		case isDataFile(p):
			doc, err := ReadData(fsys, p)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			dataDocs[dataName(p)] = doc
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(dataDocs) > 0 {
		b.Data[Root] = map[string]any{"data": dataDocs}
	}
	sort.Slice(b.Modules, func(i, j int) bool { return b.Modules[i].Path < b.Modules[j].Path })
	b.Manifest.Revision = Digest(b)
	return b, nil
}

func isDataFile(p string) bool {
	return strings.HasPrefix(p, "data/") && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".json"))
}

func dataName(p string) string {
	base := path.Base(p)
	return strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(base, ".json"), ".yml"), ".yaml")
}

// ReadData decodes one YAML or JSON data file into JSON-compatible values.
func ReadData(fsys fs.FS, p string) (any, error) {
	raw, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, err
	}
	js, err := yaml.YAMLToJSON(raw)
	if err != nil {
		return nil, err
	}
	var doc any
	if err := json.Unmarshal(js, &doc); err != nil {
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
