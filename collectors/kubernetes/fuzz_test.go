package kubernetes

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kaiji-dev/kaiji/collectors"
)

// FuzzManifest reads arbitrary bytes as a manifest file: the property is no
// panic, and every problem a diagnostic with the file's name.
func FuzzManifest(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/*.yaml")
	json, _ := filepath.Glob("testdata/*/*.json")
	for _, p := range append(seeds, json...) {
		if filepath.Base(p) == "facts.golden.json" {
			continue
		}
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(bomb(6)))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := New(Options{NoKustomize: true})
		_, diags := c.Collect(context.Background(), []collectors.File{{Path: "fuzz.yaml", Data: data}})
		for _, d := range diags {
			if d.File != "fuzz.yaml" {
				t.Fatalf("diagnostic without the file: %+v", d)
			}
		}
	})
}
