package kubernetes

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/kaiji-dev/kaiji/bench/gen"
	"github.com/kaiji-dev/kaiji/collectors"
)

// BenchmarkCollectEstate reads the generated manifests (bench/gen): one file
// per application, each in a namespace of its own.
func BenchmarkCollectEstate(b *testing.B) {
	benchEstate(b, func(files []collectors.File) []collectors.File { return files })
}

// BenchmarkCollectOneFile reads the same manifests as one file of
// documents, as kustomize build or helm template write them.
func BenchmarkCollectOneFile(b *testing.B) {
	benchEstate(b, func(files []collectors.File) []collectors.File {
		var all []byte
		for _, f := range files {
			all = append(append(all, f.Data...), "\n---\n"...)
		}
		return []collectors.File{{Path: "all.yaml", Data: all}}
	})
}

func benchEstate(b *testing.B, shape func([]collectors.File) []collectors.File) {
	for _, n := range []int{1000, 10000} {
		dir := b.TempDir()
		l, err := gen.Write(dir, gen.Options{Resources: n, NoPlan: true})
		if err != nil {
			b.Fatal(err)
		}
		var files []collectors.File
		err = filepath.WalkDir(l.Kubernetes, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(p)
			files = append(files, collectors.File{Path: filepath.ToSlash(p), Data: data})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		files = shape(files)
		var bytes int64
		for _, f := range files {
			bytes += int64(len(f.Data))
		}
		b.Run(fmt.Sprintf("objects=%d", n), func(b *testing.B) {
			c := New(Options{NoKustomize: true})
			b.SetBytes(bytes)
			for b.Loop() {
				facts, diags := c.Collect(context.Background(), files)
				if len(diags) > 0 || len(facts) == 0 {
					b.Fatalf("%d facts, diagnostics %v", len(facts), diags)
				}
			}
		})
	}
}
