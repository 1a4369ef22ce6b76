package terraform

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/kaiji-dev/kaiji/bench/gen"
	"github.com/kaiji-dev/kaiji/collectors"
)

// readTree reads every file under dir as the registry would hand them over.
func readTree(tb testing.TB, dir string) []collectors.File {
	tb.Helper()
	var files []collectors.File
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files = append(files, collectors.File{Path: filepath.ToSlash(p), Data: data})
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

// benchEstate generates the estate of n resources (bench/gen) under a
// temporary directory and returns its Terraform files and plan.
func benchEstate(b *testing.B, n int) (hcl, plan []collectors.File) {
	b.Helper()
	dir := b.TempDir()
	l, err := gen.Write(dir, gen.Options{Resources: n, NoKubernetes: true})
	if err != nil {
		b.Fatal(err)
	}
	return readTree(b, l.Terraform), readTree(b, filepath.Dir(l.Plan))
}

func size(files []collectors.File) int64 {
	var n int64
	for _, f := range files {
		n += int64(len(f.Data))
	}
	return n
}

// BenchmarkCollectHCL reads the generated Terraform trees: a root module
// calling three service modules with for_each and count.
func BenchmarkCollectHCL(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		hcl, _ := benchEstate(b, n)
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			c := New(Options{Vars: map[string]string{}})
			b.SetBytes(size(hcl))
			for b.Loop() {
				facts, diags := c.Collect(context.Background(), hcl)
				if len(diags) > 0 || len(facts) == 0 {
					b.Fatalf("%d facts, diagnostics %v", len(facts), diags)
				}
			}
		})
	}
}

// BenchmarkCollectPlan reads the same estates as terraform show -json plans.
func BenchmarkCollectPlan(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		_, plan := benchEstate(b, n)
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			c := New(Options{Vars: map[string]string{}})
			b.SetBytes(size(plan))
			for b.Loop() {
				facts, diags := c.Collect(context.Background(), plan)
				if len(diags) > 0 || len(facts) == 0 {
					b.Fatalf("%d facts, diagnostics %v", len(facts), diags)
				}
			}
		})
	}
}
