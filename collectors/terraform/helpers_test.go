package terraform

import (
	"context"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kaiji-dev/kaiji/collectors"
)

var update = flag.Bool("update", false, "rewrite golden files")

// loadDir reads the files of a directory tree as the registry would: every
// file the collector accepts, skipping .terraform (read by the collector itself).
func loadDir(t testing.TB, root string) []collectors.File {
	t.Helper()
	c := New(Options{})
	var files []collectors.File
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".terraform" || d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sp := filepath.ToSlash(p)
		head := data[:min(len(data), 512)]
		if c.Accepts(sp, head) {
			files = append(files, collectors.File{Path: sp, Data: data})
		}
		return nil
	})
	if err != nil {
		t.Fatalf("read %s: %v", root, err)
	}
	return files
}

// collect runs the collector over in-memory files, with an empty environment.
func collect(t testing.TB, opts Options, files []collectors.File) ([]collectors.Fact, collectors.Diagnostics) {
	t.Helper()
	if opts.Env == nil {
		opts.Env = []string{}
	}
	facts, diags := New(opts).Collect(context.Background(), files)
	collectors.SortFacts(facts)
	diags.Sort()
	return facts, diags
}

// collectHCL collects a single main.tf with the given content.
func collectHCL(t testing.TB, src string) ([]collectors.Fact, collectors.Diagnostics) {
	t.Helper()
	return collect(t, Options{}, []collectors.File{{Path: "x/main.tf", Data: []byte(src)}})
}

// find returns the fact with the id and kind, or fails.
func find(t *testing.T, facts []collectors.Fact, id string, kind collectors.Kind) collectors.Fact {
	t.Helper()
	for _, f := range facts {
		if f.ID == id && (kind == "" || f.Kind == kind) {
			return f
		}
	}
	var ids []string
	for _, f := range facts {
		ids = append(ids, string(f.Kind)+" "+f.ID)
	}
	t.Fatalf("no %s fact %q among:\n%s", kind, id, strings.Join(ids, "\n"))
	return collectors.Fact{}
}

// attr returns the attribute at a dotted path, normalized through JSON so
// that numbers compare as float64.
func attrAt(f collectors.Fact, path string) (any, bool) {
	var cur any = f.Attrs
	for _, p := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = m[p]
		if !ok {
			return nil, false
		}
	}
	data, _ := json.Marshal(cur)
	var out any
	_ = json.Unmarshal(data, &out)
	return out, true
}

// unknownValue marks an expected attribute that must be listed as unknown.
type unknownValue struct{}

// absentValue marks an expected attribute that must not be set.
type absentValue struct{}

var (
	isUnknown = unknownValue{}
	isAbsent  = absentValue{}
)

// checkAttrs compares the expected attributes of a fact.
func checkAttrs(t *testing.T, f collectors.Fact, want map[string]any) {
	t.Helper()
	for path, w := range want {
		got, ok := attrAt(f, path)
		switch w.(type) {
		case unknownValue:
			if !containsString(f.Unknown, "attrs."+path) {
				t.Errorf("%s: attrs.%s not unknown (got %v, unknown %v)", f.ID, path, got, f.Unknown)
			}
			continue
		case absentValue:
			if ok {
				t.Errorf("%s: attrs.%s = %v, want absent", f.ID, path, got)
			}
			continue
		}
		wd, _ := json.Marshal(w)
		var wn any
		_ = json.Unmarshal(wd, &wn)
		gd, _ := json.Marshal(got)
		if !ok || string(gd) != string(wd) {
			t.Errorf("%s: attrs.%s = %s (set %v), want %s", f.ID, path, gd, ok, wd)
		}
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// mapperCase is one table-driven mapper test: a configuration, the fact it
// must produce and the attributes that fact must have.
type mapperCase struct {
	name string
	src  string
	id   string
	kind collectors.Kind
	want map[string]any
}

func runMapperCases(t *testing.T, tests []mapperCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			facts, diags := collectHCL(t, tt.src)
			if diags.HasErrors() {
				t.Fatalf("diagnostics: %v", diags)
			}
			checkAttrs(t, find(t, facts, tt.id, tt.kind), tt.want)
		})
	}
}
