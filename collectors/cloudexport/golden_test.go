package cloudexport

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kaiji-dev/kaiji/collectors"
)

var update = flag.Bool("update", false, "rewrite facts.golden.json files")

// collectDir runs the collector over the files of a directory it accepts.
func collectDir(t *testing.T, dir string) ([]collectors.Fact, collectors.Diagnostics) {
	t.Helper()
	c := New(Options{})
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []collectors.File
	for _, e := range entries {
		p := filepath.ToSlash(filepath.Join(dir, e.Name()))
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if e.Name() == "facts.golden.json" || !c.Accepts(p, data[:min(len(data), 512)]) {
			continue
		}
		files = append(files, collectors.File{Path: p, Data: data})
	}
	return c.Collect(context.Background(), files)
}

func TestGolden(t *testing.T) {
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "fuzz" {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			dir := filepath.Join("testdata", e.Name())
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

// TestIsIdent: isIdent agrees with the pattern it replaces,
// ^[A-Za-z_$][A-Za-z0-9_$-]*$, on names, paths, digits, symbols and
// non-ASCII keys.
func TestIsIdent(t *testing.T) {
	re := regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$-]*$`)
	for _, key := range []string{
		"", "a", "Z", "_", "$", "-", "0", "9a", "a9", "a-b", "-a", "a.b", "a b", "a[0]",
		"StorageEncrypted", "$ref", "_x-1$", "aws:kms", "キー", "aé", "a\x00", "a\n", "x/y",
	} {
		if got, want := isIdent(key), re.MatchString(key); got != want {
			t.Errorf("isIdent(%q) = %t, want %t", key, got, want)
		}
	}
}
