package kubernetes

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kaiji-dev/kaiji/collectors"
)

var update = flag.Bool("update", false, "rewrite facts.golden.json files")

// goldenCases lists the directories of testdata that hold a golden case.
func goldenCases(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != "fuzz" {
			out = append(out, e.Name())
		}
	}
	return out
}

// collectDir runs the collector over the files of a directory it accepts,
// as the registry would hand them over.
func collectDir(t *testing.T, dir string) ([]collectors.Fact, collectors.Diagnostics) {
	t.Helper()
	c := New(Options{})
	var files []collectors.File
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		sp := filepath.ToSlash(p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		head := data[:min(len(data), 512)]
		if path.Base(sp) == "facts.golden.json" || !c.Accepts(sp, head) {
			return nil
		}
		files = append(files, collectors.File{Path: sp, Data: data})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return c.Collect(context.Background(), files)
}

func TestGolden(t *testing.T) {
	for _, name := range goldenCases(t) {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", name)
			facts, diags := collectDir(t, dir)
			if facts == nil {
				facts = []collectors.Fact{}
			}
			if diags == nil {
				diags = collectors.Diagnostics{}
			}
			got, err := json.MarshalIndent(struct {
				Facts       []collectors.Fact      `json:"facts"`
				Diagnostics collectors.Diagnostics `json:"diagnostics"`
			}{facts, diags}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join(dir, "facts.golden.json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(want, got) {
				t.Errorf("facts differ (-want +got):\n%s", cmp.Diff(string(want), string(got)))
			}
		})
	}
}

// TestNoSecrets checks that no fact carries secret values of the test data.
func TestNoSecrets(t *testing.T) {
	for _, name := range goldenCases(t) {
		facts, _ := collectDir(t, filepath.Join("testdata", name))
		b, err := json.Marshal(facts)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"hunter2", "--password", "SECRET"} {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s: facts contain %q", name, secret)
			}
		}
	}
}

// TestMapObjectsAnyCores: objects mapped in parts on two cores give every
// golden case the facts and diagnostics of one core mapping them whole (an
// object lost or mapped twice between parts, or a race, fails it).
func TestMapObjectsAnyCores(t *testing.T) {
	saved := objectChunk
	defer func() { objectChunk = saved }()
	facts := 0
	for _, name := range goldenCases(t) {
		dir := filepath.Join("testdata", name)
		objectChunk = 1 << 30
		prev := runtime.GOMAXPROCS(1)
		oneFacts, oneDiags := collectDir(t, dir)
		runtime.GOMAXPROCS(prev)
		objectChunk = 2
		for range 2 {
			got, diags := collectDir(t, dir)
			if !reflect.DeepEqual(got, oneFacts) {
				t.Fatalf("%s: facts in parts on two cores differ from one core's", name)
			}
			if !reflect.DeepEqual(diags, oneDiags) {
				t.Fatalf("%s: diagnostics in parts\n%v\none core's\n%v", name, diags, oneDiags)
			}
		}
		facts += len(oneFacts)
	}
	if facts < 100 {
		t.Errorf("%d facts in every golden case", facts)
	}
}
