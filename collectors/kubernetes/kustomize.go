package kubernetes

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	sigyaml "sigs.k8s.io/yaml"

	"github.com/kaiji-dev/kaiji/collectors"
)

// kustomization lists what a kustomization file refers to.
type kustomization struct {
	file string // slash path of the kustomization file
	dir  string
	refs []string // slash paths, cleaned, relative to the working directory
}

// pathFields are the kustomization fields that name files or directories.
var pathFields = []string{"resources", "bases", "components", "crds", "configurations", "generators",
	"transformers", "validators", "patchesStrategicMerge"}

// objectPathFields name files inside lists of objects.
var objectPathFields = map[string][]string{
	"patches":            {"path"},
	"patchesJson6902":    {"path"},
	"replacements":       {"path"},
	"configMapGenerator": {"files", "envs", "env"},
	"secretGenerator":    {"files", "envs", "env"},
}

// parseKustomization reads the references of a kustomization file; remote
// references come back as an error with the line of the first.
func parseKustomization(f collectors.File, lim limits) (kustomization, int, error) {
	k := kustomization{file: f.Path, dir: path.Dir(f.Path)}
	docs, diags := readDocuments(f.Path, f.Data, lim)
	if len(diags) > 0 {
		return k, diags[0].Line, fmt.Errorf("%s", diags[0].Message)
	}
	if len(docs) == 0 {
		return k, 1, nil
	}
	v := val{v: docs[0].value, n: docs[0].root}
	type ref struct {
		v         val
		generator bool // generator files may be written key=path
	}
	var refs []ref
	for _, fld := range pathFields {
		for _, x := range v.get(fld).list() {
			refs = append(refs, ref{v: x})
		}
	}
	for fld, subs := range objectPathFields {
		gen := strings.HasSuffix(fld, "Generator")
		for _, e := range v.get(fld).list() {
			for _, s := range subs {
				x := e.get(s)
				if l := x.list(); l != nil {
					for _, y := range l {
						refs = append(refs, ref{y, gen})
					}
				} else if x.present() {
					refs = append(refs, ref{x, gen})
				}
			}
		}
	}
	if p := v.path("openapi", "path"); p.present() {
		refs = append(refs, ref{v: p})
	}
	if h := v.get("helmCharts"); h.present() {
		return k, h.line(), errors.New("uses helmCharts, which need helm; render the chart with helm template and scan the output")
	}
	for _, r := range refs {
		s := r.v.str()
		if _, after, ok := strings.Cut(s, "="); r.generator && ok {
			s = after
		}
		if s == "" {
			continue
		}
		if isRemote(s) {
			return k, r.v.line(), fmt.Errorf("%q %w", s, errRemote)
		}
		k.refs = append(k.refs, path.Clean(path.Join(k.dir, s)))
	}
	return k, 0, nil
}

// isRemote recognises URLs and the git forms kustomize accepts.
func isRemote(s string) bool {
	l := strings.ToLower(s)
	for _, p := range []string{"http://", "https://", "ssh://", "git@", "git::", "file://", "github.com/", "gitlab.com/", "bitbucket.org/", "dev.azure.com/"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return strings.Contains(l, "?ref=") || strings.Contains(l, ".git//") || strings.Contains(l, "/_git/")
}

// buildKustomizations builds every root kustomization among the files (one
// that no other kustomization refers to) and returns its objects, with the
// files the builds consumed.
func buildKustomizations(ctx context.Context, files []collectors.File, lim limits) ([]*object, collectors.Diagnostics, map[string]bool) {
	var ks []kustomization
	var diags collectors.Diagnostics
	consumed := map[string]bool{}
	bad := map[string]bool{}
	for _, f := range files {
		if !isKustomization(f.Path) {
			continue
		}
		k, line, err := parseKustomization(f, lim)
		if err != nil {
			diags = append(diags, collectors.Errorf(f.Path, line, "kustomization not built: %v", err))
			bad[k.dir] = true
		}
		ks = append(ks, k)
	}
	if len(ks) == 0 {
		return nil, nil, consumed
	}
	byDir := map[string]kustomization{}
	for _, k := range ks {
		byDir[k.dir] = k
	}
	// A kustomization that another one builds is not a root; the files a
	// kustomization names are consumed by its build.
	referenced := map[string]bool{}
	for _, k := range ks {
		if bad[k.dir] {
			continue
		}
		for _, r := range k.refs {
			if _, ok := byDir[r]; ok {
				referenced[r] = true
			} else {
				consumed[r] = true
			}
		}
	}
	var queue []kustomization
	for _, k := range ks {
		if !referenced[k.dir] {
			queue = append(queue, k)
		}
	}
	fsys := readOnlyFS{filesys.MakeFsOnDisk(), lim}
	var out []*object
	cache := map[string][]document{}
	done := map[string]bool{}
	// release gives up a build: its files are read one by one and the
	// kustomizations it would have built are built on their own.
	release := func(k kustomization) {
		for _, r := range k.refs {
			if sub, ok := byDir[r]; ok {
				queue = append(queue, sub)
			} else {
				delete(consumed, r)
			}
		}
	}
	for len(queue) > 0 && ctx.Err() == nil {
		k := queue[0]
		queue = queue[1:]
		if done[k.dir] {
			continue
		}
		done[k.dir] = true
		if bad[k.dir] {
			release(k)
			continue
		}
		objs, err := buildOne(fsys, k, files, cache, lim)
		if err != nil {
			diags = append(diags, collectors.Errorf(k.file, 1, "kustomization not built, its files are read one by one: %s", oneLine(err)))
			release(k)
			continue
		}
		out = append(out, objs...)
	}
	disambiguate(out)
	return out, diags, consumed
}

// oneLine flattens a kustomize error and makes the absolute paths it names
// relative to the working directory, as the scan's paths are.
func oneLine(err error) string {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if wd, werr := os.Getwd(); werr == nil {
		msg = strings.ReplaceAll(msg, filepath.ToSlash(wd)+"/", "")
	}
	return msg
}

// buildOne runs kustomize on one root and places each object at its origin.
func buildOne(fsys filesys.FileSystem, k kustomization, files []collectors.File, cache map[string][]document, lim limits) ([]*object, error) {
	opts := krusty.MakeDefaultOptions()
	opts.LoadRestrictions = types.LoadRestrictionsRootOnly
	opts.PluginConfig = types.DisabledPluginConfig()
	m, err := krusty.MakeKustomizer(opts).Run(fsys, filepath.FromSlash(k.dir))
	if err != nil {
		return nil, err
	}
	var out []*object
	for _, r := range m.Resources() {
		file := k.file
		if origin, err := r.GetOrigin(); err == nil && origin != nil && origin.Path != "" && origin.Repo == "" {
			file = path.Clean(path.Join(k.dir, filepath.ToSlash(origin.Path)))
		}
		data, err := r.Map()
		if err != nil {
			return nil, fmt.Errorf("read built object: %w", err)
		}
		stripBuildAnnotations(data)
		o := &object{v: val{v: data}, file: file, origin: k.dir}
		var root *yaml.Node
		o.line, o.endLine, root = originLine(o, files, cache, lim)
		// Lines of the base document serve where the build left values unchanged.
		o.v = val{v: data, n: root, loose: true}
		out = append(out, o)
	}
	return out, nil
}

// stripBuildAnnotations removes the annotations kaiji asked kustomize to add.
func stripBuildAnnotations(data map[string]any) {
	md, _ := data["metadata"].(map[string]any)
	ann, _ := md["annotations"].(map[string]any)
	if ann == nil {
		return
	}
	delete(ann, "config.kubernetes.io/origin")
	delete(ann, "alpha.config.kubernetes.io/transformations")
	if len(ann) == 0 {
		delete(md, "annotations")
	}
}

// originLine finds the document an object came from in its origin file:
// the same kind and name, else the same kind with a name the build changed.
func originLine(o *object, files []collectors.File, cache map[string][]document, lim limits) (int, int, *yaml.Node) {
	docs, ok := cache[o.file]
	if !ok {
		i := slices.IndexFunc(files, func(f collectors.File) bool { return f.Path == o.file })
		if i >= 0 {
			docs, _ = readDocuments(o.file, files[i].Data, lim)
		} else if data, err := readBounded(o.file); err == nil {
			// A base outside the scanned paths: kustomize read it, so may we.
			docs, _ = readDocuments(o.file, data, lim)
		}
		cache[o.file] = docs
	}
	best := -1
	for i, d := range docs {
		v := val{v: d.value}
		if v.get("kind").str() != o.kind() {
			continue
		}
		name := v.path("metadata", "name").str()
		if name == o.name() {
			best = i
			break
		}
		if best < 0 && name != "" && strings.Contains(o.name(), name) {
			best = i
		}
	}
	if best < 0 {
		return 1, 1, nil
	}
	return docs[best].line, docs[best].end, docs[best].root
}

// maxBaseSize bounds a base file read only to find an object's line.
const maxBaseSize = 8 << 20

func readBounded(p string) ([]byte, error) {
	f, err := os.Open(filepath.FromSlash(p))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxBaseSize))
}

// disambiguate suffixes the ids of objects that several kustomizations
// build under the same reference (overlays for different clusters).
func disambiguate(objs []*object) {
	count := map[string]int{}
	for _, o := range objs {
		count[o.ref()]++
	}
	for _, o := range objs {
		if count[o.ref()] > 1 {
			o.variant = o.origin
		}
	}
}

// readOnlyFS reads from disk, refuses writes and asks kustomize to record
// each object's origin file. Remote references are refused before a build
// (see parseKustomization) and again here for the kustomizations it loads.
type readOnlyFS struct {
	filesys.FileSystem
	lim limits
}

// ReadFile adds buildMetadata: [originAnnotations] to kustomization files.
func (r readOnlyFS) ReadFile(p string) ([]byte, error) {
	data, err := r.FileSystem.ReadFile(p)
	if err != nil || !isKustomization(filepath.ToSlash(p)) {
		return data, err
	}
	if _, line, err := parseKustomization(collectors.File{Path: filepath.ToSlash(p), Data: data}, r.lim); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", p, line, err)
	}
	var k map[string]any
	if err := sigyaml.Unmarshal(data, &k); err != nil || k == nil {
		return data, nil // kustomize reports the error itself
	}
	meta, _ := k["buildMetadata"].([]any)
	if !slices.Contains(meta, any("originAnnotations")) {
		k["buildMetadata"] = append(meta, "originAnnotations")
	}
	return sigyaml.Marshal(k)
}

// Create implements filesys.FileSystem by refusing.
func (readOnlyFS) Create(string) (filesys.File, error) { return nil, errWrite }

// Mkdir implements filesys.FileSystem by refusing.
func (readOnlyFS) Mkdir(string) error { return errWrite }

// MkdirAll implements filesys.FileSystem by refusing.
func (readOnlyFS) MkdirAll(string) error { return errWrite }

// RemoveAll implements filesys.FileSystem by refusing.
func (readOnlyFS) RemoveAll(string) error { return errWrite }

// WriteFile implements filesys.FileSystem by refusing.
func (readOnlyFS) WriteFile(string, []byte) error { return errWrite }
